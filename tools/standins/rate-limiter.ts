export interface RateWindow {
  limit: number;
  /** Requests still allowed in the current window. */
  remaining: number;
  /** Milliseconds until the current window ends. */
  resetInMs: number;
}

export interface RateDecision {
  allowed: boolean;
  window: RateWindow;
  /** Whole seconds until a new window opens (for Retry-After); at least 1. */
  retryAfterSeconds: number;
}

/**
 * Fixed windows aligned to multiples of `windowMs` on the injected clock, so a test that
 * moves `now()` past a minute boundary gets a fresh budget. 001: "The permissible number
 * of API calls per minute"; the account-wide count ignores users and IP addresses.
 */
export class FixedWindowLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(private readonly limit: number, private readonly windowMs: number) {
    if (!(limit > 0) || !(windowMs > 0)) throw new Error('rate limit and window must be positive');
  }

  peek(now: number): RateWindow {
    this.roll(now);
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - this.used),
      resetInMs: this.windowStart + this.windowMs - now,
    };
  }

  take(now: number): RateDecision {
    this.roll(now);
    const allowed = this.used < this.limit;
    if (allowed) this.used += 1;
    const window = this.peek(now);
    return { allowed, window, retryAfterSeconds: Math.max(1, Math.ceil(window.resetInMs / 1000)) };
  }

  reset(): void {
    this.windowStart = Number.NEGATIVE_INFINITY;
    this.used = 0;
  }

  private roll(now: number): void {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }
}
