/**
 * When to send a request again, and after how long. Pure functions of the attempt's outcome;
 * the client does the waiting (through the injected sleep).
 *
 * - Idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, or `idempotent: true`) are retried on
 *   429, 503, 504, network errors, timeouts, and a malformed JSON body on a 2xx.
 * - Other requests (POST, PATCH) only when the server clearly did not act: 429, 503 with
 *   `Retry-After`, or a connection that was never made.
 * - `Retry-After` (seconds or HTTP-date, read against the injected clock) is honoured;
 *   otherwise exponential backoff with full jitter between `minMs` and the capped ceiling.
 * - A request stops after `maxAttempts` sends or when the next wait would pass `budgetMs`
 *   since its first send.
 */
import type { Millis } from "../../core/time.ts";
import type { AuthError } from "./errors.ts";
import type { NetworkFailure } from "./network.ts";

export interface RetryPolicy {
  /** Sends in all, the first included (default 6). */
  maxAttempts: number;
  /** Backoff ceiling for the first retry, doubled per retry (default 500). */
  baseMs: number;
  /** Largest backoff ceiling (default 60 000). */
  maxMs: number;
  /** Shortest wait before any retry, even after `Retry-After: 0`, so there is never a tight loop (default 100). */
  minMs: number;
  /** Total time one request may spend, first send to last retry (default 5 min). */
  budgetMs: number;
  /** Statuses worth retrying (default 429, 503, 504). */
  retryStatuses: readonly number[];
  /** Extra transient responses, e.g. Intune's 400 "An error has occurred" (§A9). Idempotent requests only. */
  isTransient?: (status: number, body: unknown) => boolean;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  baseMs: 500,
  maxMs: 60_000,
  minMs: 100,
  budgetMs: 5 * 60_000,
  retryStatuses: Object.freeze([429, 503, 504]),
});

/** The default policy with some fields changed. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/** What one send produced, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: "status"; status: number; retryAfter: string | null; body: unknown }
  | { kind: "malformed"; status: number }
  | { kind: "network"; failure: NetworkFailure }
  | { kind: "auth"; error: AuthError };

export type RetryDecision =
  | { retry: true; delayMs: number; serverAsked: boolean }
  | { retry: false; why: string };

export interface RetryContext {
  /** Sends so far, this one included. */
  attempt: number;
  idempotent: boolean;
  /** Time since the first send. */
  elapsedMs: number;
  now: Millis;
  random: () => number;
  policy: RetryPolicy;
}

/** Milliseconds to wait per a `Retry-After` value (delta-seconds or HTTP-date), or undefined if absent/unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Millis): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter backoff before retry number `retry` (1 = first retry): uniform in [minMs, min(maxMs, baseMs·2^(retry−1))]. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  const low = Math.min(policy.minMs, ceiling);
  return Math.round(low + random() * (ceiling - low));
}

/** "1 attempt", "6 attempts". */
export function attempts(n: number): string {
  return n === 1 ? "1 attempt" : `${n} attempts`;
}

function retryable(outcome: AttemptOutcome, idempotent: boolean, policy: RetryPolicy, retryAfter?: number) {
  switch (outcome.kind) {
    case "auth":
      return outcome.error.retryable ? null : "the credentials were refused";
    case "network":
      return idempotent || outcome.failure.notSent ? null : "the server may have processed it";
    case "malformed":
      return idempotent ? null : "the server processed it";
    case "status": {
      const { status, body } = outcome;
      const listed = policy.retryStatuses.includes(status);
      if (!listed && !(idempotent && policy.isTransient?.(status, body))) return "";
      if (idempotent || status === 429 || (status === 503 && retryAfter !== undefined)) return null;
      return "the server may have processed it";
    }
  }
}

/**
 * Whether to retry after `outcome`, and how long to wait first. `why` explains a refusal for
 * the error message ("" when the outcome is simply not a transient one).
 */
export function decideRetry(outcome: AttemptOutcome, ctx: RetryContext): RetryDecision {
  const { policy } = ctx;
  const asked = outcome.kind === "status" ? parseRetryAfter(outcome.retryAfter, ctx.now) : undefined;
  const refusal = retryable(outcome, ctx.idempotent, policy, asked);
  if (refusal !== null) return { retry: false, why: refusal ? `not retried: ${refusal}` : "" };
  if (ctx.attempt >= policy.maxAttempts)
    return { retry: false, why: `gave up after ${attempts(ctx.attempt)}` };
  const delayMs =
    asked !== undefined ? Math.max(asked, policy.minMs) : backoffMs(ctx.attempt, policy, ctx.random);
  if (ctx.elapsedMs + delayMs > policy.budgetMs) {
    const why =
      asked !== undefined
        ? `the server asked to wait ${Math.ceil(asked / 1000)} s, beyond the ${policy.budgetMs / 1000} s retry budget`
        : `the ${policy.budgetMs / 1000} s retry budget ran out`;
    return { retry: false, why: `gave up after ${attempts(ctx.attempt)}: ${why}` };
  }
  return { retry: true, delayMs, serverAsked: asked !== undefined };
}
