import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, problemBody, type FieldError } from '../../errors.js';

/** `/cases/3/location/lat` → `cases.3.location.lat`. */
function dotted(instancePath: string): string {
  return instancePath.split('/').filter((s) => s.length > 0).join('.');
}

/** Turn any thrown error into problem+json; 5xx details stay in the log only. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext ?? 'body';
    const errors: FieldError[] = err.validation.map((v) => ({ path: dotted(v.instancePath) || where, message: v.message ?? 'invalid' }));
    return new AppError('validation_failed', `${errors.length} invalid field${errors.length === 1 ? '' : 's'} in the ${where}`, { errors });
  }
  const fe = err as Partial<FastifyError>;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', fe.message ?? 'invalid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return new AppError('rate_limited', fe.message, { retryAfterSeconds: 60 });
  }
  if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) return new AppError('invalid_json', err.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode === 429) return new AppError('rate_limited', fe.message ?? undefined);
  if (typeof fe.statusCode === 'number' && fe.statusCode === 413) return new AppError('payload_too_large');
  if (typeof fe.statusCode === 'number' && fe.statusCode === 415) return new AppError('unsupported_media_type');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && fe.validation)
    return new AppError('validation_failed', fe.message, { errors: [{ path: 'request', message: fe.message ?? 'invalid' }] });
  if (typeof fe.statusCode === 'number' && fe.statusCode === 400) return new AppError('invalid_json', fe.message ?? 'bad request');
  return new AppError('internal');
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError): FastifyReply {
  if (err.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(err.extra.retryAfterSeconds)));
  return reply.code(err.status).type('application/problem+json').send(problemBody(err, req.url.split('?')[0]));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: appErr.code, status: appErr.status }, 'request rejected');
    return sendProblem(reply, req, appErr);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
