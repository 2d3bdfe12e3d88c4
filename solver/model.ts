/**
 * The problem the solver answers, and the solution it hands back.
 *
 * Everything here is in solver units: locations are dense indices into the
 * travel matrices, time is a number on one clock shared by every job and
 * vehicle (the service uses seconds since local midnight; Solomon instances use
 * their own time units), distances are whatever the distance matrix holds.
 * Mapping user ids, clock times and time zones onto these units is the
 * caller's job, never the solver's.
 */

export type Objective = 'minimize_travel' | 'maximize_priority';

/** Closed interval [start, end] in which a service (or a break) may start. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Travel between locations for one travel profile (e.g. two-wheeler, car).
 * Both matrices are row-major `size × size`: `durations[from * size + to]`.
 * Asymmetric matrices are allowed; the diagonal is expected to be 0.
 */
export interface TravelMatrix {
  readonly size: number;
  readonly durations: Float64Array;
  readonly distances: Float64Array;
}

export interface Job {
  /** Location index into the vehicle's travel matrix. */
  readonly location: number;
  /** Service duration in time units. */
  readonly service: number;
  /**
   * Service must start inside one of these windows. Sorted by start and
   * disjoint; an empty list means "any time inside the vehicle's shift".
   */
  readonly timeWindows: readonly TimeWindow[];
  /** Load picked up by the visit; same length as every vehicle's capacity. */
  readonly demand: readonly number[];
  /** Skill ids the vehicle must all have. */
  readonly skills: readonly number[];
  /** 0–100; drives the `maximize_priority` objective. */
  readonly priority: number;
  /** Served whenever any feasible plan can serve it. */
  readonly mustVisit: boolean;
  /** Vehicle index this job may only be served by. */
  readonly pinnedVehicle?: number | undefined;
}

/** A rest of `duration` that must start inside one of `timeWindows`, taken where the vehicle is. */
export interface Break {
  readonly timeWindows: readonly TimeWindow[];
  readonly duration: number;
}

export interface Vehicle {
  /** Index into `Problem.matrices`. */
  readonly profile: number;
  readonly start: number;
  /** End location; `null` means the route ends at its last visit (open end). */
  readonly end: number | null;
  /** The route leaves no earlier than `shift.start` and is back (or done) by `shift.end`. */
  readonly shift: TimeWindow;
  readonly capacity: readonly number[];
  readonly skills: readonly number[];
  /** Maximum number of jobs on the route (Infinity: unbounded). */
  readonly maxJobs: number;
  /** Maximum total travel distance of the route (Infinity: unbounded). */
  readonly maxDistance: number;
  readonly breaks: readonly Break[];
  /** Cost added when the vehicle serves at least one job. */
  readonly fixedCost: number;
  readonly costPerTime: number;
  readonly costPerDistance: number;
}

export interface Problem {
  readonly matrices: readonly TravelMatrix[];
  readonly jobs: readonly Job[];
  readonly vehicles: readonly Vehicle[];
  readonly objective: Objective;
}

export interface SolveProgress {
  readonly iteration: number;
  readonly elapsedMs: number;
  /** Best objective so far (lower is better; see `Solution.cost`). */
  readonly bestCost: number;
  readonly bestTravelCost: number;
  readonly bestPriority: number;
  readonly assigned: number;
}

export interface SolveOptions {
  /** Wall-clock budget. Default 10 s. */
  readonly timeLimitMs?: number;
  /** Metaheuristic iterations at most. Default unbounded. */
  readonly maxIterations?: number;
  /**
   * Stop once this many consecutive iterations bring no improvement.
   * Default: scaled to the instance size (see `stopping.ts`); 0 disables.
   */
  readonly noImprovementIterations?: number;
  /**
   * Share of the default search schedule to run, in (0, 1] (default 1): a
   * caller short of time (a deep queue of waiting requests) trades some plan
   * quality for a shorter solve. Ignored with `maxIterations` or
   * `noImprovementIterations`.
   */
  readonly effort?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called at most every `progressIntervalMs` (default 250 ms) and on every new best. */
  readonly onProgress?: (progress: SolveProgress) => void;
  readonly progressIntervalMs?: number;
}

/**
 * Why a job is left out. A fixed list: clients switch on these.
 * - `no_vehicle_with_skills`: no vehicle has every required skill.
 * - `no_time_window_reachable`: no eligible vehicle can start the service inside
 *   a window and finish its shift in time, even with nothing else to do.
 * - `over_capacity`: the demand exceeds every eligible vehicle's capacity.
 * - `over_max_distance`: the round trip alone exceeds every eligible vehicle's maximum distance.
 * - `pinned_vehicle_cannot_serve`: the pinned vehicle lacks the skills, capacity,
 *   distance or time to serve it even alone (or does not exist).
 * - `max_jobs_reached`: eligible vehicles are all at their maximum number of jobs.
 * - `dropped_for_priority`: servable alone, left out for higher-priority work (`maximize_priority`).
 * - `no_room_in_plan`: servable alone, but no feasible plan found fits it beside the others.
 */
export type UnassignedReason =
  | 'no_vehicle_with_skills'
  | 'no_time_window_reachable'
  | 'over_capacity'
  | 'over_max_distance'
  | 'pinned_vehicle_cannot_serve'
  | 'max_jobs_reached'
  | 'dropped_for_priority'
  | 'no_room_in_plan';

export const UNASSIGNED_REASONS: readonly UnassignedReason[] = [
  'no_vehicle_with_skills',
  'no_time_window_reachable',
  'over_capacity',
  'over_max_distance',
  'pinned_vehicle_cannot_serve',
  'max_jobs_reached',
  'dropped_for_priority',
  'no_room_in_plan',
];

export type StepKind = 'start' | 'job' | 'break' | 'end';

/** One scheduled step of a route, in solver units. */
export interface Step {
  readonly kind: StepKind;
  /** Job index for `job`, break index (into `vehicle.breaks`) for `break`. */
  readonly index: number;
  /** Location where the step happens (a break happens where the vehicle is). */
  readonly location: number;
  readonly arrival: number;
  /** Service (or break) start; equals arrival for start/end. */
  readonly start: number;
  readonly departure: number;
  readonly wait: number;
  readonly travelTimeFromPrevious: number;
  readonly distanceFromPrevious: number;
}

export interface RouteSolution {
  readonly vehicle: number;
  /** Job indices in visiting order (breaks excluded). */
  readonly jobs: readonly number[];
  readonly steps: readonly Step[];
  readonly travelTime: number;
  readonly distance: number;
  readonly cost: number;
  readonly priority: number;
  readonly load: readonly number[];
}

export interface Unassigned {
  readonly job: number;
  readonly reason: UnassignedReason;
}

export interface Solution {
  /** Only vehicles that serve at least one job. */
  readonly routes: readonly RouteSolution[];
  readonly unassigned: readonly Unassigned[];
  /** Travel cost plus fixed costs of the used vehicles. */
  readonly travelCost: number;
  readonly travelTime: number;
  readonly distance: number;
  /** Sum of priorities of served jobs. */
  readonly priority: number;
  /** Lexicographic objective folded into one number (lower is better). */
  readonly cost: number;
  readonly iterations: number;
  readonly movesEvaluated: number;
  readonly elapsedMs: number;
  readonly stopReason: 'time_limit' | 'iteration_limit' | 'converged' | 'cancelled' | 'trivial';
}
