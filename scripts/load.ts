/**
 * Load test: "plan my day" requests (POST /v1/plans?wait=10, the plan in the
 * answer) at rising concurrency, against a running API or one started here.
 *
 *   npm run load                                  # in-process API started here
 *   REDIS_URL=redis://127.0.0.1:6379 npm run load -- --workers 2
 *   npm run load -- --target http://10.0.0.5:3000 --key <API key>
 *
 * Options: --levels 1,5,10,25,50  --duration 20 (seconds per level)
 *          --wait 10  --workers 2  --concurrency N (solves per process)
 *          --fixture fixtures/plan-my-day.json  --time-limit S (sets options.timeLimitSeconds)
 *          --json out.json
 *
 * A request counts as an error unless it answers 200 with a completed plan
 * (a 202 means the wait ran out before the plan was done). The first plans
 * of every level are checked feasible with the independent plan checker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanRequestInput } from '../src/http/schemas/plan-request.js';
import type { PlanResult } from '../src/http/schemas/plan-result.js';
import { checkPlan, documentedGreatCircle } from '../test/support/plan-checker.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// autocannon ships no types; this is the part of its API used here.
interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}
interface CannonResult {
  readonly latency: Histogram;
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCodeStats: Record<string, { count: number }>;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: { method: 'POST'; path: string; headers: Record<string, string>; body: string; onResponse?: (status: number, body: string) => void }[];
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: CannonOptions) => Promise<CannonResult>;

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const levels = opt('levels', '1,5,10,25,50').split(',').map(Number);
const duration = Number(opt('duration', '20'));
const wait = Number(opt('wait', '10'));
const workerCount = Number(opt('workers', '2'));
const fixturePath = resolve(root, opt('fixture', 'fixtures/plan-my-day.json'));
const target = opt('target', '');
const apiKey = opt('key', '');
const jsonOut = opt('json', '');
const timeLimit = opt('time-limit', '');
const redisUrl = process.env.REDIS_URL;
const cores = availableParallelism();
// One solve at a time per core in the whole deployment: the API alone in-process, or spread over the workers.
const concurrency = opt('concurrency', String(redisUrl ? Math.max(1, Math.floor(cores / workerCount)) : cores));

const children: ChildProcess[] = [];

/** Start src/<entry>.ts; resolves with the first stdout line matching `ready`. */
function start(entry: 'server' | 'worker', env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', `${entry}.ts`)], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolveReady, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const l = JSON.parse(line) as Record<string, unknown>;
        if (typeof l.msg === 'string' && (l.msg.startsWith('Server listening at') || l.msg === 'beatplan worker ready')) {
          child.stdout!.off('data', onData);
          child.stdout!.resume(); // keep draining the logs
          resolveReady(l);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
}

const queueName = `load-${process.pid}`;

/** Remove the queue this run created (jobs and idempotency keys). */
async function dropQueue(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of [`bull:${queueName}:*`, `beatplan:${queueName}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await r.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
}

async function main(): Promise<void> {
  const request = JSON.parse(readFileSync(fixturePath, 'utf8')) as PlanRequestInput;
  if (timeLimit) request.options = { ...request.options, timeLimitSeconds: Number(timeLimit) };
  const body = JSON.stringify(request);
  let url = target;
  let setup = `target ${target}`;
  if (!url) {
    const env: Record<string, string> = {
      PORT: '0',
      WORKER_HTTP_PORT: '0',
      WORKER_CONCURRENCY: concurrency,
      // One client address sends everything here; the per-key limit is not what is measured.
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...(redisUrl ? { REDIS_URL: redisUrl, QUEUE_NAME: queueName } : {}),
    };
    const listening = await start('server', env);
    url = String(listening.msg).replace('Server listening at ', '');
    if (redisUrl) await Promise.all(Array.from({ length: workerCount }, () => start('worker', env)));
    setup = redisUrl ? `API + ${workerCount} worker processes (BullMQ, WORKER_CONCURRENCY=${concurrency} each)` : `API, in-process runner (WORKER_CONCURRENCY=${concurrency})`;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const path = `/v1/plans?wait=${wait}`;

  // Warm-up: JIT, solver threads, connections.
  for (let i = 0; i < 3; i++) await fetch(url + path, { method: 'POST', headers, body });

  const rows: Record<string, unknown>[] = [];
  for (const connections of levels) {
    let completed = 0;
    let incomplete = 0;
    let checked = 0;
    let violations = 0;
    let solveSum = 0;
    const result = await autocannon({
      url,
      connections,
      duration,
      timeout: wait + 20,
      requests: [
        {
          method: 'POST',
          path,
          headers,
          body,
          onResponse: (status, text) => {
            if (status !== 200 && status !== 202) return;
            const rec = JSON.parse(text) as { status: string; result?: PlanResult };
            if (status !== 200 || rec.status !== 'completed' || !rec.result) return void incomplete++;
            completed++;
            solveSum += rec.result.summary.solveSeconds;
            if (checked < 3) {
              checked++;
              violations += checkPlan(request, rec.result, documentedGreatCircle).length;
            }
          },
        },
      ],
    });
    const codes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
    const row = {
      connections,
      completed,
      throughputPerSecond: Math.round((completed / result.duration) * 100) / 100,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      meanSolveMs: completed ? Math.round((solveSum / completed) * 1000) : null,
      errors: result.errors + result.non2xx + incomplete,
      detail: { statusCodes: codes, connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, waitRanOut: incomplete, violationsInChecked: violations },
    };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `${setup}; ${machine}; ${duration} s per level; POST ${path} with ${fixturePath.slice(root.length + 1)}${timeLimit ? `, timeLimitSeconds ${timeLimit}` : ''}`,
    '',
    '| clients | plans/s | p50 ms | p99 ms | max ms | mean solve ms | errors |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const l = r.latencyMs as { p50: number; p99: number; max: number };
      return `| ${String(r.connections)} | ${String(r.throughputPerSecond)} | ${l.p50} | ${l.p99} | ${l.max} | ${String(r.meanSolveMs)} | ${String(r.errors)} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ setup, machine, duration, path, rows }, null, 2));
}

try {
  await main();
} finally {
  await stopAll();
  if (redisUrl && !target) await dropQueue(redisUrl);
}
