import type { Instance } from './instance.js';
import { aloneCost } from './insertion.js';
import type { UnassignedReason } from './model.js';

export interface JobAnalysis {
  eligible: Uint8Array;
  eligibleVehicles: Int32Array[];
  reasons: (UnassignedReason | null)[];
  assignable: Int32Array;
  uniform: boolean;
}

/**
 * Which vehicles could serve each job with nothing else on the route, and why
 * a job no vehicle can serve is left out. The checks run in the order of the
 * reason list (skills, capacity, distance, time), each on the vehicles that
 * passed the previous one, so the reason names the first obstacle common to
 * every vehicle. "Alone" includes the vehicle's breaks: a job that fits the
 * shift only if a break is skipped is not reachable.
 */
export function analyseJobs(inst: Instance): JobAnalysis {
  const { n, m, dims, problem } = inst;
  const eligible = new Uint8Array(n * m);
  const eligibleVehicles: Int32Array[] = [];
  const reasons: (UnassignedReason | null)[] = [];
  const assignable: number[] = [];
  const vehicleSkills = problem.vehicles.map((v) => new Set(v.skills));
  let uniform = true;
  for (let j = 0; j < n; j++) {
    const job = problem.jobs[j]!;
    const pinned = job.pinnedVehicle;
    const candidates = pinned === undefined ? Array.from({ length: m }, (_, v) => v) : pinned >= 0 && pinned < m ? [pinned] : [];
    const skilled = candidates.filter((v) => job.skills.every((s) => vehicleSkills[v]!.has(s)));
    const roomy = skilled.filter((v) => {
      if (inst.vMaxJobs[v]! < 1) return false;
      for (let d = 0; d < dims; d++) if (inst.demand[j * dims + d]! > inst.vCap[v * dims + d]!) return false;
      return true;
    });
    const near = roomy.filter((v) => roundTripDistance(inst, v, j) <= inst.vMaxDist[v]!);
    const reachable = near.filter((v) => aloneCost(inst, v, j) < Infinity);
    let reason: UnassignedReason | null = null;
    if (reachable.length === 0) {
      if (pinned !== undefined) reason = 'pinned_vehicle_cannot_serve';
      else if (skilled.length === 0) reason = 'no_vehicle_with_skills';
      else if (roomy.length === 0) reason = roomyReason(inst, skilled, j);
      else if (near.length === 0) reason = 'over_max_distance';
      else reason = 'no_time_window_reachable';
    } else assignable.push(j);
    if (reachable.length !== m && reachable.length !== 0) uniform = false;
    for (const v of reachable) eligible[j * m + v] = 1;
    eligibleVehicles.push(Int32Array.from(reachable));
    reasons.push(reason);
  }
  return { eligible, eligibleVehicles, reasons, assignable: Int32Array.from(assignable), uniform };
}

/** Among skilled vehicles none has room: capacity, or only a maximum of zero jobs. */
function roomyReason(inst: Instance, skilled: number[], j: number): UnassignedReason {
  const { dims } = inst;
  const fitsLoad = skilled.some((v) => {
    for (let d = 0; d < dims; d++) if (inst.demand[j * dims + d]! > inst.vCap[v * dims + d]!) return false;
    return true;
  });
  return fitsLoad ? 'max_jobs_reached' : 'over_capacity';
}

function roundTripDistance(inst: Instance, v: number, j: number): number {
  const X = inst.vDist[v]!;
  const S = inst.vSize[v]!;
  const l = inst.nodeLoc[j]!;
  const e = inst.vEnd[v]!;
  return X[inst.vStart[v]! * S + l]! + (e >= 0 ? X[l * S + e]! : 0);
}

/**
 * Reason for a job that some vehicle could serve alone but the final plan
 * leaves out. `jobCounts[v]` is the number of jobs on vehicle v's route.
 */
export function planReason(inst: Instance, j: number, jobCounts: ArrayLike<number>): UnassignedReason {
  const vs = inst.eligibleVehicles[j]!;
  let allFull = vs.length > 0;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!;
    if (jobCounts[v]! < inst.vMaxJobs[v]!) {
      allFull = false;
      break;
    }
  }
  if (allFull) return 'max_jobs_reached';
  return inst.objective === 'maximize_priority' ? 'dropped_for_priority' : 'no_room_in_plan';
}
