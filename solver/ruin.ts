import type { Instance } from './instance.js';
import type { Rng } from './rng.js';
import type { WorkingSolution } from './working-solution.js';

/** Parameters of adjacent string removal (Christiaens & Vanden Berghe, 2020). */
export interface RuinParams {
  /** Average number of removed jobs. */
  avgRemoved: number;
  /** Longest string removed from one route. */
  maxString: number;
  /** Probability that a string is removed whole rather than split. */
  stringProbability: number;
  /** Chance to extend the kept part of a split string by one more job. */
  splitExtend: number;
}

/** Tunable base values (the average is capped for small instances). */
export const RUIN_DEFAULTS = { avgRemoved: 10, maxString: 10 };

export function defaultRuinParams(assignable: number): RuinParams {
  return {
    avgRemoved: Math.max(2, Math.min(RUIN_DEFAULTS.avgRemoved, Math.round(assignable / 4))),
    maxString: RUIN_DEFAULTS.maxString,
    stringProbability: 0.5,
    splitExtend: 0.5,
  };
}

/**
 * Remove strings of consecutive jobs from routes close to a random seed job:
 * walk the seed's nearest jobs, and from each not-yet-ruined route met remove a
 * string (or a string with a kept gap) containing that job. Breaks stay in
 * place. A route that would become infeasible without the string (possible
 * with non-metric matrices) is left intact. Removed jobs are appended to `out`.
 */
export function ruinStrings(inst: Instance, ws: WorkingSolution, rng: Rng, params: RuinParams, out: number[], scratch: RuinScratch): void {
  let routesUsed = 0;
  let assigned = 0;
  for (const r of ws.routes) {
    if (r.jobCount > 0) {
      routesUsed++;
      assigned += r.jobCount;
    }
  }
  if (assigned === 0) return;
  const avgCard = assigned / routesUsed;
  const lsMax = Math.min(params.maxString, avgCard);
  const ksMax = (4 * params.avgRemoved) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * ksMax) + 1;

  // Seed: a random assigned job.
  let seed = -1;
  for (let tries = 0; tries < 64 && seed < 0; tries++) {
    const j = rng.int(inst.n);
    if (ws.routeOf[j]! >= 0) seed = j;
  }
  if (seed < 0) {
    for (let j = 0; j < inst.n; j++) if (ws.routeOf[j]! >= 0) seed = j;
  }
  const ruined = scratch.ruined;
  ruined.fill(0);
  let count = 0;
  const adj = inst.adjacency[seed]!;
  for (let a = -1; a < adj.length && count < ks; a++) {
    const c = a < 0 ? seed : adj[a]!;
    const v = ws.routeOf[c]!;
    if (v < 0 || ruined[v] === 1) continue;
    ruined[v] = 1;
    count++;
    const r = ws.routes[v]!;
    const lMax = Math.min(r.jobCount, lsMax);
    const l = Math.floor(rng.next() * lMax) + 1;
    // Job positions of the route, breaks skipped.
    const jobsPos = scratch.positions;
    let k = 0;
    let ci = 0;
    for (let p = 1; p <= r.len; p++) {
      const x = r.nodes[p]!;
      if (x < inst.n) {
        if (x === c) ci = k;
        jobsPos[k++] = p;
      }
    }
    const remove = scratch.remove;
    let nRemove = 0;
    if (rng.next() < params.stringProbability || l >= k) {
      const first = ci - rng.int(l);
      const lo = Math.max(0, Math.min(first, k - l));
      for (let i = lo; i < lo + l; i++) remove[nRemove++] = jobsPos[i]!;
    } else {
      let keep = 1;
      while (l + keep < k && rng.next() < params.splitExtend) keep++;
      const total = l + keep;
      const first = ci - rng.int(total);
      const lo = Math.max(0, Math.min(first, k - total));
      const keepAt = lo + rng.int(l + 1);
      for (let i = lo; i < lo + total; i++) if (i < keepAt || i >= keepAt + keep) remove[nRemove++] = jobsPos[i]!;
    }
    removeFromRoute(inst, ws, v, remove, nRemove, out);
  }
}

export interface RuinScratch {
  ruined: Uint8Array;
  positions: Int32Array;
  remove: Int32Array;
  seq: Int32Array;
}

export function makeRuinScratch(inst: Instance): RuinScratch {
  let maxLen = inst.n + 2;
  for (const b of inst.vBreaks) maxLen = Math.max(maxLen, inst.n + b.length + 2);
  return {
    ruined: new Uint8Array(inst.m),
    positions: new Int32Array(maxLen),
    remove: new Int32Array(maxLen),
    seq: new Int32Array(maxLen),
  };
}

let removeScratch = new Int32Array(64);

/** Remove the jobs at the given positions (ascending) from route v, unless that breaks the route. */
export function removeFromRoute(inst: Instance, ws: WorkingSolution, v: number, positions: Int32Array, count: number, out: number[]): boolean {
  if (count === 0) return true;
  const r = ws.mutable(v);
  const len0 = r.len;
  const old = removeScratch.length >= len0 + 2 ? removeScratch : (removeScratch = new Int32Array(len0 * 2 + 2));
  old.set(r.nodes.subarray(0, len0 + 2));
  const removedStart = out.length;
  let w = 0;
  let k = 0;
  let jobsLeft = 0;
  const nodes = r.nodes;
  const latest = r.latest;
  for (let p = 1; p <= len0; p++) {
    const x = nodes[p]!;
    if (k < count && positions[k] === p) {
      k++;
      out.push(x);
      continue;
    }
    if (x < inst.n) jobsLeft++;
    nodes[++w] = x;
    latest[w] = latest[p]!; // the suffix's latest arrivals stay valid
  }
  r.len = w;
  nodes[w + 1] = -2;
  r.recordEdit(positions[0]!, positions[count - 1]! - count);
  if (jobsLeft === 0) r.clear();
  if (!r.update(inst)) {
    out.length = removedStart;
    r.setSequence(old.subarray(1, len0 + 1));
    ws.commit(inst, v);
    return false;
  }
  for (let i = removedStart; i < out.length; i++) ws.routeOf[out[i]!] = -1;
  ws.reindex(inst, r);
  return true;
}
