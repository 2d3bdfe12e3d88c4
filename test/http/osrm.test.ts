import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { REDIS_URL, makeApp, redisAvailable, type TestApp } from '../support/app.js';
import { fakeMetric, startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';
import { checkPlan, type Travel } from '../support/plan-checker.js';

const fixture = (name: string): PlanRequestInput => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as PlanRequestInput;
/** Travel as the fake OSRM server computes it (two-wheelers use the `driving` profile by default). */
const osrmTravel: Travel = (a, b) => {
  const m = fakeMetric(a, b, 'driving');
  return { seconds: m.duration, meters: m.distance };
};
const hasRedis = await redisAvailable();

let osrm: FakeOsrm;
let t: TestApp;
beforeAll(async () => {
  osrm = await startFakeOsrm({ maxTableSize: 100, unsnappable: (p) => p.lat === 12.5 });
  t = await makeApp({ OSRM_URL: osrm.url, OSRM_RETRIES: '0', OSRM_TIMEOUT_MS: '2000', PARTITION_MIN_CASES: '100000' });
});
afterAll(async () => {
  await t?.close();
  await osrm?.close();
});

async function plan(app: TestApp, body: PlanRequestInput): Promise<PlanResult> {
  const res = await app.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: body });
  expect(res.statusCode).toBe(200);
  return res.json().result as PlanResult;
}

describe('road routing through OSRM', () => {
  it('plans on OSRM table durations exactly, with road geometry and turn-by-turn text', async () => {
    const req = fixture('plan-my-day.json');
    osrm.resetCounts();
    const result = await plan(t, req);
    expect(result.summary.routingEngine).toBe('osrm');
    expect(checkPlan(req, result, osrmTravel)).toEqual([]);
    expect(osrm.count('table')).toBe(1);
    expect(osrm.count('route')).toBe(1);
    const it0 = result.itineraries[0]!;
    expect(it0.geometry?.straightLine).toBe(false);
    expect(it0.geometry!.coordinates.length).toBeGreaterThan(it0.stops.length);
    const visit = it0.stops.find((s) => s.kind === 'visit')!;
    expect(visit.instructions?.length).toBeGreaterThan(0);
    expect(visit.instructions!.join(' ')).toMatch(/Head|Turn|Continue|arrive/i);
  });

  it('writes the instructions in the requested language and rejects one it does not have', async () => {
    const req = fixture('plan-my-day.json');
    req.options = { ...req.options, language: 'fr' };
    const result = await plan(t, req);
    const text = result.itineraries[0]!.stops.flatMap((s) => s.instructions ?? []).join(' ');
    expect(text).toMatch(/Tourner|Continuer|Vous êtes arrivé|Rouler|Se diriger/);
    const bad = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: { ...req, options: { ...req.options, language: 'xx' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'options.language', message: 'unsupported language "xx"' }]);
  });

  it('splits a large table into blocks within the server limit', async () => {
    const req = fixture('team-day.json'); // 228 distinct points
    req.options = { ...req.options, timeLimitSeconds: 2, directions: false };
    osrm.resetCounts();
    const result = await plan(t, req);
    expect(result.summary.routingEngine).toBe('osrm');
    const tables = osrm.requests.filter((r) => r.service === 'table');
    expect(tables.length).toBeGreaterThan(4);
    for (const r of tables) expect(r.cells!).toBeLessThanOrEqual(100 * 100);
    expect(checkPlan(req, result, (a, b, mode) => {
      const m = fakeMetric(a, b, mode === 'walk' ? 'foot' : 'driving');
      return { seconds: m.duration, meters: m.distance };
    })).toEqual([]);
  });

  it('names a case whose location cannot be placed on a road instead of failing the plan', async () => {
    const req = fixture('plan-my-day.json');
    req.cases[0]!.location = { lat: 12.5, lng: 77.6 };
    const result = await plan(t, req);
    expect(result.unassigned.find((u) => u.caseId === req.cases[0]!.id)?.reason).toBe('location_not_routable');
    expect(result.summary.routingEngine).toBe('osrm');
    expect(checkPlan(req, result, osrmTravel)).toEqual([]);
  });

  it('falls back to great-circle when OSRM fails, and says so', async () => {
    for (const fault of [{ kind: 'status', status: 503 }, { kind: 'malformed' }, { kind: 'delay', ms: 3_000 }] as const) {
      osrm.setFault(fault);
      try {
        const req = fixture('plan-my-day.json');
        req.options = { ...req.options, seed: 3 }; // a fresh matrix request each time
        const result = await plan(t, req);
        expect(result.summary.routingEngine, fault.kind).toBe('great-circle');
        expect(result.summary.warnings.join(' '), fault.kind).toMatch(/OSRM/);
        expect(result.itineraries[0]!.geometry?.straightLine).toBe(true);
      } finally {
        osrm.clearFault();
      }
    }
  });
});

describe.runIf(hasRedis)('matrix cache in Redis', () => {
  it('re-plans the same day without a second round of table calls', async () => {
    const prefix = `test-matrix-${process.pid}-${Date.now()}`;
    const cached = await makeApp({ OSRM_URL: osrm.url, REDIS_URL, QUEUE_NAME: prefix, PARTITION_MIN_CASES: '100000' });
    const { startWorker } = await import('../support/app.js');
    const worker = await startWorker({ OSRM_URL: osrm.url, REDIS_URL, QUEUE_NAME: prefix });
    try {
      const req = fixture('plan-my-day.json');
      req.cases[1]!.location = { lat: 12.93 + Math.random() / 1000, lng: 77.59 }; // a day no earlier run cached
      osrm.resetCounts();
      const first = await plan(cached, req);
      expect(first.summary.routingEngine).toBe('osrm');
      expect(osrm.count('table')).toBe(1);
      const second = await plan(cached, { ...req, options: { ...req.options, seed: 9 } });
      expect(second.summary.routingEngine).toBe('osrm');
      expect(osrm.count('table')).toBe(1);
    } finally {
      await worker.close();
      await cached.close();
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`bull:${prefix}:*`);
      if (keys.length) await r.del(...keys);
      r.disconnect();
    }
  });
});
