import { pino } from 'pino';
import { buildApp } from './app.js';
import { createRuntime } from './bootstrap.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loggerOptions } from './logger.js';
import { createRunner } from './jobs/index.js';

/** API entry point: `npm start`. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = pino(loggerOptions(config.LOG_LEVEL, 'api'));
  let host = config.HOST;
  if (config.apiKeys.length === 0) {
    if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
      logger.warn({ host }, 'no API_KEYS configured: refusing to listen beyond loopback; listening on 127.0.0.1');
      host = '127.0.0.1';
    }
    logger.warn('no API_KEYS configured: the API is open to anyone on this machine (loopback only)');
  }
  const runtime = createRuntime(config, 'api', logger);
  const { runner, dashboard, close: closeRunner } = await createRunner(runtime, { role: 'api' });
  const app = await buildApp({ config, runner, logger, metrics: runtime.metrics, redis: runtime.redis ?? undefined, dashboard });
  await app.listen({ host, port: config.PORT });
  logger.info({ runner: runner.kind, routing: runtime.routing.engine, concurrency: config.WORKER_CONCURRENCY }, 'beatplan api ready');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const force = setTimeout(() => {
      logger.error('shutdown grace period over; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests
      await closeRunner(config.SHUTDOWN_GRACE_MS);
      await runtime.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
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
