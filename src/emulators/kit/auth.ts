/**
 * Credentials on the emulator side: bearer tokens that expire on the injected clock, Basic
 * checks, consistent 401s, and a generic OAuth client-credentials token route.
 */
import type { Clock, Millis } from "../../core/time.ts";
import { EmulatorError, json } from "./respond.ts";
import type { EmulatorRequest, Route } from "./types.ts";

export interface Grant {
  token: string;
  subject: string;
  claims: Record<string, unknown>;
  expiresAt: Millis;
  /** Seconds of life at issue, for `expires_in`. */
  expiresIn: number;
}

export type TokenCheck =
  | { ok: true; grant: Grant }
  | { ok: false; reason: "missing" | "unknown" | "expired" | "revoked" };

/** Issues opaque random tokens and remembers them until they expire (on the injected clock). */
export class TokenIssuer {
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #grants = new Map<string, Grant>();
  readonly #revoked = new Set<string>();

  constructor(options: { clock: Clock; random: () => number }) {
    this.#clock = options.clock;
    this.#random = options.random;
  }

  issue(subject: string, ttlSeconds: number, claims: Record<string, unknown> = {}): Grant {
    let token = "";
    for (let i = 0; i < 40; i++)
      token += "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(this.#random() * 36)];
    const grant = {
      token,
      subject,
      claims,
      expiresIn: ttlSeconds,
      expiresAt: this.#clock.now() + ttlSeconds * 1000,
    };
    this.#grants.set(token, grant);
    return grant;
  }

  check(token: string | undefined): TokenCheck {
    if (!token) return { ok: false, reason: "missing" };
    if (this.#revoked.has(token)) return { ok: false, reason: "revoked" };
    const grant = this.#grants.get(token);
    if (!grant) return { ok: false, reason: "unknown" };
    if (this.#clock.now() >= grant.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, grant };
  }

  /** Jamf's invalidate-token; later checks say `revoked`. */
  revoke(token: string): void {
    this.#revoked.add(token);
    this.#grants.delete(token);
  }
}

function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The token after `scheme` in the Authorization header (default `Bearer`; MaaS360 uses `MaaS token="…"`). */
export function bearerToken(req: EmulatorRequest, scheme = "Bearer"): string | undefined {
  const value = header(req, "authorization");
  if (!value?.toLowerCase().startsWith(`${scheme.toLowerCase()} `)) return undefined;
  return value.slice(scheme.length + 1).trim() || undefined;
}

export function basicCredentials(req: EmulatorRequest): { user: string; password: string } | undefined {
  const value = header(req, "authorization");
  if (!value?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(value.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The 401 every emulator answers with: the vendor's code and message, and a `WWW-Authenticate` challenge. */
export function unauthorized(code: string, message: string, challenge = "Bearer"): EmulatorError {
  return new EmulatorError(401, code, message, { "www-authenticate": challenge });
}

/** The grant behind the request's bearer token, or a 401 (`code`, default Graph's `InvalidAuthenticationToken`). */
export function requireBearer(
  issuer: TokenIssuer,
  req: EmulatorRequest,
  options: { code?: string; scheme?: string } = {},
): Grant {
  const result = issuer.check(bearerToken(req, options.scheme));
  if (result.ok) return result.grant;
  const why = {
    missing: "Access token is empty.",
    unknown: "Access token validation failure. Invalid audience.",
    expired: "Lifetime validation failed, the token is expired.",
    revoked: "Access token has been revoked.",
  }[result.reason];
  throw unauthorized(
    options.code ?? "InvalidAuthenticationToken",
    why,
    `${options.scheme ?? "Bearer"} error="invalid_token"`,
  );
}

/** The Basic user if `users[user] === password`, else a 401 with a Basic challenge. */
export function requireBasic(
  req: EmulatorRequest,
  users: Record<string, string>,
  code = "Unauthorized",
): string {
  const c = basicCredentials(req);
  if (c && Object.hasOwn(users, c.user) && users[c.user] === c.password) return c.user;
  throw unauthorized(code, "Invalid credentials", 'Basic realm="emulator"');
}

export interface OAuthClient {
  secret: string;
  /** Scopes this client may ask for; any when absent. */
  scopes?: readonly string[];
}

export interface OAuthTokenRouteOptions {
  path: string;
  issuer: TokenIssuer;
  clients: Record<string, OAuthClient>;
  ttlSeconds: number;
  /** Checks the `scope` field; returns an error description to refuse (Entra: must end in `/.default`). */
  checkScope?: (scope: string | undefined) => string | undefined;
  /** Adds vendor fields to an OAuth error body (Entra's `error_codes`, `trace_id`, …). */
  decorateError?: (body: { error: string; error_description: string }) => Record<string, unknown>;
}

/**
 * `POST <path>` with a form `grant_type=client_credentials, client_id, client_secret[, scope]`
 * → `{access_token, token_type, expires_in}`; refusals as `{error, error_description}` with
 * 400 (`unsupported_grant_type`, `invalid_scope`) or 401 (`invalid_client`). Public, never faulted.
 */
export function oauthTokenRoute(options: OAuthTokenRouteOptions): Route {
  const refuse = (status: number, error: string, description: string) => {
    const body = { error, error_description: description };
    return json(options.decorateError ? options.decorateError(body) : body, status);
  };
  return {
    method: "POST",
    path: options.path,
    public: true,
    faults: false,
    handler: (req) => {
      const form = req.form ?? new URLSearchParams();
      if (form.get("grant_type") !== "client_credentials") {
        return refuse(400, "unsupported_grant_type", "The grant type must be client_credentials.");
      }
      const id = form.get("client_id") ?? "";
      const client = Object.hasOwn(options.clients, id) ? options.clients[id] : undefined;
      if (!client || client.secret !== form.get("client_secret")) {
        return refuse(401, "invalid_client", "Invalid client secret provided.");
      }
      const scope = form.get("scope") ?? undefined;
      const scopeProblem = options.checkScope?.(scope);
      if (scopeProblem) return refuse(400, "invalid_scope", scopeProblem);
      const wanted = scope ? scope.split(" ") : [];
      if (client.scopes && wanted.some((s) => !client.scopes!.includes(s))) {
        return refuse(400, "invalid_scope", `The client may not request scope ${scope}.`);
      }
      const grant = options.issuer.issue(id, options.ttlSeconds, { scope });
      return json({
        access_token: grant.token,
        token_type: "Bearer",
        expires_in: grant.expiresIn,
        ...(scope ? { scope } : {}),
      });
    },
  };
}
