// The runtime's notion of "now". Every time-based platform rule (the 50-per-minute budgets of
// $request, $db and server methods, $db ttl, $schedule's 5-minute/1-year window and firing, the
// retry delay of request templates) reads this clock, and so does `Date` inside the sandbox, so a
// test can move time instead of waiting for it (docs/platform.md "Request templates",
// "Key-value store", "Scheduled events").

export interface Clock {
  /** Milliseconds since the epoch, as the app and the platform rules see them. */
  now(): number;
  /** Moves the clock forward by `ms` (never backwards). */
  advance(ms: number): void;
  /**
   * Lets `ms` pass for a retry delay. A manual clock jumps forward instead of sleeping, so a test
   * never waits; a system clock really waits.
   */
  sleep(ms: number): Promise<void>;
}

function checkMs(ms: number, what: string): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${what} needs a finite, non-negative number of milliseconds, got ${String(ms)}`);
  }
}

/** A clock that moves only when told: `advance(ms)` or `set(ms)`. For tests. */
export class ManualClock implements Clock {
  private current: number;

  /** @param start epoch milliseconds to start at (default: the host's current time). */
  constructor(start: number = Date.now()) {
    checkMs(start, 'ManualClock start');
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    checkMs(ms, 'ManualClock.advance');
    this.current += ms;
  }

  /** Sets the time; it may not go backwards (the budgets and ttl assume time only grows). */
  set(ms: number): void {
    checkMs(ms, 'ManualClock.set');
    if (ms < this.current) {
      throw new RangeError(`ManualClock.set cannot move time backwards (${ms} < ${this.current})`);
    }
    this.current = ms;
  }

  sleep(ms: number): Promise<void> {
    checkMs(ms, 'ManualClock.sleep');
    this.current += ms;
    return Promise.resolve();
  }
}

/** Follows real time plus an adjustable offset, so a demo can jump ahead to fire a schedule. */
export class SystemClock implements Clock {
  private offset: number;

  constructor(offsetMs = 0) {
    this.offset = offsetMs;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    checkMs(ms, 'SystemClock.advance');
    this.offset += ms;
  }

  getOffset(): number {
    return this.offset;
  }

  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('SystemClock offset must be finite');
    this.offset = ms;
  }

  sleep(ms: number): Promise<void> {
    checkMs(ms, 'SystemClock.sleep');
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * Sliding one-minute window counter, shared by the $request, $db and server-method budgets
 * (docs/platform.md "Budgets": 50 requests a minute per app per account, 50 storage operations
 * and 50 server-method calls a minute per installation). A sliding window is the stricter
 * reading of "per minute": no burst of 100 across a minute boundary.
 */
export class MinuteBudget {
  private readonly stamps: number[] = [];

  constructor(
    private readonly clock: Clock,
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {}

  private prune(): void {
    const cutoff = this.clock.now() - this.windowMs;
    while (this.stamps.length > 0 && (this.stamps[0] as number) <= cutoff) this.stamps.shift();
  }

  /** Takes one unit if the window has room; returns false (and takes nothing) when it has not. */
  take(): boolean {
    this.prune();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(this.clock.now());
    return true;
  }

  used(): number {
    this.prune();
    return this.stamps.length;
  }

  reset(): void {
    this.stamps.length = 0;
  }
}
