/**
 * The Jamf Pro HTTP client: the shared pipeline (connectors/http) with at most 5 requests in
 * flight (§C), a bearer token from an API client or from an account (kept alive with
 * `/api/v1/auth/keep-alive`), Jamf Cloud's sticky-session cookie (so a read after a write goes
 * to the node that took the write), and error messages an administrator can act on.
 */
import type { Clock, Millis } from "../../core/time.ts";
import {
  type AccessToken,
  AuthError,
  BearerTokenAuth,
  clientCredentials,
  HttpClient,
  type HttpRequest,
  type HttpResponse,
  isAuthError,
  isHttpError,
  type Logger,
  type Requester,
  realSleep,
  type Sleep,
  VENDOR_LIMITS,
} from "../http/index.ts";
import { JAMF_DEFAULTS, type JamfConfig, resolveJamfSecrets } from "./config.ts";

export const JAMF_SERVICE = "Jamf Pro";

/** The privileges Ferry needs (names as Jamf Pro's privilege list shows them; the unmanage ones [U]). */
export const JAMF_REQUIRED_PRIVILEGES = Object.freeze({
  readComputers: "Read Computers",
  readMobileDevices: "Read Mobile Devices",
  viewMdmCommands: "View MDM command information in Jamf Pro API",
  unmanageComputers: "Send Computer Unmanage Command",
  unmanageMobileDevices: "Send Mobile Device Unmanage Command",
});

/** Jamf Cloud's sticky-session cookies (GCP, AWS). */
const STICKY_COOKIES = ["jpro-ingress", "APBALANCEID"];

export interface JamfDeps {
  clock: Clock;
  sleep?: Sleep;
  random?: () => number;
  logger?: Logger;
  /** Where secrets are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A refusal the administrator must fix (credentials, API client, privileges): never retried. */
export class JamfAccessError extends Error {
  readonly kind = "JamfAccessError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "JamfAccessError";
  }
}

export function isJamfAccessError(e: unknown): e is JamfAccessError {
  return typeof e === "object" && e !== null && (e as { kind?: unknown }).kind === "JamfAccessError";
}

/** Requests through the pipeline, carrying the sticky-session cookie the server last set. */
export class JamfHttp implements Requester {
  readonly http: HttpClient;
  #cookie: string | undefined;

  constructor(http: HttpClient) {
    this.http = http;
  }

  /** The `name=value` of the sticky-session cookie in use, if any. */
  get stickyCookie(): string | undefined {
    return this.#cookie;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const headers = this.#cookie ? { ...req.headers, cookie: this.#cookie } : req.headers;
    const res = await this.http.request<T>(headers ? { ...req, headers } : req);
    this.#remember(res.headers);
    return res;
  }

  #remember(headers: Headers): void {
    const all =
      typeof headers.getSetCookie === "function" ? headers.getSetCookie() : [headers.get("set-cookie") ?? ""];
    for (const line of all) {
      const pair = line.split(";")[0]?.trim() ?? "";
      const name = pair.split("=")[0] ?? "";
      if (STICKY_COOKIES.includes(name)) this.#cookie = pair;
    }
  }
}

export interface JamfClient {
  http: JamfHttp;
  config: JamfConfig;
  explain(e: unknown): unknown;
}

function errorOf(body: unknown): { code: string | undefined; description: string | undefined } {
  const first = (body as { errors?: { code?: unknown; description?: unknown }[] } | undefined)?.errors?.[0];
  return {
    code: typeof first?.code === "string" ? first.code : undefined,
    description: typeof first?.description === "string" ? first.description : undefined,
  };
}

/**
 * A token source for an account: `POST /api/v1/auth/token` with Basic auth the first time, then
 * `POST /api/v1/auth/keep-alive` with the current token while it is valid (§C); Basic again
 * once it has expired or keep-alive is refused.
 */
export function jamfAccountTokens(options: {
  http: HttpClient;
  username: string;
  password: string;
  clock: Clock;
}): () => Promise<AccessToken> {
  const { http, clock } = options;
  const basic = `Basic ${Buffer.from(`${options.username}:${options.password}`, "utf8").toString("base64")}`;
  let current: { token: string; expiresAt: Millis } | undefined;
  const parse = (body: unknown): { token: string; expiresAt: Millis } => {
    const b = body as { token?: unknown; expires?: unknown } | undefined;
    const expiresAt = typeof b?.expires === "string" ? Date.parse(b.expires) : Number.NaN;
    if (typeof b?.token !== "string" || Number.isNaN(expiresAt)) {
      throw new AuthError({
        endpoint: "/api/v1/auth/token",
        code: "bad_token_response",
        description: "the answer held no token and expiry",
        status: 200,
        retryable: true,
      });
    }
    return { token: b.token, expiresAt };
  };
  const asAuthError = (e: unknown, endpoint: string): unknown => {
    if (!isHttpError(e)) return e;
    const { code, description } = errorOf(e.body);
    return new AuthError({
      endpoint,
      code: code ?? `http_${e.status}`,
      description: description ?? e.message,
      status: e.status,
      retryable: e.status === 0 || e.status === 429 || e.status >= 500,
      cause: e,
    });
  };
  return async () => {
    if (current && clock.now() < current.expiresAt) {
      try {
        const res = await http.request({
          method: "POST",
          path: "/api/v1/auth/keep-alive",
          headers: { authorization: `Bearer ${current.token}` },
          idempotent: true,
        });
        current = parse(res.body);
        return { token: current.token, expiresAt: current.expiresAt };
      } catch (e) {
        if (!isHttpError(e) || e.status !== 401) throw asAuthError(e, "/api/v1/auth/keep-alive");
        // refused (expired early, invalidated): sign in again
      }
    }
    try {
      const res = await http.request({
        method: "POST",
        path: "/api/v1/auth/token",
        headers: { authorization: basic },
        idempotent: true,
      });
      current = parse(res.body);
      return { token: current.token, expiresAt: current.expiresAt };
    } catch (e) {
      throw asAuthError(e, "/api/v1/auth/token");
    }
  };
}

export function createJamfClient(config: JamfConfig, deps: JamfDeps): JamfClient {
  const secrets = resolveJamfSecrets(config, deps.env ?? process.env);
  const sleep = deps.sleep ?? realSleep;
  const base = config.url.replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? JAMF_DEFAULTS.timeoutMs;
  const common = {
    baseUrl: base,
    clock: deps.clock,
    sleep,
    service: JAMF_SERVICE,
    timeoutMs,
    // A 500/502 on a read is usually a node restarting; reads and unmanage are safe to repeat.
    retry: { isTransient: (status: number) => status === 500 || status === 502 },
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  };
  let fetchToken: () => Promise<AccessToken>;
  if (secrets.method === "oauth" && config.auth.method === "oauth") {
    fetchToken = clientCredentials({
      tokenUrl: `${base}/api/oauth/token`,
      clientId: config.auth.clientId,
      clientSecret: secrets.clientSecret,
      ...(config.auth.scope ? { scope: config.auth.scope } : {}),
      timeoutMs,
    });
  } else if (secrets.method === "basic" && config.auth.method === "basic") {
    fetchToken = jamfAccountTokens({
      http: new HttpClient(common),
      username: config.auth.username,
      password: secrets.password,
      clock: deps.clock,
    });
  } else {
    throw new Error("unreachable: auth method and secrets disagree");
  }
  const http = new HttpClient({
    ...common,
    auth: new BearerTokenAuth(fetchToken, { clock: deps.clock }),
    budgets: VENDOR_LIMITS.jamf.budgets,
    maxConcurrency: Math.min(
      config.maxConcurrency ?? JAMF_DEFAULTS.maxConcurrency,
      VENDOR_LIMITS.jamf.maxConcurrency,
    ),
  });
  return { http: new JamfHttp(http), config, explain: (e) => explainJamfError(e, config) };
}

const PRIVILEGE_LIST = Object.values(JAMF_REQUIRED_PRIVILEGES).join(", ");

/** Rewrites sign-in and privilege failures so the message says what to fix; returns other errors unchanged. */
export function explainJamfError(e: unknown, config: JamfConfig): unknown {
  const a = config.auth;
  if (isAuthError(e)) {
    if (e.retryable) return e;
    if (a.method === "oauth") {
      const hint =
        e.code === "invalid_scope"
          ? `the API client is not assigned the role(s) in "auth.scope" (${a.scope ?? ""}); assign them or drop the scope`
          : `check the client id in the configuration and the secret in the environment variable ${a.clientSecretEnv}, and that the client is enabled (Settings › System › API roles and clients)`;
      return new JamfAccessError(
        `${JAMF_SERVICE} refused the API client "${a.clientId}" (${e.code}: ${e.description || "no description"}): ${hint}.`,
        e.status,
        e.code,
        { cause: e },
      );
    }
    return new JamfAccessError(
      `${JAMF_SERVICE} refused the account "${a.username}" (${e.description || e.code}). Check the user name in the configuration ` +
        `and the password in the environment variable ${a.passwordEnv}; the account needs access to the Jamf Pro API.`,
      e.status,
      e.code,
      { cause: e },
    );
  }
  if (!isHttpError(e) || (e.status !== 401 && e.status !== 403)) return e;
  const { code, description } = errorOf(e.body);
  const said = description ? `: ${description}` : "";
  if (e.status === 403) {
    const who =
      a.method === "oauth"
        ? `the API role of client "${a.clientId}"`
        : `the privilege set of account "${a.username}"`;
    return new JamfAccessError(
      `${JAMF_SERVICE} denied ${e.method} ${e.path}${said}. Ferry needs these privileges in ${who}: ${PRIVILEGE_LIST}.`,
      403,
      code,
      { cause: e },
    );
  }
  return new JamfAccessError(
    `${JAMF_SERVICE} rejected Ferry's token for ${e.method} ${e.path}${said}, even after signing in again. ` +
      (a.method === "oauth"
        ? `The API client "${a.clientId}" may have been disabled.`
        : `The account "${a.username}" may have been disabled or lost API access.`),
    401,
    code,
    { cause: e },
  );
}
