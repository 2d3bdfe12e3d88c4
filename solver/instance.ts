import type { Objective, Problem, UnassignedReason } from './model.js';
import { analyseJobs } from './unassigned.js';

/**
 * Tolerance the search uses: every window end and shift end is widened by it
 * once, here, so feasibility tests inside the search are plain comparisons.
 * It is half the tolerance of the final sequential check (`CHECK_EPS`), so a
 * route the search accepts passes the check whatever the order of additions.
 */
export const SEARCH_EPS = 5e-8;
export const CHECK_EPS = 1e-7;

/** Sentinels in route node arrays. */
export const START = -1;
export const END = -2;

/**
 * The problem preprocessed for the search: flat typed arrays indexed by node
 * (jobs 0..n-1, then every vehicle's breaks) and by vehicle.
 */
export class Instance {
  readonly problem: Problem;
  readonly objective: Objective;
  /** Jobs. */
  readonly n: number;
  /** Vehicles (one route slot each). */
  readonly m: number;
  readonly dims: number;
  /** Jobs plus breaks; break nodes are `n..nodeCount-1`. */
  readonly nodeCount: number;

  // Per node (jobs then breaks).
  /** Location index; -1 for breaks (taken where the vehicle is). */
  readonly nodeLoc: Int32Array;
  readonly service: Float64Array;
  readonly twOff: Int32Array;
  readonly twStart: Float64Array;
  /** Window ends widened by SEARCH_EPS. */
  readonly twEnd: Float64Array;
  /** For break node n+b: owning vehicle and index into `vehicle.breaks`. */
  readonly breakVehicle: Int32Array;
  readonly breakIndex: Int32Array;

  // Per job.
  /** `demand[j * dims + d]`. */
  readonly demand: Float64Array;
  readonly demandSum: Float64Array;
  readonly priority: Float64Array;
  readonly mustVisit: Uint8Array;
  /**
   * What leaving job j out costs, in two lexicographic levels: mustVisit jobs
   * first, then `units` (priority under maximize_priority, 1 per job under
   * minimize_travel). See objective.ts.
   */
  readonly units: Float64Array;

  // Per vehicle.
  readonly vProfile: Int32Array;
  readonly vStart: Int32Array;
  /** -1 for open end. */
  readonly vEnd: Int32Array;
  readonly vShiftStart: Float64Array;
  /** Widened by SEARCH_EPS. */
  readonly vShiftEnd: Float64Array;
  /** `vCap[v * dims + d]`, widened by a tiny tolerance. */
  readonly vCap: Float64Array;
  readonly vMaxJobs: Float64Array;
  /** Widened by SEARCH_EPS. */
  readonly vMaxDist: Float64Array;
  readonly vFixed: Float64Array;
  readonly vCpt: Float64Array;
  readonly vCpd: Float64Array;
  /** Matrix side length of the vehicle's profile. */
  readonly vSize: Int32Array;
  readonly vDur: Float64Array[];
  readonly vDist: Float64Array[];
  /** Combined cost matrix costPerTime·duration + costPerDistance·distance, shared by equal combinations. */
  readonly vCost: Float64Array[];
  /**
   * Vehicles with equal profile, end location and shift end: latest-arrival
   * values of one's route suffix are valid for the other.
   */
  readonly vClass: Int32Array;
  /** Interchangeable vehicles (all attributes equal): one empty route per type is tried. */
  readonly vType: Int32Array;
  readonly typeCount: number;
  /** Break nodes of each vehicle, sorted by first window start. */
  readonly vBreaks: Int32Array[];
  readonly hasBreaks: boolean;

  // Filled by analyseJobs.
  /** `eligible[j * m + v]`: vehicle v can serve job j alone (skills, pin, capacity, distance, time). */
  readonly eligible: Uint8Array;
  readonly eligibleVehicles: Int32Array[];
  /** True when every assignable job may go to every vehicle. */
  readonly uniformEligibility: boolean;
  /** Reason a job can never be served, or null when some vehicle can serve it alone. */
  readonly structuralReason: (UnassignedReason | null)[];
  readonly assignable: Int32Array;

  // Neighbourhoods (jobs only).
  /** Granular neighbours for local search: cost plus time-window incompatibility. */
  readonly neighbours: Int32Array[];
  /** Nearest jobs by travel cost, for string removal. */
  readonly adjacency: Int32Array[];
  /** Cost from the first vehicle's start: "far"/"close" recreate orders. */
  readonly depotCost: Float64Array;
  /** Width of the widest window, for the "tight windows first" order. */
  readonly twWidth: Float64Array;
  /**
   * Per vehicle (shared by profile), per job: the shortest travel time into
   * and out of the job's location from any other location. With the service
   * time they bound from below the time an insertion adds, which lets
   * insertion skip positions whose slack is shorter.
   */
  readonly vMinIn: Float64Array[];
  readonly vMinOut: Float64Array[];

  constructor(problem: Problem) {
    this.problem = problem;
    this.objective = problem.objective;
    const jobs = problem.jobs;
    const vehicles = problem.vehicles;
    const n = (this.n = jobs.length);
    const m = (this.m = vehicles.length);
    const dims = (this.dims = vehicles[0]?.capacity.length ?? jobs[0]?.demand.length ?? 0);

    let breakCount = 0;
    for (const v of vehicles) breakCount += v.breaks.length;
    const nodeCount = (this.nodeCount = n + breakCount);
    this.nodeLoc = new Int32Array(nodeCount).fill(-1);
    this.service = new Float64Array(nodeCount);
    this.twOff = new Int32Array(nodeCount + 1);
    this.breakVehicle = new Int32Array(breakCount);
    this.breakIndex = new Int32Array(breakCount);

    const starts: number[] = [];
    const ends: number[] = [];
    const pushWindows = (ws: readonly { start: number; end: number }[]): void => {
      if (ws.length === 0) {
        starts.push(-Infinity);
        ends.push(Infinity);
      } else
        for (const w of ws) {
          starts.push(w.start);
          ends.push(w.end + SEARCH_EPS);
        }
    };
    for (let j = 0; j < n; j++) {
      const job = jobs[j]!;
      this.nodeLoc[j] = job.location;
      this.service[j] = job.service;
      this.twOff[j] = starts.length;
      pushWindows(job.timeWindows);
    }
    const vBreaks: Int32Array[] = [];
    let b = 0;
    for (let v = 0; v < m; v++) {
      const list: number[] = [];
      vehicles[v]!.breaks.forEach((br, k) => {
        const node = n + b;
        this.breakVehicle[b] = v;
        this.breakIndex[b] = k;
        this.service[node] = br.duration;
        this.twOff[node] = starts.length;
        pushWindows(br.timeWindows);
        list.push(node);
        b++;
      });
      vBreaks.push(Int32Array.from(list));
    }
    this.twOff[nodeCount] = starts.length;
    this.twStart = Float64Array.from(starts);
    this.twEnd = Float64Array.from(ends);
    for (const list of vBreaks) {
      list.sort((x, y) => (this.twStart[this.twOff[x]!]! - this.twStart[this.twOff[y]!]!) || x - y);
    }
    this.vBreaks = vBreaks;
    this.hasBreaks = breakCount > 0;

    this.demand = new Float64Array(n * dims);
    this.demandSum = new Float64Array(n);
    this.priority = new Float64Array(n);
    this.mustVisit = new Uint8Array(n);
    this.units = new Float64Array(n);
    this.twWidth = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const job = jobs[j]!;
      let s = 0;
      for (let d = 0; d < dims; d++) {
        const x = job.demand[d] ?? 0;
        this.demand[j * dims + d] = x;
        s += x;
      }
      this.demandSum[j] = s;
      this.priority[j] = job.priority;
      this.mustVisit[j] = job.mustVisit ? 1 : 0;
      this.units[j] = problem.objective === 'maximize_priority' ? job.priority : 1;
      let width = 0;
      for (let k = this.twOff[j]!; k < this.twOff[j + 1]!; k++) width = Math.max(width, this.twEnd[k]! - this.twStart[k]!);
      this.twWidth[j] = width;
    }

    this.vProfile = new Int32Array(m);
    this.vStart = new Int32Array(m);
    this.vEnd = new Int32Array(m);
    this.vShiftStart = new Float64Array(m);
    this.vShiftEnd = new Float64Array(m);
    this.vCap = new Float64Array(m * dims);
    this.vMaxJobs = new Float64Array(m);
    this.vMaxDist = new Float64Array(m);
    this.vFixed = new Float64Array(m);
    this.vCpt = new Float64Array(m);
    this.vCpd = new Float64Array(m);
    this.vSize = new Int32Array(m);
    this.vDur = [];
    this.vDist = [];
    this.vCost = [];
    this.vClass = new Int32Array(m);
    this.vType = new Int32Array(m);
    const costMatrices = new Map<string, Float64Array>();
    const classes = new Map<string, number>();
    const types = new Map<string, number>();
    for (let v = 0; v < m; v++) {
      const veh = vehicles[v]!;
      const mat = problem.matrices[veh.profile]!;
      this.vProfile[v] = veh.profile;
      this.vStart[v] = veh.start;
      this.vEnd[v] = veh.end === null ? -1 : veh.end;
      this.vShiftStart[v] = veh.shift.start;
      this.vShiftEnd[v] = veh.shift.end + SEARCH_EPS;
      for (let d = 0; d < dims; d++) this.vCap[v * dims + d] = (veh.capacity[d] ?? 0) + 1e-9;
      this.vMaxJobs[v] = veh.maxJobs;
      this.vMaxDist[v] = veh.maxDistance + SEARCH_EPS;
      this.vFixed[v] = veh.fixedCost;
      this.vCpt[v] = veh.costPerTime;
      this.vCpd[v] = veh.costPerDistance;
      this.vSize[v] = mat.size;
      this.vDur.push(mat.durations);
      this.vDist.push(mat.distances);
      const costKey = `${veh.profile}|${veh.costPerTime}|${veh.costPerDistance}`;
      let cost = costMatrices.get(costKey);
      if (!cost) {
        cost = new Float64Array(mat.size * mat.size);
        const { durations, distances } = mat;
        const a = veh.costPerTime;
        const c = veh.costPerDistance;
        for (let i = 0; i < cost.length; i++) cost[i] = a * durations[i]! + c * distances[i]!;
        costMatrices.set(costKey, cost);
      }
      this.vCost.push(cost);
      const classKey = `${veh.profile}|${this.vEnd[v]}|${veh.shift.end}`;
      if (!classes.has(classKey)) classes.set(classKey, classes.size);
      this.vClass[v] = classes.get(classKey)!;
      const typeKey = JSON.stringify([
        veh.profile, veh.start, veh.end, veh.shift, veh.capacity, [...veh.skills].sort((x, y) => x - y),
        String(veh.maxJobs), String(veh.maxDistance), veh.breaks, veh.fixedCost, veh.costPerTime, veh.costPerDistance,
      ]);
      if (!types.has(typeKey)) types.set(typeKey, types.size);
      this.vType[v] = types.get(typeKey)!;
    }
    this.typeCount = types.size;

    const analysis = analyseJobs(this);
    this.eligible = analysis.eligible;
    this.eligibleVehicles = analysis.eligibleVehicles;
    this.structuralReason = analysis.reasons;
    this.assignable = analysis.assignable;
    this.uniformEligibility = analysis.uniform;

    this.depotCost = new Float64Array(n);
    if (m > 0) {
      const C = this.vCost[0]!;
      const S = this.vSize[0]!;
      const s0 = this.vStart[0]!;
      for (let j = 0; j < n; j++) this.depotCost[j] = C[s0 * S + this.nodeLoc[j]!]!;
    }
    const bounds = travelBounds(this);
    this.vMinIn = bounds.minIn;
    this.vMinOut = bounds.minOut;
    const lists = buildNeighbourLists(this);
    this.neighbours = lists.neighbours;
    this.adjacency = lists.adjacency;
  }

  /** First window start of a node (−Infinity when unconstrained). */
  firstOpen(x: number): number {
    return this.twStart[this.twOff[x]!]!;
  }

  /** Last window end of a node (Infinity when unconstrained). */
  lastClose(x: number): number {
    return this.twEnd[this.twOff[x + 1]! - 1]!;
  }
}

/**
 * Shortest travel into and out of each job's location, per profile. A
 * location's zero self-travel counts only when another job or a vehicle's
 * start or end shares it (then it can be the neighbour).
 */
function travelBounds(inst: Instance): { minIn: Float64Array[]; minOut: Float64Array[] } {
  const n = inst.n;
  const byProfile = new Map<number, { minIn: Float64Array; minOut: Float64Array }>();
  const minIn: Float64Array[] = [];
  const minOut: Float64Array[] = [];
  for (let v = 0; v < inst.m; v++) {
    const profile = inst.vProfile[v]!;
    let b = byProfile.get(profile);
    if (!b) {
      const D = inst.vDur[v]!;
      const S = inst.vSize[v]!;
      const uses = new Int32Array(S);
      for (let j = 0; j < n; j++) uses[inst.nodeLoc[j]!]!++;
      for (let w = 0; w < inst.m; w++) {
        uses[inst.vStart[w]!]!++;
        if (inst.vEnd[w]! >= 0) uses[inst.vEnd[w]!]!++;
      }
      const inAt = new Float64Array(S).fill(Infinity);
      const outAt = new Float64Array(S).fill(Infinity);
      for (let x = 0; x < S; x++) {
        const row = x * S;
        for (let y = 0; y < S; y++) {
          if (x === y && uses[x]! < 2) continue;
          const t = D[row + y]!;
          if (t < outAt[x]!) outAt[x] = t;
          if (t < inAt[y]!) inAt[y] = t;
        }
      }
      b = { minIn: new Float64Array(n), minOut: new Float64Array(n) };
      for (let j = 0; j < n; j++) {
        const l = inst.nodeLoc[j]!;
        // A matrix of one location has no other: 0 keeps every check permissive.
        b.minIn[j] = inAt[l]! < Infinity ? inAt[l]! : 0;
        b.minOut[j] = outAt[l]! < Infinity ? outAt[l]! : 0;
      }
      byProfile.set(profile, b);
    }
    minIn.push(b.minIn);
    minOut.push(b.minOut);
  }
  return { minIn, minOut };
}

/** Neighbour lists, scaled with n: k = min(n-1, 40) for local search, min(n-1, 100) for removal. */
function buildNeighbourLists(inst: Instance): { neighbours: Int32Array[]; adjacency: Int32Array[] } {
  const n = inst.n;
  const neighbours: Int32Array[] = [];
  const adjacency: Int32Array[] = [];
  if (inst.m === 0 || n === 0) {
    for (let j = 0; j < n; j++) {
      neighbours.push(new Int32Array(0));
      adjacency.push(new Int32Array(0));
    }
    return { neighbours, adjacency };
  }
  const C = inst.vCost[0]!;
  const D = inst.vDur[0]!;
  const S = inst.vSize[0]!;
  const kLs = Math.min(n - 1, 40);
  const kAdj = Math.min(n - 1, 100);
  const cost = new Float64Array(n);
  const proxy = new Float64Array(n);
  const scratch = new Float64Array(n);
  const open = new Float64Array(n);
  const close = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    open[j] = inst.firstOpen(j);
    close[j] = inst.lastClose(j);
  }
  // Time-window incompatibility weights as in granular neighbourhoods of hybrid genetic search.
  const gWait = 0.2;
  const gWarp = 1;
  const related = (u: number, v: number): number => {
    const lu = inst.nodeLoc[u]!;
    const lv = inst.nodeLoc[v]!;
    const t = D[lu * S + lv]!;
    const wait = open[v]! - t - inst.service[u]! - close[u]!;
    const warp = open[u]! + inst.service[u]! + t - close[v]!;
    return C[lu * S + lv]! + gWait * (wait > 0 ? wait : 0) + gWarp * (warp > 0 ? warp : 0);
  };
  const pick = (u: number, score: Float64Array, k: number): Int32Array => {
    if (k <= 0) return new Int32Array(0);
    scratch.set(score);
    scratch[u] = Infinity;
    scratch.sort();
    const threshold = scratch[k - 1]!;
    const chosen: number[] = [];
    for (let v = 0; v < n; v++) if (v !== u && score[v]! <= threshold) chosen.push(v);
    chosen.sort((a, b) => score[a]! - score[b]! || a - b);
    return Int32Array.from(chosen.slice(0, k));
  };
  for (let u = 0; u < n; u++) {
    const lu = inst.nodeLoc[u]!;
    for (let v = 0; v < n; v++) {
      const lv = inst.nodeLoc[v]!;
      const a = C[lu * S + lv]!;
      const b = C[lv * S + lu]!;
      cost[v] = a < b ? a : b;
      const p = related(u, v);
      const q = related(v, u);
      proxy[v] = p < q ? p : q;
    }
    neighbours.push(pick(u, proxy, kLs));
    adjacency.push(pick(u, cost, kAdj));
  }
  return { neighbours, adjacency };
}
