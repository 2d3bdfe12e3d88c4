/**
 * Nightly batch benchmark: 6,000 cases × 240 executives across four cities,
 * through the API and BullMQ with N worker processes (needs Redis).
 *
 *   npm run bench:batch -- [--workers 2] [--concurrency 1] [--time-limit 15]
 */
import { Redis } from 'ioredis';
import { stateBatch } from '../fixtures/generate.js';
import type { PlanResult } from '../src/http/schemas/plan-result.js';
import { checkPlan, documentedGreatCircle } from '../test/support/plan-checker.js';
import { machine, startProcess, stop } from './bench-support.js';

const args = process.argv.slice(2);
const opt = (name: string, d: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const workers = opt('workers', 2);
const concurrency = opt('concurrency', 1);
const timeLimit = opt('time-limit', 15);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = `bench-batch-${Date.now()}`;
const port = String(3400 + Math.floor(Math.random() * 500));
const env = { REDIS_URL: redisUrl, QUEUE_NAME: queue, WORKER_CONCURRENCY: String(concurrency), PORT: port, MAX_BODY_BYTES: String(64 << 20) };

const req = stateBatch();
req.options = { ...req.options, timeLimitSeconds: timeLimit };
const api = await startProcess('server', { ...env, WORKER_CONCURRENCY: '1' });
const procs = [];
for (let k = 0; k < workers; k++) procs.push(await startProcess('worker', env));
try {
  const t0 = performance.now();
  const post = await fetch(`http://127.0.0.1:${port}/v1/plans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
  if (post.status !== 202) throw new Error(`POST /v1/plans answered ${post.status}: ${(await post.text()).slice(0, 500)}`);
  const { id } = (await post.json()) as { id: string };
  let rec: { status: string; result?: PlanResult; error?: unknown } = { status: 'queued' };
  while (rec.status !== 'completed' && rec.status !== 'failed' && rec.status !== 'cancelled') {
    const res = await fetch(`http://127.0.0.1:${port}/v1/plans/${id}`, { method: 'GET' });
    if (res.status !== 200) throw new Error(`GET /v1/plans/${id} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    rec = (await res.json()) as typeof rec;
    if (rec.status !== 'completed') await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - t0) / 1000;
  if (rec.status !== 'completed' || !rec.result) throw new Error(`plan ${rec.status}: ${JSON.stringify(rec.error)}`);
  const s = rec.result.summary;
  const violations = checkPlan(req, rec.result, documentedGreatCircle);
  const row = {
    machine: machine(),
    cases: s.cases,
    executives: s.executives,
    workers,
    concurrencyPerWorker: concurrency,
    regionTimeLimit: timeLimit,
    regions: s.regions,
    wallSeconds: Math.round(seconds * 10) / 10,
    assigned: s.assigned,
    executivesUsed: s.executivesUsed,
    mustVisitMissed: s.mustVisitMissed.length,
    priorityPlanned: s.priorityPlanned,
    priorityTotal: s.priorityTotal,
    distanceKm: Math.round(s.distanceMeters / 1000),
    violations: violations.length,
  };
  process.stdout.write(JSON.stringify(row, null, 2) + '\n');
  if (violations.length > 0) process.stderr.write(violations.slice(0, 10).join('\n') + '\n');
} finally {
  await Promise.all([stop(api), ...procs.map(stop)]);
  const r = new Redis(redisUrl);
  const keys = await r.keys(`bull:${queue}:*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();
}
