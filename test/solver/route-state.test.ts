import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Instance } from '../../solver/instance.js';
import { gapAdmits, insertionDelta, removalDelta, routeAccepts } from '../../solver/insertion.js';
import { concatOut, evalConcat, Route } from '../../solver/route-state.js';
import { Rng } from '../../solver/rng.js';
import { removeFromRoute } from '../../solver/ruin.js';
import { earliestStart, latestStart } from '../../solver/time-windows.js';
import { WorkingSolution } from '../../solver/working-solution.js';
import type { Problem } from '../../solver/model.js';
import { randomProblem } from './random-instance.js';
import { closeTo, referenceRoute } from './reference.js';

const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

/** Jobs vehicle v has the skills for (and is not barred from by a pin). */
function servable(inst: Instance, v: number): number[] {
  const p = inst.problem;
  const out: number[] = [];
  for (let j = 0; j < inst.n; j++) {
    const job = p.jobs[j]!;
    if (job.pinnedVehicle !== undefined && job.pinnedVehicle !== v) continue;
    if (job.skills.every((s) => p.vehicles[v]!.skills.includes(s))) out.push(j);
  }
  return out;
}

/** A random order of some servable jobs with all of the vehicle's breaks mixed in. */
function randomSequence(inst: Instance, v: number, rng: Rng, maxJobs = 6): number[] {
  const jobs = servable(inst, v);
  rng.shuffle(jobs);
  const seq = jobs.slice(0, rng.int(Math.min(maxJobs, jobs.length) + 1));
  if (seq.length > 0) for (const b of inst.vBreaks[v]!) seq.splice(rng.int(seq.length + 1), 0, b);
  return seq;
}

function routeOf(inst: Instance, v: number, seq: number[]): Route {
  const r = new Route(v, inst.dims);
  r.setSequence(seq);
  r.update(inst);
  return r;
}

describe('time-window lookups', () => {
  it('agree with a scan of the windows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -10, max: 400 }),
        (raw, t) => {
          // Build sorted disjoint windows from (gap, width) pairs.
          const ws: [number, number][] = [];
          let at = 0;
          for (const [gap, width] of raw) {
            ws.push([at + gap, at + gap + width]);
            at += gap + width + 1;
          }
          const off = Int32Array.from([0, ws.length]);
          const st = Float64Array.from(ws.map((w) => w[0]));
          const en = Float64Array.from(ws.map((w) => w[1]));
          const feasibleStarts: number[] = [];
          for (const [a, b] of ws) for (let x = a; x <= b; x++) feasibleStarts.push(x);
          const early = feasibleStarts.filter((x) => x >= t);
          const e = earliestStart(off, st, en, 0, t);
          // Integer arrival: the earliest start is the smallest feasible start not before it.
          expect(e).toBe(early.length ? Math.min(...early) : Infinity);
          const late = feasibleStarts.filter((x) => x <= t);
          expect(latestStart(off, st, en, 0, t)).toBe(late.length ? Math.max(...late) : -Infinity);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('route state', () => {
  it('update agrees with a sequential evaluation (windows, breaks, open ends, profiles)', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const inst = new Instance(randomProblem(seed));
        const rng = new Rng(seed);
        for (let v = 0; v < inst.m; v++) {
          for (let k = 0; k < 4; k++) {
            const seq = randomSequence(inst, v, rng);
            const r = routeOf(inst, v, seq);
            const ref = referenceRoute(inst, v, seq);
            expect(r.feasible).toBe(ref.feasible);
            expect(closeTo(r.cost, ref.cost)).toBe(true);
            expect(closeTo(r.distance, ref.distance)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('insertion feasibility and cost delta match a full recomputation', () => {
    let checked = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const inst = new Instance(randomProblem(seed, { horizon: 400 }));
        const rng = new Rng(seed ^ 0x5bd1e995);
        for (let v = 0; v < inst.m; v++) {
          const seq = randomSequence(inst, v, rng, 5);
          const r = routeOf(inst, v, seq);
          if (!r.feasible || r.jobCount === 0) continue;
          for (const u of servable(inst, v)) {
            if (seq.includes(u) || !routeAccepts(inst, r, u)) continue;
            for (let p = 0; p <= r.len; p++) {
              const next = seq.slice();
              next.splice(p, 0, u);
              const ref = referenceRoute(inst, v, next);
              const d = insertionDelta(inst, r, u, p);
              expect(d < Infinity).toBe(ref.feasible);
              if (ref.feasible) expect(closeTo(d, ref.cost - r.cost)).toBe(true);
              checked++;
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('the time-gap bound never rejects a feasible insertion, and rejects infeasible ones', () => {
    let feasible = 0;
    let rejected = 0;
    fc.assert(
      fc.property(seeds, fc.boolean(), (seed, tight) => {
        // Tight horizons fill routes, so the bound has something to reject.
        const inst = new Instance(randomProblem(seed, tight ? { horizon: 40, jobs: 16, maxBreaks: 2 } : { horizon: 400, maxBreaks: 2 }));
        const rng = new Rng(seed ^ 0x7f4a7c15);
        for (let v = 0; v < inst.m; v++) {
          const seq = randomSequence(inst, v, rng, tight ? 10 : 6);
          const r = routeOf(inst, v, seq);
          if (!r.feasible || r.jobCount === 0) continue;
          for (const u of servable(inst, v)) {
            if (seq.includes(u)) continue;
            for (let p = 0; p <= r.len; p++) {
              const next = seq.slice();
              next.splice(p, 0, u);
              const ok = referenceRoute(inst, v, next).feasible;
              const admitted = gapAdmits(inst, r, u, p);
              if (ok) {
                expect(admitted).toBe(true);
                feasible++;
              } else if (!admitted) rejected++;
            }
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(feasible).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(10);
  });

  it('the time-gap bound rejects every position of a route that has no room for the service', () => {
    // Five locations one second apart; a 100 s shift holds three 30 s visits, not four.
    const L = 5;
    const durations = new Float64Array(L * L).map((_, k) => (Math.floor(k / L) === k % L ? 0 : 1));
    const job = (location: number): Problem['jobs'][number] => ({ location, service: 30, timeWindows: [], demand: [], skills: [], priority: 1, mustVisit: false });
    const inst = new Instance({
      matrices: [{ size: L, durations, distances: durations }],
      jobs: [job(1), job(2), job(3), job(4)],
      vehicles: [{ profile: 0, start: 0, end: 0, shift: { start: 0, end: 100 }, capacity: [], skills: [], maxJobs: Infinity, maxDistance: Infinity, breaks: [], fixedCost: 0, costPerTime: 1, costPerDistance: 0 }],
      objective: 'maximize_priority',
    });
    const full = routeOf(inst, 0, [0, 1, 2]);
    expect(full.feasible).toBe(true);
    for (let p = 0; p <= full.len; p++) {
      expect(gapAdmits(inst, full, 3, p)).toBe(false);
      expect(insertionDelta(inst, full, 3, p)).toBe(Infinity);
    }
    const two = routeOf(inst, 0, [0, 1]);
    expect(gapAdmits(inst, two, 3, two.len)).toBe(true);
  });

  it('removal feasibility and cost delta match a full recomputation', () => {
    let checked = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const inst = new Instance(randomProblem(seed, { horizon: 400 }));
        const rng = new Rng(seed ^ 0x1234567);
        for (let v = 0; v < inst.m; v++) {
          const seq = randomSequence(inst, v, rng);
          const r = routeOf(inst, v, seq);
          if (!r.feasible) continue;
          for (let p = 1; p <= r.len; p++) {
            const x = r.nodes[p]!;
            if (x >= inst.n) continue;
            const rest = seq.filter((y) => y !== x);
            const remaining = rest.some((y) => y < inst.n) ? rest : [];
            const ref = referenceRoute(inst, v, remaining);
            const d = removalDelta(inst, r, p);
            expect(d < Infinity).toBe(ref.feasible);
            if (ref.feasible) expect(closeTo(d, ref.cost - r.cost)).toBe(true);
            checked++;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('segment concatenation pins the exact arrival at the end (shift end tightened to it)', () => {
    let checked = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const problem = randomProblem(seed, { horizon: 400, vehicles: 2, maxBreaks: 2, profiles: 1 });
        const inst = new Instance(problem);
        const rng = new Rng(seed ^ 0x2545f491);
        const seqs = Array.from({ length: inst.m }, (_, v) => randomSequence(inst, v, rng));
        const a = rng.int(inst.m);
        const b = rng.int(inst.m);
        const A0 = routeOf(inst, a, seqs[a]!);
        const B0 = routeOf(inst, b, seqs[b]!);
        if (A0.jobCount === 0 || B0.jobCount === 0) return;
        const pa = a === b ? rng.int(A0.len + 1) : A0.lastBreakPos + rng.int(A0.len + 1 - A0.lastBreakPos);
        const pb = a === b ? pa + 1 + rng.int(A0.len + 1 - pa) : B0.lastBreakPos + 1 + rng.int(B0.len + 1 - B0.lastBreakPos);
        const middle = a === b ? Array.from(A0.nodes.subarray(pa + 1, pb)) : [];
        rng.shuffle(middle);
        const seq = [...seqs[a]!.slice(0, pa), ...middle, ...seqs[b]!.slice(pb - 1)];
        const ref = referenceRoute(inst, a, seq, true);
        if (!ref.feasible) return;
        const sameClass = inst.vClass[a] === inst.vClass[b];
        for (const [end, expected] of [
          [ref.end, true],
          [ref.end - 0.5, false],
        ] as const) {
          // Tighten the shift of A (and of B when it shares A's class, to keep the constant-time path).
          const vehicles = problem.vehicles.map((veh, v) =>
            v === a || (sameClass && v === b) ? { ...veh, shift: { start: veh.shift.start, end } } : veh,
          );
          const inst2 = new Instance({ ...problem, vehicles });
          const A = routeOf(inst2, a, seqs[a]!);
          const B = a === b ? A : routeOf(inst2, b, seqs[b]!);
          const buf = Int32Array.from(middle.length ? middle : [0]);
          expect(evalConcat(inst2, A, pa, buf, 0, middle.length, B, pb)).toBe(expected);
          checked++;
        }
      }),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(200);
  });

  it('segment concatenation matches a full recomputation, within a route and across routes', () => {
    let checked = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const inst = new Instance(randomProblem(seed, { horizon: 400, vehicles: 2 + (seed % 2), maxBreaks: 2 }));
        const rng = new Rng(seed ^ 0x7f4a7c15);
        const buf = new Int32Array(64);
        const routes = Array.from({ length: inst.m }, (_, v) => routeOf(inst, v, randomSequence(inst, v, rng)));
        for (const A of routes) {
          if (!A.feasible || A.jobCount === 0) continue;
          // Within A: keep 0..pa, reorder the middle, keep pb..end.
          const pa = rng.int(A.len + 1);
          const pb = pa + 1 + rng.int(A.len + 1 - pa);
          const middle = Array.from(A.nodes.subarray(pa + 1, pb));
          rng.shuffle(middle);
          buf.set(middle);
          const seq = [...A.sequence().slice(0, pa), ...middle, ...A.sequence().slice(pb - 1)];
          const ref = referenceRoute(inst, A.vehicle, seq, true);
          expect(evalConcat(inst, A, pa, buf, 0, middle.length, A, pb)).toBe(ref.feasible);
          if (ref.feasible) {
            expect(closeTo(concatOut.distance, ref.distance)).toBe(true);
            expect(closeTo(concatOut.duration, ref.duration)).toBe(true);
          }
          checked++;
          // Across routes: A's prefix up to its last break, one job, then a break-free tail of B.
          for (const B of routes) {
            if (B === A || B.jobCount === 0 || !B.feasible) continue;
            const ia = A.lastBreakPos + rng.int(A.len + 1 - A.lastBreakPos);
            const jb = B.lastBreakPos + 1 + rng.int(B.len + 1 - B.lastBreakPos);
            const extra = servable(inst, A.vehicle).filter((j) => !A.sequence().includes(j) && !B.sequence().includes(j));
            const mid = extra.length > 0 && rng.next() < 0.5 ? [extra[rng.int(extra.length)]!] : [];
            buf.set(mid);
            const seq2 = [...A.sequence().slice(0, ia), ...mid, ...B.sequence().slice(jb - 1)];
            const ref2 = referenceRoute(inst, A.vehicle, seq2, true);
            expect(evalConcat(inst, A, ia, buf, 0, mid.length, B, jb)).toBe(ref2.feasible);
            if (ref2.feasible) {
              expect(closeTo(concatOut.distance, ref2.distance)).toBe(true);
              expect(closeTo(concatOut.duration, ref2.duration)).toBe(true);
            }
            checked++;
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});

/** Every cache of a route, positions 0..len+1, for exact comparison. */
function caches(r: Route, dims: number): unknown {
  const size = r.len + 2;
  const cut = <T extends Int32Array | Float64Array>(a: T, k = 1): number[] => Array.from(a.subarray(0, size * k));
  return {
    nodes: cut(r.nodes), loc: cut(r.loc), earliest: cut(r.earliest), depart: cut(r.depart), latest: cut(r.latest),
    cumDist: cut(r.cumDist), cumTime: cut(r.cumTime), cumLoad: cut(r.cumLoad, Math.max(dims, 1)), cumJobs: cut(r.cumJobs),
    jobCount: r.jobCount, distance: r.distance, duration: r.duration, cost: r.cost, feasible: r.feasible, lastBreakPos: r.lastBreakPos,
  };
}

describe('incremental route update', () => {
  it('after insertions and removals, every cache equals a rebuild from scratch, bit for bit', () => {
    let edits = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const inst = new Instance(randomProblem(seed, { horizon: 400, maxBreaks: 2, jobs: 12 }));
        const rng = new Rng(seed ^ 0x2545f491);
        const ws = new WorkingSolution(inst);
        for (let v = 0; v < inst.m; v++) {
          const r = ws.mutable(v);
          r.setSequence(randomSequence(inst, v, rng, 8));
          ws.commit(inst, v);
          for (let step = 0; step < 12; step++) {
            const route = ws.mutable(v);
            const kind = rng.int(3);
            if (kind === 0 && route.len > 0) {
              const missing = servable(inst, v).filter((j) => !route.sequence().includes(j));
              if (missing.length === 0) continue;
              route.insertAfter(rng.int(route.len + 1), missing[rng.int(missing.length)]!);
              route.update(inst);
            } else if (kind === 1 && route.jobCount > 1) {
              route.removeAt(1 + rng.int(route.len));
              route.update(inst);
            } else if (kind === 2 && route.jobCount > 0) {
              // A string, or a string with a gap, as string removal takes them.
              const jobsAt: number[] = [];
              for (let p = 1; p <= route.len; p++) if (route.nodes[p]! < inst.n) jobsAt.push(p);
              const from = rng.int(jobsAt.length);
              const picked = jobsAt.slice(from, from + 1 + rng.int(3)).filter(() => rng.next() < 0.8);
              if (picked.length === 0) continue;
              removeFromRoute(inst, ws, v, Int32Array.from(picked), picked.length, []);
            } else continue;
            const fresh = new Route(v, inst.dims);
            fresh.setSequence(ws.routes[v]!.sequence());
            fresh.update(inst);
            expect(caches(ws.routes[v]!, inst.dims)).toEqual(caches(fresh, inst.dims));
            edits++;
          }
        }
      }),
      { numRuns: 200 },
    );
    expect(edits).toBeGreaterThan(500);
  });
});
