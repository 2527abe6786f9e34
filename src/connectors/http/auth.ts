/**
 * How requests get their credentials. The client calls `authorize` before every attempt;
 * after a 401 it calls it once more with `forceRefresh` (only for a `refreshable` provider)
 * and retries the request once.
 */
import { type Clock, MINUTE, type Millis } from "../../core/time.ts";

export interface AuthorizeContext {
  /** The last attempt got 401: obtain a new credential (if the rejected one is still current). */
  forceRefresh: boolean;
  /** The Authorization header value the server rejected, so concurrent 401s refresh only once. */
  rejected?: string;
}

export interface AuthProvider {
  /** Sets the request's credential headers (`Authorization`, vendor extras). */
  authorize(headers: Headers, context: AuthorizeContext): Promise<void>;
  /** Whether a 401 is worth one refresh-and-retry (true for tokens, false for Basic). */
  readonly refreshable: boolean;
}

/** What a token source returns: a lifetime (`expires_in`) or an absolute expiry (Jamf's `expires`). */
export interface AccessToken {
  token: string;
  expiresInSeconds?: number;
  expiresAt?: Millis;
}

export interface BearerTokenOptions {
  clock: Clock;
  /** Refresh this long before expiry (default 5 min; at most half the token's lifetime). */
  refreshBeforeMs?: number;
  /** The header value for a token; default `Bearer <token>` (MaaS360: `MaaS token="<token>"`). */
  format?: (token: string) => string;
}

/**
 * A bearer token from `fetchToken`, cached until shortly before it expires (on the injected
 * clock). Concurrent requests share one fetch; concurrent 401s for the same token cause one
 * refresh. A token source that throws (e.g. {@link AuthError}) fails the request.
 *
 * @example
 * const auth = new BearerTokenAuth(clientCredentials({ tokenUrl, clientId, clientSecret, scope }), { clock });
 */
export class BearerTokenAuth implements AuthProvider {
  readonly refreshable = true;
  /** How many tokens were fetched (for tests and benchmarks). */
  fetches = 0;
  readonly #fetchToken: () => Promise<AccessToken>;
  readonly #clock: Clock;
  readonly #refreshBeforeMs: number;
  readonly #format: (token: string) => string;
  #cached: { header: string; refreshAt: Millis } | undefined;
  #inflight: Promise<string> | undefined;

  constructor(fetchToken: () => Promise<AccessToken>, options: BearerTokenOptions) {
    this.#fetchToken = fetchToken;
    this.#clock = options.clock;
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 5 * MINUTE;
    this.#format = options.format ?? ((t) => `Bearer ${t}`);
  }

  async authorize(headers: Headers, context: AuthorizeContext): Promise<void> {
    const cached = this.#cached;
    const expired = !cached || this.#clock.now() >= cached.refreshAt;
    const rejectedCurrent =
      context.forceRefresh && (context.rejected === undefined || context.rejected === cached?.header);
    const header = expired || rejectedCurrent ? await this.#refresh() : cached!.header;
    headers.set("authorization", header);
  }

  /** Forgets the cached token; the next request fetches a new one. */
  invalidate(): void {
    this.#cached = undefined;
  }

  #refresh(): Promise<string> {
    this.#inflight ??= (async () => {
      try {
        const fetchedAt = this.#clock.now();
        const t = await this.#fetchToken();
        this.fetches++;
        const expiresAt = t.expiresAt ?? fetchedAt + (t.expiresInSeconds ?? 3600) * 1000;
        // A short-lived token (Jamf's lifetime is configurable) is refreshed at half-life, not every request.
        const margin = Math.min(this.#refreshBeforeMs, (expiresAt - fetchedAt) / 2);
        const header = this.#format(t.token);
        this.#cached = { header, refreshAt: expiresAt - margin };
        return header;
      } finally {
        this.#inflight = undefined;
      }
    })();
    return this.#inflight;
  }
}

/**
 * HTTP Basic credentials, plus any fixed headers the vendor wants beside them
 * (Workspace ONE: `aw-tenant-code`, §B).
 */
export class BasicAuth implements AuthProvider {
  readonly refreshable = false;
  readonly #header: string;
  readonly #extra: Record<string, string>;

  constructor(user: string, password: string, extraHeaders: Record<string, string> = {}) {
    this.#header = `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
    this.#extra = { ...extraHeaders };
  }

  async authorize(headers: Headers): Promise<void> {
    headers.set("authorization", this.#header);
    for (const [k, v] of Object.entries(this.#extra)) headers.set(k, v);
  }
}
