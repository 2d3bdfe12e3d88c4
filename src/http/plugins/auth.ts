import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey } from '../../config.js';
import { AppError } from '../../errors.js';
import { sendProblem } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: string;
  }
}

/** Tenant used when the server runs without API keys (loopback only). */
export const OPEN_TENANT = 'default';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer API keys → tenant. Keys are compared as SHA-256 digests with
 * timingSafeEqual (equal lengths, constant time), against every key, so the
 * time taken says nothing about which key came close.
 */
export function resolveTenant(keys: readonly ApiKey[], header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const given = digest(m[1]!);
  let tenant: string | null = null;
  for (const k of keys) if (timingSafeEqual(given, digest(k.key)) && tenant === null) tenant = k.tenant;
  return tenant;
}

/** Routes under these prefixes need a key (when keys are configured). */
const PROTECTED = ['/v1/', '/admin/'];

export function registerAuth(app: FastifyInstance, keys: readonly ApiKey[]): void {
  app.decorateRequest('tenant', OPEN_TENANT);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (keys.length === 0) return;
    const path = req.url.split('?')[0]!;
    if (!PROTECTED.some((p) => path.startsWith(p))) return;
    const tenant = resolveTenant(keys, req.headers.authorization);
    // Answered here, not thrown: plugins with their own error handler (the queue dashboard) would turn a throw into a 500.
    if (tenant === null) return sendProblem(reply, req, new AppError('unauthorized', 'send Authorization: Bearer <API key>'));
    req.tenant = tenant;
  });
}
