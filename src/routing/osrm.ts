/**
 * Engine 'osrm': travel-time matrices from an OSRM v5 server's table service.
 *
 * Exports:
 * - `OsrmConfig` (all fields but `baseUrl` optional), `ResolvedOsrmConfig`, `DEFAULT_OSRM_PROFILES`,
 *   `resolveOsrmConfig(config)`, `osrmConfigFromEnv(env)` (reads the `OSRM_*` variables below;
 *   `undefined` when `OSRM_URL` is unset).
 * - `OsrmDeps` `{ logger?, onCall?, random? }`, `OsrmCallHook`.
 * - `OsrmClient`: HTTP with per-attempt timeout, retries with jittered exponential backoff and one
 *   circuit breaker per base URL; every body is checked with zod. Shared by matrices and directions.
 * - `createOsrmProvider(config, deps?)` → `OsrmProvider` (a `RoutingProvider` with engine 'osrm',
 *   plus `client` and `cacheKeyInfo(mode)` for the matrix cache).
 * - `OsrmFault`, `describeFault(error)`, `matrixFallbackWarning(error)`, `directionsFallbackWarning(error)`,
 *   `OsrmCacheKeyInfo`.
 *
 * Behaviour of `matrix(points, mode, signal)`:
 * - More than `maxTableSize` points: the matrix is fetched in blocks of at most `maxTableSize`
 *   sources × `maxTableSize` destinations; a block's request carries only its own coordinates
 *   (≤ 2 × maxTableSize), at most `concurrency` requests in flight.
 * - Durations are multiplied by `durationFactor[mode]` (1.0 keeps OSRM's numbers exactly).
 * - OSRM `null` (no route between a pair) becomes `Infinity` in durations and distances.
 * - `NoSegment` (a point that cannot be snapped to a road): the unsnappable points are found with
 *   cheap 1×1 table "snap probes" over subsets of the points. OSRM's message names the first
 *   failing coordinate of a request; when it does, that point is set aside and the rest of the
 *   subset re-probed, otherwise the subset is bisected. The matrix over the remaining points is
 *   then fetched, and the unsnappable points are returned in `unroutable` with rows and columns
 *   `Infinity` (diagonal 0) and a warning.
 * - Any other fault (breaker open, network error, timeout, 429/5xx after retries, an OSRM error
 *   answer such as `TooBig`, or a body that is not a valid table answer) → the whole matrix is
 *   computed by great-circle instead, engine 'great-circle', with a warning saying why. The only
 *   rejection is the caller's abort (`signal`), with the signal's reason.
 *
 * Environment (`osrmConfigFromEnv`):
 *   OSRM_URL                         base URL, e.g. http://osrm:5000 (unset = no OSRM)
 *   OSRM_URL_TWO_WHEELER|_CAR|_WALK   per-mode base URL (one server per profile)
 *   OSRM_PROFILE_TWO_WHEELER|_CAR|_WALK  profile names (default driving, driving, foot)
 *   OSRM_MAX_TABLE_SIZE (100)  OSRM_CONCURRENCY (4)  OSRM_TIMEOUT_MS (10000)  OSRM_RETRIES (2)
 *   OSRM_DURATION_FACTOR_TWO_WHEELER|_CAR|_WALK (1.0)
 *   OSRM_BREAKER_FAILURES (5)  OSRM_BREAKER_RESET_MS (30000)  OSRM_MAX_ROUTE_COORDINATES (100)
 */
import { z } from 'zod';
import { CircuitBreaker, type BreakerState } from './breaker.js';
import { greatCircleMatrix, type GreatCircleOptions } from './great-circle.js';
import { TRAVEL_MODES, type LatLng, type MatrixResult, type RoutingProvider, type TravelMode } from './provider.js';
import { abortReason, runBounded, silentLogger, sleep, throwIfAborted, type RoutingLogger } from './util.js';

// ---------------------------------------------------------------------------------------------
// Configuration

export interface OsrmConfig {
  /** Default server for every mode, e.g. `http://osrm:5000` (no trailing `/table/v1`). */
  readonly baseUrl: string;
  /** Per-mode servers; OSRM serves one profile per process, so modes often differ by URL. */
  readonly urlByMode?: Partial<Record<TravelMode, string>>;
  /** Profile path segment per mode. Default `DEFAULT_OSRM_PROFILES`. */
  readonly profileByMode?: Partial<Record<TravelMode, string>>;
  /** The server's `--max-table-size`; blocks are at most this many sources × destinations. Default 100. */
  readonly maxTableSize?: number;
  /** Requests in flight per matrix or itinerary. Default 4. */
  readonly concurrency?: number;
  /** Per attempt, including reading the body. Default 10000. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first, for network errors, timeouts, 429 and 5xx. Default 2. */
  readonly retries?: number;
  /** First backoff step; doubles each retry, jittered to 50–100 %. Default 200. */
  readonly retryBaseMs?: number;
  /** Cap on one backoff wait (also caps a server's Retry-After). Default 2000. */
  readonly retryMaxMs?: number;
  /** Multiplies OSRM durations per mode (e.g. 1.3 for two-wheelers on a car profile). Default 1.0. */
  readonly durationFactor?: Partial<Record<TravelMode, number>>;
  readonly breaker?: { readonly failureThreshold?: number; readonly resetMs?: number };
  /** Waypoints per route request; longer itineraries are split into overlapping chunks. Default 100. */
  readonly maxRouteCoordinates?: number;
  /** Used for the great-circle fallback. */
  readonly greatCircle?: GreatCircleOptions;
}

/**
 * Default profiles. The stock OSRM profiles are car, bicycle and foot (served under any name);
 * there is no two-wheeler profile, so two-wheelers use the car graph, which has the right road
 * access, and `durationFactor.two_wheeler` can correct the speed.
 */
export const DEFAULT_OSRM_PROFILES: Readonly<Record<TravelMode, string>> = Object.freeze({
  two_wheeler: 'driving',
  car: 'driving',
  walk: 'foot',
});

export interface ResolvedOsrmConfig {
  readonly urlByMode: Readonly<Record<TravelMode, string>>;
  readonly profileByMode: Readonly<Record<TravelMode, string>>;
  readonly maxTableSize: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly durationFactor: Readonly<Record<TravelMode, number>>;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  readonly maxRouteCoordinates: number;
  readonly greatCircle: GreatCircleOptions;
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`OSRM ${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Fills defaults and checks ranges; throws `RangeError` on a bad value (a startup error). */
export function resolveOsrmConfig(config: OsrmConfig): ResolvedOsrmConfig {
  const urlByMode = {} as Record<TravelMode, string>;
  const profileByMode = {} as Record<TravelMode, string>;
  const durationFactor = {} as Record<TravelMode, number>;
  for (const mode of TRAVEL_MODES) {
    const url = config.urlByMode?.[mode] ?? config.baseUrl;
    if (!/^https?:\/\/[^/]/.test(url)) throw new RangeError(`OSRM URL for ${mode} must be http(s), got '${url}'`);
    urlByMode[mode] = stripSlash(url);
    const profile = config.profileByMode?.[mode] ?? DEFAULT_OSRM_PROFILES[mode];
    if (!/^[A-Za-z0-9_.-]+$/.test(profile)) throw new RangeError(`OSRM profile for ${mode} is not a path segment: '${profile}'`);
    profileByMode[mode] = profile;
    const factor = config.durationFactor?.[mode] ?? 1;
    if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`OSRM duration factor for ${mode} must be positive, got ${factor}`);
    durationFactor[mode] = factor;
  }
  return {
    urlByMode,
    profileByMode,
    durationFactor,
    maxTableSize: positiveInt('maxTableSize', config.maxTableSize ?? 100),
    concurrency: positiveInt('concurrency', config.concurrency ?? 4),
    timeoutMs: positiveInt('timeoutMs', config.timeoutMs ?? 10_000),
    retries: positiveInt('retries', config.retries ?? 2, 0),
    retryBaseMs: positiveInt('retryBaseMs', config.retryBaseMs ?? 200, 0),
    retryMaxMs: positiveInt('retryMaxMs', config.retryMaxMs ?? 2_000, 0),
    breaker: {
      failureThreshold: positiveInt('breaker.failureThreshold', config.breaker?.failureThreshold ?? 5),
      resetMs: positiveInt('breaker.resetMs', config.breaker?.resetMs ?? 30_000, 0),
    },
    maxRouteCoordinates: positiveInt('maxRouteCoordinates', config.maxRouteCoordinates ?? 100, 2),
    greatCircle: config.greatCircle ?? {},
  };
}

const MODE_ENV: Record<TravelMode, string> = { two_wheeler: 'TWO_WHEELER', car: 'CAR', walk: 'WALK' };

/** Reads the `OSRM_*` variables listed in the header; `undefined` when `OSRM_URL` is unset or empty. */
export function osrmConfigFromEnv(env: Readonly<Record<string, string | undefined>>): OsrmConfig | undefined {
  const baseUrl = env.OSRM_URL?.trim();
  if (!baseUrl) return undefined;
  const num = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a number, got '${raw}'`);
    return value;
  };
  const perMode = <T>(prefix: string, read: (name: string) => T | undefined): Partial<Record<TravelMode, T>> => {
    const out: Partial<Record<TravelMode, T>> = {};
    for (const mode of TRAVEL_MODES) {
      const value = read(`${prefix}_${MODE_ENV[mode]}`);
      if (value !== undefined) out[mode] = value;
    }
    return out;
  };
  const str = (name: string): string | undefined => env[name]?.trim() || undefined;
  const config: OsrmConfig = {
    baseUrl,
    urlByMode: perMode('OSRM_URL', str),
    profileByMode: perMode('OSRM_PROFILE', str),
    durationFactor: perMode('OSRM_DURATION_FACTOR', num),
    ...definedOnly({
      maxTableSize: num('OSRM_MAX_TABLE_SIZE'),
      concurrency: num('OSRM_CONCURRENCY'),
      timeoutMs: num('OSRM_TIMEOUT_MS'),
      retries: num('OSRM_RETRIES'),
      maxRouteCoordinates: num('OSRM_MAX_ROUTE_COORDINATES'),
    }),
    breaker: definedOnly({ failureThreshold: num('OSRM_BREAKER_FAILURES'), resetMs: num('OSRM_BREAKER_RESET_MS') }),
  };
  resolveOsrmConfig(config); // fail at startup, not on the first request
  return config;
}

function definedOnly<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

// ---------------------------------------------------------------------------------------------
// Faults

export type OsrmService = 'table' | 'route';
export type OsrmCallOutcome = 'ok' | 'error' | 'fallback';

/**
 * Metrics hook. Called with 'ok' or 'error' once per HTTP attempt (its latency; an OSRM error
 * answer such as NoSegment, including the snap probes that locate unsnappable points, is an
 * 'error'), and with 'fallback' once per matrix or itinerary answered by great-circle instead
 * (time spent on OSRM before giving up).
 */
export type OsrmCallHook = (outcome: OsrmCallOutcome, service: OsrmService, ms: number) => void;

export interface OsrmDeps {
  readonly logger?: RoutingLogger;
  readonly onCall?: OsrmCallHook;
  /** Jitter source, [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export type OsrmFaultKind =
  | 'timeout' // attempt exceeded timeoutMs
  | 'network' // connection refused/reset, DNS, ...
  | 'http' // status without an OSRM answer (429, 5xx, or a proxy's 4xx)
  | 'garbage' // not JSON, or JSON that is not the expected OSRM shape
  | 'breaker-open'
  | 'no-segment' // OSRM NoSegment: a coordinate cannot be snapped
  | 'rejected'; // any other OSRM error code (InvalidQuery, TooBig, NoRoute, ...)

export class OsrmFault extends Error {
  constructor(
    readonly kind: OsrmFaultKind,
    message: string,
    readonly details: {
      readonly status?: number;
      readonly code?: string;
      readonly retryAfterMs?: number;
      /** For 'no-segment': index, within the request's coordinates, that OSRM named. */
      readonly coordinateIndex?: number;
    } = {},
  ) {
    super(message);
    this.name = 'OsrmFault';
  }

  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || (this.kind === 'http' && isTransientStatus(this.details.status));
  }

  /** Whether this says the server is unhealthy (feeds the circuit breaker). */
  get serverFailure(): boolean {
    return this.kind === 'timeout' || this.kind === 'network' || this.kind === 'http' || this.kind === 'garbage';
  }
}

function isTransientStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 429 || status >= 500);
}

/** Short human text for warnings, e.g. "timeout after 10000 ms". */
export function describeFault(error: unknown): string {
  if (error instanceof OsrmFault) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function fallbackWarning(error: unknown, consequence: string): string {
  const unavailable = error instanceof OsrmFault && (error.serverFailure || error.kind === 'breaker-open');
  return `OSRM ${unavailable ? 'unavailable' : 'failed'} (${describeFault(error)}); ${consequence}`;
}

export function matrixFallbackWarning(error: unknown): string {
  return fallbackWarning(error, 'travel times are great-circle estimates');
}

export function directionsFallbackWarning(error: unknown): string {
  return fallbackWarning(error, 'route geometry is straight lines between stops');
}

// ---------------------------------------------------------------------------------------------
// HTTP client

const errorBodySchema = z.object({ code: z.string(), message: z.string().optional() });

const NO_SEGMENT_INDEX = /coordinate\s+(\d+)/i;

function formatCoordinates(points: readonly LatLng[]): string {
  return points.map((p) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the expected shape';
  return `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function errorCode(error: unknown): string {
  // fetch wraps the socket error in `cause`; its `code` (ECONNREFUSED, ...) is the useful part.
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

export class OsrmClient {
  readonly config: ResolvedOsrmConfig;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly logger: RoutingLogger;
  private readonly onCall: OsrmCallHook | undefined;
  private readonly random: () => number;

  constructor(config: OsrmConfig | ResolvedOsrmConfig, deps: OsrmDeps = {}) {
    this.config = 'baseUrl' in config ? resolveOsrmConfig(config) : config;
    this.logger = deps.logger ?? silentLogger;
    this.onCall = deps.onCall;
    this.random = deps.random ?? Math.random;
    for (const url of new Set(Object.values(this.config.urlByMode))) {
      this.breakers.set(url, new CircuitBreaker(this.config.breaker));
    }
  }

  breakerState(mode: TravelMode): BreakerState {
    return this.breakerFor(mode).state;
  }

  /** Called by the provider when it answers without OSRM. */
  reportFallback(service: OsrmService, ms: number): void {
    this.onCall?.('fallback', service, ms);
  }

  private breakerFor(mode: TravelMode): CircuitBreaker {
    return this.breakers.get(this.config.urlByMode[mode])!;
  }

  /**
   * One logical OSRM request with retries. Resolves with the body parsed by `schema`, rejects with
   * an `OsrmFault`, or with the abort reason when `signal` aborts.
   */
  async request<T>(
    service: OsrmService,
    mode: TravelMode,
    points: readonly LatLng[],
    query: Readonly<Record<string, string>>,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { urlByMode, profileByMode, retries } = this.config;
    // OSRM decodes the URL, but literal ',' and ';' keep logged URLs readable and match its docs.
    const search = new URLSearchParams(query).toString().replace(/%2C/gi, ',').replace(/%3B/gi, ';');
    const url = `${urlByMode[mode]}/${service}/v1/${profileByMode[mode]}/${formatCoordinates(points)}${search ? `?${search}` : ''}`;
    const breaker = this.breakerFor(mode);
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      let ticket = breaker.tryAcquire();
      // Half-open: one block probes; the others wait for its verdict instead of giving up.
      while (ticket === null && breaker.probing) {
        await untilSettledOrAborted(breaker.probeSettled(), signal);
        ticket = breaker.tryAcquire();
      }
      if (ticket === null) {
        throw new OsrmFault('breaker-open', `circuit open after repeated failures, next try in ${Math.ceil(breaker.retryInMs / 1000)} s`);
      }
      const started = performance.now();
      try {
        const body = await this.attempt(url, schema, signal);
        breaker.success(ticket);
        this.onCall?.('ok', service, performance.now() - started);
        return body;
      } catch (error) {
        if (signal?.aborted) {
          breaker.release(ticket);
          throw abortReason(signal);
        }
        const fault = error instanceof OsrmFault ? error : new OsrmFault('garbage', describeFault(error));
        if (fault.serverFailure) breaker.failure(ticket);
        else breaker.success(ticket);
        this.onCall?.('error', service, performance.now() - started);
        this.logger.debug({ service, url: url.slice(0, 200), attempt, fault: fault.kind, err: fault.message }, 'OSRM request failed');
        if (!fault.retryable || attempt >= retries) throw fault;
        const backoff = Math.min(this.config.retryMaxMs, this.config.retryBaseMs * 2 ** attempt);
        const jittered = backoff * (0.5 + 0.5 * this.random());
        const wait = Math.min(this.config.retryMaxMs, Math.max(jittered, fault.details.retryAfterMs ?? 0));
        await sleep(wait, signal);
      }
    }
  }

  private async attempt<T>(url: string, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
    const { timeoutMs } = this.config;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(url, { signal: combined, headers: { accept: 'application/json' } });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (timeout.aborted) throw new OsrmFault('timeout', `timeout after ${timeoutMs} ms`);
      throw new OsrmFault('network', `network error: ${errorCode(error)}`);
    }
    let body: unknown;
    let json = true;
    try {
      body = JSON.parse(text);
    } catch {
      json = false;
    }
    if (isTransientStatus(status)) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      throw new OsrmFault('http', `HTTP ${status}`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    }
    const asError = json ? errorBodySchema.safeParse(body) : undefined;
    if (asError?.success && asError.data.code !== 'Ok') {
      const { code, message = '' } = asError.data;
      if (code === 'NoSegment') {
        const match = NO_SEGMENT_INDEX.exec(message);
        throw new OsrmFault('no-segment', `NoSegment: ${message}`, {
          status,
          code,
          ...(match ? { coordinateIndex: Number(match[1]) } : {}),
        });
      }
      throw new OsrmFault('rejected', `OSRM rejected the request: ${code}${message ? ` (${message})` : ''}`, { status, code });
    }
    if (status < 200 || status >= 300) throw new OsrmFault('http', `HTTP ${status}`, { status });
    if (!json) throw new OsrmFault('garbage', 'invalid response: body is not JSON');
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new OsrmFault('garbage', `invalid response: ${firstIssue(parsed.error)}`);
    return parsed.data;
  }
}

// ---------------------------------------------------------------------------------------------
// Table service

const cell = z.number().nonnegative().nullable();
const tableSchema = z.object({
  code: z.literal('Ok'),
  durations: z.array(z.array(cell)),
  distances: z.array(z.array(cell)),
});
type TableBody = z.infer<typeof tableSchema>;
/** Snap probes ask for the default annotation (duration) of one cell. */
const probeSchema = z.object({ code: z.literal('Ok'), durations: z.array(z.array(cell)) });

/** The table schema plus the block's dimensions: a wrongly sized answer is garbage too. */
function tableSchemaFor(rows: number, cols: number): z.ZodType<TableBody> {
  const sized = (m: readonly (readonly unknown[])[]): boolean => m.length === rows && m.every((row) => row.length === cols);
  return tableSchema
    .refine((b) => sized(b.durations), { message: `durations is not ${rows}×${cols}` })
    .refine((b) => sized(b.distances), { message: `distances is not ${rows}×${cols}` });
}

// A type alias, not an interface, so it is assignable to the cache's `MatrixCacheKeyInfo` record.
export type OsrmCacheKeyInfo = {
  readonly engine: 'osrm';
  readonly url: string;
  readonly profile: string;
  readonly durationFactor: number;
};

export interface OsrmProvider extends RoutingProvider {
  readonly engine: 'osrm';
  readonly client: OsrmClient;
  /** What, besides the coordinates, determines a cached matrix for `mode`. */
  cacheKeyInfo(mode: TravelMode): OsrmCacheKeyInfo;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createOsrmProvider(config: OsrmConfig, deps: OsrmDeps = {}): OsrmProvider {
  const client = new OsrmClient(config, deps);
  const cfg = client.config;
  const logger = deps.logger ?? silentLogger;

  /** Square matrix over `points` (already free of unsnappable ones), in blocks. */
  async function table(
    points: readonly LatLng[],
    mode: TravelMode,
    signal: AbortSignal | undefined,
  ): Promise<{ durations: Float64Array; distances: Float64Array }> {
    const n = points.length;
    const durations = new Float64Array(n * n);
    const distances = new Float64Array(n * n);
    if (n <= 1) return { durations, distances };
    const factor = cfg.durationFactor[mode];
    const groups = chunks(range(n), cfg.maxTableSize);
    const tasks: ((signal: AbortSignal) => Promise<void>)[] = [];
    for (const src of groups) {
      for (const dst of groups) {
        tasks.push(async (blockSignal) => {
          const same = src === dst;
          const coords = same ? src.map((i) => points[i]!) : [...src, ...dst].map((i) => points[i]!);
          const query: Record<string, string> = { annotations: 'duration,distance' };
          if (!same) {
            query.sources = range(src.length).join(';');
            query.destinations = range(dst.length).map((j) => j + src.length).join(';');
          }
          const body = await client.request('table', mode, coords, query, tableSchemaFor(src.length, dst.length), blockSignal);
          for (let a = 0; a < src.length; a++) {
            const durRow = body.durations[a]!;
            const distRow = body.distances[a]!;
            const base = src[a]! * n;
            for (let b = 0; b < dst.length; b++) {
              const to = dst[b]!;
              const d = durRow[b]!;
              const m = distRow[b]!;
              const reachable = d !== null && m !== null;
              durations[base + to] = reachable ? d * factor : Infinity;
              distances[base + to] = reachable ? m : Infinity;
            }
          }
        });
      }
    }
    await runLinked(tasks, signal);
    for (let i = 0; i < n; i++) {
      durations[i * n + i] = 0;
      distances[i * n + i] = 0;
    }
    return { durations, distances };
  }

  async function runLinked(tasks: readonly ((signal: AbortSignal) => Promise<void>)[], signal: AbortSignal | undefined): Promise<void> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) onAbort();
      await runBounded(tasks, cfg.concurrency, controller);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Indices (into `points`) of points OSRM cannot snap. */
  async function findUnsnappable(points: readonly LatLng[], mode: TravelMode, signal: AbortSignal | undefined): Promise<number[]> {
    const bad: number[] = [];
    // 1×1 answer over all coordinates: OSRM snaps every coordinate of a request before routing.
    const probe = async (subset: readonly number[], probeSignal: AbortSignal): Promise<number | 'ok' | 'unknown'> => {
      const coords = subset.length === 1 ? [points[subset[0]!]!, points[subset[0]!]!] : subset.map((i) => points[i]!);
      try {
        await client.request('table', mode, coords, { sources: '0', destinations: '0' }, probeSchema, probeSignal);
        return 'ok';
      } catch (error) {
        if (error instanceof OsrmFault && error.kind === 'no-segment') {
          const k = error.details.coordinateIndex;
          return k !== undefined && k < subset.length ? k : 'unknown';
        }
        throw error;
      }
    };
    const tasks = chunks(range(points.length), cfg.maxTableSize).map((chunk) => async (probeSignal: AbortSignal) => {
      const pending: number[][] = [chunk];
      while (pending.length > 0) {
        const subset = pending.pop()!;
        const verdict = await probe(subset, probeSignal);
        if (verdict === 'ok') continue;
        if (subset.length === 1) {
          bad.push(subset[0]!);
        } else if (verdict === 'unknown') {
          const half = Math.ceil(subset.length / 2);
          pending.push(subset.slice(0, half), subset.slice(half));
        } else {
          bad.push(subset[verdict]!);
          const rest = subset.filter((_, k) => k !== verdict);
          if (rest.length > 0) pending.push(rest);
        }
      }
    });
    await runLinked(tasks, signal);
    return bad.sort((a, b) => a - b);
  }

  async function osrmMatrix(points: readonly LatLng[], mode: TravelMode, signal: AbortSignal | undefined): Promise<MatrixResult> {
    const n = points.length;
    try {
      const { durations, distances } = await table(points, mode, signal);
      return { size: n, durations, distances, engine: 'osrm', warnings: [] };
    } catch (error) {
      if (!(error instanceof OsrmFault && error.kind === 'no-segment')) throw error;
    }
    const unroutable = await findUnsnappable(points, mode, signal);
    if (unroutable.length === 0) {
      throw new OsrmFault('garbage', 'invalid response: NoSegment for a table whose points all snap on their own');
    }
    const isBad = new Uint8Array(n);
    for (const i of unroutable) isBad[i] = 1;
    const good = range(n).filter((i) => !isBad[i]);
    const sub = await table(good.map((i) => points[i]!), mode, signal);
    const durations = new Float64Array(n * n).fill(Infinity);
    const distances = new Float64Array(n * n).fill(Infinity);
    const m = good.length;
    for (let a = 0; a < m; a++) {
      const row = good[a]! * n;
      for (let b = 0; b < m; b++) {
        durations[row + good[b]!] = sub.durations[a * m + b]!;
        distances[row + good[b]!] = sub.distances[a * m + b]!;
      }
    }
    for (let i = 0; i < n; i++) {
      durations[i * n + i] = 0;
      distances[i * n + i] = 0;
    }
    const shown = unroutable.slice(0, 20).join(', ') + (unroutable.length > 20 ? ', …' : '');
    return {
      size: n,
      durations,
      distances,
      engine: 'osrm',
      unroutable,
      warnings: [`${unroutable.length} of ${n} points could not be matched to the road network (point indices ${shown})`],
    };
  }

  return {
    engine: 'osrm',
    client,
    cacheKeyInfo(mode) {
      return { engine: 'osrm', url: cfg.urlByMode[mode], profile: cfg.profileByMode[mode], durationFactor: cfg.durationFactor[mode] };
    },
    async matrix(points, mode, signal) {
      throwIfAborted(signal);
      const started = performance.now();
      try {
        return await osrmMatrix(points, mode, signal);
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        const warning = matrixFallbackWarning(error);
        client.reportFallback('table', performance.now() - started);
        logger.warn({ engine: 'osrm', mode, points: points.length, err: describeFault(error) }, warning);
        return greatCircleMatrix(points, mode, cfg.greatCircle, [warning]);
      }
    },
  };
}
