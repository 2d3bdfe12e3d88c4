import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle, matrixTravel } from '../support/plan-checker.js';
import { clone, fixture } from './support.js';

/**
 * Every malformed or inconsistent request answers 400 problem+json naming
 * the offending field; limits answer 413/422; infeasible but valid input
 * answers a plan that says why cases are left out.
 */

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ MAX_TIME_LIMIT_SECONDS: '30', DEFAULT_TIME_LIMIT_SECONDS: '2', WORKER_CONCURRENCY: '1' });
});
afterAll(async () => t?.close());

/** Two executives, three cases, great-circle travel. */
function base(): PlanRequestInput {
  return {
    date: '2026-11-24',
    timezone: 'Asia/Kolkata',
    executives: [
      { id: 'E1', start: { lat: 12.93, lng: 77.59 }, shift: { start: '09:00', end: '18:00' }, breaks: [{ start: '13:00', end: '14:30', minutes: 30 }] },
      { id: 'E2', start: { lat: 12.95, lng: 77.61 }, shift: { start: '09:00', end: '18:00' } },
    ],
    cases: [
      { id: 'C1', location: { lat: 12.94, lng: 77.6 }, timeWindows: [{ start: '10:00', end: '12:00' }] },
      { id: 'C2', location: { lat: 12.92, lng: 77.58 }, executiveId: 'E2' },
      { id: 'C3', location: { lat: 12.96, lng: 77.62 }, serviceMinutes: 20 },
    ],
    options: { timeLimitSeconds: 0.2 },
  };
}

/** The same day on a client matrix: 0, 1 = the executives' homes, 2..4 = the cases. */
function withMatrix(): PlanRequestInput {
  const r = base();
  const n = 5;
  const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) * 300));
  r.matrix = { durationsSeconds: d, distancesMeters: d.map((row) => row.map((x) => x * 4)) };
  r.executives[0]!.start.matrixIndex = 0;
  r.executives[1]!.start.matrixIndex = 1;
  r.cases.forEach((c, i) => (c.location.matrixIndex = i + 2));
  return r;
}

type Body = Record<string, unknown>;
const INF = '__non_finite__';
/** JSON text of a body; the marker string becomes 1e999, which JSON.parse reads as Infinity. */
const text = (body: unknown): string => JSON.stringify(body).replaceAll(`"${INF}"`, '1e999');

async function post(payload: string, url = '/v1/plans'): Promise<{ status: number; body: Body; type: string }> {
  const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: res.json() as Body, type: String(res.headers['content-type']) };
}

function expectProblem(r: { status: number; body: Body; type: string }, status: number, code: string): void {
  expect(r.type).toContain('application/problem+json');
  expect(r.status).toBe(status);
  expect(r.body).toMatchObject({ status, code, type: `https://beatplan.dev/problems/${code}` });
  expect(typeof r.body.title).toBe('string');
  expect(typeof r.body.detail).toBe('string');
}

const paths = (body: Body): string[] => ((body.errors as { path: string }[] | undefined) ?? []).map((e) => e.path);

/** One defect per row: [what, make the request, path the answer must name]. */
const DEFECTS: [string, () => unknown, string][] = [
  // wrong types
  ['date as a number', () => ({ ...base(), date: 20261124 }), 'date'],
  ['executives as an object', () => ({ ...base(), executives: { E1: {} } }), 'executives'],
  ['cases missing', () => ({ ...base(), cases: undefined }), 'cases'],
  ['lat as a string', () => set(base(), ['cases', 0, 'location', 'lat'], '12.94'), 'cases.0.location.lat'],
  ['lat as "NaN"', () => set(base(), ['cases', 1, 'location', 'lat'], 'NaN'), 'cases.1.location.lat'],
  ['serviceMinutes as a string', () => set(base(), ['cases', 2, 'serviceMinutes'], '15'), 'cases.2.serviceMinutes'],
  ['mustVisit as "yes"', () => set(base(), ['cases', 0, 'mustVisit'], 'yes'), 'cases.0.mustVisit'],
  ['shift start as a number', () => set(base(), ['executives', 0, 'shift', 'start'], 900), 'executives.0.shift.start'],
  ['shift start 25:00', () => set(base(), ['executives', 0, 'shift', 'start'], '25:00'), 'executives.0.shift.start'],
  ['a time window at 24:30', () => set(base(), ['cases', 0, 'timeWindows', 0, 'end'], '24:30'), 'cases.0.timeWindows.0.end'],
  ['a break at 7:00 (one digit)', () => set(base(), ['executives', 0, 'breaks', 0, 'start'], '7:00'), 'executives.0.breaks.0.start'],
  ['contact hours at 8am', () => set(base(), ['options', 'contactHours'], { start: '8am', end: '19:00' }), 'options.contactHours.start'],
  ['seed not an integer', () => set(base(), ['options', 'seed'], 1.5), 'options.seed'],
  ['unknown travel mode', () => set(base(), ['executives', 1, 'travelMode'], 'helicopter'), 'executives.1.travelMode'],
  ['an empty executive id', () => set(base(), ['executives', 1, 'id'], ''), 'executives.1.id'],
  // coordinates
  ['latitude above 90', () => set(base(), ['cases', 0, 'location', 'lat'], 90.000001), 'cases.0.location.lat'],
  ['latitude below -90', () => set(base(), ['executives', 0, 'start', 'lat'], -91), 'executives.0.start.lat'],
  ['longitude above 180', () => set(base(), ['cases', 2, 'location', 'lng'], 180.5), 'cases.2.location.lng'],
  ['longitude below -180', () => set(base(), ['executives', 1, 'start', 'lng'], -1e6), 'executives.1.start.lng'],
  ['latitude not finite (1e999)', () => set(base(), ['cases', 1, 'location', 'lat'], INF), 'cases.1.location.lat'],
  ['longitude not finite (1e999)', () => set(base(), ['executives', 0, 'start', 'lng'], INF), 'executives.0.start.lng'],
  // consistency
  ['duplicate case ids', () => set(base(), ['cases', 2, 'id'], 'C1'), 'cases.2.id'],
  ['duplicate executive ids', () => set(base(), ['executives', 1, 'id'], 'E1'), 'executives.1.id'],
  ['a pin to an unknown executive', () => set(base(), ['cases', 0, 'executiveId'], 'E9'), 'cases.0.executiveId'],
  ['a time window ending before it starts', () => set(base(), ['cases', 0, 'timeWindows', 0], { start: '12:00', end: '10:00' }), 'cases.0.timeWindows.0.end'],
  ['a shift ending before it starts', () => set(base(), ['executives', 1, 'shift'], { start: '18:00', end: '09:00' }), 'executives.1.shift.end'],
  ['a break window ending before it starts', () => set(base(), ['executives', 0, 'breaks', 0], { start: '14:30', end: '13:00', minutes: 30 }), 'executives.0.breaks.0.end'],
  ['contact hours ending before they start', () => set(base(), ['options', 'contactHours'], { start: '19:00', end: '08:00' }), 'options.contactHours.end'],
  ['an impossible date', () => ({ ...base(), date: '2026-02-30' }), 'date'],
  ['a date in another format', () => ({ ...base(), date: '24/11/2026' }), 'date'],
  ['an unknown time zone', () => ({ ...base(), timezone: 'Asia/Bangalore' }), 'timezone'],
  ['an empty time zone', () => ({ ...base(), timezone: '' }), 'timezone'],
  // matrix
  ['a matrix with fewer distance rows', () => set(withMatrix(), ['matrix', 'distancesMeters'], withMatrix().matrix!.distancesMeters.slice(0, 4)), 'matrix.distancesMeters'],
  ['a matrix row too short', () => set(withMatrix(), ['matrix', 'durationsSeconds', 2], [0, 1, 2]), 'matrix.durationsSeconds.2'],
  ['a negative matrix entry', () => set(withMatrix(), ['matrix', 'durationsSeconds', 1, 2], -5), 'matrix.durationsSeconds.1.2'],
  ['a non-finite matrix entry', () => set(withMatrix(), ['matrix', 'distancesMeters', 3, 0], INF), 'matrix.distancesMeters.3.0'],
  ['a matrix entry as a string', () => set(withMatrix(), ['matrix', 'durationsSeconds', 0, 1], '300'), 'matrix.durationsSeconds.0.1'],
  ['a matrixIndex out of range', () => set(withMatrix(), ['cases', 1, 'location', 'matrixIndex'], 5), 'cases.1.location.matrixIndex'],
  ['a negative matrixIndex', () => set(withMatrix(), ['executives', 0, 'start', 'matrixIndex'], -1), 'executives.0.start.matrixIndex'],
  ['a matrixIndex missing with a matrix', () => set(withMatrix(), ['cases', 2, 'location', 'matrixIndex'], undefined), 'cases.2.location.matrixIndex'],
  ['a matrixIndex without a matrix', () => set(base(), ['cases', 0, 'location', 'matrixIndex'], 0), 'cases.0.location.matrixIndex'],
  // limits
  ['timeLimitSeconds above the configured maximum', () => set(base(), ['options', 'timeLimitSeconds'], 31), 'options.timeLimitSeconds'],
  ['timeLimitSeconds zero', () => set(base(), ['options', 'timeLimitSeconds'], 0), 'options.timeLimitSeconds'],
];

function set(body: PlanRequestInput, path: (string | number)[], value: unknown): Body {
  const copy = clone(body) as unknown as Body;
  let at: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe('bad input gets a clear 400', () => {
  it('the base requests are valid (each defect below is the only one)', async () => {
    for (const body of [base(), withMatrix()]) {
      const r = await post(`${text(body)}`, '/v1/plans?wait=30');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const plan = r.body.result as PlanResult;
      expect(checkPlan(body, plan, body.matrix ? matrixTravel(body.matrix) : documentedGreatCircle)).toEqual([]);
    }
  });

  it.each(DEFECTS)('%s → 400 naming the field', async (_what, make, path) => {
    const r = await post(text(make()));
    expectProblem(r, 400, 'validation_failed');
    expect(paths(r.body)).toContain(path);
    for (const e of r.body.errors as { message: unknown }[]) expect(typeof e.message).toBe('string');
  });

  it('names every offending field of a request with several defects', async () => {
    const body = set(base(), ['cases', 0, 'location', 'lat'], 95) as unknown as PlanRequestInput;
    (body.cases[1]!.location as Body).lng = 'east';
    (body.executives[0]!.shift as Body).end = '9am';
    body.date = 20261124 as never;
    const r = await post(text(body));
    expectProblem(r, 400, 'validation_failed');
    expect(paths(r.body)).toEqual(expect.arrayContaining(['cases.0.location.lat', 'cases.1.location.lng', 'executives.0.shift.end', 'date']));
    expect(r.body.detail).toMatch(/4 invalid fields/);

    // Cross-field rules report every offender at once too.
    const consistent = base();
    consistent.cases[1]!.id = 'C1';
    consistent.cases[2]!.executiveId = 'nobody';
    consistent.timezone = 'Nowhere/City';
    const r2 = await post(text(consistent));
    expectProblem(r2, 400, 'validation_failed');
    expect(paths(r2.body)).toEqual(expect.arrayContaining(['cases.1.id', 'cases.2.executiveId', 'timezone']));
  });

  it('broken JSON → 400 invalid_json', async () => {
    for (const payload of ['{"date": "2026-11-24",', '{date: 1}', "{'a': 1}", '[1, 2', '{"a": 1}}', '\u0000', 'NaN']) {
      const r = await post(payload);
      expectProblem(r, 400, 'invalid_json');
    }
  });

  it('a body that is not an object, or is empty → 400', async () => {
    for (const payload of ['[]', '"plan"', '42', 'null', 'true']) {
      const r = await post(payload);
      expectProblem(r, 400, 'validation_failed');
      expect(paths(r.body)).toEqual(['body']);
    }
    const empty = await t.app.inject({ method: 'POST', url: '/v1/plans', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toContain('application/problem+json');
  });

  it('a bad query or header is named too', async () => {
    const r = await post(text(base()), '/v1/plans?wait=soon');
    expectProblem(r, 400, 'validation_failed');
    expect(paths(r.body)).toContain('wait');
    const long = await t.app.inject({ method: 'POST', url: '/v1/plans', headers: { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(201) }, payload: text(base()) });
    expect(long.statusCode).toBe(400);
    expect(paths(long.json() as Body)).toContain('idempotency-key');
  });

  it('a body that is not JSON → 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/plans', headers: { 'content-type': type }, payload: 'date=2026-11-24' });
      expect(res.statusCode, type).toBe(415);
      expect(res.json()).toMatchObject({ code: 'unsupported_media_type', status: 415 });
    }
  });
});

describe('limits', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await makeApp({ MAX_BODY_BYTES: '4096', MAX_CASES: '10', MAX_EXECUTIVES: '1' });
  });
  afterAll(async () => small?.close());

  it('an oversized body → 413', async () => {
    const big = fixture('plan-my-day.json'); // about 20 kB
    const res = await small.app.inject({ method: 'POST', url: '/v1/plans', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(big) });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'payload_too_large', status: 413 });
  });

  it('an oversized body sent over HTTP without a length (chunked) → 413', async () => {
    const url = await small.app.listen({ host: '127.0.0.1', port: 0 });
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${url}/v1/plans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as Body).code).toBe('payload_too_large');
  });

  it('more cases than the configured maximum → 422 with the limit', async () => {
    const req = base();
    req.executives = [req.executives[0]!];
    req.cases = Array.from({ length: 11 }, (_, i) => ({ id: `C${i}`, location: { lat: 12.9 + i / 1000, lng: 77.6 } }));
    const res = await small.app.inject({ method: 'POST', url: '/v1/plans', payload: req });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'too_many_cases', status: 422, limits: { cases: 10, executives: 1 } });
    expect(res.json().detail).toContain('10');
  });

  it('more executives than the configured maximum → 422 with the limit', async () => {
    const req = base();
    req.cases = [req.cases[0]!];
    const res = await small.app.inject({ method: 'POST', url: '/v1/plans', payload: req });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'too_many_cases', limits: { cases: 10, executives: 1 } });
  });
});

describe('infeasible but valid input is a plan, not an error', () => {
  it('leaves the impossible cases unassigned, each with its reason', async () => {
    const req = base();
    req.options = { timeLimitSeconds: 1, contactHours: { start: '08:00', end: '19:00' } };
    req.executives[1]!.maxVisits = 0;
    req.cases.push(
      { id: 'SKILL', location: { lat: 12.94, lng: 77.6 }, skills: ['ml'] }, // nobody speaks Malayalam
      { id: 'NIGHT', location: { lat: 12.94, lng: 77.6 }, timeWindows: [{ start: '21:00', end: '22:00' }] }, // outside contact hours
      { id: 'FAR', location: { lat: 28.61, lng: 77.21 }, mustVisit: true }, // Delhi, from Bengaluru, today
      { id: 'HEAVY', location: { lat: 12.94, lng: 77.6 }, assetUnits: 3 },
    );
    req.executives[0]!.capacity = 1;
    req.executives[1]!.capacity = 1;
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: req });
    expect(res.statusCode).toBe(200);
    const plan = res.json().result as PlanResult;
    expect(checkPlan(req, plan, documentedGreatCircle)).toEqual([]);
    const reasons = Object.fromEntries(plan.unassigned.map((u) => [u.caseId, u.reason]));
    expect(reasons.SKILL).toBe('no_executive_with_skills');
    expect(reasons.NIGHT).toBe('outside_contact_hours');
    expect(reasons.FAR).toBeDefined();
    expect(reasons.HEAVY).toBe('over_capacity');
    // C2 is pinned to E2, who may make no visits today.
    expect(reasons.C2).toBeDefined();
    for (const u of plan.unassigned) expect(u.detail.length).toBeGreaterThan(0);
    expect(plan.summary.mustVisitMissed).toEqual(['FAR']);
  });

  it('answers a plan with nothing to do when there are no cases', async () => {
    const req = base();
    req.cases = [];
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: req });
    expect(res.statusCode).toBe(200);
    const plan = res.json().result as PlanResult;
    expect(checkPlan(req, plan, documentedGreatCircle)).toEqual([]);
    expect(plan.summary.assigned).toBe(0);
  });
});
