import type { MoveCounter } from './construction.js';
import type { Instance } from './instance.js';
import type { SolveProgress } from './model.js';
import { foldCost, isBetter, sameLevel, type Score, type Weights } from './objective.js';
import { recreateGreedy, makeRecreateScratch, type InsertionScope } from './recreate.js';
import type { Rng } from './rng.js';
import { defaultRuinParams, makeRuinScratch, ruinStrings } from './ruin.js';
import type { StopReason, Stopper } from './stopping.js';
import { RoutePool, type WorkingSolution } from './working-solution.js';

export interface SearchParams {
  /** Start temperature as a fraction of the average edge cost of the first solution. */
  startTemperature: number;
  /** End temperature, same unit. */
  endTemperature: number;
  /** SISR blink rate of greedy insertion. */
  blinkRate: number;
  /** Greedy insertion first tries the routes of this many nearest jobs (0: all routes)... */
  insertionNeighbours: number;
  /** ...once the plan uses more than this many routes. */
  insertionMinRoutes: number;
}

export const DEFAULT_SEARCH_PARAMS: SearchParams = {
  startTemperature: 3,
  endTemperature: 0.03,
  blinkRate: 0.01,
  insertionNeighbours: 40,
  insertionMinRoutes: 12,
};

export interface SearchContext {
  inst: Instance;
  rng: Rng;
  stopper: Stopper;
  counter: MoveCounter;
  weights: Weights;
  params: SearchParams;
  /**
   * Improves a solution in place (local search); applied to the first
   * solution and to every new best, with the previous best as `reference`.
   */
  improve: (ws: WorkingSolution, reference: WorkingSolution | null) => void;
  onProgress: ((p: SolveProgress) => void) | undefined;
  progressIntervalMs: number;
}

export interface SearchResult {
  best: WorkingSolution;
  iterations: number;
  stopReason: StopReason;
}

/**
 * Slack induction by string removals (ruin and recreate) under simulated
 * annealing: each iteration removes strings of nearby jobs from a copy of the
 * current solution, reinserts every left-out job greedily with blinks, and
 * accepts the copy if it keeps the lexicographic levels (left-out mustVisit
 * jobs, left-out units) and its travel cost beats the current one's plus a
 * threshold drawn from the temperature. The temperature falls exponentially
 * over the budget, from a fraction of the average edge cost. The best solution
 * seen is kept (and locally improved when found).
 */
export function runSearch(ctx: SearchContext, initial: WorkingSolution): SearchResult {
  const { inst, rng, stopper, counter, params } = ctx;
  let current = initial;
  let curScore = current.score(inst);
  let best = current;
  let bestScore = curScore;

  let lastReport = -Infinity;
  const report = (iteration: number, force: boolean): void => {
    if (!ctx.onProgress) return;
    const now = stopper.elapsedMs();
    if (!force && now - lastReport < ctx.progressIntervalMs) return;
    lastReport = now;
    ctx.onProgress({
      iteration,
      elapsedMs: now,
      bestCost: foldCost(bestScore, ctx.weights),
      bestTravelCost: bestScore.travel,
      bestPriority: priorityOf(inst, best),
      assigned: best.assignedCount(),
    });
  };

  // The constructed plan is feasible: report it before improving it, so a
  // caller sees a first answer as early as possible.
  report(0, true);
  ctx.improve(current, null);
  curScore = current.score(inst);
  bestScore = curScore;

  let edges = 0;
  for (const r of current.routes) if (r.jobCount > 0) edges += r.jobCount + 1;
  const avgEdge = edges > 0 && curScore.travel > 0 ? curScore.travel / edges : 1;
  const T0 = params.startTemperature * avgEdge;
  const Tf = params.endTemperature * avgEdge;
  const ruinParams = defaultRuinParams(inst.assignable.length);
  const ruinScratch = makeRuinScratch(inst);
  const recreateScratch = makeRecreateScratch(inst);
  const scope: InsertionScope = {
    blinkRate: params.blinkRate,
    nearJobs: params.insertionNeighbours,
    minRoutes: params.insertionMinRoutes,
  };
  const removed: number[] = [];
  const untried: number[] = [];
  const stamp = new Int32Array(inst.n);
  let stampValue = 0;
  current.pool = new RoutePool(inst.m);

  let iteration = 0;
  let sinceBest = 0;
  let stopReason: StopReason;
  for (;;) {
    const reason = stopper.check(iteration, sinceBest);
    if (reason) {
      stopReason = reason;
      break;
    }
    const progress = stopper.progress(iteration);
    const T = T0 * Math.pow(Tf / T0, progress);
    const cand = current.copy(inst);
    removed.length = 0;
    ruinStrings(inst, cand, rng, ruinParams, removed, ruinScratch);
    untried.length = 0;
    selectLeftOut(inst, cand.unassigned, removed, untried, rng, ruinParams.avgRemoved, stamp, ++stampValue);
    recreateGreedy(inst, cand, removed, untried, rng, scope, counter, recreateScratch);
    const s = cand.score(inst);
    let accept: boolean;
    if (sameLevel(s, curScore)) accept = s.travel < curScore.travel - T * Math.log(1 - rng.next());
    else accept = isBetter(s, curScore, -Infinity);
    iteration++;
    sinceBest++;
    if (!accept) cand.recycle(current, best);
    else {
      const previous = current;
      current = cand;
      curScore = s;
      if (isBetter(s, bestScore)) {
        ctx.improve(cand, best);
        curScore = cand.score(inst);
        best = cand;
        bestScore = curScore;
        sinceBest = 0;
        report(iteration, false);
      }
      if (previous !== best) previous.recycle(current, best);
    }
    if ((iteration & 255) === 0) report(iteration, false);
  }
  report(iteration, true);
  return { best, iterations: iteration, stopReason };
}

/**
 * Which left-out jobs to offer to recreate besides the removed ones. With few
 * left out, all of them; when many are (more work than the day holds), those
 * near the removed strings (where room was just made), mustVisit ones, and a
 * small random sample, so an iteration stays proportional to the ruin rather
 * than to the backlog. The others go to `untried` and stay left out.
 */
function selectLeftOut(
  inst: Instance,
  leftOut: readonly number[],
  removed: number[],
  untried: number[],
  rng: Rng,
  avgRemoved: number,
  stamp: Int32Array,
  mark: number,
): void {
  const limit = 4 * avgRemoved;
  if (leftOut.length <= limit) {
    for (const u of leftOut) removed.push(u);
    return;
  }
  for (const u of leftOut) stamp[u] = -mark; // left out, not chosen yet
  const chosen = (u: number): void => {
    if (stamp[u] === -mark) {
      stamp[u] = mark;
      removed.push(u);
    }
  };
  const nRemoved = removed.length;
  for (let i = 0; i < nRemoved; i++) {
    const adj = inst.adjacency[removed[i]!]!;
    const k = Math.min(adj.length, 10);
    for (let a = 0; a < k; a++) chosen(adj[a]!);
  }
  for (const u of leftOut) if (inst.mustVisit[u] === 1) chosen(u);
  // The most valuable left-out jobs are always worth another try.
  const byValue = leftOut.slice().sort((a, b) => inst.units[b]! - inst.units[a]! || a - b);
  for (let i = 0; i < Math.min(byValue.length, 2 * avgRemoved); i++) chosen(byValue[i]!);
  for (let s = 0; s < avgRemoved; s++) chosen(leftOut[rng.int(leftOut.length)]!);
  for (const u of leftOut) if (stamp[u] === -mark) untried.push(u);
}

export function priorityOf(inst: Instance, ws: WorkingSolution): number {
  let p = 0;
  for (let j = 0; j < inst.n; j++) if (ws.routeOf[j]! >= 0) p += inst.priority[j]!;
  return p;
}
