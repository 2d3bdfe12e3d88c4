/**
 * Time-window lookups on the flat window arrays of an `Instance`.
 *
 * Windows of node x are `twStart[k]..twEnd[k]` for k in `twOff[x] .. twOff[x+1]-1`,
 * sorted and disjoint, with `twEnd` already widened by the search tolerance.
 * Both lookups are monotone in their argument, which is what makes a single
 * "latest arrival" per route position exact even with several windows: the set
 * of arrival times from which the rest of a route is feasible is (-inf, L].
 */

/** Earliest service start for an arrival at `t`, or Infinity if every window has closed. */
export function earliestStart(twOff: Int32Array, twStart: Float64Array, twEnd: Float64Array, x: number, t: number): number {
  const e = twOff[x + 1] as number;
  for (let k = twOff[x] as number; k < e; k++) {
    if (t <= (twEnd[k] as number)) {
      const s = twStart[k] as number;
      return t > s ? t : s;
    }
  }
  return Infinity;
}

/** Latest service start not after `bound`, or -Infinity if no window opens by then. */
export function latestStart(twOff: Int32Array, twStart: Float64Array, twEnd: Float64Array, x: number, bound: number): number {
  const o = twOff[x] as number;
  for (let k = (twOff[x + 1] as number) - 1; k >= o; k--) {
    if ((twStart[k] as number) <= bound) {
      const e = twEnd[k] as number;
      return bound < e ? bound : e;
    }
  }
  return -Infinity;
}
