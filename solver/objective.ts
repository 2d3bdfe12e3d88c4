import type { Instance } from './instance.js';

/**
 * The objective, lexicographic in three levels (lower is better):
 * 1. `must`: mustVisit jobs left out;
 * 2. `units`: what the other left-out jobs weigh, 1 per job under
 *    `minimize_travel`, the job's priority under `maximize_priority`;
 * 3. `travel`: fixed costs of used vehicles plus travel cost;
 * 4. `count`: jobs left out, only between plans of equal travel cost (this is
 *    what makes a priority-0 job served when, and only when, it is free).
 * The search compares the levels in order (so no weight can be too small);
 * `Solution.cost` folds them into one number with weights that keep the order:
 * cost = travel + W·units + M·must, with W a power of ten above any possible
 * travel cost of the instance (fixed costs of every vehicle plus n+m edges at
 * the dearest matrix entry) and M a power of ten above W·(sum of all units).
 */
export interface Score {
  must: number;
  units: number;
  travel: number;
  /** Jobs left out: breaks travel ties, so a job that costs nothing to serve is served. */
  count: number;
}

const UNIT_EPS = 1e-9;

/** a strictly better than b, with `travelEps` the smallest travel gain that counts. */
export function isBetter(a: Score, b: Score, travelEps = 1e-9): boolean {
  if (a.must !== b.must) return a.must < b.must;
  if (Math.abs(a.units - b.units) > UNIT_EPS) return a.units < b.units;
  if (a.travel < b.travel - travelEps) return true;
  return a.travel <= b.travel + travelEps && a.count < b.count;
}

/** Same first two levels. */
export function sameLevel(a: Score, b: Score): boolean {
  return a.must === b.must && Math.abs(a.units - b.units) <= UNIT_EPS;
}

export interface Weights {
  W: number;
  M: number;
}

export function objectiveWeights(inst: Instance): Weights {
  let maxEdge = 0;
  const seen = new Set<Float64Array>();
  for (const C of inst.vCost) {
    if (seen.has(C)) continue;
    seen.add(C);
    for (let i = 0; i < C.length; i++) if (C[i]! > maxEdge) maxEdge = C[i]!;
  }
  let fixed = 0;
  for (let v = 0; v < inst.m; v++) fixed += inst.vFixed[v]!;
  const bound = fixed + (inst.n + inst.m) * maxEdge;
  const W = 10 ** Math.max(0, Math.ceil(Math.log10(bound + 1)));
  let units = 0;
  for (let j = 0; j < inst.n; j++) units += inst.units[j]!;
  const M = 10 ** Math.max(0, Math.ceil(Math.log10(W * (units + 1))));
  return { W, M };
}

export function foldCost(score: Score, w: Weights): number {
  return score.travel + w.W * score.units + w.M * score.must;
}

/**
 * Whether inserting job u at a cost of `delta` improves the objective: always
 * for a job whose absence costs something, and for a job worth nothing
 * (priority 0, not mustVisit, under maximize_priority) only when it is free.
 */
export function worthInserting(inst: Instance, u: number, delta: number): boolean {
  if (inst.mustVisit[u] === 1 || inst.units[u]! > 0) return true;
  return delta <= 1e-9;
}
