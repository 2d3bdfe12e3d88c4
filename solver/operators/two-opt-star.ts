import { concatOut, evalConcat, routeCost } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';
import { buildRoute, commitRoutes, IMPROVEMENT_EPS, segmentEligible, segmentLoad, slice, type MoveContext } from './common.js';

/**
 * Exchange route tails so that u is followed by v (2-opt*):
 * a -> u -> b ...  and  c -> v -> d ...  become  a -> u -> v -> d ...  and  c -> b ...
 * Breaks never change vehicle, so both cuts must lie after the routes' last break.
 */
export function twoOptStar(ctx: MoveContext, ws: WorkingSolution, u: number, v: number): boolean {
  const { inst } = ctx;
  const ra = ws.routeOf[u]!;
  const rb = ws.routeOf[v]!;
  if (ra === rb) return false;
  const A = ws.routes[ra]!;
  const B = ws.routes[rb]!;
  const i = ws.posOf[u]!; // A keeps 0..i, takes B's j..end
  const j = ws.posOf[v]!; // B keeps 0..j-1, takes A's i+1..end
  if (A.lastBreakPos > i || B.lastBreakPos >= j) return false;
  const endA = A.len + 1;
  const endB = B.len + 1;
  const jobsA = A.cumJobs[i]! + (B.jobCount - B.cumJobs[j - 1]!);
  const jobsB = B.cumJobs[j - 1]! + (A.jobCount - A.cumJobs[i]!);
  if (jobsA > inst.vMaxJobs[ra]! || jobsB > inst.vMaxJobs[rb]!) return false;
  const dims = inst.dims;
  for (let d = 0; d < dims; d++) {
    const la = A.cumLoad[i * dims + d]! + segmentLoad(inst, B, j, endB, d);
    const lb = B.cumLoad[(j - 1) * dims + d]! + segmentLoad(inst, A, i + 1, endA, d);
    if (la > inst.vCap[ra * dims + d]! || lb > inst.vCap[rb * dims + d]!) return false;
  }
  if (!segmentEligible(inst, B, j, B.len, ra) || !segmentEligible(inst, A, i + 1, A.len, rb)) return false;
  ctx.counter.moves++;
  if (!evalConcat(inst, A, i, ctx.buf, 0, 0, B, j) || concatOut.distance > inst.vMaxDist[ra]!) return false;
  const costA = jobsA > 0 ? routeCost(inst, ra, concatOut.duration, concatOut.distance) : 0;
  let costB = 0;
  if (jobsB > 0) {
    if (!evalConcat(inst, B, j - 1, ctx.buf, 0, 0, A, i + 1) || concatOut.distance > inst.vMaxDist[rb]!) return false;
    costB = routeCost(inst, rb, concatOut.duration, concatOut.distance);
  }
  if (costA + costB >= A.cost + B.cost - IMPROVEMENT_EPS) return false;
  const seqA = slice(A, 1, i).concat(slice(B, j, B.len));
  const seqB = slice(B, 1, j - 1).concat(slice(A, i + 1, A.len));
  return commitRoutes(ctx, ws, buildRoute(inst, ra, seqA), buildRoute(inst, rb, seqB));
}
