/**
 * The MaaS360 connector's HTTP client: the shared pipeline with a MaaS360 token
 * (`Authorization: MaaS token="…"`), obtained from the authenticate endpoint and renewed with
 * the refresh token when there is one (vendor-apis.md §E). A refused sign-in (non-zero
 * `errorCode`) is an AuthError naming the code and what to check.
 */
import type { Clock } from "../../core/time.ts";
import {
  type AccessToken,
  AuthError,
  at,
  BearerTokenAuth,
  HttpClient,
  HttpError,
  isHttpError,
  type Logger,
  type RateBudget,
  type Sleep,
  VENDOR_LIMITS,
} from "../http/index.ts";
import { type Maas360Config, type Maas360Secrets, maas360Secrets } from "./config.ts";

export interface Maas360Deps {
  clock: Clock;
  sleep: Sleep;
  random?: () => number;
  logger?: Logger;
  /** Where secrets are read from (the CLI passes `process.env`). */
  env: Record<string, string | undefined>;
}

export const MAAS360_SERVICE = "MaaS360";
export const MAAS360_SCOPES = { auth: "auth", devices: "devices", actions: "actions" } as const;

function baseOptions(config: Maas360Config, deps: Maas360Deps) {
  return {
    baseUrl: config.baseUrl,
    service: MAAS360_SERVICE,
    clock: deps.clock,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    // A 500 or 502 is usually passing; only idempotent requests are retried on it.
    retry: { isTransient: (status: number) => status === 500 || status === 502 },
    maxConcurrency: config.maxConcurrency,
    timeoutMs: config.timeoutMs,
    userAgent: "ferry (maas360 connector)",
  };
}

/**
 * The token source for BearerTokenAuth: the refresh endpoint when a refresh token is held
 * (falling back to a full sign-in if it is refused), else the authenticate endpoint.
 */
export function maas360TokenSource(
  config: Maas360Config,
  deps: Maas360Deps,
  secrets: Maas360Secrets,
): () => Promise<AccessToken> {
  const http = new HttpClient(baseOptions(config, deps));
  let refreshToken: string | undefined;
  const advice =
    `MaaS360 refused to sign in administrator "${config.username}" of account ${config.billingId}: ` +
    `check the user name, the password in ${config.passwordEnv}, the app ID "${config.appId}" and the access key in ${config.appAccessKeyEnv}, ` +
    "and that the administrator may use the web services API";

  const call = async (
    kind: "authenticate" | "refreshToken",
    extra: Record<string, string>,
  ): Promise<AccessToken> => {
    const path = `/auth-apis/auth/2.0/${kind}/customer/${encodeURIComponent(config.billingId)}`;
    const endpoint = `${new URL(config.baseUrl).host}${path}`;
    let res: Awaited<ReturnType<typeof http.request>>;
    try {
      res = await http.request({
        method: "POST",
        path,
        body: {
          authRequest: {
            maaS360AdminAuth: {
              billingID: config.billingId,
              platformID: config.platformId,
              appID: config.appId,
              appVersion: config.appVersion,
              appAccessKey: secrets.appAccessKey,
              userName: config.username,
              ...extra,
            },
          },
        },
        // Signing in again mints another token and changes nothing: safe to resend.
        idempotent: true,
        scope: MAAS360_SCOPES.auth,
        expect: [200, 400, 401, 403],
      });
    } catch (e) {
      if (!isHttpError(e)) throw e;
      throw new AuthError({
        endpoint,
        code: e.code,
        description: e.message,
        status: e.status,
        retryable: e.status === 0 || e.status === 429 || e.status >= 500,
        cause: e,
      });
    }
    const answer = at(res.body, "authResponse") as Record<string, unknown> | undefined;
    const errorCode = answer?.errorCode === undefined ? undefined : Number(answer.errorCode);
    if (
      res.status === 200 &&
      errorCode === 0 &&
      typeof answer?.authToken === "string" &&
      answer.authToken !== ""
    ) {
      refreshToken =
        typeof answer.refreshToken === "string" && answer.refreshToken ? answer.refreshToken : undefined;
      return { token: answer.authToken, expiresInSeconds: config.tokenLifetimeMinutes * 60 };
    }
    const desc = typeof answer?.errorDesc === "string" && answer.errorDesc ? `${answer.errorDesc}. ` : "";
    throw new AuthError({
      endpoint,
      code:
        errorCode !== undefined && Number.isFinite(errorCode)
          ? `errorCode ${errorCode}`
          : `http_${res.status}`,
      description: `${desc}${advice}`,
      status: res.status,
      retryable: false,
    });
  };

  return async () => {
    if (refreshToken) {
      const held = refreshToken;
      refreshToken = undefined;
      try {
        return await call("refreshToken", { refreshToken: held });
      } catch (e) {
        if (!(e instanceof AuthError) || e.retryable) throw e;
        deps.logger?.info({ code: e.code }, "maas360: the refresh token was refused; signing in again");
      }
    }
    return call("authenticate", { password: secrets.password });
  };
}

export interface Maas360Http {
  http: HttpClient;
  auth: BearerTokenAuth;
}

export function maas360Http(config: Maas360Config, deps: Maas360Deps): Maas360Http {
  const secrets = maas360Secrets(config, deps.env);
  const auth = new BearerTokenAuth(maas360TokenSource(config, deps, secrets), {
    clock: deps.clock,
    format: (token) => `MaaS token="${token}"`,
  });
  const budgets: RateBudget[] = [...VENDOR_LIMITS.maas360.budgets];
  if (config.requestsPerMinute)
    budgets.push({ scope: "*", requests: config.requestsPerMinute, windowMs: 60_000 });
  const http = new HttpClient({ ...baseOptions(config, deps), auth, budgets });
  return { http, auth };
}

/**
 * The same failure, worded for the admin: a 401 after a fresh token, or a 403, names the
 * administrator and the right that is missing.
 */
export function explainMaas360Error(e: unknown, config: Maas360Config, doing: "view" | "wipe"): unknown {
  if (!isHttpError(e) || (e.status !== 401 && e.status !== 403)) return e;
  const right =
    doing === "wipe" ? "the right to selectively wipe devices" : "the right to view devices (device search)";
  const message =
    e.status === 401
      ? `MaaS360 refused the token of administrator "${config.username}" (401) even after signing in again: check that the administrator may use the web services API. ${e.message}`
      : `MaaS360 does not let administrator "${config.username}" of account ${config.billingId} ${doing === "wipe" ? "selectively wipe devices" : "search devices"} (403). Give the administrator's role ${right}. ${e.message}`;
  return new HttpError({
    message,
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
