import { pino, type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createRuntime, type Runtime } from '../../src/bootstrap.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createRunner, type RunnerHandle } from '../../src/jobs/index.js';
import { PlanWorker } from '../../src/jobs/bullmq-worker.js';

export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  handle: RunnerHandle;
  config: Config;
  close(): Promise<void>;
}

export const silent: Logger = pino({ level: 'silent' });

/** The app as `npm start` builds it, from an environment, without listening. */
export async function makeApp(env: Record<string, string> = {}, logger: Logger = silent): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'silent', METRICS: 'true', ...env });
  const runtime = createRuntime(config, 'api', logger);
  const handle = await createRunner(runtime, { role: 'api' });
  const app = await buildApp({ config, runner: handle.runner, logger, metrics: runtime.metrics, redis: runtime.redis ?? undefined, dashboard: handle.dashboard });
  await app.ready();
  return {
    app,
    runtime,
    handle,
    config,
    async close() {
      await app.close();
      await handle.close(0);
      await runtime.close();
    },
  };
}

/** A BullMQ worker in this process (tests); `npm run worker` runs the same class. */
export async function startWorker(env: Record<string, string>, logger: Logger = silent): Promise<{ worker: PlanWorker; close(): Promise<void> }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const runtime = createRuntime(config, 'worker', logger);
  const worker = new PlanWorker(runtime.redis!, runtime.processor, {
    queueName: config.QUEUE_NAME,
    redisUrl: config.REDIS_URL!,
    concurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.JOB_LOCK_MS,
    stalledIntervalMs: config.STALLED_INTERVAL_MS,
    logger,
  });
  await worker.start();
  return {
    worker,
    async close() {
      await worker.close(1_000);
      await runtime.close();
    },
  };
}

/** Redis reachable? In CI (BEATPLAN_REQUIRE_REDIS=1) a missing Redis fails the suite instead of skipping it. */
export async function redisAvailable(): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const ok = (await r.ping()) === 'PONG';
    return ok;
  } catch {
    if (process.env.BEATPLAN_REQUIRE_REDIS === '1') throw new Error(`Redis is required (BEATPLAN_REQUIRE_REDIS=1) but ${REDIS_URL} does not answer`);
    return false;
  } finally {
    r.disconnect();
  }
}

export const uniqueQueue = (name: string): string => `test-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
