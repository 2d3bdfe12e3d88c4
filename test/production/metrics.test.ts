import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, type TestApp } from '../support/app.js';
import { fakeMetric, startFakeOsrm, type FakeOsrm } from '../support/fake-osrm.js';
import { checkPlan, type Travel } from '../support/plan-checker.js';
import { eventually, fixture, parseExposition, sample } from './support.js';

const osrmTravel: Travel = (a, b, mode) => {
  const m = fakeMetric(a, b, mode === 'walk' ? 'foot' : 'driving');
  return { seconds: m.duration, meters: m.distance };
};

let osrm: FakeOsrm;
let t: TestApp;
beforeAll(async () => {
  osrm = await startFakeOsrm();
  t = await makeApp({ OSRM_URL: osrm.url, OSRM_RETRIES: '0', OSRM_TIMEOUT_MS: '2000', WORKER_CONCURRENCY: '1' });
});
afterAll(async () => {
  await t?.close();
  await osrm?.close();
});

async function scrape(): Promise<Map<string, number>> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return parseExposition(res.body);
}

describe('/metrics', () => {
  it('is fed by real requests: latency by route, solve time, plans by status, OSRM calls and failures', async () => {
    const req = fixture('plan-my-day.json');
    const ok = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: req });
    expect(ok.statusCode).toBe(200);
    expect(checkPlan(req, ok.json().result as PlanResult, osrmTravel)).toEqual([]);
    await t.app.inject({ method: 'GET', url: `/v1/plans/${ok.json().id as string}` });

    // OSRM down: the plan falls back to great-circle and the failures are counted.
    osrm.setFault({ kind: 'status', status: 503 });
    const degraded = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: { ...req, options: { ...req.options, seed: 2 } } });
    osrm.clearFault();
    expect(degraded.statusCode).toBe(200);
    expect((degraded.json().result as PlanResult).summary.routingEngine).toBe('great-circle');

    const m = await scrape();
    expect(sample(m, 'beatplan_http_request_duration_seconds_count', { method: 'POST', route: '/v1/plans', status: '200' })).toBe(2);
    expect(sample(m, 'beatplan_http_request_duration_seconds_count', { method: 'GET', route: '/v1/plans/:id', status: '200' })).toBe(1);
    expect(sample(m, 'beatplan_http_request_duration_seconds_bucket', { route: '/v1/plans', le: '+Inf' })).toBe(2);
    expect(sample(m, 'beatplan_solve_seconds_count')).toBe(2);
    expect(sample(m, 'beatplan_solve_seconds_sum')).toBeGreaterThan(0);
    expect(sample(m, 'beatplan_plans_total', { status: 'completed' })).toBe(2);
    expect(sample(m, 'beatplan_plans_submitted_total')).toBe(2);
    expect(sample(m, 'beatplan_osrm_calls_total', { service: 'table', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'beatplan_osrm_calls_total', { service: 'route', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'beatplan_osrm_calls_total', { outcome: 'error' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'beatplan_osrm_call_seconds_count', { service: 'table' })).toBeGreaterThanOrEqual(2);
    expect(sample(m, 'beatplan_active_jobs')).toBe(0);
    expect(sample(m, 'beatplan_queue_depth')).toBe(0);
    expect(sample(m, 'beatplan_process_cpu_seconds_total')).toBeGreaterThan(0); // process defaults
  });

  it('shows a running plan in active jobs and queue depth, and counts its cancellation', async () => {
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 30, directions: false };
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: req });
    expect(res.statusCode).toBe(202);
    const id = (res.json() as { id: string }).id;
    const running = await eventually(async () => {
      const m = await scrape();
      return sample(m, 'beatplan_active_jobs') === 1 ? m : undefined;
    }, 20_000, 'an active job');
    expect(sample(running, 'beatplan_queue_depth')).toBe(1);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/plans/${id}` })).json().status).toBe('cancelled');
    const after = await eventually(async () => {
      const m = await scrape();
      return sample(m, 'beatplan_queue_depth') === 0 ? m : undefined;
    }, 20_000, 'the cancelled plan to stop');
    expect(sample(after, 'beatplan_active_jobs')).toBe(0);
    expect(sample(after, 'beatplan_plans_total', { status: 'cancelled' })).toBe(1);
  });

  it('counts failed plans', async () => {
    // Last test: the solver threads go away, as if they had crashed for good.
    await t.runtime.pool.close();
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: fixture('plan-my-day.json') });
    expect(res.statusCode).toBe(202); // 202: the plan is final but not completed
    expect(res.json()).toMatchObject({ status: 'failed', error: { code: 'solve_failed' } });
    const m = await scrape();
    expect(sample(m, 'beatplan_plans_total', { status: 'failed' })).toBe(1);
    expect(sample(m, 'beatplan_active_jobs')).toBe(0);
  });

  it('is off with METRICS=false', async () => {
    const off = await makeApp({ METRICS: 'false' });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });
});
