/**
 * Client-side rate budgets: Ferry paces itself under a vendor's documented limits instead of
 * bouncing off them. Each budget is a token bucket (capacity `requests` per `windowMs`,
 * refilled continuously) for one scope; writes also draw from a second bucket when `writes`
 * is set. A request reserves its tokens on arrival and then waits (through the injected
 * sleep) until they exist, so waiters are served in order and never stampede. A 429 pauses
 * the whole scope until its retry time, so concurrent requests do not all bounce too.
 */
import type { Clock, Millis } from "../../core/time.ts";
import type { Sleep } from "./sleep.ts";

export interface RateBudget {
  /** The request scope it governs (`HttpRequest.scope`); `"*"` governs every request. */
  scope: string;
  /** Requests (or resource units, see `HttpRequest.cost`; the `"*"` budget counts requests) per window. */
  requests: number;
  windowMs: number;
  /** Writes (non-GET) allowed per window, on top of `requests`. */
  writes?: number;
  /** The writes window when it differs (Entra identity writes: 3 000 per 2.5 min, §A9). */
  writesWindowMs?: number;
}

/**
 * A token bucket that may go into debt: `reserve` takes now and says how long until the debt
 * is paid. Kept in integer "token·ms" units (one token = `windowMs` units, refilled at
 * `capacity` units per ms), so long runs accumulate no rounding error.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #windowMs: number;
  readonly #full: number;
  #level: number;
  #updated: Millis;

  constructor(capacity: number, windowMs: number, now: Millis) {
    if (!(capacity > 0) || !(windowMs > 0))
      throw new RangeError("a rate budget needs capacity > 0 and windowMs > 0");
    this.capacity = capacity;
    this.#windowMs = windowMs;
    this.#full = capacity * windowMs;
    this.#level = this.#full;
    this.#updated = now;
  }

  /** Takes `cost` tokens (at most the capacity) and returns the ms to wait before using them. */
  reserve(cost: number, now: Millis): number {
    if (now > this.#updated) {
      this.#level = Math.min(this.#full, this.#level + (now - this.#updated) * this.capacity);
      this.#updated = now;
    }
    this.#level -= Math.min(cost, this.capacity) * this.#windowMs;
    return this.#level >= 0 ? 0 : Math.ceil(-this.#level / this.capacity);
  }
}

interface Buckets {
  requests: TokenBucket;
  writes?: TokenBucket;
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #byScope = new Map<string, Buckets[]>();
  readonly #pausedUntil = new Map<string, Millis>();

  constructor(budgets: readonly RateBudget[], clock: Clock, sleep: Sleep) {
    this.#clock = clock;
    this.#sleep = sleep;
    for (const b of budgets) {
      const now = clock.now();
      const buckets: Buckets = { requests: new TokenBucket(b.requests, b.windowMs, now) };
      if (b.writes !== undefined)
        buckets.writes = new TokenBucket(b.writes, b.writesWindowMs ?? b.windowMs, now);
      this.#byScope.set(b.scope, [...(this.#byScope.get(b.scope) ?? []), buckets]);
    }
  }

  /**
   * Waits until `scope` may send one more request; returns the time waited (fake or real).
   * Each wait is one call to the injected sleep.
   */
  async acquire(scope: string, use: { write: boolean; cost: number }, signal?: AbortSignal): Promise<number> {
    const now = this.#clock.now();
    let wait = 0;
    const take = (buckets: Buckets[] | undefined, cost: number) => {
      for (const b of buckets ?? []) {
        wait = Math.max(wait, b.requests.reserve(cost, now));
        if (use.write && b.writes) wait = Math.max(wait, b.writes.reserve(1, now));
      }
    };
    take(this.#byScope.get(scope), use.cost);
    if (scope !== "*") take(this.#byScope.get("*"), 1); // `cost` is in the scope's own units
    let waited = 0;
    for (;;) {
      const t = this.#clock.now();
      const until = Math.max(now + wait, this.#pausedUntil.get(scope) ?? 0);
      if (until <= t) return waited;
      await this.#sleep(until - t, signal);
      waited += until - t;
    }
  }

  /** Holds back every request in `scope` until `until` (a 429's retry time). Never shortens a pause. */
  pause(scope: string, until: Millis): void {
    if (until > (this.#pausedUntil.get(scope) ?? 0)) this.#pausedUntil.set(scope, until);
  }
}
