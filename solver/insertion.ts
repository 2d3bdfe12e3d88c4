import { END, type Instance } from './instance.js';
import type { Route } from './route-state.js';
import { earliestStart } from './time-windows.js';

/**
 * Cost change of inserting job u after position p of a non-empty route, or
 * Infinity when time windows, the shift, a following break or the maximum
 * distance forbid it. Skills, capacity and job count are the caller's checks
 * (they do not depend on p). Constant time, plus the run of breaks right after p.
 */
export function insertionDelta(inst: Instance, r: Route, u: number, p: number): number {
  const v = r.vehicle;
  const S = inst.vSize[v]!;
  const D = inst.vDur[v]!;
  const { twOff, twStart, twEnd } = inst;
  const lp = r.loc[p]!;
  const lu = inst.nodeLoc[u]!;
  const s = earliestStart(twOff, twStart, twEnd, u, r.depart[p]! + D[lp * S + lu]!);
  if (s === Infinity) return Infinity;
  let t = s + inst.service[u]!;
  let q = p + 1;
  const nodes = r.nodes;
  const n = inst.n;
  let x = nodes[q]!;
  while (x >= n) {
    const b = earliestStart(twOff, twStart, twEnd, x, t);
    if (b === Infinity) return Infinity;
    t = b + inst.service[x]!;
    x = nodes[++q]!;
  }
  const lq = r.loc[q]!;
  const C = inst.vCost[v]!;
  const X = inst.vDist[v]!;
  let dc: number;
  let dd: number;
  if (lq >= 0) {
    t += D[lu * S + lq]!;
    dc = C[lp * S + lu]! + C[lu * S + lq]! - C[lp * S + lq]!;
    dd = X[lp * S + lu]! + X[lu * S + lq]! - X[lp * S + lq]!;
  } else {
    dc = C[lp * S + lu]!;
    dd = X[lp * S + lu]!;
  }
  if (t > r.latest[q]!) return Infinity;
  if (r.distance + dd > inst.vMaxDist[v]!) return Infinity;
  return dc;
}

/**
 * Cost change of removing the job at position p, or Infinity when the rest
 * becomes infeasible (possible with non-metric matrices or breaks). Removing
 * the last job empties the route: its breaks go too and its whole cost is saved.
 */
export function removalDelta(inst: Instance, r: Route, p: number): number {
  if (r.jobCount === 1) return -r.cost;
  const v = r.vehicle;
  const S = inst.vSize[v]!;
  const D = inst.vDur[v]!;
  const { twOff, twStart, twEnd } = inst;
  const n = inst.n;
  const lp = r.loc[p - 1]!;
  const lu = r.loc[p]!;
  let t = r.depart[p - 1]!;
  let q = p + 1;
  const nodes = r.nodes;
  let x = nodes[q]!;
  while (x >= n) {
    const b = earliestStart(twOff, twStart, twEnd, x, t);
    if (b === Infinity) return Infinity;
    t = b + inst.service[x]!;
    x = nodes[++q]!;
  }
  const lq = r.loc[q]!;
  const C = inst.vCost[v]!;
  const X = inst.vDist[v]!;
  if (lq >= 0) {
    t += D[lp * S + lq]!;
    if (t > r.latest[q]!) return Infinity;
    // Non-metric matrices: the shortcut may be longer than the detour.
    if (r.distance + X[lp * S + lq]! - X[lp * S + lu]! - X[lu * S + lq]! > inst.vMaxDist[v]!) return Infinity;
    return C[lp * S + lq]! - C[lp * S + lu]! - C[lu * S + lq]!;
  }
  if (t > r.latest[q]!) return Infinity;
  return -C[lp * S + lu]!;
}

/** Slack below which a time check is trusted to reject (guards rounding in the bounds). */
export const GAP_EPS = 1e-6;

/**
 * Whether job u might fit after position p of route r by time: a necessary
 * condition for `insertionDelta` < Infinity, from the gap up to the next job
 * (breaks in between are taken wherever the job leaves the vehicle) and the
 * job's shortest travel in and out. Constant time plus the run of breaks.
 */
export function gapAdmits(inst: Instance, r: Route, u: number, p: number): boolean {
  const v = r.vehicle;
  const nodes = r.nodes;
  let q = p + 1;
  while (nodes[q]! >= inst.n) q++;
  let need = inst.vMinIn[v]![u]! + inst.service[u]!;
  if (nodes[q] !== END || inst.vEnd[v]! >= 0) need += inst.vMinOut[v]![u]!;
  return need <= r.latest[q]! - r.depart[p]! + GAP_EPS;
}

/** Whether route r can take job u regardless of position: skills/pin, capacity, job count. */
export function routeAccepts(inst: Instance, r: Route, u: number): boolean {
  const v = r.vehicle;
  if (inst.eligible[u * inst.m + v] === 0) return false;
  if (r.jobCount + 1 > inst.vMaxJobs[v]!) return false;
  const dims = inst.dims;
  const base = (r.len + 1) * dims;
  for (let d = 0; d < dims; d++) {
    if (r.cumLoad[base + d]! + inst.demand[u * dims + d]! > inst.vCap[v * dims + d]!) return false;
  }
  return true;
}

/** Travel and feasibility of a whole node sequence for vehicle v, walked from the start. */
export function walkSequence(inst: Instance, v: number, seq: ArrayLike<number>): { ok: boolean; duration: number; distance: number } {
  const S = inst.vSize[v]!;
  const D = inst.vDur[v]!;
  const X = inst.vDist[v]!;
  const { twOff, twStart, twEnd } = inst;
  let t = inst.vShiftStart[v]!;
  let last = inst.vStart[v]!;
  let duration = 0;
  let distance = 0;
  for (let i = 0; i < seq.length; i++) {
    const x = seq[i]!;
    if (x < inst.n) {
      const l = inst.nodeLoc[x]!;
      t += D[last * S + l]!;
      duration += D[last * S + l]!;
      distance += X[last * S + l]!;
      last = l;
    }
    const s = earliestStart(twOff, twStart, twEnd, x, t);
    if (s === Infinity) return { ok: false, duration, distance };
    t = s + inst.service[x]!;
  }
  const e = inst.vEnd[v]!;
  if (e >= 0) {
    t += D[last * S + e]!;
    duration += D[last * S + e]!;
    distance += X[last * S + e]!;
  }
  return { ok: t <= inst.vShiftEnd[v]!, duration, distance };
}

/**
 * The route of vehicle v serving job u alone, with the vehicle's breaks placed
 * around it (breaks keep their order by window; the job goes in the first gap
 * that works), or null when no placement is feasible. Capacity, skills and job
 * count are not checked here.
 */
export function aloneSequence(inst: Instance, v: number, u: number): number[] | null {
  const breaks = inst.vBreaks[v]!;
  const seq: number[] = new Array<number>(breaks.length + 1);
  for (let k = 0; k <= breaks.length; k++) {
    for (let i = 0, b = 0; i <= breaks.length; i++) seq[i] = i === k ? u : breaks[b++]!;
    const w = walkSequence(inst, v, seq);
    if (w.ok && w.distance <= inst.vMaxDist[v]!) return seq.slice();
  }
  return null;
}

/** Cost of serving job u alone with vehicle v (fixed cost included), or Infinity. */
export function aloneCost(inst: Instance, v: number, u: number): number {
  const S = inst.vSize[v]!;
  const C = inst.vCost[v]!;
  const s = inst.vStart[v]!;
  const e = inst.vEnd[v]!;
  const l = inst.nodeLoc[u]!;
  if (inst.vBreaks[v]!.length === 0) {
    // Fast path without breaks: one walk of three positions.
    const D = inst.vDur[v]!;
    const X = inst.vDist[v]!;
    const st = earliestStart(inst.twOff, inst.twStart, inst.twEnd, u, inst.vShiftStart[v]! + D[s * S + l]!);
    if (st === Infinity) return Infinity;
    let t = st + inst.service[u]!;
    let dist = X[s * S + l]!;
    if (e >= 0) {
      t += D[l * S + e]!;
      dist += X[l * S + e]!;
    }
    if (t > inst.vShiftEnd[v]! || dist > inst.vMaxDist[v]!) return Infinity;
  } else if (aloneSequence(inst, v, u) === null) return Infinity;
  return inst.vFixed[v]! + C[s * S + l]! + (e >= 0 ? C[l * S + e]! : 0);
}

