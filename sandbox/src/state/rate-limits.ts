/**
 * Token buckets on the sandbox clock: business-number throughput (130429) and the per-recipient pair rate
 * (131056: about one message per 6 s, with a burst allowance that borrows future quota).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token from the bucket `key`; false when it is empty. */
  take(key: string, capacity: number, refillEveryMs: number, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const refilled = Math.min(capacity, bucket.tokens + (now - bucket.at) / refillEveryMs);
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: refilled - 1, at: now });
    return true;
  }
}
