import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifySolomon } from '../../solver/cli/verify.js';
import { solve } from '../../solver/index.js';
import { parseSolomon, SolomonParseError } from '../../solver/solomon.js';
import { checkSolution } from './check-solution.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const fixture = (name: string): string => join(here, 'fixtures', 'solomon', `${name}.txt`);
const read = (name: string): string => readFileSync(fixture(name), 'utf8');

/**
 * The first 25 customers of Solomon's C101 and R101, a standard variant.
 * Published optima (distances truncated to one decimal): 191.3 and 617.1;
 * in double precision the same tours measure 191.81 and 618.33.
 */
const OPTIMA: Record<string, number> = { 'C101.25': 191.3, 'R101.25': 617.1 };

describe('Solomon format', () => {
  it('parses the vehicle section, the depot and every customer row', () => {
    const inst = parseSolomon(read('C101.25'));
    expect(inst.name).toBe('C101.25');
    expect([inst.fleet, inst.capacity]).toEqual([25, 200]);
    expect(inst.customers).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    const p = inst.problem;
    expect(p.matrices[0]!.size).toBe(26);
    expect(p.vehicles).toHaveLength(25);
    expect(p.vehicles[0]!.shift).toEqual({ start: 0, end: 1236 });
    expect(p.jobs[0]).toMatchObject({ location: 1, service: 90, timeWindows: [{ start: 912, end: 967 }], demand: [10] });
    // Euclidean, unrounded; travel time equals distance.
    expect(p.matrices[0]!.distances[1]).toBeCloseTo(Math.hypot(45 - 40, 68 - 50), 12);
    expect(p.matrices[0]!.durations).toBe(p.matrices[0]!.distances);
  });

  it('reads CRLF line endings, lower-case names and blank lines holding spaces (Gehring–Homberger layout)', () => {
    const lf = read('R101.25');
    const crlf = lf
      .split('\n')
      .map((l, k) => (k === 0 ? l.toLowerCase() : /^CUSTOMER|^VEHICLE/.test(l) ? l.toLowerCase() : l === '' ? ' ' : l))
      .join('\r\n');
    expect(crlf).toContain('\r\n \r\n');
    const a = parseSolomon(lf);
    const b = parseSolomon(crlf);
    expect(b.name).toBe('r101.25');
    expect(b.problem).toEqual(a.problem);
    expect(b.customers).toEqual(a.customers);
  });

  it('rejects files without the sections or with broken rows', () => {
    expect(() => parseSolomon('')).toThrow(SolomonParseError);
    expect(() => parseSolomon('X\nVEHICLE\n1 10\n')).toThrow(SolomonParseError);
    expect(() => parseSolomon(read('C101.25').replace(/\n {9}3 .*\n/, '\n 3 42 66 x 65 146 90\n'))).toThrow(/bad customer row/);
  });
});

describe('Solomon instances, solved', () => {
  for (const name of ['C101.25', 'R101.25']) {
    it(`${name}: every customer served, feasible by both checkers, within 0.5% of the published optimum`, () => {
      const inst = parseSolomon(read(name));
      const sol = solve(inst.problem, { seed: 1 });
      expect(sol.unassigned).toEqual([]);
      expect(checkSolution(inst.problem, sol)).toEqual([]);
      const routes = sol.routes.map((r) => r.jobs.map((j) => inst.customers[j]!));
      const check = verifySolomon(inst, routes);
      expect(check.violations).toEqual([]);
      expect(check.distance).toBeCloseTo(sol.distance, 6);
      expect(sol.distance).toBeLessThanOrEqual(OPTIMA[name]! * 1.005);
    });
  }

  it('the independent verifier catches a missing customer, a late service, an overloaded route', () => {
    const inst = parseSolomon(read('C101.25'));
    const sol = solve(inst.problem, { seed: 2, maxIterations: 200 });
    const routes = sol.routes.map((r) => r.jobs.map((j) => inst.customers[j]!));
    expect(verifySolomon(inst, routes).violations).toEqual([]);
    const dropped = routes.map((r, k) => (k === 0 ? r.slice(1) : r));
    expect(verifySolomon(inst, dropped).violations.join()).toMatch(/not visited/);
    const longest = routes.reduce((a, b) => (b.length > a.length ? b : a));
    const reversed = routes.map((r) => (r === longest ? r.slice().reverse() : r));
    expect(verifySolomon(inst, reversed).violations.join()).toMatch(/starts at .* after/);
    const merged = [routes.flat()];
    expect(verifySolomon(inst, merged).violations.join()).toMatch(/load .* over 200/);
  });

  it('the benchmark CLI solves a file and reports it feasible', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'solver', 'cli', 'solve.ts'), '--time-limit', '0.3', fixture('R101.25')], {
      cwd: root,
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as { instance: string; feasible: boolean; violations: string[]; routes: number[][]; distance: number };
    expect(r.instance).toBe('R101.25');
    expect(r.violations).toEqual([]);
    expect(r.feasible).toBe(true);
    expect(r.routes.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, k) => k + 1));
    expect(r.distance).toBeLessThanOrEqual(OPTIMA['R101.25']! * 1.01);
  });
});
