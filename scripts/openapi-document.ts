import { pino } from 'pino';
import { buildApp } from '../src/app.js';
import { createRuntime } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { createRunner } from '../src/jobs/index.js';

/** The OpenAPI document as the app serves it at /openapi.json, pretty-printed. */
export async function openapiDocument(): Promise<string> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const runtime = createRuntime(config, 'api', logger);
  const handle = await createRunner(runtime, { role: 'api' });
  const app = await buildApp({ config, runner: handle.runner, logger, metrics: runtime.metrics });
  await app.ready();
  const doc = JSON.stringify(app.swagger(), null, 2);
  await app.close();
  await handle.close(0);
  await runtime.close();
  return doc;
}
