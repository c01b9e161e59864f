/**
 * A token bucket: `perSecond` tokens a second, holding at most `capacity` (a burst). The workers hold each
 * system's rate limit with one (src/systems/rateBudgets.ts); the sandbox's stand-ins answer 429 with one.
 */
export class TokenBucket {
  private tokensNow: number;
  private refilledAt: number;

  constructor(
    readonly perSecond: number,
    readonly capacity: number = Math.max(1, Math.round(perSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokensNow = capacity;
    this.refilledAt = now();
  }

  /** The tokens there are now (fractions included; below zero while a debt is paid back). */
  get tokens(): number {
    this.refill();
    return this.tokensNow;
  }

  /** Takes a token if one is there; never waits. */
  tryTake(): boolean {
    this.refill();
    if (this.tokensNow < 1) return false;
    this.tokensNow -= 1;
    return true;
  }

  /** Takes a token whether or not one is there: a call someone else already paced still counts. */
  debit(): void {
    this.refill();
    this.tokensNow -= 1;
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
}
