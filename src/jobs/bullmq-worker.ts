import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PlanRequestSchema } from '../http/schemas/plan-request.js';
import type { PlanResult } from '../http/schemas/plan-result.js';
import { cancelChannel, type PlanJobData, type PlanJobName } from './bullmq-runner.js';
import { describeFailure } from './failure.js';
import { mergePlans } from './merge.js';
import { solveRegion, type ProcessorDeps } from './processor.js';
import type { PlanProgressEvent, PlanStatus } from './runner.js';

export interface PlanWorkerOptions {
  readonly queueName: string;
  readonly redisUrl: string;
  readonly concurrency: number;
  /** Lock held per job, renewed while it runs; a worker that dies loses it and the job is retried elsewhere. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly logger: Logger;
}

/**
 * BullMQ worker: takes `plan`, `region` and `merge` jobs. Solves run on the
 * solver threads, so lock renewal on this event loop never starves.
 * Cancellation comes over Redis pub/sub; on shutdown past the grace period a
 * running job is handed back to the queue for another worker.
 */
export class PlanWorker {
  readonly worker: Worker<PlanJobData, PlanResult, PlanJobName>;
  private readonly subscriber: Redis;
  /** Counts the plans waiting in the queue, for the search effort of held plans. */
  private readonly counts: Queue;
  private readonly deps: ProcessorDeps;
  private handingBack = false;

  constructor(
    redis: Redis,
    deps: ProcessorDeps,
    private readonly opts: PlanWorkerOptions,
  ) {
    this.counts = new Queue(opts.queueName, { connection: { url: opts.redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false } });
    this.counts.on('error', () => undefined);
    this.deps = deps.effort ? { ...deps, effort: { ...deps.effort, waiting: () => this.counts.getWaitingCount() } } : deps;
    this.worker = new Worker<PlanJobData, PlanResult, PlanJobName>(opts.queueName, (job, token, signal) => this.process(job, token, signal), {
      connection: { url: opts.redisUrl, maxRetriesPerRequest: null },
      concurrency: opts.concurrency,
      lockDuration: opts.lockDurationMs,
      stalledInterval: opts.stalledIntervalMs,
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (err) => opts.logger.warn({ err: err.message }, 'worker connection error'));
    this.worker.on('failed', (job, err) => opts.logger.warn({ planId: job?.id, err: err.message }, 'job failed'));
    this.subscriber = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel, message) => {
      try {
        const { ids } = JSON.parse(message) as { ids: string[] };
        for (const id of ids) if (this.worker.cancelJob(id, 'cancelled')) opts.logger.info({ planId: id }, 'cancelling running job');
      } catch {
        /* not ours */
      }
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(cancelChannel(this.opts.queueName));
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<PlanJobData, PlanResult, PlanJobName>, token: string | undefined, signal: AbortSignal | undefined): Promise<PlanResult> {
    const report = (status: PlanStatus): void => this.deps.onStatus?.({ status, previous: 'active', region: job.name === 'region' });
    this.deps.onStatus?.({ status: 'active', previous: 'queued', region: job.name === 'region' });
    try {
      const result = await this.run(job, token, signal);
      report('completed');
      return result;
    } catch (err) {
      // Cancelled and invalid jobs end here; others once their attempts are used up; a handed-back job waits again.
      const final = err instanceof UnrecoverableError || (!(err instanceof DelayedError) && job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      report(!final ? 'queued' : err instanceof Error && err.message.startsWith('cancelled:') ? 'cancelled' : 'failed');
      throw err;
    }
  }

  private async run(job: Job<PlanJobData, PlanResult, PlanJobName>, token: string | undefined, signal: AbortSignal | undefined): Promise<PlanResult> {
    const log = this.opts.logger.child({ planId: job.data.planId ?? job.id, jobId: job.id, reqId: job.data.requestId, attempt: job.attemptsMade + 1 });
    const parsed = PlanRequestSchema.safeParse(job.data.request);
    if (!parsed.success) throw new UnrecoverableError(`invalid_problem: job data does not match the request schema`);
    const request = parsed.data;
    let lastReport = 0;
    const onProgress = (p: PlanProgressEvent): void => {
      const now = Date.now();
      if (now - lastReport < 250) return;
      lastReport = now;
      void job.updateProgress({ ...p }).catch(() => undefined);
    };
    try {
      log.info({ name: job.name, cases: request.cases.length }, 'job started');
      if (job.name === 'merge') {
        const values = await job.getChildrenValues<PlanResult>();
        return mergePlans(request, Object.values(values));
      }
      return await solveRegion(request, this.deps, { signal, onProgress, logger: log, held: job.data.held === true });
    } catch (err) {
      if (this.handingBack && token) {
        // Shutting down: give the job back now rather than wait for the stall check.
        await job.moveToDelayed(Date.now() + 100, token);
        throw new DelayedError();
      }
      const f = describeFailure(err);
      if (signal?.aborted || f.code === 'cancelled') throw new UnrecoverableError('cancelled: the plan was cancelled');
      if (f.code === 'invalid_problem') throw new UnrecoverableError(`${f.code}: ${f.message}`);
      throw new Error(`${f.code}: ${f.message}`);
    }
  }

  /** Finish running jobs within `graceMs`; past it, hand them back to the queue. */
  async close(graceMs: number): Promise<void> {
    const closing = this.worker.close();
    const timedOut = await Promise.race([closing.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
    if (timedOut) {
      this.handingBack = true;
      this.worker.cancelAllJobs('shutdown');
      await closing;
    }
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
    await this.counts.close().catch(() => undefined);
  }
}
