import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanRequest, PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { searchEffort } from '../../src/jobs/effort.js';
import { REDIS_URL, makeApp, redisAvailable, startWorker, uniqueQueue } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';

const fixture = (): PlanRequestInput => JSON.parse(readFileSync(new URL('../../fixtures/plan-my-day.json', import.meta.url), 'utf8')) as PlanRequestInput;
const hasRedis = await redisAvailable();

describe('search effort policy', () => {
  it('keeps the full search up to the backlog, then shortens in proportion down to the floor', () => {
    const policy = { min: 0.3, backlog: 8 };
    expect(searchEffort(0, policy)).toBe(1);
    expect(searchEffort(8, policy)).toBe(1);
    expect(searchEffort(16, policy)).toBe(0.5);
    expect(searchEffort(20, policy)).toBe(0.4);
    expect(searchEffort(1000, policy)).toBe(0.3);
    expect(searchEffort(1000, { min: 1, backlog: 8 })).toBe(1);
    expect(searchEffort(1, { min: 0.3, backlog: 0 })).toBe(0.3);
  });
});

/** Plans of one kind submitted at once on an app with one solver thread. */
async function burst(inject: (wait: boolean) => Promise<PlanResult>, n: number, wait: boolean): Promise<PlanResult[]> {
  return Promise.all(Array.from({ length: n }, () => inject(wait)));
}

describe('held plans under a backlog (in-process)', () => {
  it('shortens the search of plans a client waits on, says so, and never shortens the others', async () => {
    const api = await makeApp({ WORKER_CONCURRENCY: '1', SEARCH_EFFORT_BACKLOG: '1', SEARCH_EFFORT_MIN: '0.3' });
    try {
      const req = fixture();
      const inject = async (wait: boolean): Promise<PlanResult> => {
        const res = await api.app.inject({ method: 'POST', url: wait ? '/v1/plans?wait=60' : '/v1/plans', payload: req });
        if (wait) {
          expect(res.statusCode).toBe(200);
          return res.json().result as PlanResult;
        }
        const rec = await api.handle.runner.wait(res.json().id as string, 'default', 60_000);
        expect(rec?.status).toBe('completed');
        return rec!.result as PlanResult;
      };
      const held = await burst(inject, 5, true);
      const shortened = held.filter((p) => p.summary.searchEffort < 1);
      // The first starts on an idle thread; the later ones find 3, 2 plans behind them.
      expect(shortened.length).toBeGreaterThanOrEqual(2);
      for (const p of shortened) {
        expect(p.summary.searchEffort).toBeGreaterThanOrEqual(0.3);
        expect(p.summary.warnings.some((w) => w.startsWith('search shortened to'))).toBe(true);
      }
      for (const p of held) expect(checkPlan(req, p, documentedGreatCircle)).toEqual([]);
      const full = held.find((p) => p.summary.searchEffort === 1);
      expect(full?.summary.warnings.some((w) => w.startsWith('search shortened'))).toBe(false);

      const background = await burst(inject, 5, false);
      for (const p of background) expect(p.summary.searchEffort).toBe(1);
      const metrics = await api.app.inject({ method: 'GET', url: '/metrics' });
      const count = /beatplan_shortened_solves_total (\d+)/.exec(metrics.body);
      expect(Number(count?.[1])).toBe(shortened.length);
    } finally {
      await api.close();
    }
  });

  it('turns off with SEARCH_EFFORT_MIN=1', async () => {
    const api = await makeApp({ WORKER_CONCURRENCY: '1', SEARCH_EFFORT_BACKLOG: '0', SEARCH_EFFORT_MIN: '1' });
    try {
      const req = fixture();
      const plans = await Promise.all(
        Array.from({ length: 3 }, async () => (await api.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: req })).json().result as PlanResult),
      );
      for (const p of plans) expect(p.summary.searchEffort).toBe(1);
    } finally {
      await api.close();
    }
  });
});

describe.runIf(hasRedis)('held plans under a backlog (BullMQ, real Redis)', () => {
  const queue = uniqueQueue('effort');
  const env = { REDIS_URL, QUEUE_NAME: queue, WORKER_CONCURRENCY: '1', SEARCH_EFFORT_BACKLOG: '1', SEARCH_EFFORT_MIN: '0.3' };

  afterAll(async () => {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`bull:${queue}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  });

  it('counts the plans waiting in the queue: held plans shorten, background plans do not', async () => {
    const api = await makeApp(env);
    try {
      const req = fixture() as PlanRequest;
      // Queued before any worker runs, so the first jobs taken find the rest waiting.
      const held = await Promise.all(Array.from({ length: 4 }, () => api.handle.runner.submit(req, { tenant: 'default', held: true })));
      const background = await Promise.all(Array.from({ length: 3 }, () => api.handle.runner.submit(req, { tenant: 'default' })));
      const worker = await startWorker(env);
      try {
        const done = async (id: string): Promise<PlanResult> => {
          const rec = await api.handle.runner.wait(id, 'default', 60_000);
          expect(rec?.status).toBe('completed');
          return rec!.result!;
        };
        const heldPlans = await Promise.all(held.map((h) => done(h.id)));
        const backgroundPlans = await Promise.all(background.map((h) => done(h.id)));
        // The first held job found 6 plans waiting behind it: 1/6 of the search, floored at 0.3.
        expect(heldPlans[0]!.summary.searchEffort).toBe(0.3);
        expect(heldPlans.filter((p) => p.summary.searchEffort < 1).length).toBeGreaterThanOrEqual(2);
        for (const p of heldPlans) expect(checkPlan(req as PlanRequestInput, p, documentedGreatCircle)).toEqual([]);
        for (const p of backgroundPlans) expect(p.summary.searchEffort).toBe(1);
      } finally {
        await worker.close();
      }
    } finally {
      await api.close();
    }
  });
});
