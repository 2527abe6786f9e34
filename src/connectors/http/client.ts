/**
 * The one HTTP pipeline every connector uses. For each send of a request:
 * concurrency slot → rate budget (or a 429 pause) → auth → fetch with a timeout → parse;
 * then either a response, or a retry decision (retry.ts) and a wait through the injected
 * sleep, or an HttpError a helpdesk can read. Time, waiting and randomness are all injected.
 *
 * @example
 * const graph = new HttpClient({
 *   baseUrl: "https://graph.microsoft.com/v1.0", service: "Intune", clock, sleep: realSleep,
 *   auth: new BearerTokenAuth(clientCredentials({ tokenUrl, clientId, clientSecret, scope }), { clock }),
 *   budgets: VENDOR_LIMITS.graph.budgets,
 * });
 * const { body } = await graph.request<Device>({ method: "GET", path: `/deviceManagement/managedDevices/${id}`,
 *   scope: GRAPH_SCOPES.intuneDevices });
 */
import type { Clock } from "../../core/time.ts";
import type { AuthProvider } from "./auth.ts";
import { type RateBudget, RateLimiter } from "./budget.ts";
import { isAuthError } from "./errors.ts";
import { describeOutcome, toHttpError } from "./failure.ts";
import { type Logger, loggableBody, noopLogger, redactQuery } from "./log.ts";
import { classifyNetworkError } from "./network.ts";
import { randomUuid, seededRandom } from "./random.ts";
import { type AttemptOutcome, decideRetry, type RetryPolicy, retryPolicy } from "./retry.ts";
import { Semaphore } from "./semaphore.ts";
import type { Sleep } from "./sleep.ts";
import { HttpStats } from "./stats.ts";
import { displayPath, encodeBody, parseBody, type Query, resolveUrl } from "./wire.ts";

export type HttpMethod = "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE";

const IDEMPOTENT = new Set<string>(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const READS = new Set<string>(["GET", "HEAD", "OPTIONS"]);

export interface HttpClientOptions {
  /** Prefix of every relative path, e.g. `https://graph.microsoft.com/v1.0` or an emulator's URL. */
  baseUrl: string;
  clock: Clock;
  sleep: Sleep;
  /** Jitter and request ids; default a generator seeded from the clock (reproducible on a ManualClock). */
  random?: () => number;
  auth?: AuthProvider;
  /** Changes to {@link DEFAULT_RETRY_POLICY}. */
  retry?: Partial<RetryPolicy>;
  /** Client-side rate budgets, chosen per request by `scope` ({@link VENDOR_LIMITS}). */
  budgets?: readonly RateBudget[];
  /** Requests in flight at once (Jamf: 5). Default unlimited. */
  maxConcurrency?: number;
  /** Wall-clock bound on one send, headers and body (default 30 000). It bounds a real socket, so it is real time. */
  timeoutMs?: number;
  logger?: Logger;
  userAgent?: string;
  defaultHeaders?: Record<string, string>;
  /** The product name in error messages ("Intune", "Jamf Pro"); default the base URL's host. */
  service?: string;
  /** Other origins absolute paths (next links) may point to; the base URL's origin is always allowed. */
  allowedOrigins?: readonly string[];
}

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to the base URL, or an absolute URL (a next link, followed verbatim). */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  /** A JSON value, a URLSearchParams (sent as a form), or a string sent verbatim. */
  body?: unknown;
  /** The rate-budget scope; also the key of `stats.byScope`. Default `"default"`. */
  scope?: string;
  /** Draws on the scope's write budget; default: any method but GET/HEAD/OPTIONS. */
  write?: boolean;
  /** Safe to send twice; default true for GET/HEAD/OPTIONS/PUT/DELETE. Set it on a POST the server deduplicates. */
  idempotent?: boolean;
  /** Budget units this request costs (Graph identity resource units); default 1. */
  cost?: number;
  /** Statuses that count as success; default any 2xx. E.g. `[200, 404]` to handle "not found" yourself. */
  expect?: readonly number[];
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the content type says JSON, else the text; undefined when empty (204). */
  body: T;
  /** The server's request id, else our client-request-id. */
  requestId: string;
  /** Sends it took. */
  attempts: number;
}

type Send =
  | { ok: true; response: HttpResponse<unknown> }
  | { ok: false; outcome: AttemptOutcome; requestId: string; authorization?: string };

export interface Call {
  method: HttpMethod;
  url: URL;
  path: string;
  logPath: string;
  scope: string;
  write: boolean;
  clientRequestId: string;
  req: HttpRequest;
  /** When the first send (or token attempt) happened: the retry budget counts from here, not from queueing. */
  firstSentAt?: number;
}

export class HttpClient {
  /** Sends, retries, 429s, failures and budget waits, in total and per scope. */
  readonly stats = new HttpStats();
  readonly #base: URL;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #auth: AuthProvider | undefined;
  readonly #policy: RetryPolicy;
  readonly #limiter: RateLimiter;
  readonly #slots: Semaphore | undefined;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #headers: Record<string, string>;
  readonly #service: string;
  readonly #origins: ReadonlySet<string>;
  #inFlight = 0;

  constructor(options: HttpClientOptions) {
    this.#base = new URL(options.baseUrl);
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    this.#random = options.random ?? seededRandom(options.clock.now());
    this.#auth = options.auth;
    this.#policy = retryPolicy(options.retry);
    this.#limiter = new RateLimiter(options.budgets ?? [], options.clock, options.sleep);
    this.#slots = options.maxConcurrency === undefined ? undefined : new Semaphore(options.maxConcurrency);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#log = options.logger ?? noopLogger;
    this.#headers = {
      accept: "application/json",
      "user-agent": options.userAgent ?? "ferry",
      ...options.defaultHeaders,
    };
    this.#service = options.service ?? this.#base.host;
    this.#origins = new Set((options.allowedOrigins ?? []).map((o) => new URL(o).origin));
  }

  /** Sends on the wire right now (between fetch and the end of the body); see FakeSleepOptions.idle. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Sends `req`, retrying per the policy; resolves with the response or rejects with HttpError, AuthError or the abort reason. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const method = req.method.toUpperCase() as HttpMethod;
    const url = resolveUrl(this.#base, req.path, req.query, this.#origins);
    const path = displayPath(this.#base, url);
    const logPath = url.search ? `${path}?${redactQuery(url.searchParams)}` : path;
    const call: Call = {
      method,
      url,
      path,
      logPath,
      scope: req.scope ?? "default",
      write: req.write ?? !READS.has(method),
      clientRequestId: randomUuid(this.#random),
      req,
    };
    const idempotent = req.idempotent ?? IDEMPOTENT.has(method);
    let attempt = 0;
    let refreshed = false;
    let rejected: { authorization: string | undefined } | undefined;
    for (;;) {
      attempt++;
      if (attempt > 1) this.stats.count(call.scope, "retries");
      const sent = await this.#send(call, attempt, rejected);
      rejected = undefined;
      if (sent.ok) return { ...sent.response, attempts: attempt } as HttpResponse<T>;
      const { outcome } = sent;
      if (outcome.kind === "status" && outcome.status === 401 && this.#auth?.refreshable && !refreshed) {
        refreshed = true;
        rejected = { authorization: sent.authorization };
        this.#log.warn(
          { ...this.#fields(call, attempt), status: 401 },
          "http 401: refreshing credentials once",
        );
        continue;
      }
      const now = this.#clock.now();
      const decision = decideRetry(outcome, {
        attempt: attempt - (refreshed ? 1 : 0),
        idempotent,
        elapsedMs: now - (call.firstSentAt ?? now),
        now,
        random: this.#random,
        policy: this.#policy,
      });
      if (!decision.retry) {
        this.stats.count(call.scope, "failures");
        if (outcome.kind === "auth") throw outcome.error;
        const why =
          outcome.kind === "status" && outcome.status === 401 && refreshed
            ? "rejected again after a token refresh"
            : decision.why;
        const error = toHttpError(this.#service, call, outcome, sent.requestId, attempt, why);
        this.#log.error(
          {
            ...this.#fields(call, attempt),
            status: error.status,
            code: error.code,
            requestId: error.requestId,
            body: loggableBody(error.body),
          },
          error.message,
        );
        throw error;
      }
      if (outcome.kind === "status" && outcome.status === 429)
        this.#limiter.pause(call.scope, now + decision.delayMs);
      this.#log.warn(
        {
          ...this.#fields(call, attempt),
          outcome: describeOutcome(outcome),
          delayMs: decision.delayMs,
          serverAsked: decision.serverAsked,
        },
        "http retry",
      );
      await this.#sleep(decision.delayMs, req.signal);
    }
  }

  async #send(
    call: Call,
    attempt: number,
    rejected: { authorization: string | undefined } | undefined,
  ): Promise<Send> {
    const { req } = call;
    const release = await this.#slots?.acquire(req.signal);
    try {
      const waited = await this.#limiter.acquire(
        call.scope,
        { write: call.write, cost: req.cost ?? 1 },
        req.signal,
      );
      if (waited > 0) {
        this.stats.count(call.scope, "budgetWaits");
        this.stats.count(call.scope, "budgetWaitMs", waited);
      }
      const { data, contentType } = encodeBody(req.body);
      const headers = new Headers(this.#headers);
      if (contentType) headers.set("content-type", contentType);
      headers.set("client-request-id", call.clientRequestId);
      for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k, v);
      if (this.#auth) {
        call.firstSentAt ??= this.#clock.now();
        try {
          const forceRefresh = rejected !== undefined;
          await this.#auth.authorize(
            headers,
            rejected?.authorization === undefined
              ? { forceRefresh }
              : { forceRefresh, rejected: rejected.authorization },
          );
        } catch (e) {
          if (isAuthError(e))
            return { ok: false, outcome: { kind: "auth", error: e }, requestId: call.clientRequestId };
          throw e;
        }
      }
      return await this.#fetch(call, attempt, headers, data);
    } finally {
      release?.();
    }
  }

  async #fetch(
    call: Call,
    attempt: number,
    headers: Headers,
    data: string | URLSearchParams | undefined,
  ): Promise<Send> {
    const { req } = call;
    const timeoutMs = req.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
    }, timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, controller.signal]) : controller.signal;
    this.stats.count(call.scope, "requests");
    const sentAt = this.#clock.now();
    call.firstSentAt ??= sentAt;
    let res: Response;
    let text: string;
    this.#inFlight++;
    try {
      res = await fetch(call.url, { method: call.method, headers, body: data ?? null, signal });
      text = await res.text();
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason;
      const failure = classifyNetworkError(e, timedOut, timeoutMs);
      if (!failure) throw e;
      this.#log.debug(
        { ...this.#fields(call, attempt), status: 0, ms: this.#clock.now() - sentAt, code: failure.code },
        "http request",
      );
      return { ok: false, outcome: { kind: "network", failure }, requestId: call.clientRequestId };
    } finally {
      this.#inFlight--;
      clearTimeout(timer);
    }
    const status = res.status;
    if (status === 429) this.stats.count(call.scope, "throttled");
    const requestId =
      res.headers.get("request-id") ??
      res.headers.get("x-request-id") ??
      res.headers.get("x-ms-request-id") ??
      call.clientRequestId;
    this.#log.debug(
      { ...this.#fields(call, attempt), status, ms: this.#clock.now() - sentAt, requestId },
      "http request",
    );
    const parsed = parseBody(text, res.headers.get("content-type"));
    const success = req.expect ? req.expect.includes(status) : status >= 200 && status < 300;
    if (success && parsed.ok) {
      return {
        ok: true,
        response: { status, headers: res.headers, body: parsed.value, requestId, attempts: attempt },
      };
    }
    if (success) return { ok: false, outcome: { kind: "malformed", status }, requestId };
    const body = parsed.ok ? parsed.value : text;
    const authorization = headers.get("authorization") ?? undefined;
    return {
      ok: false,
      outcome: { kind: "status", status, retryAfter: res.headers.get("retry-after"), body },
      requestId,
      ...(authorization === undefined ? {} : { authorization }),
    };
  }

  #fields(call: Call, attempt: number) {
    return {
      method: call.method,
      path: call.logPath,
      scope: call.scope,
      attempt,
      clientRequestId: call.clientRequestId,
    };
  }
}
