import type { MoveCounter } from './construction.js';
import type { Instance } from './instance.js';
import { aloneCost, GAP_EPS, gapAdmits, insertionDelta, routeAccepts } from './insertion.js';
import { worthInserting } from './objective.js';
import type { Rng } from './rng.js';
import type { WorkingSolution } from './working-solution.js';

/** Orders in which left-out jobs are reinserted, with their selection weights. */
const ORDERS = [
  { name: 'random', weight: 4 },
  { name: 'demand', weight: 4 },
  { name: 'far', weight: 2 },
  { name: 'close', weight: 1 },
  { name: 'tight', weight: 2 },
] as const;
const ORDER_TOTAL = ORDERS.reduce((s, o) => s + o.weight, 0);

export interface RecreateScratch {
  key: Float64Array;
  seenType: Int32Array;
  /** Per vehicle: stamp of the last job whose near routes included it. */
  near: Int32Array;
  stamp: number;
}

export function makeRecreateScratch(inst: Instance): RecreateScratch {
  return { key: new Float64Array(inst.n), seenType: new Int32Array(inst.typeCount), near: new Int32Array(inst.m), stamp: 0 };
}

/** How far greedy insertion looks (see `recreateGreedy`). */
export interface InsertionScope {
  /** SISR blink rate: each position is skipped with this probability. */
  blinkRate: number;
  /**
   * With more than `minRoutes` routes in use and at least 4 × `nearJobs` jobs
   * served, a job is offered first to the routes of its `nearJobs` nearest
   * jobs (and to unused vehicles), and to the other routes only when none of
   * those can take it. 0: every route.
   */
  nearJobs: number;
  minRoutes: number;
}

/**
 * Greedy insertion with blinks (SISR): the jobs are sorted by one randomly
 * chosen criterion and each goes to its cheapest feasible position, every
 * position being skipped ("blinked") with a small probability. Under
 * maximize_priority the jobs are also sorted by priority first. Jobs that fit
 * nowhere (or are not worth their cost) end in `ws.unassigned`, with `untried`.
 * On plans with many routes only the routes near the job are searched first,
 * which keeps an insertion proportional to the neighbourhood rather than to
 * the whole plan.
 */
export function recreateGreedy(
  inst: Instance,
  ws: WorkingSolution,
  jobs: number[],
  untried: number[],
  rng: Rng,
  scope: InsertionScope,
  counter: MoveCounter,
  scratch: RecreateScratch,
): void {
  orderJobs(inst, jobs, rng, scratch);
  const n = inst.n;
  const left: number[] = [];
  const seenType = scratch.seenType;
  const near = scratch.near;
  const blinkRate = scope.blinkRate;
  // Blinks as gaps between skipped positions (geometric), one draw per blink
  // instead of one per position.
  const logKeep = blinkRate > 0 ? Math.log(1 - blinkRate) : 0;
  const nextGap = (): number => (blinkRate > 0 ? Math.floor(Math.log(1 - rng.next()) / logKeep) : Infinity);
  let gap = nextGap();
  let used = 0;
  let assigned = 0;
  for (const r of ws.routes) {
    if (r.jobCount > 0) used++;
    assigned += r.jobCount;
  }
  // Worth it only when the near jobs are a small part of the plan.
  const granular = scope.nearJobs > 0 && used > scope.minRoutes && assigned >= 4 * scope.nearJobs;
  for (const u of jobs) {
    let best = Infinity;
    let bestV = -1;
    let bestP = -1;
    const stamp = ++scratch.stamp;
    if (granular) {
      const adj = inst.adjacency[u]!;
      const k = Math.min(adj.length, scope.nearJobs);
      for (let a = 0; a < k; a++) {
        const v = ws.routeOf[adj[a]!]!;
        if (v >= 0) near[v] = stamp;
      }
    }
    const vs = inst.eligibleVehicles[u]!;
    // Pass 0: near routes and unused vehicles; pass 1 (granular only, when no
    // used route could take the job): the other routes.
    let inRoute = false;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < vs.length; k++) {
        const v = vs[k]!;
        const r = ws.routes[v]!;
        if (r.jobCount === 0) {
          if (pass === 1) continue;
          const t = inst.vType[v]!;
          if (seenType[t] === stamp) continue;
          seenType[t] = stamp;
          counter.moves++;
          const c = aloneCost(inst, v, u);
          if (c < best) {
            best = c;
            bestV = v;
            bestP = 0;
          }
          continue;
        }
        if (granular && (near[v] === stamp) !== (pass === 0)) continue;
        if (!routeAccepts(inst, r, u)) continue;
        const len = r.len;
        counter.moves += len + 1;
        // Cost first (three lookups), time windows only for positions that would win.
        const C = inst.vCost[v]!;
        const S = inst.vSize[v]!;
        const lu = inst.nodeLoc[u]!;
        const rowU = lu * S;
        const loc = r.loc;
        const nodes = r.nodes;
        const latest = r.latest;
        const depart = r.depart;
        // Shortest time the job adds before a following job (see `gapAdmits`).
        const needTravel = inst.vMinIn[v]![u]! + inst.service[u]! + inst.vMinOut[v]![u]! - GAP_EPS;
        for (let p = 0; p <= len; p++) {
          if (gap-- === 0) {
            gap = nextGap();
            continue;
          }
          if (nodes[p + 1]! < n) {
            const lp = loc[p]!;
            const lq = loc[p + 1]!;
            const dc = C[lp * S + lu]! + C[rowU + lq]! - C[lp * S + lq]!;
            if (dc >= best || needTravel > latest[p + 1]! - depart[p]!) continue;
          } else if (!gapAdmits(inst, r, u, p)) continue;
          const d = insertionDelta(inst, r, u, p);
          if (d < best) {
            best = d;
            bestV = v;
            bestP = p;
            inRoute = true;
          }
        }
      }
      if (!granular || inRoute) break;
    }
    if (bestV >= 0 && worthInserting(inst, u, best) && ws.insert(inst, u, bestV, bestP)) continue;
    left.push(u);
  }
  for (const u of untried) left.push(u);
  ws.unassigned = left;
}

function orderJobs(inst: Instance, jobs: number[], rng: Rng, scratch: RecreateScratch): void {
  rng.shuffle(jobs);
  let pick = rng.next() * ORDER_TOTAL;
  let order: (typeof ORDERS)[number]['name'] = 'random';
  for (const o of ORDERS) {
    pick -= o.weight;
    if (pick < 0) {
      order = o.name;
      break;
    }
  }
  const key = scratch.key;
  if (order !== 'random') {
    for (const j of jobs) {
      key[j] =
        order === 'demand' ? -inst.demandSum[j]! : order === 'far' ? -inst.depotCost[j]! : order === 'close' ? inst.depotCost[j]! : inst.twWidth[j]!;
    }
    jobs.sort((a, b) => key[a]! - key[b]!);
  }
  if (inst.objective === 'maximize_priority') {
    jobs.sort((a, b) => inst.mustVisit[b]! - inst.mustVisit[a]! || inst.units[b]! - inst.units[a]!);
  } else {
    let anyMust = false;
    for (const j of jobs) if (inst.mustVisit[j] === 1) anyMust = true;
    if (anyMust) jobs.sort((a, b) => inst.mustVisit[b]! - inst.mustVisit[a]!);
  }
}
