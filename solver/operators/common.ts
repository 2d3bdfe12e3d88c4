import type { MoveCounter } from '../construction.js';
import type { Instance } from '../instance.js';
import { Route } from '../route-state.js';
import type { WorkingSolution } from '../working-solution.js';

/** State shared by the local-search operators. */
export interface MoveContext {
  inst: Instance;
  counter: MoveCounter;
  /** Scratch for explicit node runs handed to evalConcat. */
  buf: Int32Array;
}

/** Smallest cost gain that counts as an improvement. */
export const IMPROVEMENT_EPS = 1e-7;

/** Nodes at positions from..to (inclusive) of r. */
export function slice(r: Route, from: number, to: number): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(r.nodes[p]!);
  return out;
}

/** Build and evaluate vehicle v's route from a node sequence (an empty route if it has no job). */
export function buildRoute(inst: Instance, v: number, seq: number[]): Route {
  const r = new Route(v, inst.dims, seq.length + 2);
  let jobs = 0;
  for (const x of seq) if (x < inst.n) jobs++;
  if (jobs > 0) r.setSequence(seq);
  r.update(inst);
  return r;
}

/**
 * Install new routes if they are feasible and really cheaper than the ones
 * they replace (guards the constant-time evaluation against rounding).
 */
export function commitRoutes(ctx: MoveContext, ws: WorkingSolution, a: Route, b: Route | null): boolean {
  const oldCost = ws.routes[a.vehicle]!.cost + (b ? ws.routes[b.vehicle]!.cost : 0);
  const newCost = a.cost + (b ? b.cost : 0);
  if (!a.feasible || (b && !b.feasible) || newCost > oldCost - IMPROVEMENT_EPS * 0.5) return false;
  ws.replace(ctx.inst, a);
  if (b) ws.replace(ctx.inst, b);
  return true;
}

/** Load of positions from..to of r in dimension d. */
export function segmentLoad(inst: Instance, r: Route, from: number, to: number, d: number): number {
  return r.cumLoad[to * inst.dims + d]! - r.cumLoad[(from - 1) * inst.dims + d]!;
}

/** Every job among positions from..to of r may be served by vehicle v. */
export function segmentEligible(inst: Instance, r: Route, from: number, to: number, v: number): boolean {
  if (inst.uniformEligibility) return true;
  const m = inst.m;
  for (let p = from; p <= to; p++) {
    const x = r.nodes[p]!;
    if (x < inst.n && inst.eligible[x * m + v] === 0) return false;
  }
  return true;
}
