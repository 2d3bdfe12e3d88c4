import { clustersKmeans, distance, featureCollection, point } from '@turf/turf';
import type { PlanRequest } from '../http/schemas/plan-request.js';

/**
 * Split a large request into geographic regions that are solved apart and
 * merged: k-means over case locations (k from the target region size), then
 * executives shared out to regions in proportion to their cases, nearest
 * first. Pinned cases follow their executive. Deterministic for a request.
 */
export interface PartitionOptions {
  /** Requests with fewer cases are not split. */
  readonly minCases: number;
  /** Cases per region aimed at. */
  readonly targetCases: number;
}

export interface Region {
  readonly request: PlanRequest;
  /** Indices into the original request's cases and executives. */
  readonly caseIndices: readonly number[];
  readonly executiveIndices: readonly number[];
}

export function partitionRequest(req: PlanRequest, opts: PartitionOptions): Region[] | null {
  // A client matrix indexes every location of the request: keep it whole.
  if (req.matrix || req.cases.length < opts.minCases) return null;
  const k = Math.min(Math.ceil(req.cases.length / opts.targetCases), req.executives.length);
  if (k < 2) return null;

  // turf seeds k-means with the first k points: give it k well-spread ones
  // (farthest-point sampling from a fixed start), then the rest in id order.
  const order = req.cases.map((_, i) => i).sort((a, b) => (req.cases[a]!.id < req.cases[b]!.id ? -1 : 1));
  const pts = order.map((i) => [req.cases[i]!.location.lng, req.cases[i]!.location.lat] as [number, number]);
  const seeds = farthestPoints(pts, k);
  const seedSet = new Set(seeds);
  const arranged = [...seeds, ...pts.map((_, i) => i).filter((i) => !seedSet.has(i))];
  const fc = featureCollection(arranged.map((i) => point(pts[i]!, { i: order[i]! })));
  const clustered = clustersKmeans(fc, { numberOfClusters: k, mutate: true });
  const clusterOf = new Int32Array(req.cases.length);
  const centroids: [number, number][] = [];
  for (const f of clustered.features) {
    const props = f.properties as { i: number; cluster?: number; centroid?: [number, number] };
    const c = props.cluster ?? 0;
    clusterOf[props.i] = c;
    if (props.centroid) centroids[c] = props.centroid;
  }

  // Executive quotas in proportion to cases, at least one per non-empty region.
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < req.cases.length; i++) counts[clusterOf[i]!]!++;
  const live = counts.map((c, r) => (c > 0 && centroids[r] ? r : -1)).filter((r) => r >= 0);
  const E = req.executives.length;
  const quota = new Array<number>(k).fill(0);
  for (const r of live) quota[r] = Math.max(1, Math.floor((E * counts[r]!) / req.cases.length));
  let spare = E - quota.reduce((s, q) => s + q, 0);
  const byShortfall = [...live].sort((a, b) => (E * counts[b]!) / req.cases.length - quota[b]! - ((E * counts[a]!) / req.cases.length - quota[a]!));
  for (let t = 0; spare > 0 && byShortfall.length > 0; t++, spare--) quota[byShortfall[t % byShortfall.length]!]!++;
  while (spare < 0) {
    const r = live.reduce((best, x) => (quota[x]! > quota[best]! ? x : best), live[0]!);
    quota[r]!--;
    spare++;
  }

  const execRegion = new Int32Array(E).fill(-1);
  const pairs: { e: number; r: number; d: number }[] = [];
  req.executives.forEach((ex, e) => {
    for (const r of live) pairs.push({ e, r, d: distance(point([ex.start.lng, ex.start.lat]), point(centroids[r]!)) });
  });
  pairs.sort((a, b) => a.d - b.d || a.e - b.e || a.r - b.r);
  for (const { e, r } of pairs) {
    if (execRegion[e] !== -1 || quota[r]! <= 0) continue;
    execRegion[e] = r;
    quota[r]!--;
  }

  const execIndex = new Map(req.executives.map((e, i) => [e.id, i]));
  const caseRegion = Array.from(clusterOf);
  req.cases.forEach((c, i) => {
    if (c.executiveId !== undefined) caseRegion[i] = execRegion[execIndex.get(c.executiveId)!]!;
  });

  const regions: Region[] = [];
  for (const r of live) {
    const executiveIndices = req.executives.map((_, i) => i).filter((i) => execRegion[i] === r);
    const caseIndices = req.cases.map((_, i) => i).filter((i) => caseRegion[i] === r);
    if (caseIndices.length === 0 && executiveIndices.length === 0) continue;
    if (executiveIndices.length === 0) continue; // cannot happen with quotas ≥ 1; guarded by the merge's every-case check
    regions.push({
      request: { ...req, executives: executiveIndices.map((i) => req.executives[i]!), cases: caseIndices.map((i) => req.cases[i]!) },
      caseIndices,
      executiveIndices,
    });
  }
  return regions;
}

function farthestPoints(pts: readonly [number, number][], k: number): number[] {
  const chosen: number[] = [0];
  const dist = pts.map((p) => sq(p, pts[0]!));
  while (chosen.length < Math.min(k, pts.length)) {
    let best = -1;
    let bestD = -1;
    for (let i = 0; i < pts.length; i++) if (dist[i]! > bestD) (bestD = dist[i]!), (best = i);
    chosen.push(best);
    for (let i = 0; i < pts.length; i++) dist[i] = Math.min(dist[i]!, sq(pts[i]!, pts[best]!));
  }
  return chosen;
}

function sq(a: readonly [number, number], b: readonly [number, number]): number {
  const dx = (a[0] - b[0]) * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}
