import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constructRegret } from '../../solver/construction.js';
import { Instance } from '../../solver/instance.js';
import type { MoveContext } from '../../solver/operators/common.js';
import { orOpt } from '../../solver/operators/or-opt.js';
import { relocate } from '../../solver/operators/relocate.js';
import { swap } from '../../solver/operators/swap.js';
import { twoOpt } from '../../solver/operators/two-opt.js';
import { twoOptStar } from '../../solver/operators/two-opt-star.js';
import { WorkingSolution } from '../../solver/working-solution.js';
import { randomProblem } from './random-instance.js';
import { referenceRoute } from './reference.js';

type Op = (ctx: MoveContext, ws: WorkingSolution, u: number, v: number) => boolean;
/** A candidate move: the new sequence of each route it changes. */
type Candidate = Map<number, number[]>;

/**
 * Every move an operator considers for (u, v), re-derived here from the
 * operator's definition with plain array edits.
 */
function candidates(name: string, inst: Instance, ws: WorkingSolution, u: number, v: number): Candidate[] {
  const ra = ws.routeOf[u]!;
  const rb = ws.routeOf[v]!;
  const A = ws.routes[ra]!.sequence();
  const B = ws.routes[rb]!.sequence();
  const i = ws.posOf[u]!;
  const j = ws.posOf[v]!;
  const out: Candidate[] = [];
  const two = (sa: number[], sb: number[]): Candidate => new Map([[ra, sa], [rb, sb]]);
  const one = (s: number[]): Candidate => new Map([[ra, s]]);
  switch (name) {
    case 'relocate':
      for (const t of [j, j - 1]) {
        if (ra !== rb) {
          const sb = B.slice();
          sb.splice(t, 0, u);
          out.push(two(A.filter((x) => x !== u), sb));
        } else if (t !== i && t !== i - 1) {
          const s = A.slice();
          s.splice(i - 1, 1);
          s.splice(i < t ? t - 1 : t, 0, u);
          out.push(one(s));
        }
      }
      break;
    case 'swap':
      if (ra !== rb) {
        const sa = A.slice();
        sa[i - 1] = v;
        const sb = B.slice();
        sb[j - 1] = u;
        out.push(two(sa, sb));
      } else {
        const s = A.slice();
        s[i - 1] = v;
        s[j - 1] = u;
        out.push(one(s));
      }
      break;
    case 'twoOptStar': {
      const lastBreak = (s: number[]): number => s.reduce((acc, x, k) => (x >= inst.n ? k + 1 : acc), 0);
      if (ra !== rb && lastBreak(A) <= i && lastBreak(B) < j) out.push(two([...A.slice(0, i), ...B.slice(j - 1)], [...B.slice(0, j - 1), ...A.slice(i)]));
      break;
    }
    case 'orOpt':
      for (let L = 2; L <= 3; L++) {
        const last = i + L - 1;
        if (last > A.length || A[last - 1]! >= inst.n) break;
        if (ra === rb && j >= i - 1 && j <= last) continue;
        for (const rev of [false, true]) {
          const seg = A.slice(i - 1, last);
          if (rev) seg.reverse();
          if (ra !== rb) {
            const sb = B.slice();
            sb.splice(j, 0, ...seg);
            out.push(two([...A.slice(0, i - 1), ...A.slice(last)], sb));
          } else {
            const s = [-1, ...A, -2];
            s.splice(i, L);
            s.splice(j > last ? j - L + 1 : j + 1, 0, ...seg);
            out.push(one(s.slice(1, -1)));
          }
        }
      }
      break;
    case 'twoOpt': {
      const lo = Math.min(i, j);
      const hi = Math.max(i, j);
      if (ra === rb && hi - lo >= 2 && hi - lo <= 80) out.push(one([...A.slice(0, lo), ...A.slice(lo, hi).reverse(), ...A.slice(hi)]));
      break;
    }
  }
  return out;
}

const OPS: [string, Op][] = [
  ['relocate', relocate],
  ['swap', swap],
  ['twoOptStar', twoOptStar],
  ['orOpt', orOpt],
  ['twoOpt', twoOpt],
];

describe('local-search operators', () => {
  for (const [name, op] of OPS) {
    it(`${name}: applies a move iff the full recomputation finds an improving feasible one`, () => {
      let applied = 0;
      let rejected = 0;
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
          const inst = new Instance(randomProblem(seed, { jobs: 8 + (seed % 5), vehicles: 2 + (seed % 2), horizon: 500, maxBreaks: seed % 2 }));
          const base = new WorkingSolution(inst);
          constructRegret(inst, base, { moves: 0 });
          const assigned = Array.from({ length: inst.n }, (_, j) => j).filter((j) => base.routeOf[j]! >= 0);
          for (const u of assigned) {
            for (const v of assigned) {
              if (u === v) continue;
              const ws = base.copy(inst);
              const ctx: MoveContext = { inst, counter: { moves: 0 }, buf: new Int32Array(64) };
              const did = op(ctx, ws, u, v);
              const cands = candidates(name, inst, base, u, v).map((c) => {
                let delta = 0;
                let feasible = true;
                for (const [r, seq] of c) {
                  const s = seq.some((x) => x < inst.n) ? seq : [];
                  const ref = referenceRoute(inst, r, s);
                  // The search only places a job on vehicles that could serve it alone.
                  feasible &&= ref.feasible && s.every((x) => x >= inst.n || inst.eligible[x * inst.m + r] === 1);
                  delta += ref.cost - base.routes[r]!.cost;
                }
                return { c, delta, feasible };
              });
              if (did) {
                applied++;
                const changed = new Map<number, number[]>();
                for (let r = 0; r < inst.m; r++) if (ws.routes[r] !== base.routes[r]) changed.set(r, ws.routes[r]!.sequence());
                const match = cands.find(
                  (x) =>
                    x.feasible &&
                    x.delta < 0 &&
                    [...changed].every(([r, s]) => {
                      const want = x.c.get(r);
                      return want !== undefined && JSON.stringify(want.some((y) => y < inst.n) ? want : []) === JSON.stringify(s);
                    }),
                );
                expect(match, `${name}(${u}, ${v}) applied a move that is not an improving feasible candidate`).toBeDefined();
                for (const [r, s] of changed) expect(referenceRoute(inst, r, s).feasible).toBe(true);
                // Bookkeeping of positions follows the new routes.
                for (const [r, s] of changed) s.forEach((x, k) => x < inst.n && expect([ws.routeOf[x], ws.posOf[x]]).toEqual([r, k + 1]));
              } else {
                rejected++;
                const missed = cands.find((x) => x.feasible && x.delta < -1e-6);
                expect(missed, `${name}(${u}, ${v}) missed an improving move`).toBeUndefined();
              }
            }
          }
        }),
        { numRuns: 150 },
      );
      expect(applied).toBeGreaterThan(5);
      expect(rejected).toBeGreaterThan(5);
    });
  }
});
