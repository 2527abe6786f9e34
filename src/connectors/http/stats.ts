/** Counters the client keeps per scope, for benchmarks and for the operator's report. */

export interface ScopeStats {
  /** Sends, retries included. */
  requests: number;
  /** Sends that were retries (including the one retry after a token refresh). */
  retries: number;
  /** 429 responses received. */
  throttled: number;
  /** Requests that ended in an error thrown to the caller. */
  failures: number;
  /** Sends that had to wait for a rate budget or a 429 pause, and the total time waited. */
  budgetWaits: number;
  budgetWaitMs: number;
}

function empty(): ScopeStats {
  return { requests: 0, retries: 0, throttled: 0, failures: 0, budgetWaits: 0, budgetWaitMs: 0 };
}

export class HttpStats {
  readonly total: ScopeStats = empty();
  /** Per `HttpRequest.scope`; requests without one count under `"default"`. */
  readonly byScope: Record<string, ScopeStats> = {};

  /** Adds `by` to `field` of the scope and of the total. */
  count(scope: string, field: keyof ScopeStats, by = 1): void {
    this.byScope[scope] ??= empty();
    this.byScope[scope][field] += by;
    this.total[field] += by;
  }

  /** A plain copy, safe to serialise or compare. */
  snapshot(): { total: ScopeStats; byScope: Record<string, ScopeStats> } {
    return structuredClone({ total: this.total, byScope: this.byScope });
  }
}
