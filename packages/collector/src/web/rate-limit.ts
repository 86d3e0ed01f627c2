/**
 * Token buckets in process memory: each collector process limits on its own, so N processes behind a balancer
 * allow up to N times the rate in total (see docs/reliability.md). Idle buckets are swept so memory stays bounded.
 */
export interface RateLimit {
  /** Requests allowed in a burst. */
  burst: number;
  /** Tokens refilled per second. */
  perSecond: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  /** `null`: no limit (every request is let through). */
  constructor(
    private readonly limit: RateLimit | null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** 0 when allowed (and counted); else the whole seconds to wait before a token is free. */
  take(key: string): number {
    const limit = this.limit;
    if (!limit) return 0;
    const now = this.clock();
    this.sweep(now, limit);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
  }

  /** Buckets held (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number, limit: RateLimit) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    // A bucket idle long enough to be full again is the same as no bucket.
    const full = (limit.burst / limit.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > full) this.buckets.delete(key);
  }
}

/** `BURST/PER_SECOND` (e.g. `60/2`), or `off`; null when the text is neither. */
export function parseRateLimit(text: string): RateLimit | 'off' | null {
  if (text.trim().toLowerCase() === 'off') return 'off';
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) return null;
  const burst = Number(match[1]);
  const perSecond = Number(match[2]);
  if (!(burst >= 1) || !(perSecond > 0)) return null;
  return { burst, perSecond };
}
