import { SEARCH_EPS, type Instance } from '../../solver/instance.js';

/**
 * Straightforward sequential evaluation of a route given as instance node ids
 * (jobs, and break nodes of the vehicle), read from the public problem data:
 * the yardstick the constant-time checks are compared with. Windows use the
 * search tolerance, like the search itself.
 */
export interface ReferenceResult {
  feasible: boolean;
  cost: number;
  distance: number;
  duration: number;
  /** Earliest arrival at the end (the last departure for an open end). */
  end: number;
}

/** `timeOnly`: judge windows, breaks' windows and the shift only (what evalConcat decides). */
export function referenceRoute(inst: Instance, v: number, seq: readonly number[], timeOnly = false): ReferenceResult {
  const problem = inst.problem;
  const veh = problem.vehicles[v]!;
  const mat = problem.matrices[veh.profile]!;
  const S = mat.size;
  let t = veh.shift.start;
  let here = veh.start;
  let duration = 0;
  let distance = 0;
  let feasible = true;
  let jobs = 0;
  const load = veh.capacity.map(() => 0);
  const startIn = (windows: readonly { start: number; end: number }[], arrival: number): number => {
    if (windows.length === 0) return arrival;
    for (const w of windows) if (arrival <= w.end + SEARCH_EPS) return Math.max(arrival, w.start);
    return Infinity;
  };
  for (const x of seq) {
    if (x < inst.n) {
      const job = problem.jobs[x]!;
      duration += mat.durations[here * S + job.location]!;
      distance += mat.distances[here * S + job.location]!;
      t += mat.durations[here * S + job.location]!;
      here = job.location;
      const s = startIn(job.timeWindows, t);
      if (s === Infinity) feasible = false;
      t = s + job.service;
      jobs++;
      job.demand.forEach((d, k) => (load[k]! += d));
      if (!timeOnly && !job.skills.every((k) => veh.skills.includes(k))) feasible = false;
      if (!timeOnly && job.pinnedVehicle !== undefined && job.pinnedVehicle !== v) feasible = false;
    } else {
      if (!timeOnly && inst.breakVehicle[x - inst.n] !== v) feasible = false;
      const br = veh.breaks[inst.breakIndex[x - inst.n]!]!;
      const s = startIn(br.timeWindows, t);
      if (s === Infinity) feasible = false;
      t = s + br.duration;
    }
  }
  if (veh.end !== null) {
    duration += mat.durations[here * S + veh.end]!;
    distance += mat.distances[here * S + veh.end]!;
    t += mat.durations[here * S + veh.end]!;
  }
  if (t > veh.shift.end + SEARCH_EPS) feasible = false;
  const cost0 = jobs > 0 ? veh.fixedCost + veh.costPerTime * duration + veh.costPerDistance * distance : 0;
  if (timeOnly) return { feasible, cost: cost0, distance, duration, end: t };
  if (jobs > veh.maxJobs) feasible = false;
  if (distance > veh.maxDistance + SEARCH_EPS) feasible = false;
  if (load.some((l, k) => l > veh.capacity[k]! + 1e-9)) feasible = false;
  const breaks = seq.filter((x) => x >= inst.n);
  if (jobs > 0 && breaks.length !== veh.breaks.length) feasible = false;
  if (jobs === 0 && breaks.length > 0) feasible = false;
  const cost = jobs > 0 ? veh.fixedCost + veh.costPerTime * duration + veh.costPerDistance * distance : 0;
  return { feasible, cost, distance, duration, end: t };
}

/** Cost equality up to rounding. */
export function closeTo(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}
