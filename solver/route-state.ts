import { END, START, type Instance } from './instance.js';
import { earliestStart, latestStart } from './time-windows.js';

/**
 * One vehicle's route during the search, with per-position caches that make
 * insertion, removal and segment-concatenation checks constant time.
 *
 * Positions: 0 is the start, 1..len the visited nodes (jobs and this vehicle's
 * breaks), len+1 the end. A break happens where the vehicle is: its effective
 * location `loc[p]` is the previous position's, the edge into it costs nothing
 * and the edge out of it is travelled from that location.
 *
 * - `earliest[p]`: earliest service start at p (the end: earliest arrival).
 * - `depart[p]`: earliest[p] + service.
 * - `latest[p]`: latest arrival at p from which positions p..end stay feasible
 *   (exact with several windows, see time-windows.ts).
 * - `cumDist[p]`, `cumTime[p]`: travel from the start up to p.
 * - `cumLoad[p * dims + d]`: load picked up by positions 0..p.
 * - `cumJobs[p]`: jobs among positions 0..p.
 */
export class Route {
  readonly vehicle: number;
  len = 0;
  nodes: Int32Array;
  loc: Int32Array;
  earliest: Float64Array;
  depart: Float64Array;
  latest: Float64Array;
  cumDist: Float64Array;
  cumTime: Float64Array;
  cumLoad: Float64Array;
  cumJobs: Int32Array;
  jobCount = 0;
  distance = 0;
  duration = 0;
  /** fixedCost + travel cost when the route serves a job, else 0. */
  cost = 0;
  feasible = true;
  /** Position of the last break (0 if none): 2-opt* only cuts after it. */
  lastBreakPos = 0;
  /**
   * Pending edit since the last `update`, so that it can recompute only what
   * changed: forward caches from position `editLo`, latest arrivals from
   * `editHi` down (the suffix's latest values were moved along with its
   * nodes). `editLo` < 0: none recorded, `update` recomputes everything.
   */
  private editLo = -2;
  private editHi = -1;
  private readonly dims: number;

  constructor(vehicle: number, dims: number, capacity = 8) {
    this.vehicle = vehicle;
    this.dims = dims;
    this.nodes = new Int32Array(capacity);
    this.loc = new Int32Array(capacity);
    this.earliest = new Float64Array(capacity);
    this.depart = new Float64Array(capacity);
    this.latest = new Float64Array(capacity);
    this.cumDist = new Float64Array(capacity);
    this.cumTime = new Float64Array(capacity);
    this.cumLoad = new Float64Array(capacity * Math.max(dims, 1));
    this.cumJobs = new Int32Array(capacity);
    this.nodes[0] = START;
    this.nodes[1] = END;
  }

  clone(): Route {
    const r = new Route(this.vehicle, this.dims, this.len + 4);
    r.copyFrom(this);
    return r;
  }

  copyFrom(o: Route): void {
    const size = o.len + 2;
    if (this.nodes.length < size) this.grow(size);
    this.len = o.len;
    this.nodes.set(o.nodes.subarray(0, size));
    this.loc.set(o.loc.subarray(0, size));
    this.earliest.set(o.earliest.subarray(0, size));
    this.depart.set(o.depart.subarray(0, size));
    this.latest.set(o.latest.subarray(0, size));
    this.cumDist.set(o.cumDist.subarray(0, size));
    this.cumTime.set(o.cumTime.subarray(0, size));
    this.cumLoad.set(o.cumLoad.subarray(0, size * Math.max(this.dims, 1)));
    this.cumJobs.set(o.cumJobs.subarray(0, size));
    this.jobCount = o.jobCount;
    this.distance = o.distance;
    this.duration = o.duration;
    this.cost = o.cost;
    this.feasible = o.feasible;
    this.lastBreakPos = o.lastBreakPos;
    this.editLo = -1;
  }

  /** Visited nodes (jobs and breaks) in order. */
  sequence(): number[] {
    return Array.from(this.nodes.subarray(1, this.len + 1));
  }

  /** Total load in dimension d. */
  load(d: number): number {
    return this.cumLoad[(this.len + 1) * this.dims + d]!;
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.nodes.length * 2);
    const g32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array, k = 1): Float64Array => {
      const b = new Float64Array(cap * k);
      b.set(a);
      return b;
    };
    this.nodes = g32(this.nodes);
    this.loc = g32(this.loc);
    this.earliest = g64(this.earliest);
    this.depart = g64(this.depart);
    this.latest = g64(this.latest);
    this.cumDist = g64(this.cumDist);
    this.cumTime = g64(this.cumTime);
    this.cumLoad = g64(this.cumLoad, Math.max(this.dims, 1));
    this.cumJobs = g32(this.cumJobs);
  }

  /** Replace the visited nodes; call `update` afterwards. */
  setSequence(seq: ArrayLike<number>): void {
    this.invalidate();
    if (this.nodes.length < seq.length + 2) this.grow(seq.length + 2);
    this.len = seq.length;
    this.nodes[0] = START;
    for (let i = 0; i < seq.length; i++) this.nodes[i + 1] = seq[i]!;
    this.nodes[this.len + 1] = END;
  }

  /** Insert node x after position p; call `update` afterwards. */
  insertAfter(p: number, x: number): void {
    if (this.nodes.length < this.len + 3) this.grow(this.len + 3);
    this.nodes.copyWithin(p + 2, p + 1, this.len + 2);
    this.latest.copyWithin(p + 2, p + 1, this.len + 2);
    this.nodes[p + 1] = x;
    this.len++;
    this.recordEdit(p + 1, p + 1);
  }

  /** Remove the node at position p; call `update` afterwards. */
  removeAt(p: number): void {
    this.nodes.copyWithin(p, p + 1, this.len + 2);
    this.latest.copyWithin(p, p + 1, this.len + 2);
    this.len--;
    this.recordEdit(p, p - 1);
  }

  /**
   * Record an edit for the next `update`: positions before `lo` are untouched
   * and the latest arrivals of positions after `hi` are in place. A second
   * edit before `update` falls back to a full recomputation.
   */
  recordEdit(lo: number, hi: number): void {
    if (this.editLo === -1) {
      this.editLo = lo;
      this.editHi = hi;
    } else this.editLo = -2;
  }

  /** Forget any recorded edit: the next `update` recomputes every position. */
  invalidate(): void {
    this.editLo = -2;
  }

  /** Drop every node (an unused vehicle takes no breaks). */
  clear(): void {
    this.invalidate();
    this.len = 0;
    this.nodes[0] = START;
    this.nodes[1] = END;
  }

  /**
   * Recompute the caches from the node sequence (only the positions a
   * recorded edit can affect, with the same arithmetic as a full pass, so
   * results are identical); sets `feasible`.
   */
  update(inst: Instance): boolean {
    const v = this.vehicle;
    const n = inst.n;
    const dims = this.dims;
    const D = inst.vDur[v]!;
    const X = inst.vDist[v]!;
    const S = inst.vSize[v]!;
    const { twOff, twStart, twEnd, nodeLoc, service, demand } = inst;
    const nodes = this.nodes;
    const loc = this.loc;
    const earliest = this.earliest;
    const depart = this.depart;
    const cumDist = this.cumDist;
    const cumTime = this.cumTime;
    const cumLoad = this.cumLoad;
    const cumJobs = this.cumJobs;
    const len = this.len;
    const endPos = len + 1;

    // An edit recorded on a non-empty route: recompute forward from `from`,
    // backward from `back`; otherwise everything.
    const incremental = this.editLo >= 1 && len > 0;
    const from = incremental ? Math.min(this.editLo, endPos) : 1;
    let back = len;
    if (incremental) {
      back = Math.min(Math.max(this.editHi, 0), len);
      // Breaks right after the edit take their location from it.
      while (back < len && nodes[back + 1]! >= n) back++;
    }
    this.editLo = -1;
    let ok = true;
    let lastBreak = 0;
    if (incremental) {
      ok = earliest[from - 1]! < Infinity; // an infeasible prefix makes every later start infinite
      if (this.lastBreakPos < from) lastBreak = this.lastBreakPos;
      else for (let p = from - 1; p > 0 && lastBreak === 0; p--) if (nodes[p]! >= n) lastBreak = p;
    } else {
      loc[0] = inst.vStart[v]!;
      earliest[0] = inst.vShiftStart[v]!;
      depart[0] = earliest[0]!;
      cumDist[0] = 0;
      cumTime[0] = 0;
      cumJobs[0] = 0;
      for (let d = 0; d < dims; d++) cumLoad[d] = 0;
    }
    for (let p = from; p <= len; p++) {
      const x = nodes[p]!;
      const prev = loc[p - 1]!;
      let arrival = depart[p - 1]!;
      if (x >= n) {
        loc[p] = prev;
        cumDist[p] = cumDist[p - 1]!;
        cumTime[p] = cumTime[p - 1]!;
        cumJobs[p] = cumJobs[p - 1]!;
        for (let d = 0; d < dims; d++) cumLoad[p * dims + d] = cumLoad[(p - 1) * dims + d]!;
        lastBreak = p;
      } else {
        const l = nodeLoc[x]!;
        loc[p] = l;
        const tt = D[prev * S + l]!;
        arrival += tt;
        cumTime[p] = cumTime[p - 1]! + tt;
        cumDist[p] = cumDist[p - 1]! + X[prev * S + l]!;
        cumJobs[p] = cumJobs[p - 1]! + 1;
        for (let d = 0; d < dims; d++) cumLoad[p * dims + d] = cumLoad[(p - 1) * dims + d]! + demand[x * dims + d]!;
      }
      const s = earliestStart(twOff, twStart, twEnd, x, arrival);
      if (s === Infinity) ok = false;
      earliest[p] = s;
      depart[p] = s + service[x]!;
    }
    const e = inst.vEnd[v]!;
    const last = loc[len]!;
    loc[endPos] = e;
    nodes[endPos] = END;
    let arrival = depart[len]!;
    if (e >= 0) {
      const tt = D[last * S + e]!;
      arrival += tt;
      cumTime[endPos] = cumTime[len]! + tt;
      cumDist[endPos] = cumDist[len]! + X[last * S + e]!;
    } else {
      cumTime[endPos] = cumTime[len]!;
      cumDist[endPos] = cumDist[len]!;
    }
    cumJobs[endPos] = cumJobs[len]!;
    for (let d = 0; d < dims; d++) cumLoad[endPos * dims + d] = cumLoad[len * dims + d]!;
    earliest[endPos] = arrival;
    depart[endPos] = arrival;
    if (!(arrival <= inst.vShiftEnd[v]!)) ok = false;

    // Backward pass: latest arrival per position.
    const latest = this.latest;
    latest[endPos] = inst.vShiftEnd[v]!;
    for (let p = back; p >= 0; p--) {
      const next = p + 1;
      const y = nodes[next]!;
      let tt = 0;
      if (y === END ? e >= 0 : y < n) tt = D[loc[p]! * S + loc[next]!]!;
      const x = nodes[p]!;
      if (p === 0) latest[0] = latest[next]! - tt;
      else latest[p] = latestStart(twOff, twStart, twEnd, x, latest[next]! - tt - service[x]!);
    }

    this.jobCount = cumJobs[endPos]!;
    this.distance = cumDist[endPos]!;
    this.duration = cumTime[endPos]!;
    this.lastBreakPos = lastBreak;
    this.cost = this.jobCount > 0 ? inst.vFixed[v]! + inst.vCpt[v]! * this.duration + inst.vCpd[v]! * this.distance : 0;
    if (this.jobCount > inst.vMaxJobs[v]! || this.distance > inst.vMaxDist[v]!) ok = false;
    for (let d = 0; d < dims; d++) if (cumLoad[endPos * dims + d]! > inst.vCap[v * dims + d]!) ok = false;
    if (this.jobCount === 0 && len > 0) ok = false; // breaks alone: an unused vehicle takes none
    this.feasible = ok;
    return ok;
  }
}

/** Result slot of `evalConcat` (avoids allocating per evaluated move). */
export const concatOut = { distance: 0, duration: 0 };

/**
 * Feasibility (time windows and shift only) and travel of the route of vehicle
 * `A.vehicle` made of: A's positions 0..pa, then `buf[b0..b1)`, then route B's
 * positions pb..end (B's nodes, ending at A's vehicle end).
 *
 * Constant time plus the explicit nodes when B's suffix can reuse its caches
 * (B is A, or the same vehicle class); otherwise the suffix is walked. The
 * caller guarantees that breaks in `buf` and in B's suffix belong to A's
 * vehicle, or that B's suffix has none, and checks capacity, job counts,
 * skills and max distance itself.
 */
export function evalConcat(
  inst: Instance,
  A: Route,
  pa: number,
  buf: Int32Array,
  b0: number,
  b1: number,
  B: Route,
  pb: number,
): boolean {
  const v = A.vehicle;
  const n = inst.n;
  const D = inst.vDur[v]!;
  const X = inst.vDist[v]!;
  const S = inst.vSize[v]!;
  const { twOff, twStart, twEnd, nodeLoc, service } = inst;
  let t = A.depart[pa]!;
  let last = A.loc[pa]!;
  let dist = A.cumDist[pa]!;
  let time = A.cumTime[pa]!;
  for (let i = b0; i < b1; i++) {
    const x = buf[i]!;
    if (x >= n) {
      const s = earliestStart(twOff, twStart, twEnd, x, t);
      if (s === Infinity) return false;
      t = s + service[x]!;
    } else {
      const l = nodeLoc[x]!;
      const k = last * S + l;
      const tt = D[k]!;
      time += tt;
      dist += X[k]!;
      const s = earliestStart(twOff, twStart, twEnd, x, t + tt);
      if (s === Infinity) return false;
      t = s + service[x]!;
      last = l;
    }
  }
  const endB = B.len + 1;
  const bn = B.nodes;
  let q = pb;
  while (q < endB && bn[q]! >= n) {
    const x = bn[q]!;
    const s = earliestStart(twOff, twStart, twEnd, x, t);
    if (s === Infinity) return false;
    t = s + service[x]!;
    q++;
  }
  if (q < endB) {
    if (B === A || inst.vClass[B.vehicle] === inst.vClass[v]) {
      const l = B.loc[q]!;
      const k = last * S + l;
      const tt = D[k]!;
      if (t + tt > B.latest[q]!) return false;
      concatOut.duration = time + tt + (B.cumTime[endB]! - B.cumTime[q]!);
      concatOut.distance = dist + X[k]! + (B.cumDist[endB]! - B.cumDist[q]!);
      return true;
    }
    for (; q < endB; q++) {
      const x = bn[q]!;
      const l = nodeLoc[x]!;
      const k = last * S + l;
      const tt = D[k]!;
      time += tt;
      dist += X[k]!;
      const s = earliestStart(twOff, twStart, twEnd, x, t + tt);
      if (s === Infinity) return false;
      t = s + service[x]!;
      last = l;
    }
  }
  const e = inst.vEnd[v]!;
  if (e >= 0) {
    const k = last * S + e;
    t += D[k]!;
    time += D[k]!;
    dist += X[k]!;
  }
  if (t > inst.vShiftEnd[v]!) return false;
  concatOut.duration = time;
  concatOut.distance = dist;
  return true;
}

/** Cost of a non-empty route of vehicle v with the given travel. */
export function routeCost(inst: Instance, v: number, duration: number, distance: number): number {
  return inst.vFixed[v]! + inst.vCpt[v]! * duration + inst.vCpd[v]! * distance;
}
