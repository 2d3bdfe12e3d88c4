/**
 * Helpers for the production suites: fixtures, real service processes
 * (`node --import tsx src/server.ts | src/worker.ts`), a private redis-server
 * that a test may kill and restart, and queue clean-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { ENV_VARIABLES } from '../../src/config.js';
import type { PlanRequestInput } from '../../src/http/schemas/plan-request.js';
import { REDIS_URL, redisAvailable } from '../support/app.js';

export { REDIS_URL };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const fixture = (name: string): PlanRequestInput =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')) as PlanRequestInput;

export const clone = <T>(v: T): T => structuredClone(v);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/**
 * Redis at REDIS_URL, or skip. With BEATPLAN_REQUIRE_REDIS=1 a missing Redis
 * throws (the suite fails instead of skipping).
 */
export async function hasRedis(): Promise<boolean> {
  return redisAvailable();
}

export const uniqueName = (name: string): string => `prod-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Delete a queue's BullMQ keys and the service's own keys for it. */
export async function dropQueue(queue: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    for (const pattern of [`bull:${queue}:*`, `beatplan:${queue}:*`]) {
      const keys = await r.keys(pattern);
      if (keys.length > 0) await r.del(...keys);
    }
  } catch {
    /* Redis already gone: nothing to clean */
  } finally {
    r.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** An environment with none of the service's variables inherited from the test run. */
export function serviceEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ENV_VARIABLES) delete env[k];
  delete env.NODE_OPTIONS; // vitest's loaders are not for the child
  return { ...env, LOG_LEVEL: 'info', ...vars };
}

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [k: string]: unknown;
}

export interface Service {
  readonly proc: ChildProcess;
  readonly name: string;
  /** Everything written to stdout and stderr, as text. */
  output(): string;
  /** stdout lines that parsed as JSON (pino). */
  readonly logs: LogLine[];
  waitForLog(match: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Run `src/server.ts` or `src/worker.ts` as the image does, from TypeScript sources. */
export function spawnService(entry: 'src/server.ts' | 'src/worker.ts', vars: Record<string, string>, name: string = entry): Service {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: serviceEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const chunks: string[] = [];
  const logs: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let partial = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    chunks.push(d);
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        continue;
      }
      logs.push(parsed);
      for (const w of [...waiters]) if (w.match(parsed)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(parsed));
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  const service: Service = {
    proc,
    name,
    output: () => chunks.join(''),
    logs,
    exited,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    waitForLog(match, timeoutMs = 30_000, what = 'a log line') {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms; output:\n${service.output().slice(-4000)}`)), timeoutMs);
        const waiter = {
          match,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        waiters.push(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) before ${what}; output:\n${service.output().slice(-4000)}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (service.alive()) proc.kill(signal);
      return exited;
    },
  };
  return service;
}

/** The base URL of a started API server, from Fastify's "Server listening at" line. */
export async function apiAddress(api: Service, timeoutMs = 30_000): Promise<string> {
  const line = await api.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at http://127.0.0.1:'), timeoutMs, 'listening line');
  return line.msg!.slice('Server listening at '.length);
}

export async function startApi(vars: Record<string, string>, name = 'api'): Promise<{ service: Service; url: string }> {
  const service = spawnService('src/server.ts', { PORT: '0', ...vars }, name);
  const url = await apiAddress(service);
  await service.waitForLog((l) => l.msg === 'beatplan api ready', 30_000, 'ready line');
  return { service, url };
}

export async function startWorkerProcess(vars: Record<string, string>, name = 'worker'): Promise<{ service: Service; url: string | null }> {
  const service = spawnService('src/worker.ts', { WORKER_HTTP_PORT: '0', ...vars }, name);
  const ready = await service.waitForLog((l) => l.msg === 'beatplan worker ready', 30_000, 'ready line');
  return { service, url: (ready.http as string | null) ?? null };
}

/** A redis-server of the test's own, on a free port, that the test may kill and start again. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGKILL: Redis disappears as in a crash. */
  kill(): Promise<void>;
  clients(): Promise<string[]>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const ping = async (): Promise<boolean> => {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const self: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
      children.add(proc);
      const p = proc;
      p.once('exit', () => children.delete(p));
      await eventually(() => ping(), 10_000, `redis-server on ${port}`);
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await gone;
    },
    async clients() {
      const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
      r.on('error', () => undefined);
      try {
        const list = (await r.client('LIST')) as string;
        const mine = Number(/id=(\d+)/.exec((await r.client('INFO')) as string)?.[1]);
        return list
          .split('\n')
          .filter((l) => l.trim().length > 0 && Number(/id=(\d+)/.exec(l)?.[1]) !== mine);
      } finally {
        r.disconnect();
      }
    },
  };
  await self.start();
  return self;
}

/** True when nothing accepts TCP connections on host:port. */
export function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.setTimeout(3_000);
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
    s.once('timeout', () => (s.destroy(), resolve(true)));
  });
}

/** Prometheus text → `name{labels}` → value (labels as printed, in the order printed). */
export function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** Sum of the samples of `name` whose labels include every pair in `labels`. */
export function sample(metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const [key, value] of metrics) {
    const brace = key.indexOf('{');
    const n = brace < 0 ? key : key.slice(0, brace);
    if (n !== name) continue;
    const text = brace < 0 ? '' : key.slice(brace);
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) sum = (sum ?? 0) + value;
  }
  return sum;
}
