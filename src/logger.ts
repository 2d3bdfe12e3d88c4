import { stdSerializers, type LoggerOptions } from 'pino';

/**
 * Debtor personal data never reaches the logs. Handlers log ids and counts
 * only; two guards catch anything that slips through (a request body logged
 * on error, a job's data, an error carrying its input):
 * - fixed paths, censored by pino's redaction (also the API key headers);
 * - any property named in SENSITIVE_KEYS, at any depth of a logged object or
 *   of a serialized error, is replaced before the line is written.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
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

const CENSOR = '[redacted]';

/** Debtor fields of a case (and of anything built from one), and credentials. */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set(['debtor', 'address', 'phone', 'authorization', 'cookie']);

/** Beyond this depth a logged value is cut rather than searched. */
const MAX_DEPTH = 12;

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with personal fields censored; the same object when
 * there is nothing to censor, so the usual small log objects cost one walk.
 * Only plain objects and arrays are entered, unless `any`: requests and
 * replies have their own serializers, and errors are scrubbed, whole, after
 * theirs (a serialized error and what it carries are not plain objects).
 */
export function scrub(value: unknown, depth = 0, any = false): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = scrub(v, depth + 1, any);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return out ?? value;
  }
  if (!any && !isPlain(value)) return value;
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const s = SENSITIVE_KEYS.has(key.toLowerCase()) && v !== undefined && v !== null ? CENSOR : scrub(v, depth + 1, any);
    if (s !== v) (out ??= { ...obj })[key] = s;
  }
  return out ?? value;
}

export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    base: { service: 'beatplan', role: name },
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    serializers: { err: (err: Error) => scrub(stdSerializers.err(err), 0, true) },
  };
}
