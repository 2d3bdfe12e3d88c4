import { readFileSync } from 'node:fs';
import { makeApp } from '../support/app.js';
const t = await makeApp({ WORKER_CONCURRENCY: '1' });
for (const [f, lim] of [['team-day.json', 8], ['team-day.json', 30], ['plan-my-day.json', 5]] as const) {
  const body = JSON.parse(readFileSync('fixtures/' + f, 'utf8'));
  body.options.timeLimitSeconds = lim;
  const t0 = Date.now();
  const r = await t.app.inject({ method: 'POST', url: '/v1/plans?wait=60', payload: body });
  const s = r.json().result.summary;
  console.log(f, lim, Date.now() - t0, s.solveSeconds, s.stopReason, s.assigned);
}
await t.close();
