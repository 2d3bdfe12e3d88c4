import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedProvider,
  createRedisMatrixCache,
  decodeMatrix,
  encodeMatrix,
  matrixCacheKey,
  MATRIX_CACHE_KEY_PREFIX,
  type MatrixCache,
} from '../../src/routing/cache.js';
import { greatCircleMatrix } from '../../src/routing/great-circle.js';
import { createOsrmProvider } from '../../src/routing/osrm.js';
import type { LatLng, MatrixResult } from '../../src/routing/provider.js';
import { startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';

function cityPoints(n: number, seed = 1): LatLng[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  return Array.from({ length: n }, () => ({ lat: r6(12.85 + rnd() * 0.25), lng: r6(77.45 + rnd() * 0.3) }));
}

const sample: MatrixResult = {
  size: 3,
  durations: Float64Array.from([0, 12.5, Infinity, 13.25, 0, Infinity, Infinity, Infinity, 0]),
  distances: Float64Array.from([0, 100.1, Infinity, 99.9, 0, Infinity, Infinity, Infinity, 0]),
  engine: 'osrm',
  warnings: ['1 of 3 points could not be matched to the road network (point indices 2)'],
  unroutable: [2],
};

describe('matrix value encoding', () => {
  it('round-trips numbers (Infinity included), engine, warnings and unroutable', () => {
    const back = decodeMatrix(encodeMatrix(sample));
    expect(back.size).toBe(3);
    expect(back.durations).toEqual(sample.durations);
    expect(back.distances).toEqual(sample.distances);
    expect(back.engine).toBe('osrm');
    expect(back.warnings).toEqual(sample.warnings);
    expect(back.unroutable).toEqual([2]);
    const plain = decodeMatrix(encodeMatrix({ ...greatCircleMatrix(cityPoints(4), 'car'), engine: 'osrm' }));
    expect(plain.unroutable).toBeUndefined();
  });

  it('is binary: 16 bytes per cell plus a small header', () => {
    const m = greatCircleMatrix(cityPoints(50), 'car');
    const buf = encodeMatrix(m);
    expect(buf.length - 16 * 50 * 50).toBeLessThan(100);
    expect(buf.length % 8).toBe(0);
  });

  it('rejects anything else', () => {
    expect(() => decodeMatrix(Buffer.from('{"size":3}'))).toThrow(/not a Beatplan matrix/);
    expect(() => decodeMatrix(encodeMatrix(sample).subarray(0, 100))).toThrow(/bytes/);
  });
});

describe('matrix cache keys', () => {
  const info = { engine: 'osrm', url: 'http://osrm:5000', profile: 'driving', durationFactor: 1 };
  const pts = cityPoints(5);
  const key = matrixCacheKey(info, pts, 'car');

  it('is the prefix plus a sha256', () => {
    expect(key).toMatch(new RegExp(`^${MATRIX_CACHE_KEY_PREFIX}[0-9a-f]{64}$`));
    expect(matrixCacheKey({ ...info }, pts.map((p) => ({ ...p })), 'car')).toBe(key);
    expect(matrixCacheKey({ durationFactor: 1, profile: 'driving', url: 'http://osrm:5000', engine: 'osrm' }, pts, 'car')).toBe(key);
  });

  it('changes with everything that changes the matrix', () => {
    const variants = [
      matrixCacheKey(info, pts, 'two_wheeler'),
      matrixCacheKey({ ...info, profile: 'bike' }, pts, 'car'),
      matrixCacheKey({ ...info, url: 'http://osrm-2:5000' }, pts, 'car'),
      matrixCacheKey({ ...info, durationFactor: 1.2 }, pts, 'car'),
      matrixCacheKey(info, [...pts.slice(0, 4), { lat: pts[4]!.lat + 1e-6, lng: pts[4]!.lng }], 'car'),
      matrixCacheKey(info, [...pts].reverse(), 'car'),
    ];
    expect(new Set([key, ...variants]).size).toBe(variants.length + 1);
    // Below the 6th decimal the point is the same.
    expect(matrixCacheKey(info, [...pts.slice(0, 4), { lat: pts[4]!.lat + 1e-8, lng: pts[4]!.lng }], 'car')).toBe(key);
  });
});

/** An in-memory cache to test the decorator without Redis. */
function memoryCache(): MatrixCache & { store: Map<string, Buffer> } {
  const store = new Map<string, Buffer>();
  return {
    store,
    async get(key) {
      const b = store.get(key);
      return b ? decodeMatrix(b) : null;
    },
    async set(key, value) {
      store.set(key, encodeMatrix(value));
    },
  };
}

let fake: FakeOsrm;
beforeAll(async () => {
  fake = await startFakeOsrm({ maxTableSize: 100 });
});
afterAll(async () => {
  await fake.close();
});

describe('cachedProvider', () => {
  it('never caches a fallback, and a failing cache does not fail routing', async () => {
    const osrm = createOsrmProvider({ baseUrl: fake.url, retries: 0, retryBaseMs: 1 });
    const cache = memoryCache();
    const provider = cachedProvider(osrm, cache, 60, (mode) => ({ ...osrm.cacheKeyInfo(mode) }));
    expect(provider.engine).toBe('osrm');
    fake.setFault({ kind: 'status', status: 503 });
    const fallback = await provider.matrix(cityPoints(6), 'car');
    fake.clearFault();
    expect(fallback.engine).toBe('great-circle');
    expect(cache.store.size).toBe(0);
    const real = await provider.matrix(cityPoints(6), 'car');
    expect(real.engine).toBe('osrm');
    expect(cache.store.size).toBe(1);

    const warnings: string[] = [];
    const logger = { warn: (_: object, msg?: string) => warnings.push(msg ?? ''), info() {}, debug() {} };
    const broken: MatrixCache = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const m = await cachedProvider(osrm, broken, 60, osrm.cacheKeyInfo('car'), { logger }).matrix(cityPoints(6), 'car');
    expect(m.engine).toBe('osrm');
    expect(warnings).toEqual(['matrix cache read failed; computing the matrix', 'matrix cache write failed']);
  });
});

// ---------------------------------------------------------------------------------------------
// Real Redis

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const redisRequired = process.env.BEATPLAN_REQUIRE_REDIS === '1';

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const redisUp = await redisAnswers();

describe.skipIf(!redisUp && !redisRequired)('Redis matrix cache', () => {
  const prefix = `beatplan:test:${process.pid}:${randomUUID()}:matrix:`;
  let redis: Redis;

  beforeAll(() => {
    if (!redisUp) throw new Error(`BEATPLAN_REQUIRE_REDIS=1 but Redis does not answer at ${REDIS_URL}`);
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('second call for the same points makes no table request', async () => {
    fake.resetCounts();
    const osrm = createOsrmProvider({ baseUrl: fake.url, maxTableSize: 100 });
    const provider = cachedProvider(osrm, createRedisMatrixCache(redis), 3600, (mode) => ({ ...osrm.cacheKeyInfo(mode) }), { keyPrefix: prefix });
    const points = cityPoints(250, 5);
    const first = await provider.matrix(points, 'car');
    expect(first.engine).toBe('osrm');
    expect(fake.count('table')).toBe(9);

    const second = await provider.matrix(points, 'car');
    expect(fake.count('table')).toBe(9);
    expect(second.engine).toBe('osrm');
    expect(second.durations).toEqual(first.durations);
    expect(second.distances).toEqual(first.distances);

    const key = matrixCacheKey({ ...osrm.cacheKeyInfo('car'), engine: 'osrm' }, points, 'car', prefix);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect((await redis.strlen(key)) - 16 * 250 * 250).toBeLessThan(100);

    // Another mode is another matrix.
    await provider.matrix(points, 'walk');
    expect(fake.count('table')).toBe(18);
  });

  it('keeps unroutable points and warnings', async () => {
    const points = cityPoints(8, 77);
    const bad = points[3]!;
    const server = await startFakeOsrm({ unsnappable: (p) => p.lat === bad.lat && p.lng === bad.lng });
    try {
      const osrm = createOsrmProvider({ baseUrl: server.url });
      const provider = cachedProvider(osrm, createRedisMatrixCache(redis), 60, (mode) => ({ ...osrm.cacheKeyInfo(mode) }), { keyPrefix: prefix });
      const first = await provider.matrix(points, 'car');
      const requests = server.count();
      const second = await provider.matrix(points, 'car');
      expect(server.count()).toBe(requests);
      expect(second.unroutable).toEqual([3]);
      expect(second.warnings).toEqual(first.warnings);
      expect(second.durations[3 * 8 + 1]).toBe(Infinity);
    } finally {
      await server.close();
    }
  });

  it('a fallback result is not stored', async () => {
    const osrm = createOsrmProvider({ baseUrl: fake.url, retries: 0 });
    const provider = cachedProvider(osrm, createRedisMatrixCache(redis), 60, (mode) => ({ ...osrm.cacheKeyInfo(mode) }), { keyPrefix: prefix });
    const points = cityPoints(7, 99);
    fake.setFault({ kind: 'status', status: 503 });
    try {
      expect((await provider.matrix(points, 'car')).engine).toBe('great-circle');
    } finally {
      fake.clearFault();
    }
    const key = matrixCacheKey({ ...osrm.cacheKeyInfo('car'), engine: 'osrm' }, points, 'car', prefix);
    expect(await redis.exists(key)).toBe(0);
  });

  it('Redis down: routing goes on after a short wait', async () => {
    // A port nobody listens on; ioredis keeps retrying in the background and queues commands.
    const dead = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: false, retryStrategy: () => 50 });
    dead.on('error', () => {});
    try {
      const osrm = createOsrmProvider({ baseUrl: fake.url });
      const provider = cachedProvider(osrm, createRedisMatrixCache(dead, { timeoutMs: 100 }), 60, osrm.cacheKeyInfo('car'), { keyPrefix: prefix });
      const started = performance.now();
      const m = await provider.matrix(cityPoints(5), 'car');
      expect(m.engine).toBe('osrm');
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      dead.disconnect();
    }
  });
});
