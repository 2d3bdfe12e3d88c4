import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import { PlanRecordSchema, type PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle, matrixTravel } from '../support/plan-checker.js';

const fixture = (name: string): PlanRequestInput => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as PlanRequestInput;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ WORKER_CONCURRENCY: '2', PARTITION_MIN_CASES: '100000' });
});
afterAll(async () => t?.close());

async function plan(body: unknown, wait = 60): Promise<{ status: number; record: ReturnType<typeof PlanRecordSchema.parse>; headers: Record<string, unknown> }> {
  const res = await t.app.inject({ method: 'POST', url: `/v1/plans?wait=${wait}`, payload: body as object });
  const record = PlanRecordSchema.parse(res.json());
  return { status: res.statusCode, record, headers: res.headers };
}

function feasible(req: PlanRequestInput, result: PlanResult | undefined): PlanResult {
  expect(result).toBeDefined();
  const violations = checkPlan(req, result!, req.matrix ? matrixTravel(req.matrix) : documentedGreatCircle);
  expect(violations).toEqual([]);
  return result!;
}

/** A one-executive day on a client matrix: travel is exactly what the matrix says. */
function matrixDay(overrides: Partial<PlanRequestInput> = {}): PlanRequestInput {
  // Locations: 0 = home, 1..4 = cases.
  const d = [
    [0, 600, 900, 1200, 1500],
    [660, 0, 300, 600, 900],
    [1000, 300, 0, 300, 700],
    [1300, 600, 300, 0, 300],
    [1500, 900, 600, 300, 0],
  ];
  return {
    date: '2026-11-24',
    timezone: 'Asia/Kolkata',
    matrix: { durationsSeconds: d, distancesMeters: d.map((row) => row.map((x) => x * 5)) },
    executives: [{ id: 'E1', start: { lat: 12.9, lng: 77.6, matrixIndex: 0 }, shift: { start: '08:00', end: '18:00' } }],
    cases: [1, 2, 3, 4].map((i) => ({ id: `C${i}`, location: { lat: 12.9 + i / 100, lng: 77.6, matrixIndex: i }, serviceMinutes: 10 })),
    options: { objective: 'minimize_travel', seed: 1 },
    ...overrides,
  };
}

describe('POST /v1/plans', () => {
  it('plans my day: 200 with a feasible plan through ?wait, every case accounted for once', async () => {
    const req = fixture('plan-my-day.json');
    const { status, record, headers } = await plan(req);
    expect(status).toBe(200);
    expect(headers.location).toBe(`/v1/plans/${record.id}`);
    expect(record.status).toBe('completed');
    const result = feasible(req, record.result);
    expect(result.summary.assigned + result.summary.unassigned).toBe(req.cases.length);
    expect(result.summary.assigned).toBeGreaterThan(10);
    expect(result.summary.mustVisitMissed).toEqual([]);
    expect(result.summary.routingEngine).toBe('great-circle');
    expect(result.itineraries[0]!.stops[0]!.arrival).toMatch(/\+05:30$/);
  });

  it('answers 202 with a Location when not asked to wait, and the plan is readable later', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: matrixDay() });
    expect(res.statusCode).toBe(202);
    const { id, status } = res.json() as { id: string; status: string };
    expect(['queued', 'active']).toContain(status);
    expect(res.headers.location).toBe(`/v1/plans/${id}`);
    const done = await t.handle.runner.wait(id, 'default', 30_000);
    expect(done?.status).toBe('completed');
    const get = await t.app.inject({ method: 'GET', url: `/v1/plans/${id}` });
    expect(get.statusCode).toBe(200);
    expect(get.json().result.summary.assigned).toBe(4);
  });

  it('plans a team day with skills, pins, breaks, capacity and must-visits feasibly', async () => {
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 5 };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    expect(result.summary.executivesUsed).toBeGreaterThan(4);
    // Every executive with visits takes the lunch break.
    for (const it of result.itineraries) if (it.visits > 0) expect(it.stops.some((s) => s.kind === 'break')).toBe(true);
    for (const u of result.unassigned) expect(u.detail.length).toBeGreaterThan(0);
  });

  it('uses a client matrix exactly: times to the second', async () => {
    const req = matrixDay();
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    const stops = result.itineraries[0]!.stops;
    expect(stops.map((s) => s.caseId ?? s.kind)).toEqual(['start', 'C1', 'C2', 'C3', 'C4', 'end']);
    expect(stops[1]!.travelSecondsFromPrevious).toBe(600);
    expect(stops[1]!.distanceMetersFromPrevious).toBe(3000);
    // Shift starts 08:00; 600 s to C1; 10 min visit; 300 s to C2.
    expect(stops[1]!.arrival).toBe('2026-11-24T08:10:00+05:30');
    expect(stops[2]!.arrival).toBe('2026-11-24T08:25:00+05:30');
    expect(result.summary.routingEngine).toBe('matrix');
    expect(result.itineraries[0]!.travelSeconds).toBe(600 + 300 * 3 + 1500);
  });

  it('maps clock times in the request zone, across a DST change', async () => {
    // New York leaves DST at 02:00 on 2026-11-01: 01:30 EDT (-04:00) ... 03:00 EST (-05:00).
    const req = matrixDay({
      date: '2026-11-01',
      timezone: 'America/New_York',
      executives: [{ id: 'E1', start: { lat: 40.7, lng: -74, matrixIndex: 0 }, shift: { start: '00:30', end: '05:00' } }],
    });
    req.options = { objective: 'minimize_travel', contactHours: { start: '00:00', end: '23:00' } };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    const stops = result.itineraries[0]!.stops;
    expect(stops[0]!.departure).toBe('2026-11-01T00:30:00-04:00');
    // 00:30 EDT + 600 s = 00:40 EDT; the end comes after the fall-back hour, in EST.
    expect(stops[1]!.arrival).toBe('2026-11-01T00:40:00-04:00');
    const end = stops[stops.length - 1]!;
    const elapsed = (Date.parse(end.arrival) - Date.parse(stops[0]!.departure)) / 1000;
    expect(elapsed).toBe(600 + 300 * 3 + 1500 + 4 * 600);
  });

  it('keeps visits inside contact hours and names cases that cannot fit them', async () => {
    const req = matrixDay();
    req.executives[0]!.shift = { start: '06:00', end: '21:00' };
    req.cases[0]!.timeWindows = [{ start: '06:00', end: '07:30' }]; // before 08:00
    req.cases[1]!.timeWindows = [{ start: '18:55', end: '20:00' }]; // a 10-minute visit cannot end by 19:00
    req.cases[2]!.timeWindows = [{ start: '18:40', end: '20:00' }]; // fits only at 18:40–18:50
    req.options = { objective: 'minimize_travel', contactHours: { start: '08:00', end: '19:00' } };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    const reasons = Object.fromEntries(result.unassigned.map((u) => [u.caseId, u.reason]));
    expect(reasons).toEqual({ C1: 'outside_contact_hours', C2: 'outside_contact_hours' });
    const c3 = result.itineraries[0]!.stops.find((s) => s.caseId === 'C3')!;
    expect(c3.start).toBe('2026-11-24T18:40:00+05:30');
  });

  it('honours a US contact window (FDCPA 08:00–21:00) when asked', async () => {
    const req = matrixDay();
    req.executives[0]!.shift = { start: '08:00', end: '22:00' };
    req.cases[0]!.timeWindows = [{ start: '20:00', end: '20:30' }];
    req.options = { objective: 'minimize_travel', contactHours: { start: '08:00', end: '21:00' } };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    expect(result.unassigned).toEqual([]);
  });

  it('respects pins, skills, capacity and says why a case is left out', async () => {
    const req = matrixDay();
    req.executives = [
      { id: 'E1', start: { lat: 12.9, lng: 77.6, matrixIndex: 0 }, shift: { start: '08:00', end: '18:00' }, skills: ['kn'], capacity: 1 },
      { id: 'E2', start: { lat: 12.9, lng: 77.6, matrixIndex: 0 }, shift: { start: '08:00', end: '18:00' }, skills: ['hi', 'repossession'], capacity: 1 },
    ];
    req.cases[0]!.skills = ['kn'];
    req.cases[1]!.skills = ['ml']; // nobody speaks Malayalam
    req.cases[2]!.executiveId = 'E2';
    req.cases[3]!.assetUnits = 2; // more than anyone carries
    req.cases[3]!.skills = ['repossession'];
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    const reasons = Object.fromEntries(result.unassigned.map((u) => [u.caseId, u.reason]));
    expect(reasons).toEqual({ C2: 'no_executive_with_skills', C4: 'over_capacity' });
    const owner = (caseId: string): string | undefined => result.itineraries.find((it) => it.stops.some((s) => s.caseId === caseId))?.executiveId;
    expect(owner('C1')).toBe('E1');
    expect(owner('C3')).toBe('E2');
  });

  it('gives territory executives only cases inside their territory', async () => {
    const req = matrixDay();
    // A square around the first two cases (lat 12.91–12.92).
    const ring: [number, number][] = [[77.5, 12.905], [77.7, 12.905], [77.7, 12.925], [77.5, 12.925], [77.5, 12.905]];
    const square = { type: 'Polygon' as const, coordinates: [ring] };
    req.executives = [{ id: 'E1', start: { lat: 12.9, lng: 77.6, matrixIndex: 0 }, shift: { start: '08:00', end: '18:00' }, territory: square }];
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    expect(result.unassigned.map((u) => [u.caseId, u.reason])).toEqual([
      ['C3', 'outside_territory'],
      ['C4', 'outside_territory'],
    ]);
  });

  it('chooses the most valuable cases when the day is too short (maximize_priority)', async () => {
    const req = matrixDay();
    req.executives[0]!.shift = { start: '08:00', end: '09:00' };
    req.cases.forEach((c, i) => (c.priority = [10, 20, 90, 80][i]));
    req.options = { objective: 'maximize_priority' };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    const served = result.itineraries.flatMap((it) => it.stops.filter((s) => s.caseId).map((s) => s.caseId)).sort();
    // By enumeration: C3 alone (90) is the best set that fits the hour; C3+C4 needs 70 minutes.
    expect(served).toEqual(['C3']);
    expect(result.unassigned.every((u) => u.reason === 'dropped_for_priority' || u.reason === 'no_room_in_plan')).toBe(true);
  });

  it('serves a must-visit case before more valuable ones', async () => {
    const req = matrixDay();
    req.executives[0]!.shift = { start: '08:00', end: '09:00' }; // C4 alone takes exactly the hour
    req.cases.forEach((c, i) => (c.priority = [100, 100, 100, 1][i]));
    req.cases[3]!.mustVisit = true; // a promise to pay due today, far away
    req.options = { objective: 'maximize_priority' };
    const { record } = await plan(req);
    const result = feasible(req, record.result);
    expect(result.summary.mustVisitMissed).toEqual([]);
    expect(result.itineraries[0]!.stops.some((s) => s.caseId === 'C4')).toBe(true);
  });

  it('answers the same plan for the same seed', async () => {
    const req = fixture('plan-my-day.json');
    const a = await plan(req);
    const b = await plan(req);
    const strip = (r: PlanResult | undefined) => JSON.stringify(r?.itineraries);
    expect(strip(a.record.result)).toBe(strip(b.record.result));
  });
});

describe('plan lifecycle', () => {
  it('cancels a running plan', async () => {
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 60 };
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: req });
    const { id } = res.json() as { id: string };
    await new Promise((r) => setTimeout(r, 300));
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/plans/${id}` });
    expect(del.statusCode).toBe(200);
    expect(del.json().status).toBe('cancelled');
    const get = await t.app.inject({ method: 'GET', url: `/v1/plans/${id}` });
    expect(get.json().status).toBe('cancelled');
    expect(get.json().result).toBeUndefined();
  });

  it('404s for unknown plans', async () => {
    for (const [method, url] of [
      ['GET', '/v1/plans/nope'],
      ['DELETE', '/v1/plans/nope'],
      ['GET', '/v1/plans/nope/events'],
      ['GET', '/v1/plans/nope/geojson'],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('streams progress and the final status as server-sent events over real HTTP', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 3 };
    const post = await fetch(`${address}/v1/plans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
    const { id } = (await post.json()) as { id: string };
    const res = await fetch(`${address}/v1/plans/${id}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the stream ends when the plan is final
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) as Record<string, unknown> }));
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(typeof progress[0]!.data.bestCost).toBe('number');
    expect(events[events.length - 1]).toEqual({ event: 'status', data: { status: 'completed' } });
    const geo = await fetch(`${address}/v1/plans/${id}/geojson`);
    expect(geo.headers.get('content-type')).toContain('application/geo+json');
    const fc = (await geo.json()) as { type: string; features: { geometry: { type: string } | null }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.some((f) => f.geometry?.type === 'LineString')).toBe(true);
  });
});

describe('regional split (in-process)', () => {
  it('splits a large request into regions, solves them in parallel and merges one feasible plan', async () => {
    const split = await makeApp({ WORKER_CONCURRENCY: '2', PARTITION_MIN_CASES: '100', REGION_TARGET_CASES: '100' });
    try {
      const req = fixture('two-cities.json');
      req.options = { ...req.options, timeLimitSeconds: 3 };
      const res = await split.app.inject({ method: 'POST', url: '/v1/plans?wait=120', payload: req });
      expect(res.statusCode).toBe(200);
      const result = feasible(req, res.json().result as PlanResult);
      expect(result.summary.regions).toBeGreaterThan(1);
      expect(result.summary.assigned).toBeGreaterThan(50);
    } finally {
      await split.close();
    }
  });
});

describe('health', () => {
  it('is up and ready without Redis', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });
});
