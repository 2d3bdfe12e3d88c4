import { Worker } from 'node:worker_threads';
import type { Problem, Solution, SolveProgress } from '../../solver/index.js';
import type { SolveTask, ThreadMessage } from './solve-thread.js';

export class SolveError extends Error {
  constructor(
    message: string,
    readonly invalidProblem: boolean,
  ) {
    super(message);
  }
}

export interface PoolSolveOptions {
  readonly timeLimitMs: number;
  readonly seed: number;
  readonly maxIterations?: number | undefined;
  /** Called as the solve starts, with the solves still queued behind it: the share of the search to run. */
  readonly effort?: ((waitingBehind: number) => number) | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: SolveProgress) => void) | undefined;
}

interface Pending {
  readonly task: SolveTask;
  readonly options: PoolSolveOptions;
  resolve(s: Solution): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

const threadUrl = new URL(import.meta.url.endsWith('.ts') ? './solve-thread.ts' : './solve-thread.js', import.meta.url);
const bootUrl = new URL('./thread-boot.mjs', import.meta.url);

/**
 * A fixed number of solver threads (started on first use, replaced if one
 * dies). Solves beyond the pool size wait in FIFO order.
 */
export class SolverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {}

  get busy(): number {
    return this.slots.filter((s) => s.busy !== null).length + this.queue.length;
  }

  solve(problem: Problem, options: PoolSolveOptions): Promise<Solution> {
    if (this.closed) return Promise.reject(new Error('solver pool is closed'));
    return new Promise<Solution>((resolve, reject) => {
      const task: SolveTask = {
        id: this.nextId++,
        problem,
        timeLimitMs: options.timeLimitMs,
        seed: options.seed,
        maxIterations: options.maxIterations,
        abort: new SharedArrayBuffer(4),
      };
      const pending: Pending = { task, options, resolve, reject };
      const flag = new Int32Array(task.abort);
      if (options.signal) {
        const onAbort = (): void => {
          Atomics.store(flag, 0, 1);
          const k = this.queue.indexOf(pending);
          if (k >= 0) {
            this.queue.splice(k, 1);
            reject(new DOMException('solve cancelled', 'AbortError'));
          }
        };
        if (options.signal.aborted) return onAbort();
        options.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.queue.push(pending);
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(bootUrl, { workerData: { entry: threadUrl.href }, execArgv: [] });
    const slot: Slot = { worker, busy: null };
    worker.on('message', (msg: ThreadMessage) => {
      const p = slot.busy;
      if (!p || msg.id !== p.task.id) return;
      if (msg.type === 'progress') {
        p.options.onProgress?.(msg.progress);
        return;
      }
      slot.busy = null;
      if (msg.type === 'done') p.resolve(msg.solution);
      else p.reject(new SolveError(msg.message, msg.invalid));
      this.pump();
    });
    const fail = (err: Error): void => {
      const k = this.slots.indexOf(slot);
      if (k >= 0) this.slots.splice(k, 1);
      const p = slot.busy;
      slot.busy = null;
      p?.reject(new SolveError(`solver thread failed: ${err.message}`, false));
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exited with code ${code}`));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => s.busy === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const p = this.queue.shift()!;
      slot.busy = p;
      slot.worker.ref();
      const effort = p.options.effort?.(this.queue.length);
      slot.worker.postMessage(effort === undefined ? p.task : { ...p.task, effort });
    }
    for (const s of this.slots) if (s.busy === null) s.worker.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('solver pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
