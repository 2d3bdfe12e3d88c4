/** Small shared pieces of the routing layer: logger shape, abort handling, bounded concurrency. */

/** The subset of a pino logger the routing layer uses. */
export interface RoutingLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: RoutingLogger = { warn() {}, info() {}, debug() {} };

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `tasks` with at most `concurrency` in flight. The first rejection aborts `controller`
 * (so running tasks can stop early), no further task starts, and that first error is thrown
 * once every started task has settled.
 */
export async function runBounded(
  tasks: readonly ((signal: AbortSignal) => Promise<void>)[],
  concurrency: number,
  controller: AbortController,
): Promise<void> {
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (firstError === undefined && !controller.signal.aborted && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task(controller.signal);
      } catch (error) {
        if (firstError === undefined) {
          firstError = { error };
          controller.abort(error);
        }
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker);
  await Promise.all(workers);
  if (firstError !== undefined) throw firstError.error;
  // An outer abort wired into `controller` stops the workers without a task error.
  if (controller.signal.aborted) throw abortReason(controller.signal);
}
