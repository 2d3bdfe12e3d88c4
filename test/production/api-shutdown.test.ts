import { describe, expect, it } from 'vitest';
import type { PlanResult } from '../../src/http/schemas/plan-result.js';
import { checkPlan, documentedGreatCircle } from '../support/plan-checker.js';
import { eventually, fixture, refused, startApi } from './support.js';

describe('API shutdown (in-process runner, real process)', () => {
  it('SIGTERM: stops accepting, finishes the request in flight with its plan, exits 0', async () => {
    const { service: api, url } = await startApi({ SHUTDOWN_GRACE_MS: '30000', WORKER_CONCURRENCY: '1' }, 'shutdown-api');
    try {
      const req = fixture('team-day.json');
      req.options = { ...req.options, timeLimitSeconds: 3, directions: false };
      const inFlight = fetch(`${url}/v1/plans?wait=30`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) });
      await api.waitForLog((l) => l.msg === 'plan accepted', 20_000, 'the plan to be accepted');
      api.proc.kill('SIGTERM');
      await api.waitForLog((l) => l.msg === 'shutting down: no new requests, finishing in-flight ones', 5_000, 'the shutdown line');
      await eventually(() => refused('127.0.0.1', Number(new URL(url).port)), 5_000, 'the listener to close');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(res.headers.get('connection')).toBe('close');
      const body = (await res.json()) as { status: string; result: PlanResult };
      expect(body.status).toBe('completed');
      expect(checkPlan(req, body.result, documentedGreatCircle)).toEqual([]);
      expect(await api.exited).toEqual({ code: 0, signal: null });
      expect(api.logs.map((l) => l.msg)).toContain('stopped');
    } finally {
      await api.stop('SIGKILL');
    }
  });
});
