import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult } from '../http/schemas/plan-result.js';
import { IdempotencyConflictError, bodyHash } from './idempotency.js';
import { processPlan, type ProcessorDeps } from './processor.js';
import type { PlanEvent, PlanRecord, PlanRunner, PlanStatus, SubmitOptions } from './runner.js';
import { describeFailure } from './failure.js';

interface Entry {
  record: PlanRecord<PlanResult>;
  controller: AbortController;
  expiresAt: number;
}

const FINAL: ReadonlySet<PlanStatus> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Plans run in this process: state in memory, solves on the worker-thread
 * pool. The default with no REDIS_URL, so `npm start` alone works end to end.
 * Plans are lost on restart; use Redis for anything that must survive one.
 */
export class InProcessRunner implements PlanRunner<PlanRequest, PlanResult> {
  readonly kind = 'in-process' as const;
  private readonly plans = new Map<string, Entry>();
  private readonly idem = new Map<string, { hash: string; id: string; expiresAt: number }>();
  private readonly events = new EventEmitter();
  private running = 0;
  private closing = false;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly opts: { resultTtlSeconds: number; logger: Logger },
  ) {
    this.events.setMaxListeners(0);
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async submit(request: PlanRequest, options: SubmitOptions): Promise<{ id: string; status: PlanStatus }> {
    if (options.idempotencyKey !== undefined) {
      const key = `${options.tenant}\u0000${options.idempotencyKey}`;
      const hash = bodyHash(request);
      const prior = this.idem.get(key);
      if (prior && prior.expiresAt > Date.now()) {
        if (prior.hash !== hash) throw new IdempotencyConflictError();
        const entry = this.plans.get(prior.id);
        if (entry) return { id: prior.id, status: entry.record.status };
      }
      const id = randomUUID();
      this.idem.set(key, { hash, id, expiresAt: Date.now() + this.opts.resultTtlSeconds * 1000 });
      return this.start(id, request, options);
    }
    return this.start(randomUUID(), request, options);
  }

  private start(id: string, request: PlanRequest, options: SubmitOptions): { id: string; status: PlanStatus } {
    const entry: Entry = {
      record: { id, tenant: options.tenant, status: 'queued', progress: 0, createdAt: new Date().toISOString() },
      controller: new AbortController(),
      expiresAt: Infinity,
    };
    this.plans.set(id, entry);
    const log = this.opts.logger.child({ planId: id, reqId: options.requestId });
    this.running++;
    void this.run(entry, request, log, options.held === true).finally(() => this.running--);
    return { id, status: 'queued' };
  }

  private async run(entry: Entry, request: PlanRequest, log: Logger, held: boolean): Promise<void> {
    const id = entry.record.id;
    this.update(entry, { status: 'active' });
    try {
      const result = await processPlan(request, this.deps, {
        signal: entry.controller.signal,
        logger: log,
        held,
        onProgress: (p) => {
          if (entry.record.status !== 'active') return;
          entry.record = { ...entry.record, progress: p.progress };
          this.emit(id, { type: 'progress', data: p });
        },
      });
      if (entry.record.status === 'cancelled') return;
      this.update(entry, { status: 'completed', progress: 100, result, finishedAt: new Date().toISOString() });
    } catch (err) {
      if (entry.record.status === 'cancelled') return;
      const error = describeFailure(err);
      log.error({ err, code: error.code }, 'plan failed');
      this.update(entry, { status: 'failed', error, finishedAt: new Date().toISOString() });
    }
  }

  private update(entry: Entry, patch: Partial<PlanRecord<PlanResult>>): void {
    const before = entry.record.status;
    entry.record = { ...entry.record, ...patch };
    if (FINAL.has(entry.record.status)) entry.expiresAt = Date.now() + this.opts.resultTtlSeconds * 1000;
    if (entry.record.status !== before) {
      this.deps.onStatus?.({ status: entry.record.status, previous: before });
      this.emit(entry.record.id, { type: 'status', status: entry.record.status });
    }
  }

  private emit(id: string, event: PlanEvent): void {
    this.events.emit(id, event);
  }

  async get(id: string, tenant: string): Promise<PlanRecord<PlanResult> | null> {
    const e = this.plans.get(id);
    return e && e.record.tenant === tenant ? e.record : null;
  }

  async wait(id: string, tenant: string, timeoutMs: number): Promise<PlanRecord<PlanResult> | null> {
    const e = this.plans.get(id);
    if (!e || e.record.tenant !== tenant) return null;
    if (FINAL.has(e.record.status) || timeoutMs <= 0) return e.record;
    await new Promise<void>((resolve) => {
      const onEvent = (ev: PlanEvent): void => {
        if (ev.type === 'status' && FINAL.has(ev.status)) finish();
      };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.events.off(id, onEvent);
        resolve();
      };
      this.events.on(id, onEvent);
    });
    return e.record;
  }

  async cancel(id: string, tenant: string): Promise<PlanRecord<PlanResult> | null> {
    const e = this.plans.get(id);
    if (!e || e.record.tenant !== tenant) return null;
    if (!FINAL.has(e.record.status)) {
      this.update(e, { status: 'cancelled', finishedAt: new Date().toISOString() });
      e.controller.abort();
    }
    return e.record;
  }

  async subscribe(id: string, listener: (event: PlanEvent) => void): Promise<() => void> {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  async depth(): Promise<number> {
    return this.running;
  }

  async ready(): Promise<boolean> {
    return !this.closing;
  }

  /** Waits for running plans up to `graceMs`, then cancels what is left. */
  async close(graceMs = 0): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    const deadline = Date.now() + graceMs;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const e of this.plans.values()) if (!FINAL.has(e.record.status)) e.controller.abort();
    await this.deps.pool.close();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, e] of this.plans) if (e.expiresAt < now) this.plans.delete(id);
    for (const [k, v] of this.idem) if (v.expiresAt < now) this.idem.delete(k);
  }
}
