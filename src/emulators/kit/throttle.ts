/**
 * Emulator-side throttling: token buckets per scope (and optionally per caller), on the
 * injected clock, answering 429 with or without Retry-After as the vendor does. A refused
 * request takes no tokens.
 */
import type { Clock, Millis } from "../../core/time.ts";
import type { EmulatorRequest } from "./types.ts";

export interface ThrottleRule {
  /** Applies to routes with this `scope`. */
  scope: string;
  /** Requests per window. */
  requests: number;
  windowMs: number;
  /** Writes per window, counted besides `requests`. */
  writes?: number;
  writesWindowMs?: number;
  /** Send `Retry-After` (whole seconds until a token frees up)? Graph's CA endpoints never do (§A9). */
  retryAfter: boolean;
  /** Separate buckets per caller (e.g. per tenant or app); default one bucket for everyone. */
  keyOf?: (req: EmulatorRequest) => string;
  /** Extra headers on the 429 (e.g. `x-ms-throttle-scope`). */
  headers?: Record<string, string>;
  /** Error code and message for the vendor's error body (default `TooManyRequests`). */
  code?: string;
  message?: string;
}

/** A token bucket in integer "token·ms" units (one token = `windowMs`), so it never drifts. */
class Bucket {
  readonly #capacity: number;
  readonly #windowMs: number;
  #level: number;
  #updated: Millis;

  constructor(capacity: number, windowMs: number, now: Millis) {
    this.#capacity = capacity;
    this.#windowMs = windowMs;
    this.#level = capacity * windowMs;
    this.#updated = now;
  }

  /** Ms until one token is available (0 = now). */
  waitMs(now: Millis): number {
    if (now > this.#updated) {
      this.#level = Math.min(
        this.#capacity * this.#windowMs,
        this.#level + (now - this.#updated) * this.#capacity,
      );
      this.#updated = now;
    }
    return this.#level >= this.#windowMs ? 0 : Math.ceil((this.#windowMs - this.#level) / this.#capacity);
  }

  take(): void {
    this.#level -= this.#windowMs;
  }
}

export type ThrottleVerdict = { ok: true } | { ok: false; rule: ThrottleRule; waitMs: number };

export class Throttler {
  readonly #rules: readonly ThrottleRule[];
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { requests: Bucket; writes?: Bucket }>();

  constructor(rules: readonly ThrottleRule[], clock: Clock) {
    this.#rules = rules;
    this.#clock = clock;
  }

  /** Takes a token from every rule of the request's scope, or refuses (taking none) naming the rule that refused. */
  admit(req: EmulatorRequest, scope: string | undefined, write: boolean): ThrottleVerdict {
    if (scope === undefined) return { ok: true };
    const now = this.#clock.now();
    const applicable = this.#rules
      .map((rule, i) => ({ rule, i }))
      .filter(({ rule }) => rule.scope === scope)
      .map(({ rule, i }) => ({
        rule,
        buckets: this.#bucketsFor(rule, `${i}:${rule.keyOf?.(req) ?? ""}`, now),
      }));
    for (const { rule, buckets } of applicable) {
      const wait = Math.max(
        buckets.requests.waitMs(now),
        write && buckets.writes ? buckets.writes.waitMs(now) : 0,
      );
      if (wait > 0) return { ok: false, rule, waitMs: wait };
    }
    for (const { buckets } of applicable) {
      buckets.requests.take();
      if (write) buckets.writes?.take();
    }
    return { ok: true };
  }

  #bucketsFor(rule: ThrottleRule, key: string, now: Millis) {
    let b = this.#buckets.get(key);
    if (!b) {
      b = { requests: new Bucket(rule.requests, rule.windowMs, now) };
      if (rule.writes !== undefined)
        b.writes = new Bucket(rule.writes, rule.writesWindowMs ?? rule.windowMs, now);
      this.#buckets.set(key, b);
    }
    return b;
  }
}
