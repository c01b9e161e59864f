/**
 * A token bucket: `perSecond` tokens a second, holding at most `capacity` (a burst). The workers hold each
 * system's rate limit with one (src/systems/rateBudgets.ts); the sandbox's stand-ins answer 429 with one.
 */
export class TokenBucket {
  private tokensNow: number;
  private refilledAt: number;
  /** Callers waiting in take(), served first come, first served. */
  private readonly waiting: (() => void)[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly perSecond: number,
    readonly capacity: number = Math.max(1, Math.round(perSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokensNow = capacity;
    this.refilledAt = now();
  }

  /** The tokens there are now (fractions included). */
  get tokens(): number {
    this.refill();
    return this.tokensNow;
  }

  /** Takes a token if one is there and nobody waits for it; never waits. */
  tryTake(): boolean {
    this.refill();
    if (this.waiting.length > 0 || this.tokensNow < 1) return false;
    this.tokensNow -= 1;
    return true;
  }

  /** Takes a token, waiting in line for it: a burst is queued, never refused. */
  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Milliseconds until one token is back (0 when one is there). */
  msUntilNextToken(): number {
    this.refill();
    return this.tokensNow >= 1 ? 0 : ((1 - this.tokensNow) / this.perSecond) * 1000;
  }

  /** Milliseconds until the bucket is full again. */
  msUntilFull(): number {
    this.refill();
    return ((this.capacity - this.tokensNow) / this.perSecond) * 1000;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokensNow = Math.min(this.capacity, this.tokensNow + elapsed * this.perSecond);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer || this.waiting.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.refill();
        while (this.waiting.length > 0 && this.tokensNow >= 1) {
          this.tokensNow -= 1;
          this.waiting.shift()!();
        }
        this.schedule();
      },
      Math.max(1, Math.ceil(this.msUntilNextToken())),
    );
    // The timer alone must not keep a process alive that is otherwise done (the worker keeps its own).
    this.timer.unref();
  }
}
