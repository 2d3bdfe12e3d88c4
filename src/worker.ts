import { pino } from 'pino';
import { createRuntime } from './bootstrap.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { PlanWorker } from './jobs/bullmq-worker.js';
import { loggerOptions } from './logger.js';

/** Worker entry point: `npm run worker` (needs REDIS_URL). */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = pino(loggerOptions(config.LOG_LEVEL, 'worker'));
  if (!config.REDIS_URL) {
    logger.fatal('REDIS_URL is required for `npm run worker` (without it, `npm start` solves in-process)');
    process.exit(78);
  }
  const runtime = createRuntime(config, 'worker', logger);
  const worker = new PlanWorker(runtime.redis!, runtime.processor, {
    queueName: config.QUEUE_NAME,
    redisUrl: config.REDIS_URL,
    concurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.JOB_LOCK_MS,
    stalledIntervalMs: config.STALLED_INTERVAL_MS,
    logger,
  });
  await worker.start();
  logger.info({ queue: config.QUEUE_NAME, concurrency: config.WORKER_CONCURRENCY, routing: runtime.routing.engine }, 'beatplan worker ready');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    try {
      await worker.close(config.SHUTDOWN_GRACE_MS);
      await runtime.close();
      logger.info('worker stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'worker shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
