import { z } from 'zod';

/**
 * Every setting comes from the environment, parsed once at start. A bad
 * variable stops the process with one line per problem (see `loadConfig`).
 * The README lists them all.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const url = (protocol: RegExp, example: string) => z.url({ protocol, error: `expected a URL such as ${example}` });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  /** `npm run worker` serves /healthz, /readyz and /metrics here (on HOST); 0 picks a free port. */
  WORKER_HTTP_PORT: int(0, 65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: plans run in this process on worker threads; set: through BullMQ. */
  REDIS_URL: url(/^rediss?$/, 'redis://127.0.0.1:6379').optional(),
  QUEUE_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('beatplan-plans'),
  /** Solves run at once per process (API's in-process runner or `npm run worker`). */
  WORKER_CONCURRENCY: int(1, 64).default(2),
  /** Seconds finished plans are kept (Redis, or memory for the in-process runner). */
  RESULT_TTL_SECONDS: int(60).default(86_400),
  JOB_ATTEMPTS: int(1, 20).default(3),
  JOB_BACKOFF_MS: int(0).default(2_000),
  /** Job lock, renewed while a worker runs it; a dead worker's job is taken over once it lapses. */
  JOB_LOCK_MS: int(1_000).default(30_000),
  STALLED_INTERVAL_MS: int(500).default(30_000),
  /** Plans waiting or running past which POST /v1/plans answers 429. */
  MAX_QUEUE_DEPTH: int(1).default(1_000),
  MAX_BODY_BYTES: int(1_024).default(20 * 1024 * 1024),
  MAX_CASES: int(1).default(20_000),
  MAX_EXECUTIVES: int(1).default(2_000),
  MAX_TIME_LIMIT_SECONDS: int(1, 3_600).default(300),
  DEFAULT_TIME_LIMIT_SECONDS: int(1, 3_600).default(10),
  MAX_WAIT_SECONDS: int(0, 600).default(60),
  /** Held plans (`?wait`) run a shorter search once more plans than this wait for a solver... */
  SEARCH_EFFORT_BACKLOG: int(0).default(8),
  /** ...down to this share of the full search (1: never shorten). */
  SEARCH_EFFORT_MIN: z.coerce.number().gt(0).max(1).default(0.3),
  /** Requests with more cases are split into geographic regions solved in parallel. */
  PARTITION_MIN_CASES: int(2).default(800),
  REGION_TARGET_CASES: int(10).default(300),
  /** `tenant:key,tenant:key`; unset: open, loopback only. */
  API_KEYS: z.string().optional(),
  RATE_LIMIT_PER_MINUTE: int(1).default(600),
  /** Comma-separated origins allowed by CORS; unset: CORS off. `*` allows any. */
  CORS_ORIGINS: z.string().optional(),
  OSRM_URL: url(/^https?$/, 'http://127.0.0.1:5000').optional(),
  OSRM_URL_TWO_WHEELER: url(/^https?$/, 'http://127.0.0.1:5000').optional(),
  OSRM_URL_CAR: url(/^https?$/, 'http://127.0.0.1:5000').optional(),
  OSRM_URL_WALK: url(/^https?$/, 'http://127.0.0.1:5000').optional(),
  OSRM_PROFILE_TWO_WHEELER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('driving'),
  OSRM_PROFILE_CAR: z.string().regex(/^[A-Za-z0-9_-]+$/).default('driving'),
  OSRM_PROFILE_WALK: z.string().regex(/^[A-Za-z0-9_-]+$/).default('foot'),
  OSRM_MAX_TABLE_SIZE: int(2, 10_000).default(100),
  OSRM_CONCURRENCY: int(1, 64).default(4),
  OSRM_TIMEOUT_MS: int(100).default(10_000),
  OSRM_RETRIES: int(0, 10).default(2),
  OSRM_DURATION_FACTOR_TWO_WHEELER: z.coerce.number().positive().default(1),
  OSRM_DURATION_FACTOR_CAR: z.coerce.number().positive().default(1),
  OSRM_DURATION_FACTOR_WALK: z.coerce.number().positive().default(1),
  MATRIX_CACHE_TTL_SECONDS: int(0).default(86_400),
  SHUTDOWN_GRACE_MS: int(0).default(25_000),
  METRICS: bool.default(true),
});

export type Env = z.infer<typeof EnvSchema>;

/** Every variable `loadConfig` reads (the README documents each). */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface ApiKey {
  readonly tenant: string;
  readonly key: string;
}

export interface Config extends Env {
  readonly apiKeys: readonly ApiKey[];
  readonly corsOrigins: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseApiKeys(raw: string | undefined, problems: string[]): ApiKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  const keys: ApiKey[] = [];
  for (const part of raw.split(',')) {
    const item = part.trim();
    const colon = item.indexOf(':');
    const tenant = item.slice(0, colon).trim();
    const key = item.slice(colon + 1).trim();
    if (colon <= 0 || !/^[A-Za-z0-9_.-]+$/.test(tenant) || key.length < 16) {
      problems.push('API_KEYS: each entry must be tenant:key with a key of at least 16 characters');
      continue;
    }
    if (keys.some((k) => k.key === key)) problems.push(`API_KEYS: key of tenant ${tenant} is used twice`);
    keys.push({ tenant, key });
  }
  return keys;
}

/** Parse the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean unset, as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const apiKeys = parseApiKeys(parsed.data.API_KEYS, problems);
  if (parsed.data.DEFAULT_TIME_LIMIT_SECONDS > parsed.data.MAX_TIME_LIMIT_SECONDS)
    problems.push('DEFAULT_TIME_LIMIT_SECONDS: must not exceed MAX_TIME_LIMIT_SECONDS');
  if (problems.length > 0) throw new ConfigError(problems);
  const corsOrigins = (parsed.data.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return { ...parsed.data, apiKeys, corsOrigins };
}
