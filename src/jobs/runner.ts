/**
 * How a plan request reaches a solver and how its state is read back.
 * Two implementations: in-process (worker threads, no Redis) and BullMQ.
 * HTTP routes only ever see this interface.
 */

export type PlanStatus = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface PlanProgressEvent {
  /** 0–100. */
  readonly progress: number;
  readonly bestCost?: number | undefined;
  readonly bestPriority?: number | undefined;
  readonly assigned?: number | undefined;
  readonly elapsedMs?: number | undefined;
}

export interface PlanRecord<Result = unknown> {
  readonly id: string;
  readonly tenant: string;
  readonly status: PlanStatus;
  readonly progress: number;
  readonly result?: Result | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly createdAt: string;
  readonly finishedAt?: string | undefined;
}

export interface SubmitOptions {
  readonly tenant: string;
  readonly requestId?: string | undefined;
  /** Same key and same body: same plan id. Same key, other body: conflict. */
  readonly idempotencyKey?: string | undefined;
  /** The client holds the request for the result (`?wait`): see effort.ts. */
  readonly held?: boolean | undefined;
}

export type PlanEvent =
  | { readonly type: 'progress'; readonly data: PlanProgressEvent }
  | { readonly type: 'status'; readonly status: PlanStatus };

export interface PlanRunner<Request = unknown, Result = unknown> {
  readonly kind: 'in-process' | 'bullmq';
  submit(request: Request, options: SubmitOptions): Promise<{ id: string; status: PlanStatus }>;
  get(id: string, tenant: string): Promise<PlanRecord<Result> | null>;
  /** Resolves when the plan reaches a final status or `timeoutMs` elapses (then returns the current record). */
  wait(id: string, tenant: string, timeoutMs: number): Promise<PlanRecord<Result> | null>;
  cancel(id: string, tenant: string): Promise<PlanRecord<Result> | null>;
  /** Subscribe to progress and status changes; returns an unsubscribe function. */
  subscribe(id: string, listener: (event: PlanEvent) => void): Promise<() => void>;
  /** Number of plans waiting or running (for backpressure). */
  depth(): Promise<number>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
