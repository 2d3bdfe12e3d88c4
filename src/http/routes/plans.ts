import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { IdempotencyConflictError } from '../../jobs/idempotency.js';
import type { PlanRecord, PlanRunner } from '../../jobs/runner.js';
import { QueueUnavailableError } from '../../jobs/queue-errors.js';
import { planToFeatureCollection } from '../../routing/geojson.js';
import { PlanRequestSchema, type PlanRequest } from '../schemas/plan-request.js';
import { AcceptedSchema, PlanRecordSchema, type PlanResult } from '../schemas/plan-result.js';
import { ProblemSchema } from '../schemas/problem.js';

export interface PlanRoutesDeps {
  readonly runner: PlanRunner<PlanRequest, PlanResult>;
  readonly config: Pick<Config, 'MAX_CASES' | 'MAX_EXECUTIVES' | 'MAX_TIME_LIMIT_SECONDS' | 'MAX_WAIT_SECONDS' | 'MAX_QUEUE_DEPTH'>;
  readonly onPlanSubmitted?: () => void;
}

const Params = z.object({ id: z.string().min(1).max(64) });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 413: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema, 503: ProblemSchema };

/** Public view of a record (the tenant stays internal). */
function view(r: PlanRecord<PlanResult>): z.infer<typeof PlanRecordSchema> {
  return {
    id: r.id,
    status: r.status,
    progress: r.progress,
    createdAt: r.createdAt,
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.result ? { result: r.result } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

async function mustGet(runner: PlanRunner<PlanRequest, PlanResult>, id: string, tenant: string): Promise<PlanRecord<PlanResult>> {
  const r = await runner.get(id, tenant).catch(rethrowQueue);
  if (!r) throw new AppError('not_found', `no plan ${id}`);
  return r;
}

function rethrowQueue(err: unknown): never {
  if (err instanceof QueueUnavailableError) throw new AppError('queue_unavailable', err.message, { retryAfterSeconds: 5 });
  throw err;
}

export function planRoutes(deps: PlanRoutesDeps) {
  const { runner, config } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/v1/plans',
      {
        schema: {
          summary: 'Plan a day',
          description:
            'Queues a plan and answers 202 with its id. With `?wait=SECONDS` the request is held until the plan completes (200 with the plan) or the wait runs out (202).',
          tags: ['plans'],
          body: PlanRequestSchema,
          querystring: z.object({ wait: z.coerce.number().min(0).max(600).optional().describe('Seconds to hold the request for the result') }),
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
          response: { 200: PlanRecordSchema, 202: PlanRecordSchema, ...problems },
        },
      },
      async (req, reply) => {
        const body = req.body;
        if (body.cases.length > config.MAX_CASES || body.executives.length > config.MAX_EXECUTIVES)
          throw new AppError('too_many_cases', `at most ${config.MAX_CASES} cases and ${config.MAX_EXECUTIVES} executives per plan`, {
            limits: { cases: config.MAX_CASES, executives: config.MAX_EXECUTIVES },
          });
        const limit = body.options.timeLimitSeconds;
        if (limit !== undefined && limit > config.MAX_TIME_LIMIT_SECONDS)
          throw new AppError('validation_failed', '1 invalid field in the body', {
            errors: [{ path: 'options.timeLimitSeconds', message: `at most ${config.MAX_TIME_LIMIT_SECONDS} seconds` }],
          });
        const depth = await runner.depth().catch(rethrowQueue);
        if (depth >= config.MAX_QUEUE_DEPTH) throw new AppError('queue_full', `${depth} plans waiting or running`, { retryAfterSeconds: 10 });
        const wait = Math.min(req.query.wait ?? 0, config.MAX_WAIT_SECONDS);
        let accepted: { id: string };
        try {
          accepted = await runner.submit(body, {
            tenant: req.tenant,
            requestId: req.id,
            held: wait > 0,
            idempotencyKey: req.headers['idempotency-key'] as string | undefined,
          });
        } catch (err) {
          if (err instanceof IdempotencyConflictError) throw new AppError('idempotency_conflict', err.message);
          rethrowQueue(err);
        }
        deps.onPlanSubmitted?.();
        req.log.info({ planId: accepted.id, cases: body.cases.length, executives: body.executives.length }, 'plan accepted');
        reply.header('location', `/v1/plans/${accepted.id}`);
        const record =
          wait > 0 ? await runner.wait(accepted.id, req.tenant, wait * 1000).catch(rethrowQueue) : await runner.get(accepted.id, req.tenant).catch(rethrowQueue);
        if (!record) throw new AppError('internal');
        return reply.code(record.status === 'completed' ? 200 : 202).send(view(record));
      },
    );

    r.get(
      '/v1/plans/:id',
      { schema: { summary: 'Read a plan', tags: ['plans'], params: Params, response: { 200: PlanRecordSchema, ...problems } } },
      async (req) => view(await mustGet(runner, req.params.id, req.tenant)),
    );

    r.delete(
      '/v1/plans/:id',
      { schema: { summary: 'Cancel a queued or running plan', tags: ['plans'], params: Params, response: { 200: PlanRecordSchema, ...problems } } },
      async (req) => {
        const rec = await runner.cancel(req.params.id, req.tenant).catch(rethrowQueue);
        if (!rec) throw new AppError('not_found', `no plan ${req.params.id}`);
        return view(rec);
      },
    );

    r.get(
      '/v1/plans/:id/geojson',
      {
        schema: {
          summary: 'The plan as a GeoJSON FeatureCollection',
          description: 'One LineString per itinerary, one Point per stop and per unassigned case. Opens in geojson.io, QGIS or kepler.gl.',
          tags: ['plans'],
          params: Params,
          response: { 200: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }), ...problems },
        },
      },
      async (req, reply) => {
        const rec = await mustGet(runner, req.params.id, req.tenant);
        if (rec.status !== 'completed' || !rec.result) throw new AppError('not_found', `plan ${rec.id} is ${rec.status}; GeoJSON exists once it completes`);
        return reply.type('application/geo+json').send(planToFeatureCollection(rec.result));
      },
    );

    r.get(
      '/v1/plans/:id/events',
      {
        schema: {
          summary: 'Progress as server-sent events',
          description: 'Events `status` and `progress` (JSON data: progress 0–100, best objective so far); the stream ends when the plan is final.',
          tags: ['plans'],
          params: Params,
          response: { 200: z.string().describe('text/event-stream'), ...problems },
        },
      },
      async (req, reply) => streamEvents(runner, req, reply, req.params.id),
    );
  };
}

async function streamEvents(runner: PlanRunner<PlanRequest, PlanResult>, req: FastifyRequest, reply: FastifyReply, id: string): Promise<void> {
  const first = await mustGet(runner, id, req.tenant);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const final = new Set(['completed', 'failed', 'cancelled']);
  let closed = false;
  let unsubscribe: () => void = () => {};
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const end = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  req.raw.on('close', end);
  unsubscribe = await runner.subscribe(id, (ev) => {
    if (closed) return;
    if (ev.type === 'progress') send('progress', ev.data);
    else {
      send('status', { status: ev.status });
      if (final.has(ev.status)) end();
    }
  });
  // Read again after subscribing so a change in between is not missed.
  const now = (await runner.get(id, req.tenant)) ?? first;
  send('status', { status: now.status, progress: now.progress });
  if (final.has(now.status)) end();
}
