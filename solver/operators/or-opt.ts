import { routeAccepts } from '../insertion.js';
import { concatOut, evalConcat, routeCost } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';
import { buildRoute, commitRoutes, IMPROVEMENT_EPS, segmentEligible, segmentLoad, slice, type MoveContext } from './common.js';

/**
 * Move the string of 2 or 3 jobs starting at u to just after v, as is or
 * reversed, in another route or its own:
 * a -> [u x y] -> b ... v -> c  becomes  a -> b ... v -> [u x y] -> c  (or v -> [y x u] -> c).
 */
export function orOpt(ctx: MoveContext, ws: WorkingSolution, u: number, v: number): boolean {
  const { inst } = ctx;
  const ra = ws.routeOf[u]!;
  const rb = ws.routeOf[v]!;
  const A = ws.routes[ra]!;
  const B = ws.routes[rb]!;
  const i = ws.posOf[u]!;
  const j = ws.posOf[v]!;
  const n = inst.n;
  const buf = ctx.buf;
  for (let L = 2; L <= 3; L++) {
    const last = i + L - 1;
    if (last > A.len) return false;
    if (A.nodes[last]! >= n) return false; // strings of jobs only
    if (ra === rb && j >= i - 1 && j <= last) continue;
    for (let rev = 0; rev < 2; rev++) {
      ctx.counter.moves++;
      if (ra !== rb) {
        if (!segmentEligible(inst, A, i, last, rb) || B.jobCount + L > inst.vMaxJobs[rb]!) return false;
        if (!routeAccepts(inst, B, u)) return false;
        let fits = true;
        for (let d = 0; d < inst.dims; d++) {
          if (B.load(d) + segmentLoad(inst, A, i, last, d) > inst.vCap[rb * inst.dims + d]!) fits = false;
        }
        if (!fits) break;
        let k = 0;
        for (let p = 0; p < L; p++) buf[k++] = A.nodes[rev ? last - p : i + p]!;
        if (!evalConcat(inst, B, j, buf, 0, k, B, j + 1) || concatOut.distance > inst.vMaxDist[rb]!) continue;
        const costB = routeCost(inst, rb, concatOut.duration, concatOut.distance);
        let costA = 0;
        if (A.jobCount > L) {
          if (!evalConcat(inst, A, i - 1, buf, 0, 0, A, last + 1)) continue;
          costA = routeCost(inst, ra, concatOut.duration, concatOut.distance);
        }
        if (costA + costB >= A.cost + B.cost - IMPROVEMENT_EPS) continue;
        const seg = slice(A, i, last);
        if (rev) seg.reverse();
        const seqA = slice(A, 1, i - 1).concat(slice(A, last + 1, A.len));
        const seqB = slice(B, 1, j).concat(seg, slice(B, j + 1, B.len));
        if (commitRoutes(ctx, ws, buildRoute(inst, ra, seqA), buildRoute(inst, rb, seqB))) return true;
      } else {
        let k = 0;
        let ok: boolean;
        if (j > last) {
          for (let p = last + 1; p <= j; p++) buf[k++] = A.nodes[p]!;
          for (let p = 0; p < L; p++) buf[k++] = A.nodes[rev ? last - p : i + p]!;
          ok = evalConcat(inst, A, i - 1, buf, 0, k, A, j + 1);
        } else {
          for (let p = 0; p < L; p++) buf[k++] = A.nodes[rev ? last - p : i + p]!;
          for (let p = j + 1; p < i; p++) buf[k++] = A.nodes[p]!;
          ok = evalConcat(inst, A, j, buf, 0, k, A, last + 1);
        }
        if (!ok || concatOut.distance > inst.vMaxDist[ra]!) continue;
        if (routeCost(inst, ra, concatOut.duration, concatOut.distance) >= A.cost - IMPROVEMENT_EPS) continue;
        const seq = slice(A, 0, A.len + 1);
        const seg = seq.splice(i, L);
        if (rev) seg.reverse();
        const at = j > last ? j - L + 1 : j + 1;
        seq.splice(at, 0, ...seg);
        if (commitRoutes(ctx, ws, buildRoute(inst, ra, seq.slice(1, -1)), null)) return true;
      }
    }
  }
  return false;
}
