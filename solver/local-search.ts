import type { MoveCounter } from './construction.js';
import type { Instance } from './instance.js';
import type { MoveContext } from './operators/common.js';
import { orOpt } from './operators/or-opt.js';
import { relocate } from './operators/relocate.js';
import { swap } from './operators/swap.js';
import { twoOpt } from './operators/two-opt.js';
import { twoOptStar } from './operators/two-opt-star.js';
import type { Rng } from './rng.js';
import type { WorkingSolution } from './working-solution.js';

export interface LocalSearch extends MoveContext {
  rng: Rng;
  order: number[];
  /** Upper bound on improvement passes, a guard against cycling on rounding noise. */
  maxPasses: number;
  /** Polled between jobs: the time limit or a cancellation cuts a descent short. */
  shouldStop: () => boolean;
  /** Per vehicle: pass stamp at which its route last changed (see `localSearch`). */
  changed: Int32Array;
}

type Operator = (ctx: MoveContext, ws: WorkingSolution, u: number, v: number) => boolean;

/** Tried in this order for every (job, neighbour) pair. */
const OPERATORS: readonly Operator[] = [relocate, swap, twoOptStar, orOpt, twoOpt];

export function makeLocalSearch(inst: Instance, rng: Rng, counter: MoveCounter, shouldStop: () => boolean = () => false): LocalSearch {
  let maxLen = inst.n + 2;
  for (const b of inst.vBreaks) maxLen = Math.max(maxLen, inst.n + b.length + 2);
  return {
    inst, counter, rng, buf: new Int32Array(maxLen), order: Array.from(inst.assignable), maxPasses: 50, shouldStop,
    changed: new Int32Array(inst.m),
  };
}

/**
 * First-improvement descent over granular neighbourhoods: for each job u (in
 * random order) and each of its nearest neighbours v served by some route,
 * try relocate, swap, 2-opt*, or-opt and 2-opt moves that make u and v
 * adjacent, applying the first improving one.
 *
 * With a `reference` solution that was itself a local optimum, only pairs
 * with at least one job on a route that differs from it are tried at first
 * (routes are shared between copies until changed, so this is an identity
 * test); every later pass tries the pairs touching routes changed since the
 * pass before. Without one, every pair is tried. Stops when a pass improves
 * nothing. This keeps a descent on a new best proportional to what changed
 * rather than to the size of the instance.
 */
export function localSearch(ls: LocalSearch, ws: WorkingSolution, reference: WorkingSolution | null = null): void {
  const { inst, rng, order, changed } = ls;
  rng.shuffle(order);
  // Pass k tries the pairs touching a route changed in pass k-1 or k;
  // "changed before pass 0" (-1) marks the routes that differ from the reference.
  for (let v = 0; v < inst.m; v++) changed[v] = reference === null || ws.routes[v] !== reference.routes[v] ? -1 : -2;
  for (let pass = 0; pass < ls.maxPasses; pass++) {
    let improved = false;
    const since = pass - 1;
    for (const u of order) {
      if (ws.routeOf[u]! < 0) continue;
      if (ls.shouldStop()) return;
      const nb = inst.neighbours[u]!;
      for (let k = 0; k < nb.length; k++) {
        const v = nb[k]!;
        const a = ws.routeOf[u]!;
        const b = ws.routeOf[v]!;
        if (b < 0 || a < 0) continue;
        if (changed[a]! < since && changed[b]! < since) continue; // both routes unchanged: already a local optimum
        for (const op of OPERATORS) {
          if (op(ls, ws, u, v)) {
            improved = true;
            changed[a] = pass;
            changed[b] = pass;
            break;
          }
        }
      }
    }
    if (!improved) break;
  }
}
