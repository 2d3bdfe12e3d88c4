/**
 * One table of error codes. Every error the API returns is an RFC 9457
 * problem+json body whose `type` ends in one of these codes; the README's
 * table is checked against this one by a test.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, title: 'The body is not valid JSON' },
  validation_failed: { status: 400, title: 'The request does not satisfy the schema' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  not_found: { status: 404, title: 'No such resource' },
  payload_too_large: { status: 413, title: 'The body is larger than the server accepts' },
  unsupported_media_type: { status: 415, title: 'Send application/json' },
  idempotency_conflict: { status: 422, title: 'The Idempotency-Key was used with another body' },
  too_many_cases: { status: 422, title: 'More cases or executives than the server accepts in one plan' },
  rate_limited: { status: 429, title: 'Too many requests for this API key' },
  queue_full: { status: 429, title: 'Too many plans waiting; retry later' },
  internal: { status: 500, title: 'Internal error' },
  queue_unavailable: { status: 503, title: 'The plan queue is unavailable; retry later' },
  shutting_down: { status: 503, title: 'The server is shutting down' },
  // Plan failures (reported in a plan's `error`, not as HTTP errors).
  solve_failed: { status: 500, title: 'The plan could not be computed' },
  invalid_problem: { status: 400, title: 'The request maps to an invalid routing problem' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON path of the offending field, e.g. `cases.3.location.lat`. */
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { errors?: readonly FieldError[]; retryAfterSeconds?: number; [k: string]: unknown } = {},
  ) {
    super(message ?? ERROR_CODES[code].title);
    this.status = ERROR_CODES[code].status;
  }
}

export const PROBLEM_TYPE_BASE = 'https://beatplan.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: readonly FieldError[];
  [k: string]: unknown;
}

export function problemBody(err: AppError, instance?: string): ProblemBody {
  const { retryAfterSeconds: _r, ...extra } = err.extra;
  return {
    type: PROBLEM_TYPE_BASE + err.code,
    title: ERROR_CODES[err.code].title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...extra,
  };
}
