import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidProblemError, solve, validateProblem, type Job, type Problem, type Vehicle } from '../../solver/index.js';
import { checkSolution } from './check-solution.js';
import { randomProblem } from './random-instance.js';

/** Points on a line: location i at coordinate xs[i]; time = distance = |dx|. */
function lineProblem(xs: number[], jobs: Partial<Job>[], vehicles: Partial<Vehicle>[], objective: Problem['objective'] = 'minimize_travel'): Problem {
  const size = xs.length;
  const d = new Float64Array(size * size);
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) d[a * size + b] = Math.abs(xs[a]! - xs[b]!);
  return {
    matrices: [{ size, durations: d, distances: d }],
    objective,
    jobs: jobs.map((j, k) => ({ location: k + 1, service: 0, timeWindows: [], demand: [1], skills: [], priority: 1, mustVisit: false, ...j })),
    vehicles: vehicles.map((v) => ({
      profile: 0, start: 0, end: 0, shift: { start: 0, end: 1000 }, capacity: [10], skills: [], maxJobs: Infinity,
      maxDistance: Infinity, breaks: [], fixedCost: 0, costPerTime: 0, costPerDistance: 1, ...v,
    })),
  };
}

const quick = { maxIterations: 300, timeLimitMs: 20_000 };

describe('solve', () => {
  it('returns feasible, consistent solutions on random problems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const problem = randomProblem(seed, { jobs: 6 + (seed % 10), horizon: 400, maxBreaks: 2 });
        const sol = solve(problem, { ...quick, maxIterations: 100, seed });
        expect(checkSolution(problem, sol)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic for a seed and an iteration budget', () => {
    const problem = randomProblem(99, { jobs: 25, vehicles: 3, horizon: 600, locations: 20 });
    const strip = (s: ReturnType<typeof solve>): unknown => ({ ...s, elapsedMs: 0 });
    const a = solve(problem, { ...quick, seed: 7 });
    const b = solve(problem, { ...quick, seed: 7 });
    expect(strip(a)).toEqual(strip(b));
    expect(a.iterations).toBe(300);
    expect(a.stopReason).toBe('iteration_limit');
  });

  it('serves everything on an easy line and finds the obvious tour', () => {
    const problem = lineProblem([0, 1, 2, 3, 4, 5], [{}, {}, {}, {}, {}], [{}, {}]);
    const sol = solve(problem, quick);
    expect(sol.unassigned).toEqual([]);
    expect(sol.routes).toHaveLength(1);
    expect(sol.distance).toBe(10);
    expect([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]]).toContainEqual(sol.routes[0]!.jobs);
  });

  it('schedules without avoidable waiting: leaves the start as late as the windows allow', () => {
    const problem = lineProblem([0, 10, 20], [{ timeWindows: [{ start: 100, end: 110 }], service: 5 }, { timeWindows: [{ start: 200, end: 300 }] }], [{}]);
    const sol = solve(problem, quick);
    const steps = sol.routes[0]!.steps;
    expect(steps.map((s) => s.kind)).toEqual(['start', 'job', 'job', 'end']);
    // Leaving at 100 reaches job 0 as its window closes; the wait before job 1 cannot go without delaying the end.
    expect(steps[0]!.departure).toBe(100);
    expect(steps[1]!.wait).toBe(0);
    expect(steps[1]!.start).toBe(110);
    expect(steps[2]!.start).toBe(200);
    expect(steps[3]!.arrival).toBe(220);
  });

  it('takes every break inside its window, where the vehicle is', () => {
    const problem = lineProblem(
      [0, 10, 20, 30],
      [{ service: 30 }, { service: 30 }, { service: 30 }],
      [{ breaks: [{ timeWindows: [{ start: 60, end: 70 }], duration: 15 }] }],
    );
    const sol = solve(problem, quick);
    expect(checkSolution(problem, sol)).toEqual([]);
    const steps = sol.routes[0]!.steps;
    const br = steps.find((s) => s.kind === 'break')!;
    expect(br.start).toBeGreaterThanOrEqual(60);
    expect(br.start).toBeLessThanOrEqual(70);
    expect(br.departure - br.start).toBe(15);
    expect(br.travelTimeFromPrevious).toBe(0);
    // Unused vehicles take no breaks.
    const idle = solve(lineProblem([0, 10], [{}], [{}, { breaks: [{ timeWindows: [], duration: 5 }] }]), quick);
    expect(idle.routes.map((r) => r.vehicle)).toEqual([0]);
  });

  it('ends an open route at its last job without travel', () => {
    const problem = lineProblem([0, 10, 20], [{}, {}], [{ end: null }]);
    const sol = solve(problem, quick);
    const steps = sol.routes[0]!.steps;
    const end = steps[steps.length - 1]!;
    expect(end.kind).toBe('end');
    expect(end.location).toBe(2);
    expect(end.travelTimeFromPrevious).toBe(0);
    expect(sol.distance).toBe(20);
  });

  it('uses each vehicle its own profile', () => {
    const base = lineProblem([0, 10, 20], [{}, {}], [{ profile: 1 }]);
    const slow = { size: 3, durations: base.matrices[0]!.durations.map((x) => x * 3), distances: base.matrices[0]!.distances.map((x) => x * 2) };
    const problem: Problem = { ...base, matrices: [base.matrices[0]!, slow] };
    const sol = solve(problem, quick);
    expect(checkSolution(problem, sol)).toEqual([]);
    expect(sol.distance).toBe(80);
    expect(sol.travelTime).toBe(120);
  });

  it('maximize_priority keeps the valuable jobs when the day is too short', () => {
    const problem = lineProblem(
      [0, 10, -10, 11],
      [{ priority: 5, service: 50 }, { priority: 90, service: 50 }, { priority: 0 }],
      [{ shift: { start: 0, end: 80 } }],
      'maximize_priority',
    );
    const sol = solve(problem, quick);
    expect(sol.routes[0]!.jobs).toEqual([1]);
    expect(sol.priority).toBe(90);
    expect(sol.unassigned.map((u) => [u.job, u.reason])).toEqual([
      [0, 'dropped_for_priority'],
      [2, 'dropped_for_priority'],
    ]);
  });

  it('serves a priority-0 job only when it is on the way', () => {
    const problem = lineProblem([0, 10, 5, 50], [{ priority: 10 }, { priority: 0 }, { priority: 0 }], [{}], 'maximize_priority');
    const sol = solve(problem, quick);
    expect(sol.routes[0]!.jobs).toEqual([1, 0]);
    expect(sol.unassigned).toEqual([{ job: 2, reason: 'dropped_for_priority' }]);
  });

  it('gives one structural reason per kind of impossible job', () => {
    const problem = lineProblem(
      [0, 10, 10, 10, 500, 10, 10, 10, 10, 10],
      [
        { skills: [7] }, // 0
        { demand: [50] }, // 1
        { timeWindows: [{ start: 5000, end: 5100 }] }, // 2
        {}, // 3: too far for the distance limit
        { pinnedVehicle: 1 }, // 4: pinned to a vehicle without the skill
        { skills: [3] }, // 5
        {}, // 6
        {}, // 7
        {}, // 8
      ],
      [{ maxDistance: 100, maxJobs: 2 }, { maxDistance: 100, shift: { start: 0, end: 5 } }],
    );
    const reasons = Object.fromEntries(solve(problem, quick).unassigned.map((u) => [u.job, u.reason]));
    expect(reasons[0]).toBe('no_vehicle_with_skills');
    expect(reasons[1]).toBe('over_capacity');
    expect(reasons[2]).toBe('no_time_window_reachable');
    expect(reasons[3]).toBe('over_max_distance');
    expect(reasons[4]).toBe('pinned_vehicle_cannot_serve');
    expect(reasons[5]).toBe('no_vehicle_with_skills');
    // Jobs 6, 7 and 8 compete for the two slots of vehicle 0.
    const full = Object.values(reasons).filter((r) => r === 'max_jobs_reached');
    expect(full).toHaveLength(1);
  });

  it('says no_room_in_plan when a feasible job does not fit beside the others', () => {
    const problem = lineProblem([0, 10, 10], [{ timeWindows: [{ start: 10, end: 10 }], service: 5 }, { timeWindows: [{ start: 10, end: 10 }], service: 5 }], [{}]);
    const sol = solve(problem, quick);
    expect(sol.routes[0]!.jobs).toHaveLength(1);
    expect(sol.unassigned).toHaveLength(1);
    expect(sol.unassigned[0]!.reason).toBe('no_room_in_plan');
    expect(sol.cost).toBeGreaterThan(sol.travelCost);
  });

  it('stops when the signal is aborted and still returns a feasible plan', () => {
    const problem = randomProblem(5, { jobs: 30, vehicles: 3, horizon: 800, locations: 25 });
    const pre = new AbortController();
    pre.abort();
    const a = solve(problem, { signal: pre.signal });
    expect(a.stopReason).toBe('cancelled');
    expect(checkSolution(problem, a)).toEqual([]);
    const mid = new AbortController();
    const b = solve(problem, {
      signal: mid.signal,
      noImprovementIterations: 0,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.iteration >= 50) mid.abort();
      },
    });
    expect(b.stopReason).toBe('cancelled');
    expect(b.iterations).toBeGreaterThanOrEqual(50);
    expect(checkSolution(problem, b)).toEqual([]);
  });

  it('converges early on a small day, reproducibly', () => {
    const problem = randomProblem(11, { jobs: 20, vehicles: 1, horizon: 2000, locations: 21, maxWindows: 0 });
    const a = solve(problem, { timeLimitMs: 60_000, seed: 3 });
    const b = solve(problem, { timeLimitMs: 60_000, seed: 3 });
    expect(a.stopReason).toBe('converged');
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
  });

  it('runs a shorter search with a reduced effort, still feasible and reproducible', () => {
    const problem = randomProblem(12, { jobs: 30, vehicles: 1, horizon: 600, locations: 31, objective: 'maximize_priority' });
    const full = solve(problem, { timeLimitMs: 60_000, seed: 5 });
    const short = solve(problem, { timeLimitMs: 60_000, seed: 5, effort: 0.3 });
    const again = solve(problem, { timeLimitMs: 60_000, seed: 5, effort: 0.3 });
    expect(short.stopReason).toBe('converged');
    expect(short.iterations).toBeLessThan(0.5 * full.iterations);
    expect({ ...short, elapsedMs: 0 }).toEqual({ ...again, elapsedMs: 0 });
    expect(checkSolution(problem, short)).toEqual([]);
    // Out-of-range efforts mean the full search.
    expect(solve(problem, { timeLimitMs: 60_000, seed: 5, effort: 7 }).iterations).toBe(full.iterations);
  });

  it('reports progress with the best objective so far, never worse over time', () => {
    const problem = randomProblem(21, { jobs: 30, vehicles: 3, horizon: 800, locations: 31 });
    const seen: number[] = [];
    const sol = solve(problem, { maxIterations: 2000, progressIntervalMs: 0, onProgress: (p) => seen.push(p.bestCost) });
    expect(seen.length).toBeGreaterThan(1);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeLessThanOrEqual(seen[k - 1]!);
    expect(seen[seen.length - 1]).toBeCloseTo(sol.cost, 6);
  });

  it('keeps pinned jobs on their vehicle and respects maxJobs and every capacity dimension', () => {
    const problem = lineProblem(
      [0, 1, 2, 3, 4, 5, 6],
      [{ pinnedVehicle: 1 }, { demand: [1, 5] }, { demand: [1, 5] }, {}, {}, {}],
      [{ capacity: [10, 6], maxJobs: 3 }, { capacity: [10, 6], maxJobs: 3 }],
    );
    const multi: Problem = { ...problem, jobs: problem.jobs.map((j) => ({ ...j, demand: j.demand.length === 2 ? j.demand : [1, 0] })) };
    const sol = solve(multi, quick);
    expect(checkSolution(multi, sol)).toEqual([]);
    expect(sol.unassigned).toEqual([]);
    const byVehicle = new Map(sol.routes.map((r) => [r.vehicle, r.jobs]));
    expect(byVehicle.get(1)).toContain(0);
    // Jobs 1 and 2 cannot share a vehicle (second dimension 5 + 5 > 6).
    expect(sol.routes.some((r) => r.jobs.includes(1) && r.jobs.includes(2))).toBe(false);
    for (const r of sol.routes) expect(r.jobs.length).toBeLessThanOrEqual(3);
  });

  it('rejects invalid problems with named defects', () => {
    const good = lineProblem([0, 10], [{}], [{}]);
    expect(validateProblem(good)).toEqual([]);
    const bad: Problem = {
      ...good,
      matrices: [{ size: 2, durations: new Float64Array(3), distances: Float64Array.from([0, NaN, 1, 0]) }],
      jobs: [{ ...good.jobs[0]!, location: 5, demand: [1, 2], timeWindows: [{ start: 10, end: 5 }], pinnedVehicle: 3 }],
      vehicles: [{ ...good.vehicles[0]!, shift: { start: 10, end: 0 } }],
    };
    const errors = validateProblem(bad);
    for (const fragment of ['durations has 3 entries', 'distances[1] is NaN', 'location 5 out of range', 'demand has 2 dimensions', 'ends before it starts', 'pinnedVehicle 3', 'shift ends before']) {
      expect(errors.some((e) => e.includes(fragment)), fragment).toBe(true);
    }
    expect(() => solve(bad)).toThrow(InvalidProblemError);
  });
});
