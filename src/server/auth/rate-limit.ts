/**
 * Failed sign-ins, counted per account and per client address over a sliding window. When
 * either key reaches the limit, sign-in answers 429 with Retry-After until the oldest
 * failure leaves the window, whether or not the password is right.
 */
import { MINUTE } from "../../core/time.ts";

export interface LimitOptions {
  maxFailures: number;
  window: number;
}

export const DEFAULT_LIMIT: LimitOptions = { maxFailures: 5, window: 15 * MINUTE };
/** Keys kept at most; the oldest go first (a flood of random names must not exhaust memory). */
const MAX_KEYS = 50_000;

export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(readonly options: LimitOptions = DEFAULT_LIMIT) {}

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => t > now - this.options.window);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** Seconds to wait before trying again, or 0 when every key may try now. */
  retryAfter(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const list = this.#recent(key, now);
      if (list.length >= this.options.maxFailures) {
        const oldest = list[list.length - this.options.maxFailures]!;
        wait = Math.max(wait, Math.ceil((oldest + this.options.window - now) / 1000));
      }
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.delete(key);
      this.#failures.set(key, list);
    }
    while (this.#failures.size > MAX_KEYS) {
      const first = this.#failures.keys().next().value;
      if (first === undefined) break;
      this.#failures.delete(first);
    }
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }
}
