import { SolveError } from './solver-pool.js';

/** A plan's `error`: a stable code and a message safe to show (no request data). */
export function describeFailure(err: unknown): { code: string; message: string } {
  if (err instanceof SolveError && err.invalidProblem) return { code: 'invalid_problem', message: err.message };
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message: 'the plan was cancelled' };
  return { code: 'solve_failed', message: err instanceof Error ? err.message.slice(0, 500) : 'unknown failure' };
}
