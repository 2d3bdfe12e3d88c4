import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRoutingProvider,
  decodeMatrix,
  encodeMatrix,
  greatCircleMatrix,
  type MatrixCache,
} from '../../src/routing/index.js';
import { fakeMetric, startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';

const points = [
  { lat: 12.93, lng: 77.6 },
  { lat: 12.95, lng: 77.62 },
  { lat: 12.94, lng: 77.64 },
];

let fake: FakeOsrm;
beforeAll(async () => {
  fake = await startFakeOsrm();
});
afterAll(async () => {
  await fake.close();
});

describe('createRoutingProvider', () => {
  it('without OSRM: great-circle matrices and straight-line directions', async () => {
    const routing = createRoutingProvider();
    expect(routing.engine).toBe('great-circle');
    const m = await routing.matrix(points, 'car');
    expect(m.durations).toEqual(greatCircleMatrix(points, 'car').durations);
    const d = await routing.directions(points, 'car', 'en');
    expect(d).toMatchObject({ engine: 'great-circle', straightLine: true, warnings: [] });
    expect(routing.breakerStates()).toBeNull();
  });

  it('with OSRM and a cache: road numbers, cached, directions from the same server', async () => {
    const store = new Map<string, { value: Buffer; ttl: number }>();
    const cache: MatrixCache = {
      async get(key) {
        const hit = store.get(key);
        return hit ? decodeMatrix(hit.value) : null;
      },
      async set(key, value, ttl) {
        store.set(key, { value: encodeMatrix(value), ttl });
      },
    };
    const calls: string[] = [];
    const lookups: string[] = [];
    const routing = createRoutingProvider({
      osrm: { baseUrl: fake.url },
      cache: { cache, ttlSeconds: 120, keyPrefix: 'test:' },
      onCall: (outcome, service) => calls.push(`${service}:${outcome}`),
      onCacheLookup: (outcome) => lookups.push(outcome),
    });
    expect(routing.engine).toBe('osrm');
    const first = await routing.matrix(points, 'two_wheeler');
    const second = await routing.matrix(points, 'two_wheeler');
    expect(first.engine).toBe('osrm');
    expect(first.durations[1]).toBe(fakeMetric(points[0]!, points[1]!, 'driving').duration);
    expect(second.durations).toEqual(first.durations);
    expect(fake.count('table')).toBe(1);
    expect([...store.keys()][0]).toMatch(/^test:[0-9a-f]{64}$/);
    expect([...store.values()][0]!.ttl).toBe(120);
    expect(lookups).toEqual(['miss', 'hit']);

    const d = await routing.directions(points, 'two_wheeler', 'fr');
    expect(d.engine).toBe('osrm');
    expect(d.legs[0]!.instructions[0]).toBe('Se diriger vers l’est sur Outer Ring Road');
    expect(calls).toEqual(['table:ok', 'route:ok']);
    expect(routing.breakerStates()).toEqual({ two_wheeler: 'closed', car: 'closed', walk: 'closed' });
  });

  it('with OSRM down: warnings, never an exception', async () => {
    const gone = await startFakeOsrm();
    const url = gone.url;
    await gone.close();
    const routing = createRoutingProvider({ osrm: { baseUrl: url, retries: 0 } });
    const m = await routing.matrix(points, 'walk');
    expect(m.engine).toBe('great-circle');
    expect(m.warnings[0]).toMatch(/^OSRM unavailable \(network error/);
    const d = await routing.directions(points, 'walk', 'en');
    expect(d.straightLine).toBe(true);
    expect(d.warnings[0]).toMatch(/route geometry is straight lines between stops$/);
  });
});
