/** Redis (the queue's store) cannot be reached; the API answers 503 with Retry-After. */
export class QueueUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('the plan queue is unavailable', { cause });
  }
}
