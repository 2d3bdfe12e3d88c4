/** The solver's public surface: everything callers may import. */
export { solve } from './solve.js';
export { validateProblem, InvalidProblemError } from './validate.js';
export { UNASSIGNED_REASONS } from './model.js';
export type {
  Break,
  Job,
  Objective,
  Problem,
  RouteSolution,
  Solution,
  SolveOptions,
  SolveProgress,
  Step,
  StepKind,
  TimeWindow,
  TravelMatrix,
  Unassigned,
  UnassignedReason,
  Vehicle,
} from './model.js';
