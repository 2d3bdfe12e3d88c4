import type { Instance } from './instance.js';
import { aloneSequence } from './insertion.js';
import type { Score } from './objective.js';
import { Route } from './route-state.js';

/**
 * A complete assignment during the search: one route per vehicle, the
 * position of every job, and the jobs left out. Copies share routes
 * (copy-on-write through `mutable`), so a ruin-and-recreate candidate costs
 * one array copy plus the routes it touches.
 */
/** Recycled routes of rejected candidates, per vehicle (saves allocating typed arrays). */
export class RoutePool {
  private readonly free: Route[][];
  constructor(m: number) {
    this.free = Array.from({ length: m }, () => []);
  }
  cloneOf(r: Route): Route {
    const c = this.free[r.vehicle]!.pop();
    if (!c) return r.clone();
    c.copyFrom(r);
    return c;
  }
  release(r: Route): void {
    const list = this.free[r.vehicle]!;
    if (list.length < 4) list.push(r);
  }
}

export class WorkingSolution {
  routes: Route[];
  /** routes[v] belongs to this copy and may be changed in place. */
  owned: Uint8Array;
  /** Vehicle serving job j, or -1. */
  routeOf: Int32Array;
  /** Position of job j in its route. */
  posOf: Int32Array;
  /** Assignable jobs currently left out. */
  unassigned: number[];
  pool: RoutePool | null = null;

  constructor(inst: Instance, from?: WorkingSolution) {
    if (from) {
      this.routes = from.routes.slice();
      this.owned = new Uint8Array(inst.m);
      this.routeOf = from.routeOf.slice();
      this.posOf = from.posOf.slice();
      this.unassigned = from.unassigned.slice();
      this.pool = from.pool;
    } else {
      this.routes = [];
      for (let v = 0; v < inst.m; v++) {
        const r = new Route(v, inst.dims);
        r.update(inst);
        this.routes.push(r);
      }
      this.owned = new Uint8Array(inst.m).fill(1);
      this.routeOf = new Int32Array(inst.n).fill(-1);
      this.posOf = new Int32Array(inst.n).fill(-1);
      this.unassigned = Array.from(inst.assignable);
    }
  }

  copy(inst: Instance): WorkingSolution {
    return new WorkingSolution(inst, this);
  }

  /**
   * Hand back to the pool the routes of this (discarded) solution that the
   * live solutions `a` and `b` do not share.
   */
  recycle(a: WorkingSolution, b: WorkingSolution): void {
    if (!this.pool) return;
    for (let v = 0; v < this.routes.length; v++) {
      const r = this.routes[v]!;
      if (r !== a.routes[v] && r !== b.routes[v]) this.pool.release(r);
    }
  }

  /** Route of vehicle v, cloned first if shared with another copy. */
  mutable(v: number): Route {
    if (this.owned[v] === 0) {
      this.routes[v] = this.pool ? this.pool.cloneOf(this.routes[v]!) : this.routes[v]!.clone();
      this.owned[v] = 1;
    }
    return this.routes[v]!;
  }

  /** Install a route built elsewhere for vehicle r.vehicle and index its jobs. */
  replace(inst: Instance, r: Route): void {
    const old = this.routes[r.vehicle]!;
    for (let p = 1; p <= old.len; p++) {
      const x = old.nodes[p]!;
      if (x < inst.n && this.routeOf[x] === r.vehicle) this.routeOf[x] = -1;
    }
    this.routes[r.vehicle] = r;
    this.owned[r.vehicle] = 1;
    this.reindex(inst, r);
  }

  /** Recompute route v's caches after an in-place change and index its jobs. */
  commit(inst: Instance, v: number): boolean {
    const r = this.routes[v]!;
    const ok = r.update(inst);
    this.reindex(inst, r);
    return ok;
  }

  /** Record the route and position of every job of r. */
  reindex(inst: Instance, r: Route): void {
    const n = inst.n;
    for (let p = 1; p <= r.len; p++) {
      const x = r.nodes[p]!;
      if (x < n) {
        this.routeOf[x] = r.vehicle;
        this.posOf[x] = p;
      }
    }
  }

  /**
   * Insert job u after position p of vehicle v's route (p ignored for an
   * empty route, which receives the job and the vehicle's breaks). Returns
   * false, leaving the solution unchanged, if the result is infeasible.
   */
  insert(inst: Instance, u: number, v: number, p: number): boolean {
    const r = this.mutable(v);
    if (r.jobCount === 0) {
      const seq = aloneSequence(inst, v, u);
      if (!seq) return false;
      r.setSequence(seq);
    } else r.insertAfter(p, u);
    if (!this.commit(inst, v)) {
      // Cannot happen when the caller checked the insertion; kept as a guard.
      if (r.jobCount === 1) r.clear();
      else r.removeAt(this.posOf[u]!);
      this.routeOf[u] = -1;
      this.commit(inst, v);
      return false;
    }
    return true;
  }

  travelCost(): number {
    let c = 0;
    for (const r of this.routes) c += r.cost;
    return c;
  }

  score(inst: Instance): Score {
    let must = 0;
    let units = 0;
    for (const j of this.unassigned) {
      if (inst.mustVisit[j] === 1) must++;
      units += inst.units[j]!;
    }
    return { must, units, travel: this.travelCost(), count: this.unassigned.length };
  }

  assignedCount(): number {
    let c = 0;
    for (const r of this.routes) c += r.jobCount;
    return c;
  }
}
