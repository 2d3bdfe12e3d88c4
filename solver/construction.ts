import type { Instance } from './instance.js';
import { aloneCost, insertionDelta, routeAccepts } from './insertion.js';
import { worthInserting } from './objective.js';
import type { WorkingSolution } from './working-solution.js';

export interface MoveCounter {
  moves: number;
}

/**
 * Regret-2 insertion: repeatedly insert the job that would lose most by
 * waiting (difference between its best and second-best route), mustVisit and
 * higher-priority jobs first under their objective. The best position of every
 * pending job in every route is cached and recomputed only for the route that
 * just changed. Empty vehicles of one type are represented by one of them.
 */
export function constructRegret(inst: Instance, ws: WorkingSolution, counter: MoveCounter): void {
  const { m } = inst;
  const pending = ws.unassigned.slice();
  const P = pending.length;
  if (P === 0 || m === 0) return;
  const cost = new Float64Array(P * m).fill(Infinity);
  const pos = new Int32Array(P * m);
  const alive = new Uint8Array(P).fill(1);
  // Empty vehicle representing each type (-1 when none is left).
  const rep = new Int32Array(inst.typeCount).fill(-1);
  for (let v = m - 1; v >= 0; v--) if (ws.routes[v]!.jobCount === 0) rep[inst.vType[v]!] = v;

  const evalRoute = (i: number, v: number): void => {
    const u = pending[i]!;
    const r = ws.routes[v]!;
    let best = Infinity;
    let bestP = -1;
    if (r.jobCount === 0) {
      if (rep[inst.vType[v]!] === v && inst.eligible[u * m + v] === 1) {
        counter.moves++;
        best = aloneCost(inst, v, u);
        bestP = 0;
      }
    } else if (routeAccepts(inst, r, u)) {
      for (let p = 0; p <= r.len; p++) {
        counter.moves++;
        const d = insertionDelta(inst, r, u, p);
        if (d < best) {
          best = d;
          bestP = p;
        }
      }
    }
    cost[i * m + v] = best;
    pos[i * m + v] = bestP;
  };

  for (let i = 0; i < P; i++) {
    const vs = inst.eligibleVehicles[pending[i]!]!;
    for (let k = 0; k < vs.length; k++) evalRoute(i, vs[k]!);
  }

  const BIG_REGRET = 1e300;
  for (let step = 0; step < P; step++) {
    let chosen = -1;
    let chosenMust = -1;
    let chosenUnits = -1;
    let chosenRegret = -1;
    let chosenRoute = -1;
    for (let i = 0; i < P; i++) {
      if (alive[i] === 0) continue;
      const u = pending[i]!;
      let b1 = Infinity;
      let b2 = Infinity;
      let r1 = -1;
      const vs = inst.eligibleVehicles[u]!;
      for (let k = 0; k < vs.length; k++) {
        const v = vs[k]!;
        const c = cost[i * m + v]!;
        if (c < b1) {
          b2 = b1;
          b1 = c;
          r1 = v;
        } else if (c < b2) b2 = c;
      }
      if (b1 === Infinity) {
        alive[i] = 0; // fits nowhere now; later insertions only take room away
        continue;
      }
      if (!worthInserting(inst, u, b1)) continue; // may become free once its neighbours are in
      const must = inst.mustVisit[u]!;
      const units = inst.units[u]!;
      const regret = b2 === Infinity ? BIG_REGRET : b2 - b1;
      if (
        must > chosenMust ||
        (must === chosenMust && (units > chosenUnits || (units === chosenUnits && regret > chosenRegret)))
      ) {
        chosen = i;
        chosenMust = must;
        chosenUnits = units;
        chosenRegret = regret;
        chosenRoute = r1;
      }
    }
    if (chosen < 0) break;
    const u = pending[chosen]!;
    const v = chosenRoute;
    const wasEmpty = ws.routes[v]!.jobCount === 0;
    alive[chosen] = 0;
    if (!ws.insert(inst, u, v, pos[chosen * m + v]!)) {
      cost[chosen * m + v] = Infinity;
      alive[chosen] = 1;
      continue;
    }
    if (wasEmpty) {
      const t = inst.vType[v]!;
      rep[t] = -1;
      for (let w = v + 1; w < m; w++) {
        if (inst.vType[w] === t && ws.routes[w]!.jobCount === 0) {
          rep[t] = w;
          break;
        }
      }
      const w = rep[t]!;
      if (w >= 0) for (let i = 0; i < P; i++) if (alive[i] === 1 && inst.eligible[pending[i]! * m + w] === 1) evalRoute(i, w);
    }
    for (let i = 0; i < P; i++) if (alive[i] === 1 && inst.eligible[pending[i]! * m + v] === 1) evalRoute(i, v);
  }
  ws.unassigned = pending.filter((u) => ws.routeOf[u]! < 0);
}
