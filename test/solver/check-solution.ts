import type { Problem, Solution, TimeWindow } from '../../solver/model.js';

const EPS = 1e-7;

/**
 * Independent feasibility check of a returned solution, from the public
 * problem only: each step's times and travel are recomputed from the matrices.
 * Returns a list of violations (empty when feasible and consistent).
 */
export function checkSolution(problem: Problem, sol: Solution): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  const inWindow = (t: number, ws: readonly TimeWindow[]): boolean => ws.length === 0 || ws.some((w) => t >= w.start - EPS && t <= w.end + EPS);
  for (const route of sol.routes) {
    const veh = problem.vehicles[route.vehicle]!;
    const mat = problem.matrices[veh.profile]!;
    const at = (a: number, b: number): [number, number] => [mat.durations[a * mat.size + b]!, mat.distances[a * mat.size + b]!];
    const tag = `vehicle ${route.vehicle}`;
    const steps = route.steps;
    if (steps[0]?.kind !== 'start' || steps[steps.length - 1]?.kind !== 'end') out.push(`${tag}: no start/end step`);
    if (steps[0]!.location !== veh.start) out.push(`${tag}: starts elsewhere`);
    if (steps[0]!.departure < veh.shift.start - EPS) out.push(`${tag}: leaves before its shift`);
    let load = veh.capacity.map(() => 0);
    let dist = 0;
    let time = 0;
    const breaks = new Set<number>();
    const jobs: number[] = [];
    for (let k = 1; k < steps.length; k++) {
      const prev = steps[k - 1]!;
      const s = steps[k]!;
      let tt = 0;
      let dd = 0;
      if (s.kind === 'job' || (s.kind === 'end' && veh.end !== null)) [tt, dd] = at(prev.location, s.location);
      if (s.kind === 'break' && s.location !== prev.location) out.push(`${tag}: break ${s.index} away from the vehicle`);
      if (s.kind === 'end' && s.location !== (veh.end ?? prev.location)) out.push(`${tag}: ends at the wrong place`);
      if (Math.abs(s.travelTimeFromPrevious - tt) > 1e-9 || Math.abs(s.distanceFromPrevious - dd) > 1e-9) out.push(`${tag}: step ${k} travel mismatch`);
      if (Math.abs(s.arrival - (prev.departure + tt)) > 1e-6) out.push(`${tag}: step ${k} arrival mismatch`);
      if (s.start < s.arrival - EPS || Math.abs(s.wait - (s.start - s.arrival)) > 1e-6) out.push(`${tag}: step ${k} start/wait mismatch`);
      time += tt;
      dist += dd;
      if (s.kind === 'job') {
        const job = problem.jobs[s.index]!;
        if (seen.has(s.index)) out.push(`job ${s.index} served twice`);
        seen.add(s.index);
        jobs.push(s.index);
        if (s.location !== job.location) out.push(`${tag}: job ${s.index} at the wrong place`);
        if (!inWindow(s.start, job.timeWindows)) out.push(`${tag}: job ${s.index} outside its windows`);
        if (Math.abs(s.departure - s.start - job.service) > 1e-6) out.push(`${tag}: job ${s.index} service length`);
        if (!job.skills.every((x) => veh.skills.includes(x))) out.push(`${tag}: job ${s.index} skills`);
        if (job.pinnedVehicle !== undefined && job.pinnedVehicle !== route.vehicle) out.push(`${tag}: job ${s.index} pinned elsewhere`);
        load = load.map((l, d) => l + (job.demand[d] ?? 0));
      } else if (s.kind === 'break') {
        const br = veh.breaks[s.index];
        if (!br || breaks.has(s.index)) out.push(`${tag}: break ${s.index} unknown or repeated`);
        else if (!inWindow(s.start, br.timeWindows) || Math.abs(s.departure - s.start - br.duration) > 1e-6) out.push(`${tag}: break ${s.index} timing`);
        breaks.add(s.index);
      }
    }
    if (steps[steps.length - 1]!.arrival > veh.shift.end + EPS) out.push(`${tag}: back after its shift`);
    if (jobs.length === 0) out.push(`${tag}: route without jobs`);
    if (breaks.size !== veh.breaks.length) out.push(`${tag}: ${breaks.size} of ${veh.breaks.length} breaks`);
    if (jobs.length > veh.maxJobs) out.push(`${tag}: too many jobs`);
    if (dist > veh.maxDistance + EPS) out.push(`${tag}: too far`);
    if (load.some((l, d) => l > veh.capacity[d]! + 1e-9)) out.push(`${tag}: over capacity`);
    if (JSON.stringify(jobs) !== JSON.stringify(route.jobs)) out.push(`${tag}: jobs list differs from steps`);
    if (Math.abs(route.distance - dist) > 1e-6 || Math.abs(route.travelTime - time) > 1e-6) out.push(`${tag}: totals mismatch`);
    const cost = veh.fixedCost + veh.costPerTime * time + veh.costPerDistance * dist;
    if (Math.abs(route.cost - cost) > 1e-6 * Math.max(1, cost)) out.push(`${tag}: cost mismatch`);
  }
  const unassigned = new Set(sol.unassigned.map((u) => u.job));
  for (let j = 0; j < problem.jobs.length; j++) {
    if (seen.has(j) === unassigned.has(j)) out.push(`job ${j} is ${seen.has(j) ? 'both served and unassigned' : 'neither served nor unassigned'}`);
  }
  const travel = sol.routes.reduce((s, r) => s + r.cost, 0);
  if (Math.abs(travel - sol.travelCost) > 1e-6 * Math.max(1, travel)) out.push('travelCost mismatch');
  return out;
}
