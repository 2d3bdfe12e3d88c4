import { concatOut, evalConcat, routeCost } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';
import { buildRoute, commitRoutes, IMPROVEMENT_EPS, slice, type MoveContext } from './common.js';

/**
 * Exchange jobs u and v, between two routes or inside one:
 * a -> u -> b ... c -> v -> d  becomes  a -> v -> b ... c -> u -> d.
 */
export function swap(ctx: MoveContext, ws: WorkingSolution, u: number, v: number): boolean {
  const { inst } = ctx;
  const ra = ws.routeOf[u]!;
  const rb = ws.routeOf[v]!;
  const A = ws.routes[ra]!;
  const B = ws.routes[rb]!;
  const i = ws.posOf[u]!;
  const j = ws.posOf[v]!;
  const buf = ctx.buf;
  const m = inst.m;
  if (ra !== rb) {
    if (inst.eligible[u * m + rb] === 0 || inst.eligible[v * m + ra] === 0) return false;
    const dims = inst.dims;
    for (let d = 0; d < dims; d++) {
      const du = inst.demand[u * dims + d]!;
      const dv = inst.demand[v * dims + d]!;
      if (A.load(d) - du + dv > inst.vCap[ra * dims + d]! || B.load(d) - dv + du > inst.vCap[rb * dims + d]!) return false;
    }
    ctx.counter.moves++;
    buf[0] = v;
    if (!evalConcat(inst, A, i - 1, buf, 0, 1, A, i + 1) || concatOut.distance > inst.vMaxDist[ra]!) return false;
    const costA = routeCost(inst, ra, concatOut.duration, concatOut.distance);
    buf[0] = u;
    if (!evalConcat(inst, B, j - 1, buf, 0, 1, B, j + 1) || concatOut.distance > inst.vMaxDist[rb]!) return false;
    const costB = routeCost(inst, rb, concatOut.duration, concatOut.distance);
    if (costA + costB >= A.cost + B.cost - IMPROVEMENT_EPS) return false;
    const seqA = slice(A, 1, A.len);
    seqA[i - 1] = v;
    const seqB = slice(B, 1, B.len);
    seqB[j - 1] = u;
    return commitRoutes(ctx, ws, buildRoute(inst, ra, seqA), buildRoute(inst, rb, seqB));
  }
  const lo = Math.min(i, j);
  const hi = Math.max(i, j);
  const x = A.nodes[lo]!;
  const y = A.nodes[hi]!;
  let k = 0;
  buf[k++] = y;
  for (let p = lo + 1; p < hi; p++) buf[k++] = A.nodes[p]!;
  buf[k++] = x;
  ctx.counter.moves++;
  if (!evalConcat(inst, A, lo - 1, buf, 0, k, A, hi + 1) || concatOut.distance > inst.vMaxDist[ra]!) return false;
  if (routeCost(inst, ra, concatOut.duration, concatOut.distance) >= A.cost - IMPROVEMENT_EPS) return false;
  const seq = slice(A, 1, A.len);
  seq[lo - 1] = y;
  seq[hi - 1] = x;
  return commitRoutes(ctx, ws, buildRoute(inst, ra, seq), null);
}
