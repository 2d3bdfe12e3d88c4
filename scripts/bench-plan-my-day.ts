/**
 * "Plan my day" latency: one executive, 35 cases, POST ?wait=10 over HTTP,
 * one request at a time, 100 different days (seeds). In-process by default;
 * with REDIS_URL set, through BullMQ and `--workers N` worker processes.
 *
 *   npm run bench:plan-my-day -- [--requests 100] [--workers 2]
 */
import { Redis } from 'ioredis';
import { planMyDay } from '../fixtures/generate.js';
import type { PlanResult } from '../src/http/schemas/plan-result.js';
import { checkPlan, documentedGreatCircle } from '../test/support/plan-checker.js';
import { machine, percentile, startProcess, stop } from './bench-support.js';

const args = process.argv.slice(2);
const opt = (name: string, d: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const n = opt('requests', 100);
const workers = opt('workers', 2);
const redisUrl = process.env.REDIS_URL;
const port = String(3900 + Math.floor(Math.random() * 90));
const env: Record<string, string> = { PORT: port, WORKER_CONCURRENCY: '2', ...(redisUrl ? { REDIS_URL: redisUrl, QUEUE_NAME: `bench-pmd-${Date.now()}` } : {}) };
const api = await startProcess('server', env);
const procs = redisUrl ? await Promise.all(Array.from({ length: workers }, () => startProcess('worker', env))) : [];
try {
  const days = Array.from({ length: n }, (_, k) => planMyDay(1000 + k));
  // Warm-up: JIT and solver threads.
  for (const d of days.slice(0, 3)) await fetch(`http://127.0.0.1:${port}/v1/plans?wait=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(d) });
  const latencies: number[] = [];
  const solve: number[] = [];
  let violations = 0;
  let notCompleted = 0;
  for (const d of days) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/plans?wait=10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(d) });
    const body = (await res.json()) as { status: string; result?: PlanResult };
    latencies.push(performance.now() - t0);
    if (res.status !== 200 || !body.result) {
      notCompleted++;
      continue;
    }
    solve.push(body.result.summary.solveSeconds * 1000);
    violations += checkPlan(d, body.result, documentedGreatCircle).length;
  }
  latencies.sort((a, b) => a - b);
  solve.sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x);
  process.stdout.write(
    JSON.stringify(
      {
        machine: machine(),
        runner: redisUrl ? `bullmq, ${workers} workers` : 'in-process',
        requests: n,
        latencyMs: { p50: r(percentile(latencies, 50)), p95: r(percentile(latencies, 95)), p99: r(percentile(latencies, 99)), max: r(latencies[latencies.length - 1]!) },
        solveMs: { p50: r(percentile(solve, 50)), p95: r(percentile(solve, 95)), max: r(solve[solve.length - 1] ?? NaN) },
        notCompleted,
        violations,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await Promise.all([stop(api), ...procs.map(stop)]);
  if (redisUrl) {
    // The run's queue is its own: drop it rather than leave 100 finished plans in Redis.
    const r = new Redis(redisUrl);
    const keys = await r.keys(`bull:${env.QUEUE_NAME}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  }
}
