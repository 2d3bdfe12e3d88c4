/**
 * Circuit breaker for one OSRM base URL.
 *
 * closed    → every call goes out; `failureThreshold` consecutive server failures open it.
 * open      → no call goes out until `resetMs` has passed since it opened.
 * half-open → exactly one probe call goes out; success closes, failure re-opens (new timer).
 *
 * A "server failure" is a network error, a timeout, HTTP 429/5xx or an unreadable body. An OSRM
 * error answer such as `NoSegment` or `InvalidQuery` proves the server is up and counts as success.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly resetMs: number;
  readonly now?: () => number;
}

/** Proof that a call was admitted; hand it back with the call's verdict. */
export interface BreakerTicket {
  readonly probe: boolean;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private probeInFlight = false;
  private probeWaiters: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (!this.opened) return 'closed';
    return this.now() - this.openedAt >= this.options.resetMs ? 'half-open' : 'open';
  }

  /** Milliseconds until an open breaker lets a probe through (0 when not open). */
  get retryInMs(): number {
    return this.state === 'open' ? this.openedAt + this.options.resetMs - this.now() : 0;
  }

  /** True while the half-open probe is out; `probeSettled()` resolves when it has a verdict. */
  get probing(): boolean {
    return this.probeInFlight;
  }

  probeSettled(): Promise<void> {
    if (!this.probeInFlight) return Promise.resolve();
    return new Promise((resolve) => this.probeWaiters.push(resolve));
  }

  /** A ticket if a call may go out now, else null. */
  tryAcquire(): BreakerTicket | null {
    const state = this.state;
    if (state === 'closed') return { probe: false };
    if (state === 'open' || this.probeInFlight) return null;
    this.probeInFlight = true;
    return { probe: true };
  }

  success(ticket: BreakerTicket): void {
    if (ticket.probe) {
      this.opened = false;
      this.failures = 0;
      this.settleProbe();
    } else if (!this.opened) {
      this.failures = 0;
    }
    // A late success from before the breaker opened does not close it: only a probe may.
  }

  failure(ticket: BreakerTicket): void {
    if (ticket.probe) {
      this.trip();
      this.settleProbe();
      return;
    }
    if (this.opened) return;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.trip();
  }

  /** The call ended without a verdict (cancelled by the caller). */
  release(ticket: BreakerTicket): void {
    if (ticket.probe) this.settleProbe();
  }

  private settleProbe(): void {
    this.probeInFlight = false;
    const waiters = this.probeWaiters;
    this.probeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private trip(): void {
    this.opened = true;
    this.openedAt = this.now();
    this.failures = 0;
  }
}
