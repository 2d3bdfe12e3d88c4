import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { makeApp, type TestApp } from '../support/app.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { clone, fixture } from './support.js';

/**
 * Thousands of random and mutated requests: none may answer 5xx, every
 * error is problem+json, every accepted plan completes feasibly, and the
 * process keeps serving afterwards.
 */

const BASE = fixture('plan-my-day.json');
// Valid mutants are solved in the background: keep each solve short.
BASE.options = { ...BASE.options, timeLimitSeconds: 0.05 };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path of the base request (objects and arrays included), so any field can be hit. */
function pathsOf(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}
const PATHS = pathsOf(BASE);

// Markers replaced in the JSON text by what JSON.stringify cannot write.
const INF = '\u0001inf';
const DEEP = '\u0001deep:';

const nasty: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 5e-324, '', ' ', 'NaN', 'Infinity', '-Infinity', 'null', '1e999', '0x1F', '\u0000', '\uFFFF', '💥', '𝔲𝔫𝔦𝔠𝔬𝔡𝔢', 'ಬೆಂಗಳೂರು', 'a'.repeat(3000), '24:00', '00:00', '12:60', '2026-02-29', '2026-11-24', 'Asia/Kolkata', 'Etc/GMT+14', 'BEN-FE-01', 'BEN-100000', 'walk', [], {}, [[]], [{}]) },
  { weight: 1, arbitrary: fc.constant(INF) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 100_000 }).map((n) => `${DEEP}${n}`) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

type Mutation = { op: 'set'; path: Path; value: Json } | { op: 'delete'; path: Path } | { op: 'duplicate'; path: Path; times: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...PATHS), value: nasty }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), path: fc.constantFrom(...PATHS.filter((p) => typeof p[p.length - 1] === 'number')), times: fc.integer({ min: 1, max: 40 }) }) },
);

function apply(body: Record<string, unknown>, m: Mutation): void {
  let at: unknown = body;
  for (const k of m.path.slice(0, -1)) {
    if (at === null || typeof at !== 'object') return; // an earlier mutation replaced the parent
    at = (at as Record<string | number, unknown>)[k];
  }
  if (at === null || typeof at !== 'object') return;
  const parent = at as Record<string | number, unknown>;
  const last = m.path[m.path.length - 1]!;
  if (m.op === 'set') parent[last] = m.value;
  else if (m.op === 'delete') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete parent[last];
  } else if (Array.isArray(parent) && typeof last === 'number' && last < parent.length) {
    parent.splice(last, 0, ...Array.from({ length: m.times }, () => clone(parent[last])));
  }
}

function toText(body: unknown): string {
  return JSON.stringify(body)
    .replaceAll(`"${INF}"`, '1e999')
    .replace(/"\\u0001deep:(\d+)"/g, (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

/** Raw text damage after serialisation: truncation, a stray character, a swapped bracket. */
const damage = fc.option(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('truncate', 'insert', 'bracket', 'bom'), char: fc.string({ minLength: 1, maxLength: 2, unit: 'binary' }) }),
  { freq: 5 },
);
function damaged(text: string, d: { at: number; kind: string; char: string } | null): string {
  if (!d) return text;
  const i = Math.floor(d.at * text.length);
  if (d.kind === 'truncate') return text.slice(0, i);
  if (d.kind === 'insert') return text.slice(0, i) + d.char + text.slice(i);
  if (d.kind === 'bracket') return text.replace(/[{[]/, (c) => (c === '{' ? '[' : '{'));
  return `\uFEFF${text}`;
}

/** The request as the server read it, when the text is JSON (some damage leaves it so). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    return undefined;
  }
}

const bodyText: fc.Arbitrary<{ text: string; request: unknown }> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 5 }), damage).map(([ms, d]) => {
      const body = clone(BASE) as unknown as Record<string, unknown>;
      for (const m of ms) apply(body, m);
      const text = damaged(toText(body), d);
      return { text, request: parsed(text) };
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => ({ text: JSON.stringify(v) ?? 'null', request: v })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ text: s, request: parsed(s) })) },
);

const header = fc.string({ maxLength: 250 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));
const postCase = fc.record({
  body: bodyText,
  contentType: fc.option(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data'), { freq: 6 }),
  wait: fc.option(fc.constantFrom('0', '0.01', '', 'abc', '-1', '601', '1e9', 'NaN', '0x10'), { freq: 2 }),
  idempotencyKey: fc.option(header, { freq: 3 }),
});
const readCase = fc.record({
  method: fc.constantFrom('GET' as const, 'DELETE' as const),
  id: fc.string({ maxLength: 80, unit: 'grapheme' }),
  suffix: fc.constantFrom('', '/geojson', '/events', '/../../metrics', '?wait=1'),
});

let t: TestApp;
const accepted = new Map<string, unknown>();
let requests = 0;
const crashes: unknown[] = [];
const onCrash = (err: unknown): void => void crashes.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  t = await makeApp({
    WORKER_CONCURRENCY: '1',
    MAX_QUEUE_DEPTH: '3',
    MAX_TIME_LIMIT_SECONDS: '1',
    DEFAULT_TIME_LIMIT_SECONDS: '1',
    MAX_CASES: '80',
    MAX_EXECUTIVES: '8',
    MAX_BODY_BYTES: String(1024 * 1024),
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
});
afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await t?.close();
});

function checkResponse(status: number, contentType: string | undefined, raw: string): void {
  expect(status, raw.slice(0, 500)).toBeLessThan(500);
  if (status >= 400) {
    expect(contentType).toContain('application/problem+json');
    const p = JSON.parse(raw) as { code: string; status: number; errors?: { path: unknown; message: unknown }[] };
    expect(Object.keys(ERROR_CODES)).toContain(p.code);
    expect(p.status).toBe(status);
    if (p.code === 'validation_failed') {
      expect(p.errors?.length).toBeGreaterThan(0);
      for (const e of p.errors!) expect(typeof e.path === 'string' && typeof e.message === 'string').toBe(true);
    }
  }
}

describe('fuzzing POST /v1/plans and the plan routes', () => {
  it('never answers 5xx, whatever arrives', async () => {
    await fc.assert(
      fc.asyncProperty(postCase, async (c) => {
        requests++;
        const headers: Record<string, string> = {};
        if (c.contentType !== null) headers['content-type'] = c.contentType;
        if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
        const res = await t.app.inject({ method: 'POST', url: `/v1/plans${c.wait !== null ? `?wait=${c.wait}` : ''}`, headers, payload: c.body.text });
        checkResponse(res.statusCode, res.headers['content-type'] as string | undefined, res.body);
        if (res.statusCode === 200 || res.statusCode === 202) {
          const id = (res.json() as { id: string }).id;
          expect(typeof id).toBe('string');
          if (!accepted.has(id)) accepted.set(id, c.body.request);
        }
      }),
      { numRuns: 3_000, interruptAfterTimeLimit: 16_000, markInterruptAsFailure: false, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    await fc.assert(
      fc.asyncProperty(readCase, async (c) => {
        requests++;
        const res = await t.app.inject({ method: c.method, url: `/v1/plans/${encodeURIComponent(c.id)}${c.suffix}` });
        checkResponse(res.statusCode, res.headers['content-type'] as string | undefined, res.body);
      }),
      { numRuns: 500, interruptAfterTimeLimit: 3_000, markInterruptAsFailure: false },
    );
    expect(requests).toBeGreaterThan(1_000);
    expect(crashes).toEqual([]);
  }, 60_000);

  it('solves every mutant it accepted into a feasible plan', async () => {
    // Some mutants are still valid (a renamed debtor, a changed priority...); none may fail.
    for (const [id, request] of accepted) {
      expect(request, `${id} was accepted from a body that is not JSON`).toBeDefined();
      const rec = await t.handle.runner.wait(id, 'default', 30_000);
      expect(rec?.status, `${id}: ${JSON.stringify(rec?.error)}`).toBe('completed');
      const plan = rec!.result as PlanResult;
      expect(checkPlan(request as PlanRequestInput, plan, documentedGreatCircle)).toEqual([]);
    }
  });

  it('keeps serving afterwards', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=30', payload: BASE });
    expect(res.statusCode).toBe(200);
    expect(checkPlan(BASE, res.json().result as PlanResult, documentedGreatCircle)).toEqual([]);
    expect(crashes).toEqual([]);
  });
});
