import { insertionDelta, removalDelta, routeAccepts } from '../insertion.js';
import { concatOut, evalConcat, routeCost } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';
import { buildRoute, commitRoutes, IMPROVEMENT_EPS, slice, type MoveContext } from './common.js';

/**
 * Relocate job u next to job v (after it, then before it), in v's route or
 * within its own:  a -> u -> b ... c -> v -> d  becomes  a -> b ... c -> v -> u -> d.
 * Applies the first improving placement; returns whether it did.
 */
export function relocate(ctx: MoveContext, ws: WorkingSolution, u: number, v: number): boolean {
  const { inst } = ctx;
  const ra = ws.routeOf[u]!;
  const rb = ws.routeOf[v]!;
  const A = ws.routes[ra]!;
  const B = ws.routes[rb]!;
  const i = ws.posOf[u]!;
  const j = ws.posOf[v]!;
  if (ra !== rb) {
    if (!routeAccepts(inst, B, u)) return false;
    const rem = removalDelta(inst, A, i);
    ctx.counter.moves++;
    if (rem === Infinity) return false;
    for (const p of [j, j - 1]) {
      ctx.counter.moves++;
      const ins = insertionDelta(inst, B, u, p);
      if (rem + ins < -IMPROVEMENT_EPS) {
        const seqA = slice(A, 1, A.len).filter((x) => x !== u);
        const seqB = slice(B, 1, B.len);
        seqB.splice(p, 0, u);
        if (commitRoutes(ctx, ws, buildRoute(inst, ra, seqA), buildRoute(inst, rb, seqB))) return true;
      }
    }
    return false;
  }
  for (const t of [j, j - 1]) {
    if (t === i || t === i - 1) continue;
    ctx.counter.moves++;
    const buf = ctx.buf;
    let k = 0;
    let ok: boolean;
    if (i < t) {
      for (let p = i + 1; p <= t; p++) buf[k++] = A.nodes[p]!;
      buf[k++] = u;
      ok = evalConcat(inst, A, i - 1, buf, 0, k, A, t + 1);
    } else {
      buf[k++] = u;
      for (let p = t + 1; p < i; p++) buf[k++] = A.nodes[p]!;
      ok = evalConcat(inst, A, t, buf, 0, k, A, i + 1);
    }
    if (!ok || concatOut.distance > inst.vMaxDist[ra]!) continue;
    if (routeCost(inst, ra, concatOut.duration, concatOut.distance) < A.cost - IMPROVEMENT_EPS) {
      const seq = slice(A, 1, A.len);
      seq.splice(i - 1, 1);
      seq.splice(i < t ? t - 1 : t, 0, u);
      if (commitRoutes(ctx, ws, buildRoute(inst, ra, seq), null)) return true;
    }
  }
  return false;
}
