import type { SolomonInstance } from '../solomon.js';

/**
 * Re-evaluate Solomon routes (customer numbers) from the raw coordinates,
 * independently of the solver's bookkeeping: Euclidean distance, windows,
 * capacity, return by the horizon, every customer once.
 */
export function verifySolomon(inst: SolomonInstance, routes: readonly (readonly number[])[]): { distance: number; violations: string[] } {
  const violations: string[] = [];
  const row = new Map(inst.customers.map((c, i) => [c, i + 1]));
  const jobs = inst.problem.jobs;
  const horizon = inst.problem.vehicles[0]!.shift.end;
  const d = (a: number, b: number): number => Math.hypot(inst.x[a]! - inst.x[b]!, inst.y[a]! - inst.y[b]!);
  const seen = new Set<number>();
  let total = 0;
  if (routes.length > inst.fleet) violations.push(`${routes.length} routes for a fleet of ${inst.fleet}`);
  routes.forEach((route, k) => {
    let t = 0;
    let here = 0;
    let load = 0;
    for (const c of route) {
      const i = row.get(c);
      if (i === undefined) {
        violations.push(`route ${k}: unknown customer ${c}`);
        continue;
      }
      if (seen.has(c)) violations.push(`customer ${c} visited twice`);
      seen.add(c);
      const job = jobs[i - 1]!;
      const w = job.timeWindows[0]!;
      total += d(here, i);
      t = Math.max(t + d(here, i), w.start);
      if (t > w.end + 1e-7) violations.push(`route ${k}: customer ${c} starts at ${t} after ${w.end}`);
      t += job.service;
      load += job.demand[0]!;
      here = i;
    }
    total += d(here, 0);
    if (t + d(here, 0) > horizon + 1e-7) violations.push(`route ${k}: back after the horizon`);
    if (load > inst.capacity) violations.push(`route ${k}: load ${load} over ${inst.capacity}`);
  });
  for (const c of inst.customers) if (!seen.has(c)) violations.push(`customer ${c} not visited`);
  return { distance: total, violations };
}
