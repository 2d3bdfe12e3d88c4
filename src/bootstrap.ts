import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import type { ProcessorDeps } from './jobs/processor.js';
import { SolverPool } from './jobs/solver-pool.js';
import { loggerOptions } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRedisMatrixCache, createRoutingProvider, type OsrmConfig, type RoutingService } from './routing/index.js';

/** What the API and the worker share: logger, metrics, routing, solver threads, Redis. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routing: RoutingService;
  readonly pool: SolverPool;
  readonly processor: ProcessorDeps;
  /** For rate limits, the matrix cache and readiness; null without REDIS_URL. */
  readonly redis: Redis | null;
  close(): Promise<void>;
}

export function osrmConfig(config: Config): OsrmConfig | undefined {
  if (!config.OSRM_URL && !config.OSRM_URL_CAR && !config.OSRM_URL_TWO_WHEELER && !config.OSRM_URL_WALK) return undefined;
  const base = config.OSRM_URL ?? config.OSRM_URL_TWO_WHEELER ?? config.OSRM_URL_CAR ?? config.OSRM_URL_WALK!;
  return {
    baseUrl: base,
    urlByMode: {
      ...(config.OSRM_URL_TWO_WHEELER ? { two_wheeler: config.OSRM_URL_TWO_WHEELER } : {}),
      ...(config.OSRM_URL_CAR ? { car: config.OSRM_URL_CAR } : {}),
      ...(config.OSRM_URL_WALK ? { walk: config.OSRM_URL_WALK } : {}),
    },
    profileByMode: { two_wheeler: config.OSRM_PROFILE_TWO_WHEELER, car: config.OSRM_PROFILE_CAR, walk: config.OSRM_PROFILE_WALK },
    maxTableSize: config.OSRM_MAX_TABLE_SIZE,
    concurrency: config.OSRM_CONCURRENCY,
    timeoutMs: config.OSRM_TIMEOUT_MS,
    retries: config.OSRM_RETRIES,
    durationFactor: {
      two_wheeler: config.OSRM_DURATION_FACTOR_TWO_WHEELER,
      car: config.OSRM_DURATION_FACTOR_CAR,
      walk: config.OSRM_DURATION_FACTOR_WALK,
    },
  };
}

export function createRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    // Commands fail fast while Redis is away instead of queueing without bound.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectionName: `beatplan-${name}`,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) logger.warn({ err: err.message, client: name }, 'redis unavailable');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ client: name }, 'redis reachable again');
    down = false;
  });
  return redis;
}

export function createRuntime(config: Config, role: 'api' | 'worker', logger?: Logger): Runtime {
  const log = logger ?? pino(loggerOptions(config.LOG_LEVEL, role));
  const metrics = createMetrics();
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, log, `${role}-shared`) : null;
  const routing = createRoutingProvider({
    osrm: osrmConfig(config),
    ...(redis && config.MATRIX_CACHE_TTL_SECONDS > 0 ? { cache: { cache: createRedisMatrixCache(redis), ttlSeconds: config.MATRIX_CACHE_TTL_SECONDS } } : {}),
    logger: log,
    onCall: (outcome, service, ms) => {
      metrics.osrmCalls.labels(service, outcome).inc();
      if (outcome !== 'fallback') metrics.osrmSeconds.labels(service).observe(ms / 1000);
    },
  });
  const pool = new SolverPool(config.WORKER_CONCURRENCY);
  const processor: ProcessorDeps = {
    routing,
    pool,
    logger: log,
    defaultTimeLimitSeconds: config.DEFAULT_TIME_LIMIT_SECONDS,
    partition: { minCases: config.PARTITION_MIN_CASES, targetCases: config.REGION_TARGET_CASES },
    effort: { policy: { min: config.SEARCH_EFFORT_MIN, backlog: config.SEARCH_EFFORT_BACKLOG } },
    onSolved: (seconds, stopReason, effort) => {
      metrics.solveSeconds.labels(stopReason).observe(seconds);
      if (effort < 1) metrics.shortenedSolves.inc();
    },
    onStatus: ({ status, previous, region }) => {
      if (status === 'active') metrics.activeJobs.inc();
      else if (previous === 'active') metrics.activeJobs.dec();
      // A region that fails for good fails its plan; regions that complete are counted with their merged plan.
      if ((status === 'completed' || status === 'failed' || status === 'cancelled') && (!region || status === 'failed')) metrics.plans.labels(status).inc();
    },
  };
  return {
    config,
    logger: log,
    metrics,
    routing,
    pool,
    processor,
    redis,
    async close() {
      await pool.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
