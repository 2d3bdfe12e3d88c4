import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { resolveTenant } from '../../src/http/plugins/auth.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { REDIS_URL, dropQueue, fixture, hasRedis, refused, startApi, uniqueName } from './support.js';

const key = (): string => randomBytes(18).toString('base64url');
const KEY_A = key();
const KEY_B = key();
const bearer = (k: string): { authorization: string } => ({ authorization: `Bearer ${k}` });
const redis = await hasRedis();

describe('API keys and tenants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ API_KEYS: `tenantA:${KEY_A}, tenantB:${KEY_B}` });
  });
  afterAll(async () => t?.close());

  it('refuses plan routes without a key, with an unknown key or a malformed header', async () => {
    for (const headers of [{}, bearer(key()), { authorization: KEY_A }, { authorization: `Basic ${KEY_A}` }, bearer(KEY_A.slice(0, -1)), bearer(`${KEY_A}x`)]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/plans', headers, payload: fixture('plan-my-day.json') });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'unauthorized', status: 401 });
    }
    // Operations endpoints stay open for probes.
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it("keeps each tenant's plans to itself: another tenant's id is 404", async () => {
    const req = fixture('plan-my-day.json');
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', headers: bearer(KEY_A), payload: req });
    expect(res.statusCode).toBe(200);
    const { id, result } = res.json() as { id: string; result: PlanResult };
    expect(checkPlan(req, result, documentedGreatCircle)).toEqual([]);
    // The debtor data is carried through to the owner's plan.
    const visit = result.itineraries[0]!.stops.find((s) => s.kind === 'visit')!;
    expect(visit.debtor?.name).toMatch(/^Borrower /);
    expect(visit.address).toMatch(/Bengaluru/);

    expect((await t.app.inject({ method: 'GET', url: `/v1/plans/${id}`, headers: bearer(KEY_A) })).statusCode).toBe(200);
    for (const [method, url] of [
      ['GET', `/v1/plans/${id}`],
      ['GET', `/v1/plans/${id}/geojson`],
      ['GET', `/v1/plans/${id}/events`],
      ['DELETE', `/v1/plans/${id}`],
    ] as const) {
      const other = await t.app.inject({ method, url, headers: bearer(KEY_B) });
      expect(other.statusCode, `${method} ${url}`).toBe(404);
      expect(other.json().code).toBe('not_found');
      expect(other.body).not.toContain('Borrower');
    }
    // Still there for its owner after the other tenant's DELETE.
    expect((await t.app.inject({ method: 'GET', url: `/v1/plans/${id}`, headers: bearer(KEY_A) })).json().status).toBe('completed');
  });

  it('resolves keys by constant-time digest comparison: near misses and prefixes match nothing', () => {
    const keys = [
      { tenant: 'a', key: 'k'.repeat(16) },
      { tenant: 'b', key: 'k'.repeat(17) },
    ];
    expect(resolveTenant(keys, `Bearer ${'k'.repeat(16)}`)).toBe('a');
    expect(resolveTenant(keys, `bearer   ${'k'.repeat(17)}  `)).toBe('b');
    for (const h of [undefined, '', 'Bearer', 'Bearer ', `Bearer ${'k'.repeat(15)}`, `Bearer ${'k'.repeat(18)}`, `Bearer ${'K'.repeat(16)}`, `Token ${'k'.repeat(16)}`, `Bearer ${'k'.repeat(16)} extra`])
      expect(resolveTenant(keys, h)).toBeNull();
    expect(resolveTenant([], `Bearer ${'k'.repeat(16)}`)).toBeNull();
  });
});

describe('rate limiting per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ API_KEYS: `tenantA:${KEY_A},tenantB:${KEY_B}`, RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => t?.close());

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(KEY_A) });
      expect(res.statusCode).toBe(404);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await t.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(KEY_A) });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another tenant has its own budget; probes are never limited.
    expect((await t.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(KEY_B) })).statusCode).toBe(404);
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe.runIf(redis)('rate limiting with the Redis store (shared by API replicas)', () => {
  const queue = uniqueName('ratelimit');
  const shared = key();
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    const env = { REDIS_URL, QUEUE_NAME: queue, API_KEYS: `tenantA:${shared}`, RATE_LIMIT_PER_MINUTE: '4' };
    one = await makeApp(env);
    two = await makeApp(env);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await dropQueue(queue);
  });

  it('counts one key across two API processes', async () => {
    for (const app of [one, two, one, two]) expect((await app.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(shared) })).statusCode).toBe(404);
    const limited = await two.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(shared) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await one.app.inject({ method: 'GET', url: '/v1/plans/none', headers: bearer(shared) })).statusCode).toBe(429);
  });
});

describe('security headers and CORS', () => {
  let withCors: TestApp;
  let noCors: TestApp;
  beforeAll(async () => {
    withCors = await makeApp({ API_KEYS: `tenantA:${KEY_A}`, CORS_ORIGINS: 'https://ops.example.com, https://field.example.com' });
    noCors = await makeApp({});
  });
  afterAll(async () => {
    await withCors?.close();
    await noCors?.close();
  });

  it('sends helmet headers on every answer, errors included', async () => {
    for (const [method, url] of [
      ['GET', '/healthz'],
      ['GET', '/v1/plans/none'],
      ['POST', '/v1/plans'],
    ] as const) {
      const res = await withCors.app.inject({ method, url, headers: bearer(KEY_A), ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toBeTruthy();
    }
  });

  it('answers a preflight from an allowed origin, without needing the key', async () => {
    const res = await withCors.app.inject({
      method: 'OPTIONS',
      url: '/v1/plans',
      headers: { origin: 'https://field.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://field.example.com');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization.*content-type.*idempotency-key/);
    expect(String(res.headers['access-control-expose-headers'])).toContain('retry-after');
    const actual = await withCors.app.inject({ method: 'GET', url: '/v1/plans/none', headers: { origin: 'https://ops.example.com', ...bearer(KEY_A) } });
    expect(actual.headers['access-control-allow-origin']).toBe('https://ops.example.com');
  });

  it('does not allow other origins, and sends no CORS headers when CORS_ORIGINS is unset', async () => {
    const evil = await withCors.app.inject({ method: 'OPTIONS', url: '/v1/plans', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const off = await noCors.app.inject({ method: 'OPTIONS', url: '/v1/plans', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST' } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    expect(off.statusCode).toBe(404);
  });
});

describe.runIf(redis)('queue dashboard', () => {
  const queue = uniqueName('dashboard');
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ REDIS_URL, QUEUE_NAME: queue, API_KEYS: `tenantA:${KEY_A}` });
  });
  afterAll(async () => {
    await t?.close();
    await dropQueue(queue);
  });

  it('is behind the API key', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect((await t.app.inject({ method: 'GET', url, headers: bearer(key()) })).statusCode).toBe(401);
    }
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: bearer(KEY_A) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: bearer(KEY_A) });
    expect(api.statusCode).toBe(200);
    expect(JSON.stringify(api.json())).toContain(queue);
  });
});

describe('without Redis there is no dashboard', () => {
  it('404s /admin/queues', async () => {
    const t = await makeApp({ API_KEYS: `tenantA:${KEY_A}` });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/admin/queues', headers: bearer(KEY_A) })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describe('open mode (no API keys)', () => {
  it('listens on loopback only, whatever HOST says, and says so at start', async () => {
    const { service, url } = await startApi({ HOST: '0.0.0.0' }, 'open-api');
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const warnings = service.logs.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warnings).toContain('no API_KEYS configured: refusing to listen beyond loopback; listening on 127.0.0.1');
      expect(warnings).toContain('no API_KEYS configured: the API is open to anyone on this machine (loopback only)');
      // Only the loopback address is bound.
      expect(service.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at'))).toHaveLength(1);
      const port = Number(new URL(url).port);
      const outside = externalAddress();
      if (outside) expect(await refused(outside, port)).toBe(true);
      expect((await fetch(`${url}/v1/plans/none`)).status).toBe(404); // open: no key needed on loopback
    } finally {
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('with keys, does not warn and requires them', async () => {
    const { service, url } = await startApi({ API_KEYS: `tenantA:${KEY_A}` }, 'keyed-api');
    try {
      expect(service.logs.filter((l) => l.level >= 40)).toEqual([]);
      expect((await fetch(`${url}/v1/plans/none`)).status).toBe(401);
      expect((await fetch(`${url}/v1/plans/none`, { headers: bearer(KEY_A) })).status).toBe(404);
    } finally {
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
  });
});
