import { parentPort } from 'node:worker_threads';
import { InvalidProblemError, solve } from '../../solver/index.js';
import type { Problem, SolveProgress } from '../../solver/index.js';

/**
 * Solver thread: one solve at a time, synchronous inside the thread so the
 * event loop of the process (HTTP, BullMQ lock renewal) never waits on it.
 * Cancellation arrives through a shared flag the solver polls between
 * iterations, since a busy thread cannot read messages.
 */
export interface SolveTask {
  readonly id: number;
  readonly problem: Problem;
  readonly timeLimitMs: number;
  readonly seed: number;
  readonly maxIterations?: number | undefined;
  readonly effort?: number | undefined;
  readonly abort: SharedArrayBuffer;
}

export type ThreadMessage =
  | { readonly id: number; readonly type: 'progress'; readonly progress: SolveProgress }
  | { readonly id: number; readonly type: 'done'; readonly solution: import('../../solver/index.js').Solution }
  | { readonly id: number; readonly type: 'error'; readonly invalid: boolean; readonly message: string };

const port = parentPort;
if (port) {
  port.on('message', (task: SolveTask) => {
    const flag = new Int32Array(task.abort);
    // Only `aborted` is read by the solver.
    const signal = {
      get aborted() {
        return Atomics.load(flag, 0) === 1;
      },
    } as AbortSignal;
    try {
      const solution = solve(task.problem, {
        timeLimitMs: task.timeLimitMs,
        seed: task.seed,
        maxIterations: task.maxIterations,
        ...(task.effort !== undefined ? { effort: task.effort } : {}),
        signal,
        progressIntervalMs: 200,
        onProgress: (progress) => port.postMessage({ id: task.id, type: 'progress', progress } satisfies ThreadMessage),
      });
      port.postMessage({ id: task.id, type: 'done', solution } satisfies ThreadMessage);
    } catch (err) {
      port.postMessage({
        id: task.id,
        type: 'error',
        invalid: err instanceof InvalidProblemError,
        message: err instanceof Error ? err.message : String(err),
      } satisfies ThreadMessage);
    }
  });
}
