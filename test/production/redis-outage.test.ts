import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { eventually, fixture, hasRedis, privateRedis, refused, sleep, startApi, startWorkerProcess, type PrivateRedis, type Service } from './support.js';

/**
 * Redis goes away under a running API and worker (a redis-server of the
 * test's own, killed with SIGKILL and started again on the same port): the
 * API says so (503 with Retry-After, /readyz fails), nothing crashes, and
 * both recover when Redis is back. Then SIGTERM with a request in flight.
 */

// The private redis-server needs the binary, not the shared server; skip (or fail) with the other Redis suites.
const redis = await hasRedis();

describe.runIf(redis)('Redis outage (real processes, private redis-server)', { timeout: 120_000 }, () => {
  let r: PrivateRedis;
  let api: Service;
  let apiUrl: string;
  let worker: Service;
  let workerUrl = '';
  const plan = async (req: PlanRequestInput, wait = 60): Promise<Response> =>
    fetch(`${apiUrl}/v1/plans?wait=${wait}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
  const expectFeasible = async (res: Response, req: PlanRequestInput): Promise<void> => {
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; result: PlanResult };
    expect(body.status).toBe('completed');
    expect(checkPlan(req, body.result, documentedGreatCircle)).toEqual([]);
  };

  beforeAll(async () => {
    r = await privateRedis();
    const env = { REDIS_URL: r.url, QUEUE_NAME: 'outage', JOB_LOCK_MS: '2000', STALLED_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '1' };
    const [a, w] = await Promise.all([startApi(env, 'outage-api'), startWorkerProcess(env, 'outage-worker')]);
    [api, apiUrl, worker] = [a.service, a.url, w.service];
    workerUrl = w.url!;
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await r?.kill();
  });

  it('plans while Redis is up', async () => {
    const req = fixture('plan-my-day.json');
    await expectFeasible(await plan(req), req);
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(200);
  });

  it('Redis down: /readyz fails, plans answer 503 with Retry-After, the processes stay up', async () => {
    const before = (await (await plan(fixture('plan-my-day.json'), 0)).json()) as { id: string };
    await r.kill();

    const ready = await eventually(async () => {
      const res = await fetch(`${apiUrl}/readyz`);
      return res.status === 503 ? res : undefined;
    }, 10_000, '/readyz to fail');
    expect(ready.headers.get('retry-after')).toBeTruthy();
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { redis: false } });

    for (let i = 0; i < 3; i++) {
      const res = await plan(fixture('plan-my-day.json'), 5);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { code: string }).code).toBe('queue_unavailable');
    }
    const read = await fetch(`${apiUrl}/v1/plans/${before.id}`);
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${workerUrl}/readyz`)).status).toBe(503);

    await sleep(2_000); // reconnection attempts under way
    expect(api.alive()).toBe(true);
    expect(worker.alive()).toBe(true);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
  });

  it('Redis back: both recover and plans complete again', async () => {
    await r.start();
    await eventually(async () => (await fetch(`${apiUrl}/readyz`)).status === 200, 20_000, '/readyz to recover');
    await eventually(async () => (await fetch(`${workerUrl}/readyz`)).status === 200, 20_000, 'the worker to recover');
    const req = fixture('plan-my-day.json');
    await expectFeasible(await plan(req), req);
    expect(api.logs.some((l) => l.msg === 'redis reachable again')).toBe(true);
  });

  it('SIGTERM: the API stops accepting, finishes the request in flight, closes Redis and exits 0', async () => {
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 3, directions: false };
    const inFlight = plan(req);
    await api.waitForLog((l) => l.msg === 'plan accepted' && l.cases === 220, 20_000, 'the plan to be accepted');
    const clientsBefore = await r.clients();
    expect(clientsBefore.some((c) => c.includes('name=beatplan-api-shared'))).toBe(true);
    api.proc.kill('SIGTERM');
    await api.waitForLog((l) => l.msg === 'shutting down: no new requests, finishing in-flight ones', 5_000, 'the shutdown line');
    const port = Number(new URL(apiUrl).port);
    await eventually(() => refused('127.0.0.1', port), 5_000, 'the listener to close');
    await expectFeasible(await inFlight, req);
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(api.logs.map((l) => l.msg)).toContain('stopped');
    // The worker is untouched and still serves; then it stops cleanly too.
    expect((await fetch(`${workerUrl}/readyz`)).status).toBe(200);
    expect((await r.clients()).some((c) => c.includes('name=beatplan-api-shared'))).toBe(false);
    worker.proc.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    await eventually(async () => (await r.clients()).length === 0, 5_000, 'every connection to close');
  });
});
