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
}

type Operator = (ctx: MoveContext, ws: WorkingSolution, u: number, v: number) => boolean;

/** Tried in this order for every (job, neighbour) pair. */
const OPERATORS: readonly Operator[] = [relocate, swap, twoOptStar, orOpt, twoOpt];

export function makeLocalSearch(inst: Instance, rng: Rng, counter: MoveCounter, shouldStop: () => boolean = () => false): LocalSearch {
  let maxLen = inst.n + 2;
  for (const b of inst.vBreaks) maxLen = Math.max(maxLen, inst.n + b.length + 2);
  return { inst, counter, rng, buf: new Int32Array(maxLen), order: Array.from(inst.assignable), maxPasses: 50, shouldStop };
}

/**
 * First-improvement descent over granular neighbourhoods: for each job u (in
 * random order) and each of its nearest neighbours v served by some route,
 * try relocate, swap, 2-opt*, or-opt and 2-opt moves that make u and v
 * adjacent, applying the first improving one. Stops when a full pass over all
 * jobs improves nothing.
 */
export function localSearch(ls: LocalSearch, ws: WorkingSolution): void {
  const { inst, rng, order } = ls;
  rng.shuffle(order);
  for (let pass = 0; pass < ls.maxPasses; pass++) {
    let improved = false;
    for (const u of order) {
      if (ws.routeOf[u]! < 0) continue;
      if (ls.shouldStop()) return;
      const nb = inst.neighbours[u]!;
      for (let k = 0; k < nb.length; k++) {
        const v = nb[k]!;
        if (ws.routeOf[v]! < 0 || ws.routeOf[u]! < 0) continue;
        for (const op of OPERATORS) {
          if (op(ls, ws, u, v)) {
            improved = true;
            break;
          }
        }
      }
    }
    if (!improved) break;
  }
}
