import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { FlowProducer, Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { partitionRequest } from '../geo/partition.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult } from '../http/schemas/plan-result.js';
import { IdempotencyConflictError, bodyHash } from './idempotency.js';
import { QueueUnavailableError } from './queue-errors.js';
import type { PlanEvent, PlanProgressEvent, PlanRecord, PlanRunner, PlanStatus, SubmitOptions } from './runner.js';

/** What a job carries. The request holds debtor data: Redis must be private (see README, Security). */
export interface PlanJobData {
  readonly request: PlanRequest;
  readonly tenant: string;
  readonly requestId?: string | undefined;
  /** For region jobs: the parent plan's id. */
  readonly planId?: string | undefined;
  /** A client held the request for the result (`?wait`). */
  readonly held?: boolean | undefined;
}

export type PlanJobName = 'plan' | 'region' | 'merge';

export interface BullmqRunnerOptions {
  readonly queueName: string;
  readonly redisUrl: string;
  readonly resultTtlSeconds: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly partition: { readonly minCases: number; readonly targetCases: number };
  readonly logger: Logger;
}

const FINAL: ReadonlySet<PlanStatus> = new Set(['completed', 'failed', 'cancelled']);

export const cancelChannel = (queueName: string): string => `beatplan:${queueName}:cancel`;
const cancelKey = (queueName: string, id: string): string => `beatplan:${queueName}:cancelled:${id}`;
const idemKey = (queueName: string, tenant: string, key: string): string =>
  `beatplan:${queueName}:idem:${createHash('sha256').update(`${tenant}\u0000${key}`).digest('hex')}`;

export function jobOptions(o: Pick<BullmqRunnerOptions, 'attempts' | 'backoffMs' | 'resultTtlSeconds'>, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: o.attempts,
    backoff: { type: 'exponential', delay: o.backoffMs },
    removeOnComplete: { age: o.resultTtlSeconds },
    removeOnFail: { age: o.resultTtlSeconds },
  };
}

/**
 * Plans through a BullMQ queue in Redis: the API produces, `npm run worker`
 * processes (any number, on any machines). A large request becomes a flow: a
 * `merge` parent whose `region` children are solved in parallel.
 */
export class BullmqRunner implements PlanRunner<PlanRequest, PlanResult> {
  readonly kind = 'bullmq' as const;
  readonly queue: Queue<PlanJobData, PlanResult, PlanJobName>;
  private readonly flow: FlowProducer;
  private readonly events: QueueEvents;
  private readonly bus = new EventEmitter();
  private eventsReady: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly opts: BullmqRunnerOptions,
  ) {
    // Producers fail fast while Redis is away (503 to the client) instead of queueing commands.
    const failFast = { url: opts.redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    this.queue = new Queue(opts.queueName, { connection: failFast });
    this.flow = new FlowProducer({ connection: failFast });
    this.events = new QueueEvents(opts.queueName, { connection: { url: opts.redisUrl, maxRetriesPerRequest: null }, autorun: false });
    this.bus.setMaxListeners(0);
    const onError = (err: Error): void => opts.logger.debug({ err: err.message }, 'queue connection error');
    this.queue.on('error', onError);
    this.flow.on('error', onError);
    this.events.on('error', onError);
    this.events.on('progress', ({ jobId, data }) => {
      const cut = jobId.lastIndexOf('.r');
      if (cut < 0) this.bus.emit(jobId, { type: 'progress', data: toProgress(data) } satisfies PlanEvent);
      else void this.regionProgress(jobId.slice(0, cut), jobId, toProgress(data));
    });
    this.events.on('active', ({ jobId }) => this.bus.emit(jobId, { type: 'status', status: 'active' } satisfies PlanEvent));
    this.events.on('completed', ({ jobId }) => {
      const cut = jobId.lastIndexOf('.r');
      if (cut >= 0) void this.regionProgress(jobId.slice(0, cut), jobId, { progress: 100 });
      this.regions.delete(jobId);
      this.bus.emit(jobId, { type: 'status', status: 'completed' } satisfies PlanEvent);
    });
    this.events.on('failed', ({ jobId }) => void this.onFailed(jobId));
  }

  /** Per split plan: its regions' progress, and how many regions it has. */
  private readonly regions = new Map<string, { total: number; done: Map<string, number> }>();

  private async regionProgress(planId: string, regionId: string, p: PlanProgressEvent): Promise<void> {
    if (this.bus.listenerCount(planId) === 0) return;
    let entry = this.regions.get(planId);
    if (!entry) {
      const parent = await Job.fromId(this.queue, planId).catch(() => undefined);
      const c = (await parent?.getDependenciesCount({ processed: true, unprocessed: true }).catch(() => undefined)) ?? {};
      entry = { total: Math.max(1, (c.processed ?? 0) + (c.unprocessed ?? 0)), done: new Map() };
      this.regions.set(planId, entry);
    }
    entry.done.set(regionId, p.progress);
    let sum = 0;
    for (const x of entry.done.values()) sum += x;
    this.bus.emit(planId, { type: 'progress', data: { ...p, progress: Math.min(99, Math.round(sum / entry.total)) } } satisfies PlanEvent);
  }

  private async onFailed(jobId: string): Promise<void> {
    // A failed attempt with retries left goes back to waiting: only report final failures.
    const state = await this.queue.getJobState(jobId).catch(() => 'unknown');
    if (state !== 'failed') return;
    const cancelled = (await this.redis.exists(cancelKey(this.opts.queueName, jobId)).catch(() => 0)) === 1;
    this.bus.emit(jobId, { type: 'status', status: cancelled ? 'cancelled' : 'failed' } satisfies PlanEvent);
  }

  private listen(): Promise<void> {
    if (!this.eventsReady) {
      void this.events.run().catch((err: unknown) => this.opts.logger.warn({ err }, 'queue events stopped'));
      this.eventsReady = this.events.waitUntilReady().then(() => undefined);
    }
    return this.eventsReady;
  }

  async submit(request: PlanRequest, options: SubmitOptions): Promise<{ id: string; status: PlanStatus }> {
    try {
      await this.listen();
      let id: string = randomUUID();
      if (options.idempotencyKey !== undefined) {
        const key = idemKey(this.opts.queueName, options.tenant, options.idempotencyKey);
        const hash = bodyHash(request);
        const claimed = await this.redis.set(key, JSON.stringify({ hash, id }), 'EX', this.opts.resultTtlSeconds, 'NX');
        if (claimed !== 'OK') {
          const prior = JSON.parse((await this.redis.get(key)) ?? '{}') as { hash?: string; id?: string };
          if (prior.hash !== hash) throw new IdempotencyConflictError();
          if (prior.id) {
            const rec = await this.get(prior.id, options.tenant);
            if (rec) return { id: prior.id, status: rec.status };
            id = prior.id; // the claim outlived the job: start it again under the same id
          }
        }
      }
      const data: PlanJobData = { request, tenant: options.tenant, requestId: options.requestId, ...(options.held ? { held: true } : {}) };
      const regions = partitionRequest(request, this.opts.partition);
      if (!regions) {
        await this.queue.add('plan', data, jobOptions(this.opts, id));
      } else {
        await this.flow.add({
          name: 'merge',
          queueName: this.opts.queueName,
          data,
          opts: jobOptions(this.opts, id),
          children: regions.map((r, k) => ({
            name: 'region',
            queueName: this.opts.queueName,
            data: { request: r.request, tenant: options.tenant, requestId: options.requestId, planId: id },
            opts: { ...jobOptions(this.opts, `${id}.r${k}`), failParentOnFailure: true },
          })),
        });
      }
      return { id, status: 'queued' };
    } catch (err) {
      if (err instanceof IdempotencyConflictError) throw err;
      throw new QueueUnavailableError(err);
    }
  }

  async get(id: string, tenant: string): Promise<PlanRecord<PlanResult> | null> {
    if (id.includes('.r')) return null; // region jobs are internal
    let job: Job<PlanJobData, PlanResult, PlanJobName> | undefined;
    let state: string;
    let cancelled: number;
    try {
      // State first, then the job: a job read before its state could be a
      // snapshot from before completion, without its return value.
      [state, cancelled] = await Promise.all([this.queue.getJobState(id), this.redis.exists(cancelKey(this.opts.queueName, id))]);
      job = await Job.fromId<PlanJobData, PlanResult, PlanJobName>(this.queue, id);
      if (!job) return cancelled === 1 ? this.cancelledRecord(id, tenant) : null;
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
    if (job.data.tenant !== tenant) return null;
    // A split plan is running while its regions are: its progress is theirs.
    const regionsRunning = state === 'waiting-children';
    const status: PlanStatus =
      cancelled === 1 && state !== 'completed'
        ? 'cancelled'
        : state === 'completed'
          ? 'completed'
          : state === 'failed'
            ? 'failed'
            : state === 'active' || regionsRunning
              ? 'active'
              : 'queued';
    let progress = status === 'completed' ? 100 : toProgress(job.progress).progress;
    if (regionsRunning) {
      const c = await job.getDependenciesCount({ processed: true, unprocessed: true }).catch(() => ({ processed: 0, unprocessed: 0 }));
      const total = (c.processed ?? 0) + (c.unprocessed ?? 0);
      progress = total > 0 ? Math.round((99 * (c.processed ?? 0)) / total) : 0;
    }
    return {
      id,
      tenant,
      status,
      progress,
      createdAt: new Date(job.timestamp).toISOString(),
      ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
      ...(status === 'completed' ? { result: job.returnvalue } : {}),
      ...(status === 'failed' ? { error: parseFailure(job.failedReason) } : {}),
    };
  }

  private async cancelledRecord(id: string, tenant: string): Promise<PlanRecord<PlanResult> | null> {
    const raw = await this.redis.get(cancelKey(this.opts.queueName, id));
    const meta = JSON.parse(raw ?? '{}') as { tenant?: string; at?: string };
    if (meta.tenant !== tenant) return null;
    return { id, tenant, status: 'cancelled', progress: 0, createdAt: meta.at ?? new Date().toISOString(), finishedAt: meta.at };
  }

  async wait(id: string, tenant: string, timeoutMs: number): Promise<PlanRecord<PlanResult> | null> {
    await this.listen().catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    let rec = await this.get(id, tenant);
    while (rec && !FINAL.has(rec.status) && Date.now() < deadline) {
      // Woken by the queue's events; a slow poll covers a missed event.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.bus.off(id, onEvent);
          resolve();
        };
        const onEvent = (ev: PlanEvent): void => {
          if (ev.type === 'status' && FINAL.has(ev.status)) done();
        };
        const timer = setTimeout(done, Math.min(1_000, Math.max(0, deadline - Date.now())));
        this.bus.on(id, onEvent);
      });
      rec = await this.get(id, tenant);
    }
    return rec;
  }

  async cancel(id: string, tenant: string): Promise<PlanRecord<PlanResult> | null> {
    const rec = await this.get(id, tenant);
    if (!rec || FINAL.has(rec.status)) return rec;
    try {
      const at = new Date().toISOString();
      await this.redis.set(cancelKey(this.opts.queueName, id), JSON.stringify({ tenant, at }), 'EX', this.opts.resultTtlSeconds);
      const job = await Job.fromId(this.queue, id);
      const children = job ? Object.keys((await job.getDependencies()).unprocessed ?? {}) : [];
      // Waiting jobs are removed; running ones are aborted by the worker that holds them.
      await job?.remove({ removeChildren: true }).catch(() => undefined);
      await this.redis.publish(cancelChannel(this.opts.queueName), JSON.stringify({ ids: [id, ...children.map((k) => k.split(':').pop()!)] }));
      this.bus.emit(id, { type: 'status', status: 'cancelled' } satisfies PlanEvent);
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
    return this.get(id, tenant);
  }

  async subscribe(id: string, listener: (event: PlanEvent) => void): Promise<() => void> {
    await this.listen().catch(() => undefined);
    this.bus.on(id, listener);
    return () => this.bus.off(id, listener);
  }

  async depth(): Promise<number> {
    try {
      const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(c).reduce((s, x) => s + x, 0);
    } catch (err) {
      throw new QueueUnavailableError(err);
    }
  }

  async ready(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.flow.close(), this.queue.close()]);
  }
}

export function toProgress(data: unknown): PlanProgressEvent {
  if (typeof data === 'number') return { progress: data };
  if (data && typeof data === 'object' && typeof (data as { progress?: unknown }).progress === 'number') return data as PlanProgressEvent;
  return { progress: 0 };
}

/** Workers fail jobs with `code: message` (see bullmq-worker.ts). */
function parseFailure(reason: string | undefined): { code: string; message: string } {
  const m = /^([a-z_]+): ([\s\S]*)$/.exec(reason ?? '');
  return m ? { code: m[1]!, message: m[2]! } : { code: 'solve_failed', message: reason ?? 'unknown failure' };
}
