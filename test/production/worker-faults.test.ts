import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { REDIS_URL, dropQueue, fixture, hasRedis, parseExposition, sample, sleep, startWorkerProcess, uniqueName, type Service } from './support.js';

/**
 * Real worker processes on real Redis: a worker told to stop finishes its
 * plan or hands it back; a worker killed mid-solve loses nothing, because
 * another takes the plan over once its lock lapses.
 */

const redis = await hasRedis();

/** A 220-case, 8-executive day: the solver is still improving it after `seconds`. */
function longDay(seconds: number): PlanRequestInput {
  const req = fixture('team-day.json');
  req.options = { ...req.options, timeLimitSeconds: seconds, directions: false };
  return req;
}

describe.runIf(redis)('worker faults (real processes)', { timeout: 120_000 }, () => {
  const queue = uniqueName('worker-faults');
  // Short locks so a dead worker's plan is taken over in seconds, not the default 30.
  const env = { REDIS_URL, QUEUE_NAME: queue, WORKER_CONCURRENCY: '1', JOB_LOCK_MS: '2000', STALLED_INTERVAL_MS: '1000', JOB_BACKOFF_MS: '100' };
  const workers: Service[] = [];
  let api: TestApp;

  const worker = async (name: string, extra: Record<string, string> = {}): Promise<{ service: Service; url: string | null }> => {
    const w = await startWorkerProcess({ ...env, ...extra }, name);
    workers.push(w.service);
    return w;
  };
  const submit = async (req: PlanRequestInput): Promise<string> => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/plans', payload: req });
    expect(res.statusCode).toBe(202);
    return (res.json() as { id: string }).id;
  };
  const startedOn = (w: Service, id: string): boolean => w.logs.some((l) => l.msg === 'job started' && l.planId === id);
  const completed = async (id: string, req: PlanRequestInput): Promise<PlanResult> => {
    const rec = await api.handle.runner.wait(id, 'default', 90_000);
    expect(rec?.status, JSON.stringify(rec?.error)).toBe('completed');
    const plan = rec!.result as PlanResult;
    expect(checkPlan(req, plan, documentedGreatCircle)).toEqual([]);
    return plan;
  };

  beforeAll(async () => {
    api = await makeApp(env);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await api?.close();
    await dropQueue(queue);
  });

  it('SIGTERM: a worker finishes its running plan, then exits 0', async () => {
    const { service: w } = await worker('finisher', { SHUTDOWN_GRACE_MS: '60000' });
    const req = longDay(3);
    const id = await submit(req);
    await w.waitForLog((l) => l.msg === 'job started' && l.planId === id, 20_000, 'the job to start');
    w.proc.kill('SIGTERM');
    const plan = await completed(id, req);
    expect(plan.summary.stopReason).not.toBe('cancelled');
    expect(w.logs.some((l) => l.msg === 'solved' && l.planId === id)).toBe(true); // by this worker, after SIGTERM
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['worker stopping: finishing running jobs', 'solved', 'worker stopped']));
  });

  it('SIGTERM past the grace period: the worker hands its plan back and another finishes it', async () => {
    const { service: leaving } = await worker('leaving', { SHUTDOWN_GRACE_MS: '500' });
    const req = longDay(8); // long enough to still be running once the second worker is up
    const id = await submit(req);
    await leaving.waitForLog((l) => l.msg === 'job started' && l.planId === id, 20_000, 'the job to start');
    const { service: staying, url } = await worker('staying');
    leaving.proc.kill('SIGTERM');
    expect(await leaving.exited).toEqual({ code: 0, signal: null });
    await completed(id, req);
    expect(startedOn(staying, id)).toBe(true);
    expect(leaving.logs.some((l) => l.msg === 'solved' && l.planId === id)).toBe(false);
    expect(staying.logs.some((l) => l.msg === 'solved' && l.planId === id)).toBe(true);

    // The worker's own health and metrics endpoint.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const m = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(sample(m, 'beatplan_plans_total', { status: 'completed' })).toBe(1);
    expect(sample(m, 'beatplan_solve_seconds_count')).toBe(1);
    expect(sample(m, 'beatplan_active_jobs')).toBe(0);
  });

  it('SIGKILL mid-solve: another worker picks the plan up and completes it', async () => {
    const survivors = workers.filter((w) => w.alive());
    const { service: extra } = await worker('second');
    const pool = [...survivors, extra];
    expect(pool.length).toBeGreaterThanOrEqual(2);
    const req = longDay(8);
    const id = await submit(req);
    const victim = await Promise.any(pool.map((w) => w.waitForLog((l) => l.msg === 'job started' && l.planId === id, 20_000, 'the job to start').then(() => w)));
    await sleep(1_000); // into the solve
    victim.proc.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    expect(victim.logs.some((l) => l.msg === 'solved' && l.planId === id), 'killed before it finished').toBe(false);
    const plan = await completed(id, req);
    const rescuer = pool.find((w) => w !== victim && startedOn(w, id));
    expect(rescuer, 'another worker started the plan').toBeDefined();
    expect(rescuer!.logs.some((l) => l.msg === 'solved' && l.planId === id)).toBe(true);
    expect(plan.summary.assigned).toBeGreaterThan(100);
  });
});
