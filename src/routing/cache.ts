/**
 * Matrix cache: the same points, engine, profile, server and duration factor give the same
 * matrix, so road matrices are kept in Redis for a while (default 24 h).
 *
 * Exports:
 * - `MatrixCache` `{ get(key): Promise<MatrixResult | null>; set(key, value, ttlSeconds): Promise<void> }`.
 * - `DEFAULT_MATRIX_CACHE_TTL_SECONDS` (86400), `MATRIX_CACHE_KEY_PREFIX` ('beatplan:matrix:').
 * - `matrixCacheKey(info, points, mode, prefix?)`: prefix + sha256 of `info`, the mode and the
 *   coordinates rounded to 6 decimals (≈ 0.1 m).
 * - `createRedisMatrixCache(redis, options?)`: one binary value per matrix (layout below), written
 *   with `SET key value EX ttl`; `redis` is an ioredis client (or anything with `getBuffer`/`set`).
 * - `encodeMatrix(result)` / `decodeMatrix(buffer)`: the binary layout, exported for tests and tools.
 * - `cachedProvider(inner, cache, ttlSeconds, keyInfo, options?)`: a `RoutingProvider` decorator.
 *   Only results whose engine is the inner provider's own engine are stored, so a great-circle
 *   fallback from a failing OSRM is never cached. A failing or slow cache (Redis down) is logged
 *   and skipped: routing goes on without it.
 *
 * Value layout (little-endian): 'BPM1' | u32 size | u32 headerBytes | header JSON (engine,
 * warnings, unroutable) | zero padding to a multiple of 8 | f64 durations[size²] | f64 distances[size²].
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { LatLng, MatrixResult, RoutingEngine, RoutingProvider, TravelMode } from './provider.js';
import { silentLogger, throwIfAborted, type RoutingLogger } from './util.js';

export const DEFAULT_MATRIX_CACHE_TTL_SECONDS = 24 * 60 * 60;
export const MATRIX_CACHE_KEY_PREFIX = 'beatplan:matrix:';

export interface MatrixCache {
  get(key: string): Promise<MatrixResult | null>;
  set(key: string, value: MatrixResult, ttlSeconds: number): Promise<void>;
}

/** Identity of the source of a matrix, apart from its points and mode. */
export type MatrixCacheKeyInfo = Readonly<Record<string, string | number | boolean>>;

export function matrixCacheKey(
  info: MatrixCacheKeyInfo,
  points: readonly LatLng[],
  mode: TravelMode,
  prefix: string = MATRIX_CACHE_KEY_PREFIX,
): string {
  const hash = createHash('sha256');
  const sortedInfo = Object.keys(info)
    .sort()
    .map((k) => [k, info[k]]);
  hash.update(JSON.stringify({ v: 1, info: sortedInfo, mode }));
  for (const p of points) hash.update(`;${p.lng.toFixed(6)},${p.lat.toFixed(6)}`);
  return prefix + hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Binary layout

const MAGIC = 'BPM1';
const ENGINES: readonly RoutingEngine[] = ['osrm', 'matrix', 'great-circle'];

export function encodeMatrix(result: MatrixResult): Buffer {
  const n = result.size;
  const header = Buffer.from(
    JSON.stringify({ engine: result.engine, warnings: result.warnings, unroutable: result.unroutable ?? [] }),
    'utf8',
  );
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const buf = Buffer.alloc(dataStart + 16 * n * n);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(n, 4);
  buf.writeUInt32LE(header.length, 8);
  header.copy(buf, 12);
  writeFloats(buf, dataStart, result.durations);
  writeFloats(buf, dataStart + 8 * n * n, result.distances);
  return buf;
}

const LITTLE_ENDIAN = endianness() === 'LE';

function writeFloats(buf: Buffer, offset: number, values: Float64Array): void {
  if (LITTLE_ENDIAN) {
    // Byte copy: a 1,000-point matrix is 16 MB, and per-number writes cost ~100 ms.
    buf.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat64(offset + 8 * i, values[i]!, true);
}

function readFloats(buf: Buffer, offset: number, count: number): Float64Array {
  const out = new Float64Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(buf.subarray(offset, offset + 8 * count));
    return out;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, true);
  return out;
}

/** Throws on anything that is not a value written by `encodeMatrix`. */
export function decodeMatrix(buf: Buffer): MatrixResult {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a Beatplan matrix');
  const n = buf.readUInt32LE(4);
  const headerBytes = buf.readUInt32LE(8);
  const dataStart = Math.ceil((12 + headerBytes) / 8) * 8;
  if (buf.length !== dataStart + 16 * n * n) throw new Error(`matrix value has ${buf.length} bytes, expected ${dataStart + 16 * n * n}`);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerBytes)) as {
    engine?: unknown;
    warnings?: unknown;
    unroutable?: unknown;
  };
  const engine = ENGINES.find((e) => e === header.engine);
  if (engine === undefined) throw new Error(`unknown engine ${String(header.engine)}`);
  const warnings = Array.isArray(header.warnings) ? header.warnings.filter((w): w is string => typeof w === 'string') : [];
  const unroutable = Array.isArray(header.unroutable)
    ? header.unroutable.filter((i): i is number => Number.isInteger(i) && i >= 0 && i < n)
    : [];
  const durations = readFloats(buf, dataStart, n * n);
  const distances = readFloats(buf, dataStart + 8 * n * n, n * n);
  return { size: n, durations, distances, engine, warnings, ...(unroutable.length > 0 ? { unroutable } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Redis

/** What the cache needs of an ioredis client. */
export interface RedisMatrixClient {
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, expiryMode: 'EX', seconds: number): Promise<unknown>;
}

export interface RedisMatrixCacheOptions {
  /**
   * Upper bound on one Redis call. ioredis queues commands while it reconnects, so without this a
   * down Redis would stall routing instead of being skipped. Default 500 ms.
   */
  readonly timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createRedisMatrixCache(redis: RedisMatrixClient, options: RedisMatrixCacheOptions = {}): MatrixCache {
  const timeoutMs = options.timeoutMs ?? 500;
  return {
    async get(key) {
      const buf = await withTimeout(redis.getBuffer(key), timeoutMs, 'matrix cache read');
      return buf === null ? null : decodeMatrix(buf);
    },
    async set(key, value, ttlSeconds) {
      const seconds = Math.max(1, Math.round(ttlSeconds));
      await withTimeout(redis.set(key, encodeMatrix(value), 'EX', seconds), timeoutMs, 'matrix cache write');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Decorator

export interface CachedProviderOptions {
  readonly logger?: RoutingLogger;
  /** Default `MATRIX_CACHE_KEY_PREFIX`; tests use their own. */
  readonly keyPrefix?: string;
  /** Called on every lookup, for metrics. */
  readonly onLookup?: (outcome: 'hit' | 'miss' | 'error') => void;
}

export function cachedProvider(
  inner: RoutingProvider,
  cache: MatrixCache,
  ttlSeconds: number,
  keyInfo: MatrixCacheKeyInfo | ((mode: TravelMode) => MatrixCacheKeyInfo),
  options: CachedProviderOptions = {},
): RoutingProvider {
  const logger = options.logger ?? silentLogger;
  const infoFor = typeof keyInfo === 'function' ? keyInfo : () => keyInfo;
  return {
    engine: inner.engine,
    async matrix(points, mode, signal) {
      throwIfAborted(signal);
      const key = matrixCacheKey({ ...infoFor(mode), engine: inner.engine }, points, mode, options.keyPrefix);
      try {
        const hit = await cache.get(key);
        if (hit !== null && hit.size === points.length && hit.engine === inner.engine) {
          options.onLookup?.('hit');
          return hit;
        }
        options.onLookup?.('miss');
      } catch (error) {
        options.onLookup?.('error');
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'matrix cache read failed; computing the matrix');
      }
      throwIfAborted(signal);
      const result = await inner.matrix(points, mode, signal);
      if (result.engine === inner.engine) {
        try {
          await cache.set(key, result, ttlSeconds);
        } catch (error) {
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'matrix cache write failed');
        }
      }
      return result;
    },
  };
}
