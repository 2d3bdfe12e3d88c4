import { constructRegret, type MoveCounter } from './construction.js';
import { Instance } from './instance.js';
import { localSearch, makeLocalSearch } from './local-search.js';
import { DEFAULT_SEARCH_PARAMS, runSearch } from './metaheuristic.js';
import type { Problem, RouteSolution, Solution, SolveOptions, Unassigned } from './model.js';
import { foldCost, objectiveWeights, type Weights } from './objective.js';
import { Rng } from './rng.js';
import { scheduleRoute, type RouteVisit } from './schedule.js';
import { DEFAULT_TIME_LIMIT_MS, Stopper, type StopReason } from './stopping.js';
import { planReason } from './unassigned.js';
import { InvalidProblemError, validateProblem } from './validate.js';
import { WorkingSolution } from './working-solution.js';

/**
 * Solve a problem: regret construction, local search, then ruin-and-recreate
 * with simulated annealing until a stopping criterion fires. Synchronous;
 * `options.signal` is polled between iterations. Throws InvalidProblemError
 * when `validateProblem` reports errors.
 */
export function solve(problem: Problem, options: SolveOptions = {}): Solution {
  const startMs = performance.now();
  const errors = validateProblem(problem);
  if (errors.length > 0) throw new InvalidProblemError(errors);
  const inst = new Instance(problem);
  const weights = objectiveWeights(inst);
  const rng = new Rng(options.seed ?? 1);
  const counter: MoveCounter = { moves: 0 };
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const stopper = new Stopper(
    {
      timeLimitMs,
      maxIterations: options.maxIterations ?? Infinity,
      noImprovementIterations: options.noImprovementIterations,
      signal: options.signal,
      assignable: inst.assignable.length,
      effort: options.effort,
    },
    startMs,
  );

  const ws = new WorkingSolution(inst);
  constructRegret(inst, ws, counter);
  const ls = makeLocalSearch(inst, rng, counter, () => options.signal?.aborted === true || performance.now() - startMs >= timeLimitMs);
  let best = ws;
  let iterations = 0;
  let stopReason: StopReason;
  if (inst.assignable.length <= 1 && ws.unassigned.length === 0) {
    stopReason = 'trivial';
  } else if (options.signal?.aborted) {
    stopReason = 'cancelled';
  } else {
    const result = runSearch(
      {
        inst,
        rng,
        stopper,
        counter,
        weights,
        params: DEFAULT_SEARCH_PARAMS,
        improve: (s, reference) => localSearch(ls, s, reference),
        onProgress: options.onProgress,
        progressIntervalMs: options.progressIntervalMs ?? 250,
      },
      ws,
    );
    best = result.best;
    iterations = result.iterations;
    stopReason = result.stopReason;
  }
  return assemble(inst, best, weights, {
    iterations,
    movesEvaluated: counter.moves,
    elapsedMs: performance.now() - startMs,
    stopReason,
  });
}

/** Turn the search's best solution into the public Solution, re-checking every route. */
function assemble(
  inst: Instance,
  ws: WorkingSolution,
  weights: Weights,
  meta: Pick<Solution, 'iterations' | 'movesEvaluated' | 'elapsedMs' | 'stopReason'>,
): Solution {
  const problem = inst.problem;
  const routes: RouteSolution[] = [];
  const dropped: number[] = [];
  const jobCounts = new Int32Array(inst.m);
  for (const r of ws.routes) {
    if (r.jobCount === 0) continue;
    let visits: RouteVisit[] = r
      .sequence()
      .map((x) => (x < inst.n ? { kind: 'job' as const, index: x } : { kind: 'break' as const, index: inst.breakIndex[x - inst.n]! }));
    let scheduled = scheduleRoute(problem, r.vehicle, visits);
    // Guard: the search only keeps routes its own checks accept; should one
    // still fail the independent re-check, drop jobs from its end until it passes.
    while (scheduled.violations.length > 0 && visits.some((x) => x.kind === 'job')) {
      let k = visits.length - 1;
      while (visits[k]!.kind !== 'job') k--;
      dropped.push(visits[k]!.index);
      visits = visits.filter((_, i) => i !== k);
      if (!visits.some((x) => x.kind === 'job')) visits = [];
      scheduled = scheduleRoute(problem, r.vehicle, visits);
    }
    if (scheduled.route.jobs.length === 0) continue;
    routes.push(scheduled.route);
    jobCounts[r.vehicle] = scheduled.route.jobs.length;
  }
  const served = new Uint8Array(inst.n);
  for (const r of routes) for (const j of r.jobs) served[j] = 1;
  const unassigned: Unassigned[] = [];
  let must = 0;
  let units = 0;
  for (let j = 0; j < inst.n; j++) {
    if (served[j] === 1) continue;
    if (inst.mustVisit[j] === 1) must++;
    units += inst.units[j]!;
    unassigned.push({ job: j, reason: inst.structuralReason[j] ?? planReason(inst, j, jobCounts) });
  }
  let travelCost = 0;
  let travelTime = 0;
  let distance = 0;
  let priority = 0;
  for (const r of routes) {
    travelCost += r.cost;
    travelTime += r.travelTime;
    distance += r.distance;
    priority += r.priority;
  }
  return {
    routes,
    unassigned,
    travelCost,
    travelTime,
    distance,
    priority,
    cost: foldCost({ must, units, travel: travelCost, count: unassigned.length }, weights),
    ...meta,
  };
}
