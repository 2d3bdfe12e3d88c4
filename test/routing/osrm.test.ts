import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { greatCircleMatrix } from '../../src/routing/great-circle.js';
import { createOsrmProvider, osrmConfigFromEnv, resolveOsrmConfig, type OsrmCallOutcome } from '../../src/routing/osrm.js';
import type { LatLng, MatrixResult } from '../../src/routing/provider.js';
import { fakeMetric, startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';

/** Deterministic points around Bengaluru with 6 decimals (what the client sends). */
function cityPoints(n: number, seed = 1): LatLng[] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  return Array.from({ length: n }, () => ({ lat: r6(12.85 + rnd() * 0.25), lng: r6(77.45 + rnd() * 0.3) }));
}

function expectMatrixMatchesFake(m: MatrixResult, points: readonly LatLng[], profile: string, factor = 1, skip: ReadonlySet<number> = new Set()): void {
  const n = points.length;
  let checked = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (skip.has(i) || skip.has(j)) continue;
      const want = fakeMetric(points[i]!, points[j]!, profile);
      if (m.durations[i * n + j] !== want.duration * factor || m.distances[i * n + j] !== want.distance) {
        throw new Error(`cell ${i}→${j}: got ${m.durations[i * n + j]} s / ${m.distances[i * n + j]} m, want ${want.duration * factor} s / ${want.distance} m`);
      }
      checked++;
    }
  }
  expect(checked).toBe((n - skip.size) ** 2);
}

let fake: FakeOsrm;
const base = { retryBaseMs: 1, retryMaxMs: 5 };

beforeAll(async () => {
  fake = await startFakeOsrm({ maxTableSize: 100 });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.clearFault();
  fake.resetCounts();
});

describe('OSRM table: blocks and numbers', () => {
  it('splits 250 points into 100×100 blocks and assembles the exact matrix', async () => {
    const points = cityPoints(250);
    const provider = createOsrmProvider({ baseUrl: fake.url, maxTableSize: 100, ...base });
    const m = await provider.matrix(points, 'car');
    expect(m.engine).toBe('osrm');
    expect(m.warnings).toEqual([]);
    expect(m.unroutable).toBeUndefined();
    // 3 source chunks × 3 destination chunks, none rejected as TooBig.
    expect(fake.count('table')).toBe(9);
    for (const r of fake.requests) {
      expect(r.profile).toBe('driving');
      expect(r.cells).toBeLessThanOrEqual(100 * 100);
      expect(r.coordinates.length).toBeLessThanOrEqual(200);
    }
    expectMatrixMatchesFake(m, points, 'driving');
    // The fake is asymmetric, so this would catch a transposed block.
    let asymmetric = 0;
    for (let i = 0; i < 250; i++) for (let j = 0; j < i; j++) if (m.durations[i * 250 + j] !== m.durations[j * 250 + i]) asymmetric++;
    expect(asymmetric).toBeGreaterThan(1000);
  });

  it('uses one request when the points fit in one table', async () => {
    const points = cityPoints(100, 3);
    const m = await createOsrmProvider({ baseUrl: fake.url, ...base }).matrix(points, 'car');
    expect(fake.count('table')).toBe(1);
    expect(fake.requests[0]!.query.get('sources')).toBeNull();
    expectMatrixMatchesFake(m, points, 'driving');
  });

  it('blocks smaller than the server limit still assemble exactly (uneven chunks)', async () => {
    const points = cityPoints(23, 5);
    const m = await createOsrmProvider({ baseUrl: fake.url, maxTableSize: 5, concurrency: 3, ...base }).matrix(points, 'car');
    expect(fake.count('table')).toBe(25);
    expectMatrixMatchesFake(m, points, 'driving');
  });

  it('a client maxTableSize above the server limit is a TooBig answer: great-circle, no retry', async () => {
    const points = cityPoints(101, 9);
    const m = await createOsrmProvider({ baseUrl: fake.url, maxTableSize: 150, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toMatch(/^OSRM failed \(OSRM rejected the request: TooBig/);
    expect(fake.count()).toBe(1);
  });

  it('applies the per-mode duration factor to durations only, and the per-mode profile', async () => {
    const points = cityPoints(30, 11);
    const provider = createOsrmProvider({
      baseUrl: fake.url,
      durationFactor: { two_wheeler: 1.3 },
      profileByMode: { two_wheeler: 'bike' },
      ...base,
    });
    const tw = await provider.matrix(points, 'two_wheeler');
    expect(fake.requests[0]!.profile).toBe('bike');
    expectMatrixMatchesFake(tw, points, 'bike', 1.3);
    const walk = await provider.matrix(points, 'walk');
    expect(fake.requests[1]!.profile).toBe('foot');
    expectMatrixMatchesFake(walk, points, 'foot', 1);
  });

  it('sends different modes to their own servers', async () => {
    const other = await startFakeOsrm();
    try {
      const provider = createOsrmProvider({ baseUrl: fake.url, urlByMode: { walk: `${other.url}/` }, ...base });
      await provider.matrix(cityPoints(3), 'walk');
      await provider.matrix(cityPoints(3), 'car');
      expect(other.count('table')).toBe(1);
      expect(fake.count('table')).toBe(1);
      expect(provider.cacheKeyInfo('walk')).toEqual({ engine: 'osrm', url: other.url, profile: 'foot', durationFactor: 1 });
    } finally {
      await other.close();
    }
  });

  it('maps null (no route) to Infinity in both matrices', async () => {
    // An island: nothing crosses latitude 12.9.
    const island = await startFakeOsrm({ unreachable: (a, b) => a.lat < 12.9 !== b.lat < 12.9 });
    try {
      const points = [
        { lat: 12.88, lng: 77.5 },
        { lat: 12.95, lng: 77.6 },
        { lat: 12.97, lng: 77.62 },
      ];
      const m = await createOsrmProvider({ baseUrl: island.url, ...base }).matrix(points, 'car');
      expect(m.engine).toBe('osrm');
      expect(m.durations[1]).toBe(Infinity);
      expect(m.distances[3]).toBe(Infinity);
      expect(m.durations[1 * 3 + 2]).toBe(fakeMetric(points[1]!, points[2]!, 'driving').duration);
      expect(m.durations[0]).toBe(0);
    } finally {
      await island.close();
    }
  });

  it('answers 0 and 1 points without a request', async () => {
    const provider = createOsrmProvider({ baseUrl: fake.url, ...base });
    expect((await provider.matrix([], 'car')).size).toBe(0);
    const one = await provider.matrix(cityPoints(1), 'car');
    expect(Array.from(one.durations)).toEqual([0]);
    expect(one.engine).toBe('osrm');
    expect(fake.count()).toBe(0);
  });
});

describe('OSRM table: unsnappable points (NoSegment)', () => {
  for (const namesCoordinate of [true, false]) {
    it(`names the right points ${namesCoordinate ? 'from OSRM’s message' : 'by bisection when the message names none'}`, async () => {
      const points = cityPoints(250, 21);
      const bad = [7, 150, 249];
      const badKeys = new Set(bad.map((i) => `${points[i]!.lng},${points[i]!.lat}`));
      const server = await startFakeOsrm({
        maxTableSize: 100,
        noSegmentNamesCoordinate: namesCoordinate,
        unsnappable: (p) => badKeys.has(`${p.lng},${p.lat}`),
      });
      try {
        const m = await createOsrmProvider({ baseUrl: server.url, maxTableSize: 100, ...base }).matrix(points, 'car');
        expect(m.engine).toBe('osrm');
        expect(m.unroutable).toEqual(bad);
        expect(m.warnings).toEqual(['3 of 250 points could not be matched to the road network (point indices 7, 150, 249)']);
        for (const i of bad) {
          for (let j = 0; j < 250; j++) {
            const want = i === j ? 0 : Infinity;
            expect(m.durations[i * 250 + j]).toBe(want);
            expect(m.durations[j * 250 + i]).toBe(want);
            expect(m.distances[j * 250 + i]).toBe(want);
          }
        }
        expectMatrixMatchesFake(m, points, 'driving', 1, new Set(bad));
        console.info(`NoSegment (${namesCoordinate ? 'named' : 'bisection'}): ${server.count('table')} table requests for 250 points, 3 unsnappable`);
        if (namesCoordinate) expect(server.count('table')).toBeLessThanOrEqual(20);
      } finally {
        await server.close();
      }
    });
  }

  it('all points unsnappable: every off-diagonal cell is Infinity', async () => {
    const server = await startFakeOsrm({ unsnappable: () => true });
    try {
      const m = await createOsrmProvider({ baseUrl: server.url, ...base }).matrix(cityPoints(4), 'car');
      expect(m.engine).toBe('osrm');
      expect(m.unroutable).toEqual([0, 1, 2, 3]);
      expect(Array.from(m.durations).filter((x) => x === Infinity)).toHaveLength(12);
    } finally {
      await server.close();
    }
  });
});

describe('OSRM table: faults fall back to great-circle', () => {
  const points = cityPoints(12, 31);

  it('503 after retries', async () => {
    fake.setFault({ kind: 'status', status: 503 });
    const m = await createOsrmProvider({ baseUrl: fake.url, retries: 2, ...base }).matrix(points, 'two_wheeler');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings).toEqual(['OSRM unavailable (HTTP 503); travel times are great-circle estimates']);
    expect(fake.count()).toBe(3);
    const gc = greatCircleMatrix(points, 'two_wheeler');
    expect(m.durations).toEqual(gc.durations);
    expect(m.distances).toEqual(gc.distances);
  });

  it('timeout', async () => {
    fake.setFault({ kind: 'delay', ms: 1_000 });
    const started = performance.now();
    const m = await createOsrmProvider({ baseUrl: fake.url, timeoutMs: 100, retries: 1, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings).toEqual(['OSRM unavailable (timeout after 100 ms); travel times are great-circle estimates']);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('malformed body (not retried)', async () => {
    fake.setFault({ kind: 'malformed' });
    const m = await createOsrmProvider({ baseUrl: fake.url, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toBe('OSRM unavailable (invalid response: body is not JSON); travel times are great-circle estimates');
    expect(fake.count()).toBe(1);
  });

  it('well-formed JSON of the wrong shape', async () => {
    fake.setFault({ kind: 'wrong-shape' });
    const m = await createOsrmProvider({ baseUrl: fake.url, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toMatch(/^OSRM unavailable \(invalid response: durations\.0\.1: /);
  });

  it('a well-formed answer of the wrong size', async () => {
    fake.setFault({ kind: 'truncated' });
    const provider = createOsrmProvider({ baseUrl: fake.url, breaker: { failureThreshold: 1 }, ...base });
    const m = await provider.matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toBe('OSRM unavailable (invalid response: body: durations is not 12×12); travel times are great-circle estimates');
    // An unreadable answer counts against the server.
    expect(provider.client.breakerState('car')).toBe('open');
  });

  it('an OSRM error answer (InvalidQuery) is not retried', async () => {
    fake.setFault({ kind: 'status', status: 400, body: '{"code":"InvalidQuery","message":"Query string malformed close to position 5"}' });
    const m = await createOsrmProvider({ baseUrl: fake.url, retries: 2, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toBe(
      'OSRM failed (OSRM rejected the request: InvalidQuery (Query string malformed close to position 5)); travel times are great-circle estimates',
    );
    expect(fake.count()).toBe(1);
  });

  it('connection refused', async () => {
    const gone = await startFakeOsrm();
    const url = gone.url;
    await gone.close();
    const m = await createOsrmProvider({ baseUrl: url, retries: 1, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toBe('OSRM unavailable (network error: ECONNREFUSED); travel times are great-circle estimates');
  });

  it('dropped connections, then success on retry', async () => {
    fake.setFault({ kind: 'reset' }, 1);
    const m = await createOsrmProvider({ baseUrl: fake.url, retries: 2, ...base }).matrix(points, 'car');
    expect(m.engine).toBe('osrm');
    expect(fake.count()).toBe(2);
  });

  it('retries 503 and 429, then succeeds with the real numbers', async () => {
    fake.setFault({ kind: 'status', status: 503 }, 1);
    const outcomes: OsrmCallOutcome[] = [];
    const provider = createOsrmProvider({ baseUrl: fake.url, retries: 2, ...base }, { onCall: (o) => outcomes.push(o) });
    const m1 = await provider.matrix(points, 'car');
    expect(m1.engine).toBe('osrm');
    expectMatrixMatchesFake(m1, points, 'driving');
    fake.setFault({ kind: 'status', status: 429, retryAfter: '0' }, 2);
    const m2 = await provider.matrix(points, 'car');
    expect(m2.engine).toBe('osrm');
    expect(fake.count()).toBe(5);
    expect(outcomes).toEqual(['error', 'ok', 'error', 'error', 'ok']);
  });

  it('retries back off exponentially', async () => {
    fake.setFault({ kind: 'status', status: 502 });
    const started = performance.now();
    // Jitter source fixed at its maximum: waits of 40 then 80 ms.
    const m = await createOsrmProvider(
      { baseUrl: fake.url, retries: 2, retryBaseMs: 40, retryMaxMs: 1000 },
      { random: () => 0.999999 },
    ).matrix(points, 'car');
    const elapsed = performance.now() - started;
    expect(m.engine).toBe('great-circle');
    expect(fake.count()).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(115);
  });

  it('reports a fallback to the metrics hook', async () => {
    fake.setFault({ kind: 'status', status: 500 });
    const calls: [OsrmCallOutcome, string][] = [];
    await createOsrmProvider({ baseUrl: fake.url, retries: 0, ...base }, { onCall: (o, s) => calls.push([o, s]) }).matrix(points, 'car');
    expect(calls).toEqual([
      ['error', 'table'],
      ['fallback', 'table'],
    ]);
  });

  it('a block failing stops the other blocks and falls back as a whole', async () => {
    // Own server: a request cancelled mid-flight may still reach the server after this test.
    const server = await startFakeOsrm({ maxTableSize: 100 });
    try {
      server.setFault({ kind: 'status', status: 503 });
      const m = await createOsrmProvider({ baseUrl: server.url, maxTableSize: 100, retries: 0, concurrency: 2, ...base }).matrix(cityPoints(250), 'car');
      expect(m.engine).toBe('great-circle');
      expect(m.size).toBe(250);
      await new Promise((r) => setTimeout(r, 50));
      expect(server.count()).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});

describe('OSRM circuit breaker', () => {
  const points = cityPoints(5, 41);

  it('opens after the threshold, makes no calls while open, then a probe closes it', async () => {
    const provider = createOsrmProvider({ baseUrl: fake.url, retries: 0, breaker: { failureThreshold: 2, resetMs: 600 }, ...base });
    fake.setFault({ kind: 'status', status: 503 });
    await provider.matrix(points, 'car');
    expect(provider.client.breakerState('car')).toBe('closed');
    await provider.matrix(points, 'car');
    expect(provider.client.breakerState('car')).toBe('open');
    expect(fake.count()).toBe(2);

    fake.clearFault();
    const whileOpen = await provider.matrix(points, 'car');
    expect(fake.count()).toBe(2);
    expect(whileOpen.engine).toBe('great-circle');
    expect(whileOpen.warnings[0]).toMatch(/^OSRM unavailable \(circuit open after repeated failures, next try in 1 s\)/);

    await new Promise((r) => setTimeout(r, 620));
    expect(provider.client.breakerState('car')).toBe('half-open');
    const probe = await provider.matrix(points, 'car');
    expect(probe.engine).toBe('osrm');
    expect(provider.client.breakerState('car')).toBe('closed');
    expect(fake.count()).toBe(3);
  });

  it('while the probe is out, the other blocks wait for it instead of falling back', async () => {
    const provider = createOsrmProvider({ baseUrl: fake.url, maxTableSize: 100, retries: 0, concurrency: 4, breaker: { failureThreshold: 1, resetMs: 100 }, ...base });
    fake.setFault({ kind: 'status', status: 503 }, 1);
    await provider.matrix(points, 'car');
    expect(provider.client.breakerState('car')).toBe('open');
    await new Promise((r) => setTimeout(r, 120));
    fake.setFault({ kind: 'delay', ms: 60 }, 1); // the probe is slow
    const big = cityPoints(250, 43);
    const m = await provider.matrix(big, 'car');
    expect(m.engine).toBe('osrm');
    expect(fake.count('table')).toBe(1 + 9);
    expectMatrixMatchesFake(m, big, 'driving');
  });

  it('a failed probe re-opens it', async () => {
    const provider = createOsrmProvider({ baseUrl: fake.url, retries: 0, breaker: { failureThreshold: 1, resetMs: 300 }, ...base });
    fake.setFault({ kind: 'status', status: 500 });
    await provider.matrix(points, 'car');
    expect(provider.client.breakerState('car')).toBe('open');
    await new Promise((r) => setTimeout(r, 320));
    await provider.matrix(points, 'car');
    expect(fake.count()).toBe(2);
    expect(provider.client.breakerState('car')).toBe('open');
    await provider.matrix(points, 'car');
    expect(fake.count()).toBe(2);
  });

  it('OSRM error answers (NoSegment, TooBig) do not open it', async () => {
    const provider = createOsrmProvider({ baseUrl: fake.url, maxTableSize: 150, retries: 0, breaker: { failureThreshold: 1, resetMs: 60_000 }, ...base });
    await provider.matrix(cityPoints(120), 'car'); // TooBig from the server's limit of 100
    expect(provider.client.breakerState('car')).toBe('closed');
  });

  it('is per base URL', async () => {
    const other = await startFakeOsrm();
    try {
      const provider = createOsrmProvider({
        baseUrl: fake.url,
        urlByMode: { walk: other.url },
        retries: 0,
        breaker: { failureThreshold: 1, resetMs: 60_000 },
        ...base,
      });
      fake.setFault({ kind: 'status', status: 503 });
      await provider.matrix(points, 'car');
      expect(provider.client.breakerState('car')).toBe('open');
      expect(provider.client.breakerState('two_wheeler')).toBe('open'); // same server
      expect(provider.client.breakerState('walk')).toBe('closed');
      expect((await provider.matrix(points, 'walk')).engine).toBe('osrm');
    } finally {
      await other.close();
    }
  });
});

describe('OSRM abort', () => {
  it('rejects with the signal’s reason instead of falling back', async () => {
    const server = await startFakeOsrm();
    try {
      server.setFault({ kind: 'delay', ms: 2_000 });
      const controller = new AbortController();
      const provider = createOsrmProvider({ baseUrl: server.url, breaker: { failureThreshold: 1 }, ...base });
      const pending = provider.matrix(cityPoints(5), 'car', controller.signal);
      setTimeout(() => controller.abort(new Error('plan cancelled')), 50);
      await expect(pending).rejects.toThrow('plan cancelled');
      // The caller's abort says nothing about the server's health.
      expect(provider.client.breakerState('car')).toBe('closed');
    } finally {
      await server.close();
    }
  });

  it('an already aborted signal makes no request', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createOsrmProvider({ baseUrl: fake.url }).matrix(cityPoints(3), 'car', controller.signal)).rejects.toThrow();
    expect(fake.count()).toBe(0);
  });
});

describe('OSRM configuration', () => {
  it('fills defaults', () => {
    const c = resolveOsrmConfig({ baseUrl: 'http://osrm:5000/' });
    expect(c.urlByMode).toEqual({ two_wheeler: 'http://osrm:5000', car: 'http://osrm:5000', walk: 'http://osrm:5000' });
    expect(c.profileByMode).toEqual({ two_wheeler: 'driving', car: 'driving', walk: 'foot' });
    expect(c.durationFactor).toEqual({ two_wheeler: 1, car: 1, walk: 1 });
    expect([c.maxTableSize, c.concurrency, c.timeoutMs, c.retries, c.breaker.failureThreshold, c.breaker.resetMs]).toEqual([
      100, 4, 10_000, 2, 5, 30_000,
    ]);
  });

  it('rejects bad values at startup', () => {
    expect(() => resolveOsrmConfig({ baseUrl: 'osrm:5000' })).toThrow(/http/);
    expect(() => resolveOsrmConfig({ baseUrl: 'http://x', maxTableSize: 0 })).toThrow(RangeError);
    expect(() => resolveOsrmConfig({ baseUrl: 'http://x', durationFactor: { car: -1 } })).toThrow(RangeError);
    expect(() => resolveOsrmConfig({ baseUrl: 'http://x', profileByMode: { car: 'a/b' } })).toThrow(RangeError);
  });

  it('reads the environment', () => {
    expect(osrmConfigFromEnv({})).toBeUndefined();
    const c = osrmConfigFromEnv({
      OSRM_URL: 'http://osrm:5000',
      OSRM_URL_WALK: 'http://osrm-foot:5000',
      OSRM_PROFILE_TWO_WHEELER: 'bike',
      OSRM_DURATION_FACTOR_TWO_WHEELER: '0.85',
      OSRM_MAX_TABLE_SIZE: '250',
      OSRM_TIMEOUT_MS: '5000',
      OSRM_BREAKER_FAILURES: '3',
    })!;
    const r = resolveOsrmConfig(c);
    expect(r.urlByMode.walk).toBe('http://osrm-foot:5000');
    expect(r.profileByMode.two_wheeler).toBe('bike');
    expect(r.durationFactor.two_wheeler).toBe(0.85);
    expect([r.maxTableSize, r.timeoutMs, r.breaker.failureThreshold, r.retries]).toEqual([250, 5000, 3, 2]);
    expect(() => osrmConfigFromEnv({ OSRM_URL: 'http://x', OSRM_RETRIES: 'two' })).toThrow(/OSRM_RETRIES/);
  });
});
