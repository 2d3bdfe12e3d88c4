import { concatOut, evalConcat, routeCost } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';
import { buildRoute, commitRoutes, IMPROVEMENT_EPS, slice, type MoveContext } from './common.js';

/** Longest reversed stretch tried, so one evaluation stays cheap on long routes. */
const MAX_REVERSAL = 80;

/**
 * Intra-route 2-opt: reverse the stretch after the earlier of u, v up to the
 * later one, so that they become adjacent:
 * a -> u -> b -> c -> v -> d  becomes  a -> u -> v -> c -> b -> d.
 * The reversed stretch is walked (asymmetric matrices, windows).
 */
export function twoOpt(ctx: MoveContext, ws: WorkingSolution, u: number, v: number): boolean {
  const { inst } = ctx;
  const ra = ws.routeOf[u]!;
  if (ra !== ws.routeOf[v]) return false;
  const A = ws.routes[ra]!;
  const i = ws.posOf[u]!;
  const j = ws.posOf[v]!;
  const lo = Math.min(i, j);
  const hi = Math.max(i, j);
  if (hi - lo < 2 || hi - lo > MAX_REVERSAL) return false;
  const buf = ctx.buf;
  let k = 0;
  for (let p = hi; p > lo; p--) buf[k++] = A.nodes[p]!;
  ctx.counter.moves++;
  if (!evalConcat(inst, A, lo, buf, 0, k, A, hi + 1) || concatOut.distance > inst.vMaxDist[ra]!) return false;
  if (routeCost(inst, ra, concatOut.duration, concatOut.distance) >= A.cost - IMPROVEMENT_EPS) return false;
  const seq = slice(A, 1, lo).concat(slice(A, lo + 1, hi).reverse(), slice(A, hi + 1, A.len));
  return commitRoutes(ctx, ws, buildRoute(inst, ra, seq), null);
}
