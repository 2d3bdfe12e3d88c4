import type { Problem, TimeWindow } from './model.js';

/** Thrown by `solve` when `validateProblem` finds structural errors. */
export class InvalidProblemError extends Error {
  readonly errors: readonly string[];
  constructor(errors: readonly string[]) {
    super(`invalid problem: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`);
    this.name = 'InvalidProblemError';
    this.errors = errors;
  }
}

const MAX_ERRORS = 100;

/**
 * Structural errors of a problem, one message per defect (at most 100).
 * An empty list means the solver can run; infeasible jobs are not errors,
 * they come back as `unassigned`.
 */
export function validateProblem(problem: Problem): string[] {
  const errors: string[] = [];
  const add = (msg: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
  };
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  const index = (x: unknown, size: number): boolean =>
    typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < size;

  const checkWindows = (where: string, windows: readonly TimeWindow[] | undefined): void => {
    if (!Array.isArray(windows)) {
      add(`${where}: timeWindows must be an array`);
      return;
    }
    let prevEnd = -Infinity;
    windows.forEach((w, k) => {
      if (!finite(w.start) || !finite(w.end)) add(`${where}: time window ${k} has a non-finite bound`);
      else if (w.end < w.start) add(`${where}: time window ${k} ends before it starts`);
      else if (w.start <= prevEnd) add(`${where}: time windows must be sorted and disjoint (window ${k})`);
      if (finite(w.end)) prevEnd = w.end;
    });
  };

  if (!Array.isArray(problem.matrices) || problem.matrices.length === 0) {
    add('matrices: at least one travel matrix is required');
    return errors;
  }
  let minSize = Infinity;
  problem.matrices.forEach((m, p) => {
    if (!Number.isInteger(m.size) || m.size < 1) {
      add(`matrices[${p}]: size must be a positive integer`);
      minSize = 0;
      return;
    }
    minSize = Math.min(minSize, m.size);
    const cells = m.size * m.size;
    for (const [name, arr] of [
      ['durations', m.durations],
      ['distances', m.distances],
    ] as const) {
      if (!(arr instanceof Float64Array)) add(`matrices[${p}].${name} must be a Float64Array`);
      else if (arr.length !== cells) add(`matrices[${p}].${name} has ${arr.length} entries, expected ${cells}`);
      else {
        for (let i = 0; i < cells; i++) {
          const x = arr[i] as number;
          if (!Number.isFinite(x) || x < 0) {
            add(`matrices[${p}].${name}[${i}] is ${x}: must be finite and non-negative`);
            break;
          }
        }
      }
    }
  });
  if (minSize === 0) return errors;

  const vehicles = problem.vehicles ?? [];
  const jobs = problem.jobs ?? [];
  if (problem.objective !== 'minimize_travel' && problem.objective !== 'maximize_priority') {
    add(`objective must be 'minimize_travel' or 'maximize_priority'`);
  }
  const dims = vehicles[0]?.capacity.length ?? jobs[0]?.demand.length ?? 0;

  vehicles.forEach((v, i) => {
    const w = `vehicles[${i}]`;
    if (!index(v.profile, problem.matrices.length)) add(`${w}: profile ${v.profile} out of range`);
    if (!index(v.start, minSize)) add(`${w}: start location ${v.start} out of range`);
    if (v.end !== null && !index(v.end, minSize)) add(`${w}: end location ${v.end} out of range`);
    if (!finite(v.shift?.start) || !finite(v.shift?.end)) add(`${w}: shift bounds must be finite`);
    else if (v.shift.end < v.shift.start) add(`${w}: shift ends before it starts`);
    if (!Array.isArray(v.capacity) || v.capacity.length !== dims) add(`${w}: capacity has ${v.capacity?.length} dimensions, expected ${dims}`);
    else if (v.capacity.some((c) => !finite(c) || c < 0)) add(`${w}: capacity must be finite and non-negative`);
    if (!Array.isArray(v.skills) || v.skills.some((s) => !Number.isInteger(s))) add(`${w}: skills must be integers`);
    if (typeof v.maxJobs !== 'number' || Number.isNaN(v.maxJobs) || v.maxJobs < 0) add(`${w}: maxJobs must be >= 0 (Infinity allowed)`);
    if (typeof v.maxDistance !== 'number' || Number.isNaN(v.maxDistance) || v.maxDistance < 0) add(`${w}: maxDistance must be >= 0 (Infinity allowed)`);
    for (const key of ['fixedCost', 'costPerTime', 'costPerDistance'] as const) {
      if (!finite(v[key]) || v[key] < 0) add(`${w}: ${key} must be finite and non-negative`);
    }
    if (!Array.isArray(v.breaks)) add(`${w}: breaks must be an array`);
    else
      v.breaks.forEach((b, k) => {
        if (!finite(b.duration) || b.duration < 0) add(`${w}.breaks[${k}]: duration must be finite and non-negative`);
        checkWindows(`${w}.breaks[${k}]`, b.timeWindows);
      });
  });

  jobs.forEach((j, i) => {
    const w = `jobs[${i}]`;
    if (!index(j.location, minSize)) add(`${w}: location ${j.location} out of range`);
    if (!finite(j.service) || j.service < 0) add(`${w}: service must be finite and non-negative`);
    checkWindows(w, j.timeWindows);
    if (!Array.isArray(j.demand) || j.demand.length !== dims) add(`${w}: demand has ${j.demand?.length} dimensions, expected ${dims}`);
    else if (j.demand.some((d) => !finite(d) || d < 0)) add(`${w}: demand must be finite and non-negative`);
    if (!Array.isArray(j.skills) || j.skills.some((s) => !Number.isInteger(s))) add(`${w}: skills must be integers`);
    if (!finite(j.priority) || j.priority < 0 || j.priority > 100) add(`${w}: priority must be within 0..100`);
    if (typeof j.mustVisit !== 'boolean') add(`${w}: mustVisit must be a boolean`);
    if (j.pinnedVehicle !== undefined && !index(j.pinnedVehicle, vehicles.length)) {
      add(`${w}: pinnedVehicle ${j.pinnedVehicle} out of range`);
    }
  });
  return errors;
}
