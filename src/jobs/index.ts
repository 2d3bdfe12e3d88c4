import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../bootstrap.js';
import type { PlanRequest } from '../http/schemas/plan-request.js';
import type { PlanResult } from '../http/schemas/plan-result.js';
import { BullmqRunner } from './bullmq-runner.js';
import { InProcessRunner } from './in-process-runner.js';
import type { PlanRunner } from './runner.js';

export interface RunnerHandle {
  readonly runner: PlanRunner<PlanRequest, PlanResult>;
  /** Queue dashboard for /admin/queues (BullMQ only). */
  readonly dashboard?: ((app: FastifyInstance) => Promise<void>) | undefined;
  close(graceMs: number): Promise<void>;
}

/** BullMQ when REDIS_URL is set, else plans run in this process. */
export async function createRunner(rt: Runtime, _opts: { role: 'api' }): Promise<RunnerHandle> {
  const { config } = rt;
  if (!rt.redis) {
    const runner = new InProcessRunner(rt.processor, { resultTtlSeconds: config.RESULT_TTL_SECONDS, logger: rt.logger });
    return { runner, close: (grace) => runner.close(grace) };
  }
  const runner = new BullmqRunner(rt.redis, {
    queueName: config.QUEUE_NAME,
    redisUrl: config.REDIS_URL!,
    resultTtlSeconds: config.RESULT_TTL_SECONDS,
    attempts: config.JOB_ATTEMPTS,
    backoffMs: config.JOB_BACKOFF_MS,
    partition: { minCases: config.PARTITION_MIN_CASES, targetCases: config.REGION_TARGET_CASES },
    logger: rt.logger,
  });
  const dashboard = async (app: FastifyInstance): Promise<void> => {
    const { createBullBoard } = await import('@bull-board/api');
    const { BullMQAdapter } = await import('@bull-board/api/bullMQAdapter');
    const { FastifyAdapter } = await import('@bull-board/fastify');
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/admin/queues');
    createBullBoard({ queues: [new BullMQAdapter(runner.queue, { readOnlyMode: false })], serverAdapter: serverAdapter as never });
    // The adapter types lag fastify 5's; the plugin itself works with it.
    await app.register(serverAdapter.registerPlugin() as never, { prefix: '/admin/queues' });
  };
  return { runner, dashboard, close: () => runner.close() };
}
