import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Metrics } from './metrics.js';
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
  let stopping = false;
  const ops = await serveOps(config, runtime.metrics, logger, async () => !stopping && worker.worker.isRunning() && (await runtime.redis!.ping().catch(() => '')) === 'PONG');
  logger.info({ queue: config.QUEUE_NAME, concurrency: config.WORKER_CONCURRENCY, routing: runtime.routing.engine, http: ops.url }, 'beatplan worker ready');

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    try {
      await worker.close(config.SHUTDOWN_GRACE_MS);
      await runtime.close();
      ops.server?.close();
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

/**
 * /healthz, /readyz and /metrics of the worker (it has no API), for the
 * container health check and Prometheus. A port already taken is logged, not
 * fatal: a second worker started by hand on the same machine still works.
 */
async function serveOps(config: Config, metrics: Metrics, logger: Logger, ready: () => Promise<boolean>): Promise<{ server: Server | null; url: string | null }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { status: 'method not allowed' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz')
      return void ready().then((ok) => {
        if (!ok) res.setHeader('retry-after', '5');
        json(ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
      });
    if (path === '/metrics' && config.METRICS)
      return void metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => json(500, { status: 'metrics failed' }),
      );
    json(404, { status: 'not found' });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.WORKER_HTTP_PORT, config.HOST, () => resolve());
    });
  } catch (err) {
    logger.error({ err, port: config.WORKER_HTTP_PORT }, 'worker health and metrics endpoint not started');
    return { server: null, url: null };
  }
  const a = server.address() as AddressInfo;
  return { server, url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` };
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
