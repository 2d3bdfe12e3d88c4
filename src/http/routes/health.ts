import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export function healthRoutes(deps: { ready: () => Promise<{ ok: boolean; checks: Record<string, boolean> }> }) {
  return async (app: FastifyInstance): Promise<void> => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/healthz', { schema: { summary: 'The process is up', tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
      status: 'ok' as const,
    }));
    r.get(
      '/readyz',
      {
        schema: {
          summary: 'Ready to take plans (Redis reachable when configured)',
          tags: ['operations'],
          response: { 200: z.object({ status: z.string(), checks: z.record(z.string(), z.boolean()) }), 503: z.object({ status: z.string(), checks: z.record(z.string(), z.boolean()) }) },
        },
      },
      async (_req, reply) => {
        const { ok, checks } = await deps.ready().catch(() => ({ ok: false, checks: { runner: false } }));
        if (!ok) reply.header('retry-after', '5');
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
      },
    );
  };
}
