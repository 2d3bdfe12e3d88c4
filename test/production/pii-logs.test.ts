import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createRuntime } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { createRunner } from '../../src/jobs/index.js';
import { loggerOptions } from '../../src/logger.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { REDIS_URL, dropQueue, fixture, hasRedis, startWorkerProcess, uniqueName, type Service } from './support.js';

/**
 * Debtor names, phones and addresses go into requests and come back in
 * plans, and never appear in any log line of the API or the worker: on
 * success, on validation errors, on failed plans and on internal errors.
 */

const tag = randomBytes(4).toString('hex');
/** A day whose every case carries recognisable personal data. */
function personalDay(): PlanRequestInput {
  const req = fixture('plan-my-day.json');
  req.options = { ...req.options, timeLimitSeconds: 2 };
  req.cases.forEach((c, i) => {
    c.debtor = { name: `Zorawar Quixote ${tag}-${i}`, phone: `+91 98${tag.slice(0, 4)}${String(i).padStart(4, '0')}` };
    c.address = `Flat ${i}, Jasmine Lane ${tag}, Indiranagar`;
  });
  return req;
}
const PERSONAL = personalDay().cases.flatMap((c) => [c.debtor!.name!, c.debtor!.phone!, c.address!]);
// Distinctive fragments too, in case a value is cut or re-encoded.
const FRAGMENTS = [`Quixote ${tag}`, `Jasmine Lane ${tag}`, `98${tag.slice(0, 4)}`];

function capture(role: string): { logger: Logger; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino(loggerOptions('trace', role), sink);
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function expectNoPersonalData(logs: string): void {
  expect(logs.length).toBeGreaterThan(0);
  for (const value of [...PERSONAL, ...FRAGMENTS]) expect(logs.includes(value), `log contains "${value}"`).toBe(false);
}

function expectCarried(plan: PlanResult, req: PlanRequestInput): void {
  expect(checkPlan(req, plan, documentedGreatCircle)).toEqual([]);
  const byId = new Map(req.cases.map((c) => [c.id, c]));
  const visits = plan.itineraries.flatMap((it) => it.stops.filter((s) => s.kind === 'visit'));
  expect(visits.length).toBeGreaterThan(5);
  for (const v of visits) {
    const c = byId.get(v.caseId!)!;
    expect(v.debtor).toEqual(c.debtor);
    expect(v.address).toBe(c.address);
  }
}

describe('in-process: personal data in plans, never in logs', () => {
  const api = capture('api');
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ WORKER_CONCURRENCY: '1' }, api.logger);
  });
  afterAll(async () => t?.close());

  it('a plan, a validation error, broken JSON, a failed plan and an internal error log nothing personal', async () => {
    const req = personalDay();
    const ok = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: req, headers: { authorization: 'Bearer not-a-configured-key' } });
    expect(ok.statusCode).toBe(200);
    expectCarried(ok.json().result as PlanResult, req);

    const invalid = personalDay();
    invalid.cases[3]!.location.lat = 95;
    invalid.cases[4]!.debtor = { name: invalid.cases[4]!.debtor!.name!, phone: 98765 as never };
    const bad = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: invalid });
    expect(bad.statusCode).toBe(400);

    const broken = JSON.stringify(personalDay()).slice(0, 5_000);
    expect((await t.app.inject({ method: 'POST', url: '/v1/plans', headers: { 'content-type': 'application/json' }, payload: broken })).statusCode).toBe(400);

    // A plan that fails in the solver (its threads are gone) logs the error.
    const failing = await makeApp({ WORKER_CONCURRENCY: '1' }, api.logger);
    try {
      await failing.runtime.pool.close();
      const failed = await failing.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: personalDay() });
      expect(failed.json().status).toBe('failed');
    } finally {
      await failing.close();
    }

    // An internal error whose error object carries the request (as a queue client's errors may).
    const config = loadConfig({ LOG_LEVEL: 'trace' });
    const runtime = createRuntime(config, 'api', api.logger);
    const handle = await createRunner(runtime, { role: 'api' });
    const runner = Object.create(handle.runner) as typeof handle.runner;
    runner.submit = async (request) => {
      throw Object.assign(new Error('could not store the plan'), { request, job: { data: { request } }, cases: request.cases });
    };
    const broken500 = await buildApp({ config, runner, logger: api.logger, metrics: runtime.metrics });
    try {
      const res = await broken500.inject({ method: 'POST', url: '/v1/plans', payload: personalDay() });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Quixote');
    } finally {
      await broken500.close();
      await handle.close(0);
      await runtime.close();
    }

    const logs = api.text();
    const messages = api.lines().map((l) => l.msg);
    // The paths above really were logged, with their errors...
    expect(messages).toEqual(expect.arrayContaining(['plan accepted', 'solved', 'request rejected', 'plan failed', 'request failed']));
    const internal = api.lines().find((l) => l.msg === 'request failed')!;
    expect(JSON.stringify(internal.err)).toContain('could not store the plan');
    expect(JSON.stringify(internal.err)).toContain('BEN-100000'); // ids stay, for debugging
    // ...and nothing personal, nor the API key.
    expectNoPersonalData(logs);
    expect(logs).not.toContain('not-a-configured-key');
  });

  it('censors personal fields at any depth of whatever is logged', () => {
    const c = capture('unit');
    const req = personalDay();
    c.logger.info({ request: req }, 'request');
    c.logger.info({ body: { cases: req.cases } }, 'body');
    c.logger.warn({ job: { data: { request: req } }, nested: [[{ deeper: { case: req.cases[0] } }]] }, 'job');
    c.logger.error({ err: Object.assign(new Error('boom'), { data: { request: req }, cause: { stop: { debtor: req.cases[1]!.debtor } } }) }, 'error');
    c.logger.info({ req: { headers: { authorization: 'Bearer secret-key-123456' } }, headers: { Authorization: 'Bearer secret-key-123456' } }, 'headers');
    c.logger.info({ plan: { itineraries: [{ stops: [{ caseId: 'BEN-1', debtor: req.cases[2]!.debtor, address: req.cases[2]!.address }] }] } }, 'plan');
    const text = c.text();
    expectNoPersonalData(text);
    expect(text).not.toContain('secret-key-123456');
    expect(text).toContain('BEN-100000');
    expect(text).toContain('[redacted]');
    expect(text).toContain('boom');
  });
});

const redis = await hasRedis();

describe.runIf(redis)('BullMQ: API and a worker process', () => {
  const queue = uniqueName('pii');
  const api = capture('api');
  let t: TestApp;
  let worker: Service;
  beforeAll(async () => {
    t = await makeApp({ REDIS_URL, QUEUE_NAME: queue, JOB_ATTEMPTS: '1' }, api.logger);
    worker = (await startWorkerProcess({ REDIS_URL, QUEUE_NAME: queue, LOG_LEVEL: 'trace', JOB_ATTEMPTS: '1', WORKER_CONCURRENCY: '1' }, 'pii-worker')).service;
  });
  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await t?.close();
    await dropQueue(queue);
  });

  it('a plan through the queue and a job that fails in the worker log nothing personal', async () => {
    const req = personalDay();
    const ok = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: req });
    expect(ok.statusCode).toBe(200);
    expectCarried(ok.json().result as PlanResult, req);

    const bad = await t.app.inject({ method: 'POST', url: '/v1/plans', payload: { ...personalDay(), timezone: 'Mars/Olympus' } });
    expect(bad.statusCode).toBe(400);

    // A job the worker cannot process (as an older API version might enqueue): it fails and logs why.
    const q = new Queue(queue, { connection: { url: REDIS_URL } });
    try {
      const broken = personalDay() as unknown as { cases: { location: unknown }[] };
      broken.cases[0]!.location = 'somewhere';
      const job = await q.add('plan', { request: broken as never, tenant: 'default' }, { jobId: `broken-${tag}`, attempts: 1 });
      const failed = await t.handle.runner.wait(job.id!, 'default', 30_000);
      expect(failed?.status).toBe('failed');
      expect(failed?.error?.code).toBe('invalid_problem');
    } finally {
      await q.close();
    }
    await worker.waitForLog((l) => l.msg === 'job failed', 10_000, 'the failure log');

    const workerLogs = worker.output();
    expect(worker.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['job started', 'solved', 'job failed']));
    expectNoPersonalData(workerLogs);
    expectNoPersonalData(api.text());
  });
});
