import type { Solution } from './model.js';

export type StopReason = Solution['stopReason'];

export const DEFAULT_TIME_LIMIT_MS = 10_000;

/**
 * Length of the annealing schedule, in iterations, when the caller sets no
 * iteration limit: grows with the square of the number of assignable jobs, so
 * a one-executive day (35 jobs: about 7,000 iterations) is done in a fraction
 * of a second while large instances are bounded by their time limit.
 */
export function defaultScheduleIterations(assignable: number): number {
  return Math.max(2000, 6 * assignable * assignable);
}

/** Iterations without a new best, after the schedule has cooled, that count as converged. */
export function defaultConvergenceTail(assignable: number): number {
  return Math.max(500, 10 * assignable);
}

export interface StopOptions {
  timeLimitMs: number;
  maxIterations: number;
  /** undefined: default (schedule, then a short tail); 0: never; k: k iterations without a new best. */
  noImprovementIterations: number | undefined;
  signal: AbortSignal | undefined;
  /** Number of jobs the search can place. */
  assignable: number;
  /** Share of the default schedule and tail to run, in (0, 1]. */
  effort?: number | undefined;
}

function effortOf(opts: StopOptions): number {
  const e = opts.effort ?? 1;
  return e > 0 && e < 1 ? e : 1;
}

/** Time-fraction steps for the cooling safety net; the clock is ignored below the first step. */
const TIME_STEPS = 32;

/**
 * Stopping criteria and the annealing clock. The wall clock is read only to
 * stop, and to cool faster on a machine too slow for the iteration schedule:
 * - with `maxIterations`, cooling follows iterations only: a run repeats
 *   exactly for a seed;
 * - by default, cooling follows a schedule of `defaultScheduleIterations`,
 *   hurried by the elapsed share of the time limit in 1/32 steps only when
 *   that is ahead; a run that converges before the first step (small
 *   instances) repeats exactly;
 * - with `noImprovementIterations: 0` and no iteration limit the run is
 *   bound by time, and cooling spreads over the whole time limit.
 */
export class Stopper {
  readonly opts: StopOptions;
  readonly startMs: number;
  /** Iterations of the cooling schedule (Infinity: cooling by time). */
  readonly scheduleIterations: number;
  private readonly tail: number;
  private lastNow: number;

  constructor(opts: StopOptions, startMs: number) {
    this.opts = opts;
    this.startMs = startMs;
    this.lastNow = startMs;
    const effort = effortOf(opts);
    if (Number.isFinite(opts.maxIterations)) this.scheduleIterations = opts.maxIterations;
    else if (opts.noImprovementIterations === 0) this.scheduleIterations = Infinity;
    else this.scheduleIterations = Math.max(1, Math.round(effort * defaultScheduleIterations(opts.assignable)));
    this.tail = Math.max(1, Math.round(effort * defaultConvergenceTail(opts.assignable)));
  }

  elapsedMs(): number {
    this.lastNow = performance.now();
    return this.lastNow - this.startMs;
  }

  /** Reason to stop before running iteration `iteration`, or null. */
  check(iteration: number, sinceImprovement: number): StopReason | null {
    const o = this.opts;
    if (o.signal?.aborted) return 'cancelled';
    if (iteration >= o.maxIterations) return 'iteration_limit';
    if (o.noImprovementIterations === undefined) {
      if (sinceImprovement >= this.tail && this.progress(iteration) >= 1) return 'converged';
    } else if (o.noImprovementIterations > 0 && sinceImprovement >= o.noImprovementIterations) return 'converged';
    if (this.elapsedMs() >= o.timeLimitMs) return 'time_limit';
    return null;
  }

  /** Fraction of the cooling schedule done, in [0, 1] (uses the clock read by the last `check`). */
  progress(iteration: number): number {
    const o = this.opts;
    const byTime = (this.lastNow - this.startMs) / o.timeLimitMs;
    if (Number.isFinite(o.maxIterations)) return Math.min(1, iteration / o.maxIterations);
    if (this.scheduleIterations === Infinity) return Math.min(1, byTime);
    const stepped = Math.floor(byTime * TIME_STEPS) / TIME_STEPS;
    return Math.min(1, Math.max(iteration / this.scheduleIterations, stepped));
  }
}
