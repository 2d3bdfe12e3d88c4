import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, startWorker, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { REDIS_URL, dropQueue, fixture, hasRedis, uniqueName } from './support.js';

/** Idempotency-Key and backpressure, on both runners. */

const redis = await hasRedis();
const KEY_A = randomUUID();
const KEY_B = randomUUID();
const auth = (key: string): { authorization: string } => ({ authorization: `Bearer ${key}` });

function longDay(seconds: number): PlanRequestInput {
  const req = fixture('team-day.json');
  req.options = { ...req.options, timeLimitSeconds: seconds, directions: false };
  return req;
}

type Runner = 'in-process' | 'bullmq';
const runners: Runner[] = redis ? ['in-process', 'bullmq'] : ['in-process'];

describe.each(runners)('%s runner', (kind) => {
  const queue = uniqueName(`queue-${kind}`);
  const env = {
    API_KEYS: `tenantA:${KEY_A},tenantB:${KEY_B}`,
    WORKER_CONCURRENCY: '1',
    ...(kind === 'bullmq' ? { REDIS_URL, QUEUE_NAME: queue } : {}),
  };
  let t: TestApp;
  let worker: { close(): Promise<void> } | null = null;

  beforeAll(async () => {
    t = await makeApp(env);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    if (kind === 'bullmq') await dropQueue(queue);
  });

  const post = (body: unknown, key: string | null, tenant = KEY_A, wait = 0) =>
    t.app.inject({ method: 'POST', url: `/v1/plans${wait ? `?wait=${wait}` : ''}`, headers: { ...auth(tenant), ...(key ? { 'idempotency-key': key } : {}) }, payload: body as object });

  it('backpressure: past MAX_QUEUE_DEPTH new plans answer 429 with Retry-After', async () => {
    const small = await makeApp({ ...env, MAX_QUEUE_DEPTH: '2', ...(kind === 'bullmq' ? { QUEUE_NAME: `${queue}-bp` } : {}) });
    try {
      // Nothing drains the BullMQ queue (no worker); in-process, the one thread is busy for a minute.
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await small.app.inject({ method: 'POST', url: '/v1/plans', headers: auth(KEY_A), payload: longDay(60) });
        expect(res.statusCode).toBe(202);
        ids.push((res.json() as { id: string }).id);
      }
      const full = await small.app.inject({ method: 'POST', url: '/v1/plans', headers: auth(KEY_B), payload: fixture('plan-my-day.json') });
      expect(full.statusCode).toBe(429);
      expect(full.headers['content-type']).toContain('application/problem+json');
      expect(full.json()).toMatchObject({ code: 'queue_full', status: 429 });
      expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
      // Room again once the plans are cancelled.
      for (const id of ids) expect((await small.app.inject({ method: 'DELETE', url: `/v1/plans/${id}`, headers: auth(KEY_A) })).json().status).toBe('cancelled');
      const deadline = Date.now() + 20_000;
      let again = full;
      while (again.statusCode === 429 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        again = await small.app.inject({ method: 'POST', url: '/v1/plans', headers: auth(KEY_B), payload: { ...fixture('plan-my-day.json'), options: { timeLimitSeconds: 0.2 } } });
      }
      expect(again.statusCode).toBe(202);
      await small.app.inject({ method: 'DELETE', url: `/v1/plans/${(again.json() as { id: string }).id}`, headers: auth(KEY_B) });
    } finally {
      await small.close();
      if (kind === 'bullmq') await dropQueue(`${queue}-bp`);
    }
  });

  it('Idempotency-Key: same key and body → same plan; other body → 422; keys are per tenant', async () => {
    if (kind === 'bullmq') worker = await startWorker({ ...env, WORKER_CONCURRENCY: '1' });
    const req = fixture('plan-my-day.json');
    const key = `day-${randomUUID()}`;
    const first = await post(req, key, KEY_A, 60);
    expect(first.statusCode).toBe(200);
    const id = (first.json() as { id: string }).id;
    expect(checkPlan(req, first.json().result as PlanResult, documentedGreatCircle)).toEqual([]);

    // A retry (same key, same body, keys in another order) gets the same plan, already done.
    const reordered = Object.fromEntries(Object.entries(req).reverse()) as unknown as PlanRequestInput;
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(req)[0]);
    const retry = await post(reordered, key, KEY_A, 60);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(id);
    expect(retry.json().result).toEqual(first.json().result);
    expect(retry.headers.location).toBe(`/v1/plans/${id}`);

    // The same key with another body is a client error.
    const other = await post({ ...req, date: '2026-11-25' }, key, KEY_A);
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json()).toMatchObject({ code: 'idempotency_conflict', status: 422 });

    // Another tenant's identical key is another plan.
    const b = await post(req, key, KEY_B, 60);
    expect(b.statusCode).toBe(200);
    expect(b.json().id).not.toBe(id);
    // Without a key, every POST is a new plan.
    const c = await post(req, null, KEY_A);
    expect(c.json().id).not.toBe(id);
  });

  it('Idempotency-Key: concurrent retries of one submission make one plan', async () => {
    const req = { ...fixture('plan-my-day.json'), options: { timeLimitSeconds: 0.5 } };
    const key = `burst-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(req, key)));
    const ids = new Set(answers.map((a) => (a.json() as { id: string }).id));
    for (const a of answers) expect([200, 202]).toContain(a.statusCode);
    expect(ids.size).toBe(1);
  });
});
