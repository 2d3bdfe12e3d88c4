import type { LoggerOptions } from 'pino';

/**
 * Debtor personal data never reaches the logs. Handlers log ids and counts
 * only; these paths are the second guard for anything that slips through
 * (a request body logged on error, a job's data).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.debtor',
  '*.address',
  '*.phone',
  '*.name',
  'cases[*].debtor',
  'cases[*].address',
  'body.cases[*].debtor',
  'body.cases[*].address',
  'request.cases[*].debtor',
  'request.cases[*].address',
  'data.request.cases[*].debtor',
  'data.request.cases[*].address',
  'plan.cases[*].debtor',
  'plan.cases[*].address',
];

export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'beatplan', role: name },
  };
}
