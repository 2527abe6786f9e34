/**
 * Optional sign-in through OpenID Connect (Entra ID or any conforming issuer): authorization
 * code flow with PKCE (S256). The ID token is accepted only when its RS256 signature verifies
 * against the issuer's JWKS and its `iss`, `aud` (and `azp`), `exp`, `nbf`, `iat` and `nonce`
 * are right. Roles come from a claim (Entra app roles: `roles`) through `roleMap`.
 */
import {
  createHash,
  createHmac,
  createPublicKey,
  type JsonWebKey,
  randomBytes,
  timingSafeEqual,
  verify,
} from "node:crypto";
import { type Static, Type } from "typebox";
import { MINUTE } from "../../core/time.ts";
import { ApiError } from "../errors.ts";
import { ROLES, type Role } from "../roles.ts";

export const OidcConfigSchema = Type.Object(
  {
    issuer: Type.String({
      pattern: "^https?://",
      description: "e.g. https://login.microsoftonline.com/{tenant-id}/v2.0 (single tenant)",
    }),
    clientId: Type.String({ minLength: 1 }),
    /** usually from FERRY_OIDC_CLIENT_SECRET; omit for a public client (PKCE only) */
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    redirectUri: Type.String({
      pattern: "^https?://",
      description: "this server's /api/auth/oidc/callback, as registered at the issuer",
    }),
    scopes: Type.Optional(Type.Array(Type.String(), { default: ["openid", "profile", "email"] })),
    /** the claim listing the person's roles (Entra app roles: "roles") */
    roleClaim: Type.Optional(Type.String({ default: "roles" })),
    /** claim value → Ferry role, e.g. { "Ferry.Admin": "admin", "Ferry.Helpdesk": "helpdesk" } */
    roleMap: Type.Optional(Type.Record(Type.String(), Type.Enum(ROLES))),
    usernameClaim: Type.Optional(Type.String({ default: "preferred_username" })),
    /** the label of the sign-in button the console shows */
    displayName: Type.Optional(Type.String({ default: "Sign in with Microsoft" })),
  },
  { additionalProperties: false },
);
export type OidcConfig = Static<typeof OidcConfigSchema>;

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

export interface IdClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat?: number;
  nbf?: number;
  nonce?: string;
  azp?: string;
  name?: string;
  email?: string;
  [claim: string]: unknown;
}

const SKEW_SECONDS = 120;

const fail = (message: string) =>
  new ApiError(401, "unauthenticated", `OpenID Connect sign-in failed: ${message}`);

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

export const randomToken = () => randomBytes(32).toString("base64url");

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch {
    throw fail("the ID token is not a well-formed JWT");
  }
}

export class OidcClient {
  #discovery: { value: Discovery; at: number } | undefined;
  #jwks: { keys: JsonWebKey[]; at: number } | undefined;

  constructor(
    readonly config: OidcConfig,
    private readonly fetchFn: Fetch,
  ) {}

  get scopes(): string[] {
    return this.config.scopes ?? ["openid", "profile", "email"];
  }

  async #json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
    let res: Response;
    try {
      res = await this.fetchFn(url, init);
    } catch (e) {
      throw new ApiError(
        502,
        "unavailable",
        `the identity provider did not answer (${(e as Error).message})`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const why = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
      throw fail(`the identity provider refused (${why})`);
    }
    return body;
  }

  async discovery(now: number): Promise<Discovery> {
    if (this.#discovery && now - this.#discovery.at < 60 * MINUTE) return this.#discovery.value;
    const issuer = this.config.issuer.replace(/\/$/, "");
    const d = (await this.#json(`${issuer}/.well-known/openid-configuration`)) as Partial<Discovery>;
    for (const k of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
      if (typeof d[k] !== "string")
        throw new ApiError(502, "unavailable", `the issuer's discovery document has no ${k}`);
    }
    if (d.issuer !== this.config.issuer)
      throw new ApiError(
        502,
        "unavailable",
        `the discovery document names issuer ${d.issuer}, not ${this.config.issuer}`,
      );
    this.#discovery = { value: d as Discovery, at: now };
    return d as Discovery;
  }

  async authorizationUrl(
    params: { state: string; nonce: string; verifier: string },
    now: number,
  ): Promise<string> {
    const d = await this.discovery(now);
    const url = new URL(d.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.config.clientId,
      redirect_uri: this.config.redirectUri,
      scope: this.scopes.join(" "),
      state: params.state,
      nonce: params.nonce,
      code_challenge: pkceChallenge(params.verifier),
      code_challenge_method: "S256",
    }).toString();
    return url.toString();
  }

  /** Redeems the code and validates the ID token; returns its claims. */
  async redeem(code: string, verifier: string, nonce: string, now: number): Promise<IdClaims> {
    const d = await this.discovery(now);
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: this.config.redirectUri,
      client_id: this.config.clientId,
      code_verifier: verifier,
    });
    if (this.config.clientSecret) form.set("client_secret", this.config.clientSecret);
    const tokens = await this.#json(d.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
    });
    if (typeof tokens.id_token !== "string") throw fail("the token response holds no ID token");
    return this.validateIdToken(tokens.id_token, nonce, now);
  }

  async #key(kid: string | undefined, now: number): Promise<JsonWebKey | undefined> {
    const find = (keys: JsonWebKey[]) => {
      const rsa = keys.filter((k) => k.kty === "RSA" && (k.use === undefined || k.use === "sig"));
      return kid === undefined ? (rsa.length === 1 ? rsa[0] : undefined) : rsa.find((k) => k.kid === kid);
    };
    if (this.#jwks && now - this.#jwks.at < 60 * MINUTE) {
      const key = find(this.#jwks.keys);
      // An unknown key id may mean the issuer rotated keys: refetch, at most once a minute.
      if (key || now - this.#jwks.at < MINUTE) return key;
    }
    const d = await this.discovery(now);
    const jwks = await this.#json(d.jwks_uri);
    const keys = Array.isArray(jwks.keys) ? (jwks.keys as JsonWebKey[]) : [];
    this.#jwks = { keys, at: now };
    return find(keys);
  }

  async validateIdToken(idToken: string, expectedNonce: string, now: number): Promise<IdClaims> {
    const parts = idToken.split(".");
    if (parts.length !== 3) throw fail("the ID token is not a well-formed JWT");
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h);
    if (header.alg !== "RS256") throw fail(`ID tokens must be signed with RS256, got ${String(header.alg)}`);
    const jwk = await this.#key(typeof header.kid === "string" ? header.kid : undefined, now);
    if (!jwk) throw fail("the ID token is signed with a key the issuer does not publish");
    let ok = false;
    try {
      const key = createPublicKey({ key: jwk, format: "jwk" });
      ok = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"));
    } catch {
      ok = false;
    }
    if (!ok) throw fail("the ID token's signature does not verify");
    const claims = decodeJson(p) as Partial<IdClaims>;
    const seconds = now / 1000;
    if (claims.iss !== this.config.issuer) throw fail("the ID token comes from another issuer");
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(this.config.clientId)) throw fail("the ID token is meant for another application");
    if (aud.length > 1 && claims.azp !== this.config.clientId)
      throw fail("the ID token's authorised party is wrong");
    if (typeof claims.exp !== "number" || claims.exp + SKEW_SECONDS < seconds)
      throw fail("the ID token has expired");
    if (typeof claims.nbf === "number" && claims.nbf - SKEW_SECONDS > seconds)
      throw fail("the ID token is not valid yet");
    if (typeof claims.iat === "number" && claims.iat - SKEW_SECONDS > seconds)
      throw fail("the ID token was issued in the future");
    if (typeof claims.nonce !== "string" || !sameText(claims.nonce, expectedNonce))
      throw fail("the ID token's nonce does not match this sign-in");
    if (typeof claims.sub !== "string" || claims.sub === "") throw fail("the ID token names no subject");
    return claims as IdClaims;
  }

  /** The highest Ferry role the claims map to, if any. */
  roleOf(claims: IdClaims): Role | undefined {
    const map: Record<string, Role | undefined> = this.config.roleMap ?? {};
    const raw = claims[this.config.roleClaim ?? "roles"];
    const values = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
    const granted = new Set(values.map((v) => map[String(v)]).filter((r): r is Role => r !== undefined));
    return ROLES.find((r) => granted.has(r));
  }

  usernameOf(claims: IdClaims): string {
    const v = claims[this.config.usernameClaim ?? "preferred_username"] ?? claims.email ?? claims.sub;
    return String(v).toLowerCase();
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The short-lived, HMAC-signed cookie that carries state, nonce and PKCE verifier across the redirect. */
export interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
  returnTo: string;
}

export function sealFlowState(flow: FlowState, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(flow)).toString("base64url");
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export function openFlowState(cookie: string | undefined, key: Buffer, now: number): FlowState | undefined {
  if (!cookie || cookie.length > 2000) return undefined;
  const [body, sig] = cookie.split(".");
  if (!body || !sig) return undefined;
  const expected = createHmac("sha256", key).update(body).digest("base64url");
  if (!sameText(sig, expected)) return undefined;
  try {
    const flow = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as FlowState;
    return now < flow.expiresAt ? flow : undefined;
  } catch {
    return undefined;
  }
}
