/**
 * The Graph connector's HTTP client: the shared pipeline (`HttpClient`) with client-credentials
 * auth against Entra, Graph's documented budgets, retries that include Graph's transient
 * answers, errors that tell an admin what to change, and JSON `$batch` with per-request
 * retries (inner 429s with their own Retry-After, 5xx, 424).
 */

import type { Clock } from "../../core/time.ts";
import {
  AuthError,
  BearerTokenAuth,
  backoffMs,
  clientCredentials,
  describeErrorBody,
  GRAPH_SCOPES,
  HttpClient,
  HttpError,
  type HttpRequest,
  type HttpResponse,
  isAuthError,
  isHttpError,
  type Logger,
  noopLogger,
  parseRetryAfter,
  type RateBudget,
  type RetryPolicy,
  retryPolicy,
  type Sleep,
  seededRandom,
  TokenBucket,
  VENDOR_LIMITS,
} from "../http/index.ts";
import {
  GRAPH_DEFAULTS,
  type GraphConfig,
  type GraphDeps,
  type ResolvedGraphConfig,
  resolveGraphConfig,
} from "./config.ts";

/** Graph's JSON batching limit (§A8). */
export const BATCH_LIMIT = 20;

/** The budget scope of `sendMail`: Exchange's limits, not one of the Graph scopes of §A9. */
export const MAIL_SCOPE = "mail";

/**
 * Outlook's service limit for Graph mail: 10 000 requests per 10 minutes per app and mailbox
 * (learn.microsoft.com/graph/throttling-limits, "Outlook service limits"; not in
 * vendor-apis.md, so unconfirmed here). Exchange also caps a mailbox at 10 000 recipients a
 * day, which no request budget can pace: see docs/connectors/graph.md.
 */
export const MAIL_BUDGET: RateBudget = { scope: MAIL_SCOPE, requests: 10_000, windowMs: 600_000 };

/** The `.default` scope of the Graph cloud the base URL points at (national clouds have their own host). */
export function graphScopeFor(graphBaseUrl: string): string {
  const host = new URL(graphBaseUrl).host.toLowerCase();
  const sovereign = ["graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn"];
  return sovereign.includes(host) ? `https://${host}/.default` : GRAPH_DEFAULTS.scope;
}

/** Intune answers some transient failures with 400 "An error has occurred" (§A9); existing tools retry it. */
function intuneTransient(status: number, body: unknown): boolean {
  if (status !== 400) return false;
  return /^An error has occurred\b/.test(describeErrorBody(body).message ?? "");
}

/** What an admin should do about an Entra refusal (AADSTS code in the description). */
const AADSTS_HINTS: [RegExp, (c: ResolvedGraphConfig) => string][] = [
  [
    /AADSTS7000215|AADSTS7000222/,
    (c) =>
      `the client secret is wrong or has expired: create a new one in Entra ID › App registrations › ${c.clientId} › Certificates & secrets, and give Ferry its Value (not its Secret ID)`,
  ],
  [
    /AADSTS700016/,
    (c) =>
      `there is no app with client id ${c.clientId} in tenant ${c.tenantId}: check clientId and tenantId, and that an administrator consented to the app in this tenant`,
  ],
  [
    /AADSTS90002/,
    (c) => `tenant ${c.tenantId} does not exist: check tenantId (the tenant's GUID or its domain)`,
  ],
  [/AADSTS1002012|AADSTS70011/, () => `the scope must be ${GRAPH_DEFAULTS.scope}`],
  [/AADSTS900144/, () => "the token request was incomplete (a connector bug: please report it)"],
];

/**
 * The permission an endpoint needs (A2), for the hint on a 403. Checked in order, first match wins.
 */
const PERMISSION_HINTS: [RegExp, string][] = [
  [
    /^\/deviceManagement\/managedDevices\/[^/]+\/(retire|wipe|syncDevice)$/,
    "DeviceManagementManagedDevices.PrivilegedOperations.All",
  ],
  [/^\/deviceManagement\/managedDevices/, "DeviceManagementManagedDevices.Read.All"],
  [
    /^\/identity\/conditionalAccess/,
    "Policy.Read.All (and Policy.ReadWrite.ConditionalAccess to change a policy)",
  ],
  [/^\/groups/, "GroupMember.ReadWrite.All"],
  [/^\/users\/[^/]+\/sendMail$/, "Mail.Send"],
  [/^\/users/, "User.Read.All"],
];

function withoutTrace(description: string): string {
  return description.replace(/\s*Trace ID:.*$/s, "");
}

/** Counts directory writes per object (a `$batch` of 20 removals is 20 writes), paced on the injected clock. */
export class IdentityWrites {
  readonly #bucket: TokenBucket;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  /** Time spent waiting for the budget (fake or real ms). */
  waitedMs = 0;

  constructor(limit: { requests: number; windowMs: number }, clock: Clock, sleep: Sleep) {
    this.#bucket = new TokenBucket(limit.requests, limit.windowMs, clock.now());
    this.#clock = clock;
    this.#sleep = sleep;
  }

  async take(n: number): Promise<void> {
    if (n <= 0) return;
    const wait = this.#bucket.reserve(n, this.#clock.now());
    if (wait > 0) {
      this.waitedMs += wait;
      await this.#sleep(wait);
    }
  }
}

export interface BatchRequest {
  id: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Relative to the version root, e.g. `/groups/{id}/members/{member}/$ref`. */
  url: string;
  body?: unknown;
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface BatchOptions {
  /** The budget scope of the inner requests (all the same). */
  scope: string;
  /** Directory writes among them, paced by {@link IdentityWrites}. */
  writes?: boolean;
}

const RETRY_INNER = new Set([424, 429, 500, 502, 503, 504]);

export class GraphClient {
  readonly http: HttpClient;
  readonly auth: BearerTokenAuth;
  readonly config: ResolvedGraphConfig;
  readonly writes: IdentityWrites;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly logger: Logger;
  readonly #random: () => number;
  readonly #policy: RetryPolicy;

  constructor(config: GraphConfig, deps: GraphDeps) {
    this.config = resolveGraphConfig(config);
    this.clock = deps.clock;
    this.sleep = deps.sleep;
    this.logger = deps.logger ?? noopLogger;
    this.#random = deps.random ?? seededRandom(deps.clock.now() ^ 0x9e3779b9);
    this.#policy = retryPolicy({
      retryStatuses: [429, 500, 502, 503, 504],
      isTransient: intuneTransient,
      ...deps.retry,
    });
    this.auth = new BearerTokenAuth(
      clientCredentials({
        tokenUrl: this.config.tokenUrl,
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        scope: graphScopeFor(this.config.graphBaseUrl),
        ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      }),
      { clock: deps.clock },
    );
    const identity = VENDOR_LIMITS.graph.budgets.find((b) => b.scope === GRAPH_SCOPES.identity);
    // Identity writes are paced per directory object by `writes`, not per HTTP request.
    const budgets: RateBudget[] = (deps.budgets ?? [...VENDOR_LIMITS.graph.budgets, MAIL_BUDGET]).map((b) => {
      if (b.scope !== GRAPH_SCOPES.identity) return b;
      const { writes: _w, writesWindowMs: _ww, ...rest } = b;
      return rest;
    });
    this.writes = new IdentityWrites(
      deps.identityWrites ?? {
        requests: identity?.writes ?? 3_000,
        windowMs: identity?.writesWindowMs ?? 150_000,
      },
      deps.clock,
      deps.sleep,
    );
    this.http = new HttpClient({
      baseUrl: this.config.graphBaseUrl,
      service: "Microsoft Graph",
      clock: deps.clock,
      sleep: deps.sleep,
      random: this.#random,
      auth: this.auth,
      retry: this.#policy,
      budgets,
      logger: this.logger,
      userAgent: "ferry (graph connector)",
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.maxConcurrency === undefined ? {} : { maxConcurrency: deps.maxConcurrency }),
    });
  }

  /** `HttpClient.request`, with Entra refusals and 403s explained in an admin's terms. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await this.http.request<T>(req);
    } catch (e) {
      throw this.explain(e);
    }
  }

  /** The same error with a sentence saying what to change, when there is one to say. */
  explain(e: unknown): unknown {
    if (isAuthError(e)) {
      const hint = AADSTS_HINTS.find(([re]) => re.test(e.description))?.[1](this.config);
      const network = e.code === "network" ? `cannot reach ${this.config.authorityBaseUrl}` : undefined;
      const extra = hint ?? network;
      if (!extra) return e;
      return new AuthError({
        endpoint: this.config.tokenUrl.replace(/^https?:\/\//, ""),
        code: e.code,
        description: `${withoutTrace(e.description)} — ${extra}`,
        status: e.status,
        retryable: e.retryable,
        cause: e,
      });
    }
    if (isHttpError(e) && e.status === 403) {
      const permission = PERMISSION_HINTS.find(([re]) => re.test(e.path))?.[1];
      if (!permission) return e;
      return new HttpError({
        message: `${e.message} — grant the app the application permission ${permission} in Entra ID (admin consent required)`,
        status: e.status,
        code: e.code,
        requestId: e.requestId,
        attempts: e.attempts,
        body: e.body,
        method: e.method,
        path: e.path,
        cause: e,
      });
    }
    return e;
  }

  /**
   * Sends up to 20 requests per `$batch` (more are split), and sends again, after waiting, the
   * inner requests that were throttled (their own Retry-After), failed transiently (5xx) or
   * were not run (424). Returns one final response per request id. Inner requests must be
   * idempotent: a batch whose response was lost is sent again whole.
   */
  async batch(requests: readonly BatchRequest[], options: BatchOptions): Promise<Map<string, BatchResponse>> {
    const out = new Map<string, BatchResponse>();
    for (let i = 0; i < requests.length; i += BATCH_LIMIT) {
      for (const r of await this.#batchOnce(requests.slice(i, i + BATCH_LIMIT), options)) out.set(r.id, r);
    }
    return out;
  }

  async #batchOnce(requests: readonly BatchRequest[], options: BatchOptions): Promise<BatchResponse[]> {
    const done: BatchResponse[] = [];
    let pending = [...requests];
    const scopeStats = this.http.stats;
    const firstAt = this.clock.now();
    // Rounds in a row that completed nothing: a throttled batch that makes progress each round
    // (the server frees a few writes per second) keeps going, within the retry time budget.
    let stalled = 0;
    for (let attempt = 1; ; attempt++) {
      if (options.writes) await this.writes.take(pending.filter((r) => r.method !== "GET").length);
      const { body } = await this.request<{ responses?: unknown }>({
        method: "POST",
        path: "/$batch",
        body: {
          requests: pending.map((r) => ({
            id: r.id,
            method: r.method,
            url: r.url,
            ...(r.body === undefined
              ? {}
              : { body: r.body, headers: { "Content-Type": "application/json" } }),
          })),
        },
        scope: options.scope,
        cost: pending.length,
        idempotent: true,
      });
      const byId = new Map<string, BatchResponse>();
      for (const raw of Array.isArray(body?.responses) ? body.responses : []) {
        const r = raw as Partial<BatchResponse>;
        if (typeof r.id !== "string") continue;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
        byId.set(r.id, { id: r.id, status: Number(r.status), headers, body: r.body });
      }
      const again: BatchRequest[] = [];
      let waitMs = 0;
      let throttled = 0;
      for (const r of pending) {
        const res = byId.get(r.id);
        if (res && !RETRY_INNER.has(res.status)) {
          done.push(res);
          continue;
        }
        again.push(r);
        if (res?.status === 429) {
          throttled++;
          const asked = parseRetryAfter(res.headers["retry-after"], this.clock.now());
          if (asked !== undefined) waitMs = Math.max(waitMs, asked);
        }
      }
      if (again.length === 0) return done;
      if (throttled > 0) scopeStats.count(options.scope, "throttled", throttled);
      stalled = again.length < pending.length ? 0 : stalled + 1;
      // The longest Retry-After any throttled request asked for; otherwise exponential backoff.
      const wait =
        waitMs > 0
          ? Math.max(waitMs, this.#policy.minMs)
          : backoffMs(stalled + 1, this.#policy, this.#random);
      if (stalled >= this.#policy.maxAttempts || this.clock.now() + wait - firstAt > this.#policy.budgetMs) {
        const last = byId.get(again[0]!.id);
        const detail = last
          ? (describeErrorBody(last.body).message ?? `status ${last.status}`)
          : "no response";
        throw new Error(
          `Microsoft Graph did not complete ${again.length} of ${requests.length} batched requests after ${attempt} attempts (${again[0]!.method} ${again[0]!.url}: ${detail})`,
        );
      }
      this.logger.warn(
        { scope: options.scope, retrying: again.length, of: pending.length, delayMs: wait, attempt },
        "graph $batch: retrying inner requests",
      );
      await this.sleep(wait);
      pending = again;
    }
  }
}

/** True for a Graph error whose message says the object is a member already (a `$ref`/bind add). */
export function isAlreadyMember(status: number, body: unknown): boolean {
  return status === 400 && /already exist/i.test(describeErrorBody(body).message ?? "");
}

export function errorMessage(body: unknown): string {
  return describeErrorBody(body).message ?? "";
}
