import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import type { PlanEvent } from '../../src/jobs/runner.js';
import { REDIS_URL, makeApp, redisAvailable, startWorker, uniqueQueue, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';

const fixture = (name: string): PlanRequestInput => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as PlanRequestInput;
const hasRedis = await redisAvailable();

describe.runIf(hasRedis)('BullMQ path (real Redis)', () => {
  const queue = uniqueQueue('bullmq');
  const env = { REDIS_URL, QUEUE_NAME: queue, WORKER_CONCURRENCY: '2', PARTITION_MIN_CASES: '100', REGION_TARGET_CASES: '100', JOB_BACKOFF_MS: '100' };
  let api: TestApp;
  let local: TestApp;
  const workers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    api = await makeApp(env);
    local = await makeApp({ WORKER_CONCURRENCY: '2', PARTITION_MIN_CASES: '100', REGION_TARGET_CASES: '100' });
    // Two workers, as two processes would be.
    workers.push(await startWorker(env), await startWorker(env));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await api?.close();
    await local?.close();
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`bull:${queue}:*`);
    if (keys.length > 0) await r.del(...keys);
    const own = await r.keys(`beatplan:${queue}:*`);
    if (own.length > 0) await r.del(...own);
    r.disconnect();
  });

  it('gives the same plan as the in-process runner for the same seed', async () => {
    const req = fixture('plan-my-day.json');
    const viaQueue = await api.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: req });
    const inProcess = await local.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: req });
    expect(viaQueue.statusCode).toBe(200);
    expect(inProcess.statusCode).toBe(200);
    const a = viaQueue.json().result as PlanResult;
    const b = inProcess.json().result as PlanResult;
    expect(checkPlan(req, a, documentedGreatCircle)).toEqual([]);
    expect(a.itineraries).toEqual(b.itineraries);
    expect(a.unassigned).toEqual(b.unassigned);
  });

  it('reports progress events and the final status through the queue', async () => {
    const req = fixture('team-day.json');
    req.options = { ...req.options, timeLimitSeconds: 3 };
    req.cases = req.cases.slice(0, 90); // below the split threshold: one job
    const { id } = await api.handle.runner.submit(req as never, { tenant: 'default' });
    const events: PlanEvent[] = [];
    const unsubscribe = await api.handle.runner.subscribe(id, (e) => events.push(e));
    const done = await api.handle.runner.wait(id, 'default', 60_000);
    unsubscribe();
    expect(done?.status).toBe('completed');
    expect(checkPlan(req, done!.result!, documentedGreatCircle)).toEqual([]);
    expect(events.some((e) => e.type === 'progress' && typeof e.data.bestCost === 'number')).toBe(true);
    expect(events.some((e) => e.type === 'status' && e.status === 'completed')).toBe(true);
  });

  it('splits a large request into a flow of regions across workers and merges one plan', async () => {
    const req = fixture('two-cities.json');
    req.options = { ...req.options, timeLimitSeconds: 3 };
    const { id: planId } = await api.handle.runner.submit(req as never, { tenant: 'default' });
    const progress: number[] = [];
    const unsubscribe = await api.handle.runner.subscribe(planId, (e) => e.type === 'progress' && progress.push(e.data.progress));
    await api.handle.runner.wait(planId, 'default', 120_000);
    unsubscribe();
    // The plan reports its regions' progress while they run.
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress)).toBeGreaterThan(0);
    const res = await api.app.inject({ method: 'GET', url: `/v1/plans/${planId}` });
    expect(res.statusCode).toBe(200);
    const result = res.json().result as PlanResult;
    expect(checkPlan(req, result, documentedGreatCircle)).toEqual([]);
    expect(result.summary.regions).toBeGreaterThan(1);
    // The children ran as separate jobs of the same queue.
    const r = new Redis(REDIS_URL);
    const id = res.json().id as string;
    const childKeys = await r.keys(`bull:${queue}:${id}.r*`);
    r.disconnect();
    expect(childKeys.length).toBeGreaterThan(1);
  });

  it('cancels a running plan and a queued one', async () => {
    const long = fixture('team-day.json');
    long.options = { ...long.options, timeLimitSeconds: 60 };
    long.cases = long.cases.slice(0, 95);
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push((await api.app.inject({ method: 'POST', url: '/v1/plans', payload: { ...long, options: { ...long.options, seed: k + 1 } } })).json().id as string);
    await new Promise((r) => setTimeout(r, 1_500)); // two run, one waits
    for (const id of ids) {
      const del = await api.app.inject({ method: 'DELETE', url: `/v1/plans/${id}` });
      expect(del.statusCode).toBe(200);
    }
    for (const id of ids) {
      const rec = await api.handle.runner.wait(id, 'default', 20_000);
      expect(rec?.status, id).toBe('cancelled');
      const get = await api.app.inject({ method: 'GET', url: `/v1/plans/${id}` });
      expect(get.json().status).toBe('cancelled');
    }
  });

  it('readyz checks Redis', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks).toEqual({ redis: true });
  });
});
