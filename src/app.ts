import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { registerAuth } from './http/plugins/auth.js';
import { registerErrorHandling } from './http/plugins/errors.js';
import { healthRoutes } from './http/routes/health.js';
import { planRoutes } from './http/routes/plans.js';
import type { PlanRequest } from './http/schemas/plan-request.js';
import type { PlanResult } from './http/schemas/plan-result.js';
import type { PlanRunner } from './jobs/runner.js';
import type { Metrics } from './metrics.js';

export interface AppDeps {
  readonly config: Config;
  readonly runner: PlanRunner<PlanRequest, PlanResult>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Shared client for the rate-limit store (and readiness) when Redis is configured. */
  readonly redis?: Redis | undefined;
  /** Registers the queue dashboard at /admin/queues (BullMQ only). */
  readonly dashboard?: ((app: FastifyInstance) => Promise<void>) | undefined;
}

export const API_VERSION = '1.0.0';

/** Build the HTTP app without listening; tests drive it with `inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, runner, metrics } = deps;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.MAX_BODY_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { coerceTypes: false } },
  });
  // JSON only: a body sent as text/plain gets 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built from typed objects; the schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandling(app);
  // Once closing, answers end their connection: an idle keep-alive socket would hold shutdown until the client drops it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.labels(req.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
  });

  await app.register(helmet, {
    // The docs UI needs inline scripts and styles; the API itself serves JSON only.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'] },
    },
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : [...config.corsOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
      exposedHeaders: ['location', 'retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }
  registerAuth(app, config.apiKeys);
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'beatplan:ratelimit:' } : {}),
    // Per API key (its digest, never the key itself); per address when open.
    keyGenerator: (req) => (req.headers.authorization ? `k:${hashKey(req.headers.authorization)}` : `ip:${req.ip}`),
    allowList: (req) => !req.url.startsWith('/v1/'),
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => new AppError('rate_limited', `at most ${ctx.max} requests per minute`, { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Beatplan',
        version: API_VERSION,
        description: 'Route planning and dispatch for field collection teams: which overdue accounts each field executive visits today, in what order, at what time.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
      tags: [{ name: 'plans' }, { name: 'operations' }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes({
    ready: async () => {
      const ok = await runner.ready().catch(() => false);
      return { ok, checks: { [runner.kind === 'bullmq' ? 'redis' : 'runner']: ok } };
    },
  }));
  await app.register(planRoutes({ runner, config, onPlanSubmitted: () => metrics.plansSubmitted.inc() }));
  if (config.METRICS) {
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      metrics.queueDepth.set(await runner.depth().catch(() => 0));
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  if (deps.dashboard) await deps.dashboard(app);
  return app;
}

function hashKey(header: string): string {
  return createHash('sha256').update(header).digest('hex').slice(0, 32);
}
