import { CHECK_EPS } from './instance.js';
import type { Problem, RouteSolution, Step, TimeWindow } from './model.js';

/**
 * Final schedules and the sequential re-check, written against the public
 * model only (not the search's caches), so that a bookkeeping error in the
 * search shows up here as a violation instead of reaching the caller.
 */

/** A route as the search hands it over: job indices and break nodes in order. */
export interface RouteVisit {
  kind: 'job' | 'break';
  /** Job index, or break index into the vehicle's breaks. */
  index: number;
}

interface Pass {
  steps: Step[];
  endArrival: number;
  waits: number[];
  starts: number[];
  windowEnds: number[];
  ok: boolean;
}

function pickWindow(windows: readonly TimeWindow[], arrival: number): TimeWindow | null {
  if (windows.length === 0) return { start: -Infinity, end: Infinity };
  for (const w of windows) if (arrival <= w.end + CHECK_EPS) return w;
  return null;
}

function forward(problem: Problem, vehicleIndex: number, visits: readonly RouteVisit[], leave: number): Pass {
  const vehicle = problem.vehicles[vehicleIndex]!;
  const matrix = problem.matrices[vehicle.profile]!;
  const S = matrix.size;
  const steps: Step[] = [];
  const waits: number[] = [];
  const starts: number[] = [];
  const windowEnds: number[] = [];
  let ok = true;
  let here = vehicle.start;
  let t = leave;
  steps.push({ kind: 'start', index: vehicleIndex, location: here, arrival: t, start: t, departure: t, wait: 0, travelTimeFromPrevious: 0, distanceFromPrevious: 0 });
  for (const visit of visits) {
    let travel = 0;
    let distance = 0;
    let windows: readonly TimeWindow[];
    let duration: number;
    let location = here;
    if (visit.kind === 'job') {
      const job = problem.jobs[visit.index]!;
      location = job.location;
      travel = matrix.durations[here * S + location]!;
      distance = matrix.distances[here * S + location]!;
      windows = job.timeWindows;
      duration = job.service;
    } else {
      const br = vehicle.breaks[visit.index]!;
      windows = br.timeWindows;
      duration = br.duration;
    }
    const arrival = t + travel;
    const w = pickWindow(windows, arrival);
    if (!w) ok = false;
    const start = w ? Math.max(arrival, w.start) : arrival;
    waits.push(start - arrival);
    starts.push(start);
    windowEnds.push(w ? w.end : -Infinity);
    t = start + duration;
    steps.push({ kind: visit.kind, index: visit.index, location, arrival, start, departure: t, wait: start - arrival, travelTimeFromPrevious: travel, distanceFromPrevious: distance });
    here = location;
  }
  let travel = 0;
  let distance = 0;
  let endLoc = here;
  if (vehicle.end !== null) {
    endLoc = vehicle.end;
    travel = matrix.durations[here * S + endLoc]!;
    distance = matrix.distances[here * S + endLoc]!;
  }
  const endArrival = t + travel;
  steps.push({ kind: 'end', index: vehicleIndex, location: endLoc, arrival: endArrival, start: endArrival, departure: endArrival, wait: 0, travelTimeFromPrevious: travel, distanceFromPrevious: distance });
  return { steps, endArrival, waits, starts, windowEnds, ok };
}

/**
 * Schedule a route: earliest starts first, then the departure from the start
 * delayed as far as possible without delaying the arrival at the end (the
 * waiting that delay removes is waiting the driver would otherwise do on the
 * road). Returns the route and every rule it breaks (empty when feasible).
 */
export function scheduleRoute(problem: Problem, vehicleIndex: number, visits: readonly RouteVisit[]): { route: RouteSolution; violations: string[] } {
  const vehicle = problem.vehicles[vehicleIndex]!;
  let pass = forward(problem, vehicleIndex, visits, vehicle.shift.start);
  if (pass.ok) {
    // Largest delay absorbed by waiting before every step and leaving each chosen window open.
    let delay = Infinity;
    let waited = 0;
    for (let k = 0; k < pass.waits.length; k++) {
      waited += pass.waits[k]!;
      delay = Math.min(delay, waited + pass.windowEnds[k]! - pass.starts[k]!);
    }
    delay = Math.min(delay, waited);
    if (delay > 0 && Number.isFinite(delay)) {
      const delayed = forward(problem, vehicleIndex, visits, vehicle.shift.start + delay);
      if (delayed.ok && delayed.endArrival <= pass.endArrival + CHECK_EPS * 0.5) pass = delayed;
    }
  }
  const violations = checkRoute(problem, vehicleIndex, visits, pass.steps);
  const steps = pass.steps;
  let travelTime = 0;
  let distance = 0;
  for (const s of steps) {
    travelTime += s.travelTimeFromPrevious;
    distance += s.distanceFromPrevious;
  }
  const jobs = visits.filter((x) => x.kind === 'job').map((x) => x.index);
  const dims = vehicle.capacity.length;
  const load = new Array<number>(dims).fill(0);
  let priority = 0;
  for (const j of jobs) {
    const job = problem.jobs[j]!;
    for (let d = 0; d < dims; d++) load[d]! += job.demand[d] ?? 0;
    priority += job.priority;
  }
  const cost = jobs.length > 0 ? vehicle.fixedCost + vehicle.costPerTime * travelTime + vehicle.costPerDistance * distance : 0;
  return { route: { vehicle: vehicleIndex, jobs, steps, travelTime, distance, cost, priority, load }, violations };
}

/** Every rule a scheduled route breaks, re-derived step by step from the problem. */
export function checkRoute(problem: Problem, vehicleIndex: number, visits: readonly RouteVisit[], steps: readonly Step[]): string[] {
  const out: string[] = [];
  const vehicle = problem.vehicles[vehicleIndex]!;
  const within = (t: number, windows: readonly TimeWindow[]): boolean =>
    windows.length === 0 || windows.some((w) => t >= w.start - CHECK_EPS && t <= w.end + CHECK_EPS);
  const first = steps[0]!;
  if (first.departure < vehicle.shift.start - CHECK_EPS) out.push('leaves before the shift starts');
  const last = steps[steps.length - 1]!;
  if (last.arrival > vehicle.shift.end + CHECK_EPS) out.push(`ends at ${last.arrival} after the shift end ${vehicle.shift.end}`);
  const seenBreaks = new Set<number>();
  const dims = vehicle.capacity.length;
  const load = new Array<number>(dims).fill(0);
  let distance = 0;
  let jobs = 0;
  const skills = new Set(vehicle.skills);
  for (let k = 1; k < steps.length; k++) {
    const prev = steps[k - 1]!;
    const s = steps[k]!;
    distance += s.distanceFromPrevious;
    if (s.arrival < prev.departure + s.travelTimeFromPrevious - CHECK_EPS) out.push(`step ${k} arrives too early`);
    if (s.start < s.arrival - CHECK_EPS) out.push(`step ${k} starts before arrival`);
    if (s.kind === 'job') {
      const job = problem.jobs[s.index]!;
      jobs++;
      if (!within(s.start, job.timeWindows)) out.push(`job ${s.index} starts at ${s.start} outside its windows`);
      if (s.departure < s.start + job.service - CHECK_EPS) out.push(`job ${s.index} service cut short`);
      if (!job.skills.every((x) => skills.has(x))) out.push(`job ${s.index} needs skills the vehicle lacks`);
      if (job.pinnedVehicle !== undefined && job.pinnedVehicle !== vehicleIndex) out.push(`job ${s.index} is pinned to vehicle ${job.pinnedVehicle}`);
      for (let d = 0; d < dims; d++) load[d]! += job.demand[d] ?? 0;
    } else if (s.kind === 'break') {
      const br = vehicle.breaks[s.index];
      if (!br) out.push(`break ${s.index} does not exist`);
      else {
        if (seenBreaks.has(s.index)) out.push(`break ${s.index} taken twice`);
        seenBreaks.add(s.index);
        if (!within(s.start, br.timeWindows)) out.push(`break ${s.index} starts at ${s.start} outside its windows`);
        if (s.departure < s.start + br.duration - CHECK_EPS) out.push(`break ${s.index} cut short`);
        if (s.location !== prev.location || s.travelTimeFromPrevious !== 0) out.push(`break ${s.index} moves the vehicle`);
      }
    }
  }
  if (jobs > 0 && seenBreaks.size !== vehicle.breaks.length) out.push(`takes ${seenBreaks.size} of ${vehicle.breaks.length} breaks`);
  if (jobs === 0 && visits.length > 0) out.push('breaks without jobs');
  if (jobs > vehicle.maxJobs) out.push(`${jobs} jobs exceed maxJobs ${vehicle.maxJobs}`);
  if (distance > vehicle.maxDistance + CHECK_EPS) out.push(`distance ${distance} exceeds maxDistance ${vehicle.maxDistance}`);
  for (let d = 0; d < dims; d++) if (load[d]! > vehicle.capacity[d]! + 1e-9) out.push(`load ${load[d]} exceeds capacity in dimension ${d}`);
  return out;
}
