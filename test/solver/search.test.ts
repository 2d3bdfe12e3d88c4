import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { constructRegret } from '../../solver/construction.js';
import { solve, type Problem } from '../../solver/index.js';
import { Instance } from '../../solver/instance.js';
import { localSearch, makeLocalSearch } from '../../solver/local-search.js';
import { makeRecreateScratch, recreateGreedy } from '../../solver/recreate.js';
import { Rng } from '../../solver/rng.js';
import { defaultRuinParams, makeRuinScratch, ruinStrings } from '../../solver/ruin.js';
import { parseSolomon } from '../../solver/solomon.js';
import { WorkingSolution } from '../../solver/working-solution.js';
import { checkSolution } from './check-solution.js';
import { randomProblem } from './random-instance.js';

const here = dirname(fileURLToPath(import.meta.url));
const c101 = (): Problem => parseSolomon(readFileSync(join(here, 'fixtures', 'solomon', 'C101.25.txt'), 'utf8')).problem;

const sequences = (ws: WorkingSolution): number[][] => ws.routes.map((r) => r.sequence());

describe('local search focused on what changed', () => {
  it('ends in a local optimum of the whole neighbourhood: a full descent afterwards changes nothing', () => {
    let focused = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const inst = new Instance(randomProblem(seed, { jobs: 14 + (seed % 8), vehicles: 3, horizon: 600, locations: 20, maxBreaks: seed % 2 }));
        const rng = new Rng(seed);
        const counter = { moves: 0 };
        const ls = makeLocalSearch(inst, rng, counter);
        const ref = new WorkingSolution(inst);
        constructRegret(inst, ref, counter);
        localSearch(ls, ref, null);
        const settled = sequences(ref);
        localSearch(ls, ref, null);
        fc.pre(JSON.stringify(sequences(ref)) === JSON.stringify(settled)); // the reference is a local optimum
        // One ruin-and-recreate step, as the search takes it.
        const cand = ref.copy(inst);
        const removed: number[] = [];
        ruinStrings(inst, cand, rng, defaultRuinParams(inst.assignable.length), removed, makeRuinScratch(inst));
        recreateGreedy(inst, cand, removed, [], rng, { blinkRate: 0.01, nearJobs: 0, minRoutes: 0 }, counter, makeRecreateScratch(inst));
        if (cand.routes.some((r, v) => r !== ref.routes[v])) focused++;
        localSearch(ls, cand, ref);
        const after = sequences(cand);
        const check = cand.copy(inst);
        localSearch(ls, check, null);
        expect(sequences(check)).toEqual(after);
      }),
      { numRuns: 120 },
    );
    expect(focused).toBeGreaterThan(50);
  });
});

describe('greedy insertion on plans with many routes', () => {
  /**
   * Jobs on a line, two per vehicle, all four vehicles in use; job 8 sits
   * between the first vehicle's jobs and, with `skilled`, needs a skill only
   * the last vehicle has.
   */
  function crowded(skilled: boolean): { inst: Instance; ws: WorkingSolution } {
    const xs = [0, 10, 11, 20, 21, 30, 31, 40, 41, 10.5];
    const size = xs.length;
    const d = new Float64Array(size * size);
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) d[a * size + b] = Math.abs(xs[a]! - xs[b]!);
    const problem: Problem = {
      matrices: [{ size, durations: d, distances: d }],
      objective: 'minimize_travel',
      jobs: xs.slice(1).map((_, k) => ({
        location: k + 1, service: 0, timeWindows: [], demand: [1], skills: skilled && k === 8 ? [1] : [], priority: 1, mustVisit: false,
      })),
      vehicles: [0, 1, 2, 3].map((v) => ({
        profile: 0, start: 0, end: 0, shift: { start: 0, end: 1000 }, capacity: [10], skills: v === 3 ? [1] : [], maxJobs: Infinity,
        maxDistance: Infinity, breaks: [], fixedCost: 0, costPerTime: 0, costPerDistance: 1,
      })),
    };
    const inst = new Instance(problem);
    const ws = new WorkingSolution(inst);
    for (let v = 0; v < 4; v++) {
      expect(ws.insert(inst, 2 * v, v, 0)).toBe(true);
      expect(ws.insert(inst, 2 * v + 1, v, 1)).toBe(true);
    }
    ws.unassigned = [8];
    return { inst, ws };
  }

  it('offers a job to the far routes when none of its near routes can take it', () => {
    const { inst, ws } = crowded(true);
    expect(Array.from(inst.adjacency[8]!.slice(0, 2)).sort()).toEqual([0, 1]);
    recreateGreedy(inst, ws, [8], [], new Rng(1), { blinkRate: 0, nearJobs: 2, minRoutes: 0 }, { moves: 0 }, makeRecreateScratch(inst));
    expect(ws.unassigned).toEqual([]);
    expect(ws.routeOf[8]).toBe(3);
  });

  it('looks only at the near routes when one of them can take the job', () => {
    const { inst, ws } = crowded(false);
    const counter = { moves: 0 };
    recreateGreedy(inst, ws, [8], [], new Rng(1), { blinkRate: 0, nearJobs: 2, minRoutes: 0 }, counter, makeRecreateScratch(inst));
    expect(ws.routes[0]!.sequence()).toEqual([0, 8, 1]);
    expect(counter.moves).toBe(3); // the three positions of route 0
    // Without the restriction every route is searched.
    const all = crowded(false);
    const counterAll = { moves: 0 };
    recreateGreedy(all.inst, all.ws, [8], [], new Rng(1), { blinkRate: 0, nearJobs: 0, minRoutes: 0 }, counterAll, makeRecreateScratch(all.inst));
    expect(all.ws.routes[0]!.sequence()).toEqual([0, 8, 1]);
    expect(counterAll.moves).toBe(12);
  });
});

describe('first answers', () => {
  it('maxIterations 0 returns the constructed plan after one descent, feasible and complete', () => {
    const problem = c101();
    const first = solve(problem, { maxIterations: 0 });
    expect(first.iterations).toBe(0);
    expect(first.stopReason).toBe('iteration_limit');
    expect(first.unassigned).toEqual([]);
    expect(checkSolution(problem, first)).toEqual([]);
    const later = solve(problem, { maxIterations: 2000 });
    expect(later.distance).toBeLessThanOrEqual(first.distance + 1e-9);
  });

  it('reports the constructed plan before the first iteration, then only improvements', () => {
    const problem = randomProblem(31, { jobs: 40, vehicles: 4, horizon: 900, locations: 41 });
    const seen: { iteration: number; bestCost: number; elapsedMs: number }[] = [];
    const sol = solve(problem, { maxIterations: 3000, progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(seen[0]!.iteration).toBe(0);
    expect(seen.length).toBeGreaterThan(2);
    for (let k = 1; k < seen.length; k++) {
      expect(seen[k]!.bestCost).toBeLessThanOrEqual(seen[k - 1]!.bestCost);
      expect(seen[k]!.elapsedMs).toBeGreaterThanOrEqual(seen[k - 1]!.elapsedMs);
    }
    expect(seen[seen.length - 1]!.bestCost).toBeCloseTo(sol.cost, 6);
    expect(seen[0]!.bestCost).toBeGreaterThan(sol.cost);
  });
});
