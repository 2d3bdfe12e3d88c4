import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config.js';
import { spawnService } from './support.js';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('configuration from the environment', () => {
  it('has working defaults: no variable is required', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, WORKER_HTTP_PORT: 3001, LOG_LEVEL: 'info', QUEUE_NAME: 'beatplan-plans', METRICS: true });
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.apiKeys).toEqual([]);
    expect(c.corsOrigins).toEqual([]);
  });

  it('reads values, treating empty strings as unset', () => {
    const c = loadConfig({
      PORT: '8080',
      REDIS_URL: 'redis://:secret@redis:6379/2',
      API_KEYS: ' acme:0123456789abcdef , globex:fedcba9876543210xyz ',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com,',
      METRICS: 'no',
      LOG_LEVEL: '',
      MAX_CASES: '500',
    });
    expect(c.PORT).toBe(8080);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.METRICS).toBe(false);
    expect(c.MAX_CASES).toBe(500);
    expect(c.apiKeys).toEqual([
      { tenant: 'acme', key: '0123456789abcdef' },
      { tenant: 'globex', key: 'fedcba9876543210xyz' },
    ]);
    expect(c.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it.each([
    ['PORT', 'abc', 'expected a whole number from 0 to 65535'],
    ['PORT', '70000', 'expected a whole number from 0 to 65535'],
    ['PORT', '80.5', 'expected a whole number'],
    ['WORKER_HTTP_PORT', '-1', 'expected a whole number from 0 to 65535'],
    ['WORKER_CONCURRENCY', '0', 'expected a whole number from 1 to 64'],
    ['MAX_BODY_BYTES', '100', 'of at least 1024'],
    ['MAX_QUEUE_DEPTH', 'lots', 'expected a whole number'],
    ['RATE_LIMIT_PER_MINUTE', '0', 'expected a whole number'],
    ['LOG_LEVEL', 'loud', 'expected one of'],
    ['NODE_ENV', 'prod', 'expected one of'],
    ['REDIS_URL', 'localhost:6379', 'expected a URL such as redis://'],
    ['OSRM_URL', 'osrm', 'expected a URL such as http://'],
    ['QUEUE_NAME', 'plans queue', 'must match pattern'],
    ['METRICS', 'maybe', 'expected one of'],
    ['OSRM_DURATION_FACTOR_CAR', '-1', 'expected number to be >0'],
    ['API_KEYS', 'acme:short', 'at least 16 characters'],
    ['API_KEYS', 'no-colon-here-0123456789', 'tenant:key'],
    ['API_KEYS', 'a:0123456789abcdef,b:0123456789abcdef', 'used twice'],
  ])('%s=%s is refused with a message naming it', (name, value, message) => {
    const list = problems({ [name]: value });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(new RegExp(`^${name}: `));
    expect(list[0]).toContain(message);
  });

  it('reports every bad variable at once, and never echoes a secret', () => {
    const list = problems({ PORT: 'x', LOG_LEVEL: 'loud', REDIS_URL: 'not a url :hunter2@' });
    expect(list.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'REDIS_URL']));
    expect(list.join('\n')).not.toContain('hunter2');
    const keys = problems({ API_KEYS: 'acme:tooshort-secret' });
    expect(keys.join('\n')).not.toContain('tooshort-secret');
  });

  it('checks rules between variables', () => {
    expect(problems({ DEFAULT_TIME_LIMIT_SECONDS: '20', MAX_TIME_LIMIT_SECONDS: '10' })).toEqual(['DEFAULT_TIME_LIMIT_SECONDS: must not exceed MAX_TIME_LIMIT_SECONDS']);
  });

  it('the README documents every variable', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    expect(section.length).toBeGreaterThan(100);
    const missing = ENV_VARIABLES.filter((v) => !new RegExp(`\\b${v}\\b`).test(section));
    expect(missing).toEqual([]);
  });
});

describe('a bad configuration stops the process with the message', () => {
  it('the API exits 78 (EX_CONFIG) naming each bad variable', async () => {
    const api = spawnService('src/server.ts', { PORT: 'abc', LOG_LEVEL: 'loud', REDIS_URL: 'redis://:s3cret@' }, 'bad-api');
    const { code } = await api.exited;
    expect(code).toBe(78);
    const out = api.output();
    expect(out).toContain('invalid configuration');
    expect(out).toContain('PORT: expected a whole number from 0 to 65535');
    expect(out).toContain('LOG_LEVEL: ');
    expect(out).not.toContain('s3cret');
  });

  it('the worker exits 78 without REDIS_URL, saying why', async () => {
    const worker = spawnService('src/worker.ts', {}, 'worker-without-redis');
    const { code } = await worker.exited;
    expect(code).toBe(78);
    expect(worker.logs.some((l) => l.level === 60 && String(l.msg).includes('REDIS_URL is required'))).toBe(true);
  });

  it('the worker exits 78 on a bad variable', async () => {
    const worker = spawnService('src/worker.ts', { REDIS_URL: 'redis://127.0.0.1:6379', JOB_LOCK_MS: '10' }, 'bad-worker');
    const { code } = await worker.exited;
    expect(code).toBe(78);
    expect(worker.output()).toContain('JOB_LOCK_MS: expected a whole number of at least 1000');
  });
});
