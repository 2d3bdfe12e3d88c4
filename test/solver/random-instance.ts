import type { Job, Problem, TimeWindow, Vehicle } from '../../solver/model.js';
import { Rng } from '../../solver/rng.js';

/** Knobs for random test problems; every field has a small default. */
export interface RandomProblemOptions {
  jobs?: number;
  vehicles?: number;
  locations?: number;
  profiles?: number;
  /** Probability that a vehicle has an open end. */
  openEnd?: number;
  /** Maximum breaks per vehicle. */
  maxBreaks?: number;
  objective?: Problem['objective'];
  /** Windows per job at most (0 means none: any time). */
  maxWindows?: number;
  horizon?: number;
}

function windows(rng: Rng, count: number, horizon: number, minWidth: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  let t = rng.int(Math.max(1, Math.floor(horizon / 3)));
  for (let k = 0; k < count && t < horizon; k++) {
    const width = minWidth + rng.int(Math.max(1, Math.floor(horizon / 2)));
    out.push({ start: t, end: Math.min(horizon, t + width) });
    t += width + 1 + rng.int(Math.max(1, Math.floor(horizon / 4)));
  }
  return out;
}

/**
 * A small random problem with integer data: asymmetric matrices that need not
 * satisfy the triangle inequality, several windows, breaks, open ends, several
 * profiles and cost combinations.
 */
export function randomProblem(seed: number, o: RandomProblemOptions = {}): Problem {
  const rng = new Rng(seed);
  const L = o.locations ?? 3 + rng.int(8);
  const P = o.profiles ?? 1 + rng.int(2);
  const horizon = o.horizon ?? 200;
  const matrices = Array.from({ length: P }, () => {
    const durations = new Float64Array(L * L);
    const distances = new Float64Array(L * L);
    for (let a = 0; a < L; a++)
      for (let b = 0; b < L; b++) {
        if (a === b) continue;
        durations[a * L + b] = 1 + rng.int(30);
        distances[a * L + b] = 1 + rng.int(40);
      }
    return { size: L, durations, distances };
  });
  const nJobs = o.jobs ?? 3 + rng.int(8);
  const nVeh = o.vehicles ?? 1 + rng.int(3);
  const maxWindows = o.maxWindows ?? 2;
  const jobs: Job[] = Array.from({ length: nJobs }, () => ({
    location: rng.int(L),
    service: rng.int(11),
    timeWindows: windows(rng, rng.int(maxWindows + 1), horizon, 5),
    demand: [rng.int(6)],
    skills: rng.next() < 0.15 ? [1] : [],
    priority: rng.int(101),
    mustVisit: rng.next() < 0.1,
  }));
  const vehicles: Vehicle[] = Array.from({ length: nVeh }, () => {
    const shiftStart = rng.int(20);
    const nb = rng.int((o.maxBreaks ?? 1) + 1);
    return {
      profile: rng.int(P),
      start: rng.int(L),
      end: rng.next() < (o.openEnd ?? 0.3) ? null : rng.int(L),
      shift: { start: shiftStart, end: shiftStart + 120 + rng.int(horizon) },
      capacity: [10 + rng.int(11)],
      skills: rng.next() < 0.5 ? [1] : [],
      maxJobs: rng.next() < 0.2 ? 2 + rng.int(4) : Infinity,
      maxDistance: rng.next() < 0.2 ? 60 + rng.int(150) : Infinity,
      breaks: Array.from({ length: nb }, () => ({ timeWindows: windows(rng, 1 + rng.int(2), horizon, 20), duration: rng.int(16) })),
      fixedCost: rng.int(3) * 10,
      costPerTime: rng.int(3),
      costPerDistance: 1 + rng.int(2),
    };
  });
  return { matrices, jobs, vehicles, objective: o.objective ?? (rng.next() < 0.5 ? 'minimize_travel' : 'maximize_priority') };
}
