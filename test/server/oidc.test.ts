/**
 * OpenID Connect sign-in against a tiny issuer written here: discovery, JWKS, an
 * authorization step that remembers the PKCE challenge and nonce, and a token endpoint that
 * checks the verifier and signs RS256 ID tokens (with whatever claims a test wants to break).
 */
import assert from "node:assert/strict";
import { createHash, createSign, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { OidcConfig } from "../../src/server/auth/oidc.ts";
import { cookiesOf, emptyApp, json, type TestApp } from "./helpers.ts";

const ISSUER = "https://login.example.test/tenant-1/v2.0";
const CLIENT_ID = "ferry-client";
const REDIRECT = "http://127.0.0.1:8080/api/auth/oidc/callback";

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");

function sign(header: object, claims: object, key: KeyObject): string {
  const data = `${b64(header)}.${b64(claims)}`;
  const signature = createSign("RSA-SHA256").update(data).sign(key).toString("base64url");
  return `${data}.${signature}`;
}

class Issuer {
  readonly keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly codes = new Map<
    string,
    { challenge: string; nonce: string; clientId: string; redirectUri: string }
  >();
  /** what the next ID token looks like; tests change it to break one rule at a time */
  claims: Record<string, unknown> = {};
  header: Record<string, unknown> = { alg: "RS256", kid: "k1" };
  signingKey: KeyObject = this.keys.privateKey;
  now = () => 0;
  requests: string[] = [];

  /** The browser at the authorization endpoint: the person signs in, the issuer issues a code. */
  authorize(location: string): { code: string; state: string } {
    const url = new URL(location);
    assert.equal(`${url.origin}${url.pathname}`, `${new URL(ISSUER).origin}/tenant-1/oauth2/v2.0/authorize`);
    const p = url.searchParams;
    assert.equal(p.get("response_type"), "code");
    assert.equal(p.get("code_challenge_method"), "S256");
    assert.match(p.get("scope")!, /openid/);
    const code = randomBytes(8).toString("hex");
    this.codes.set(code, {
      challenge: p.get("code_challenge")!,
      nonce: p.get("nonce")!,
      clientId: p.get("client_id")!,
      redirectUri: p.get("redirect_uri")!,
    });
    return { code, state: p.get("state")! };
  }

  fetch = async (input: string, init?: RequestInit): Promise<Response> => {
    this.requests.push(input);
    const jsonResponse = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (input === `${ISSUER}/.well-known/openid-configuration`)
      return jsonResponse({
        issuer: ISSUER,
        authorization_endpoint: "https://login.example.test/tenant-1/oauth2/v2.0/authorize",
        token_endpoint: "https://login.example.test/tenant-1/oauth2/v2.0/token",
        jwks_uri: "https://login.example.test/tenant-1/discovery/v2.0/keys",
      });
    if (input === "https://login.example.test/tenant-1/discovery/v2.0/keys")
      return jsonResponse({
        keys: [{ ...this.keys.publicKey.export({ format: "jwk" }), kid: "k1", use: "sig" }],
      });
    if (input === "https://login.example.test/tenant-1/oauth2/v2.0/token") {
      const form = new URLSearchParams(String(init?.body));
      const grant = this.codes.get(form.get("code") ?? "");
      if (!grant || form.get("grant_type") !== "authorization_code")
        return jsonResponse({ error: "invalid_grant" }, 400);
      this.codes.delete(form.get("code")!);
      const challenge = createHash("sha256")
        .update(form.get("code_verifier") ?? "")
        .digest("base64url");
      if (challenge !== grant.challenge) return jsonResponse({ error: "invalid_grant" }, 400);
      if (form.get("client_id") !== grant.clientId || form.get("redirect_uri") !== grant.redirectUri)
        return jsonResponse({ error: "invalid_client" }, 400);
      const seconds = Math.floor(this.now() / 1000);
      const claims = {
        iss: ISSUER,
        aud: CLIENT_ID,
        sub: "subject-alice",
        iat: seconds,
        nbf: seconds,
        exp: seconds + 3600,
        nonce: grant.nonce,
        name: "Alice Admin",
        preferred_username: "alice@contoso.example",
        roles: ["Ferry.Admin"],
        ...this.claims,
      };
      return jsonResponse({
        token_type: "Bearer",
        access_token: "at",
        id_token: sign(this.header, claims, this.signingKey),
      });
    }
    return jsonResponse({ error: "not_found" }, 404);
  };
}

describe("OpenID Connect sign-in", () => {
  let t: TestApp;
  let issuer: Issuer;

  before(async () => {
    issuer = new Issuer();
    const oidc: OidcConfig = {
      issuer: ISSUER,
      clientId: CLIENT_ID,
      redirectUri: REDIRECT,
      roleMap: { "Ferry.Admin": "admin", "Ferry.Helpdesk": "helpdesk" },
    };
    t = await emptyApp({ oidc, fetch: issuer.fetch });
    issuer.now = () => t.wall.now();
  });
  after(() => t.close());

  /** login → issuer → callback; returns the callback's answer. */
  async function flow(tamper: { state?: string; verifierCookie?: string } = {}) {
    const start = await t.app.inject({ method: "GET", url: "/api/auth/oidc/login?returnTo=/people" });
    assert.equal(start.statusCode, 302);
    const cookie = cookiesOf(start).ferry_oidc!;
    const { code, state } = issuer.authorize(start.headers.location as string);
    return t.app.inject({
      method: "GET",
      url: `/api/auth/oidc/callback?code=${code}&state=${tamper.state ?? state}`,
      cookies: { ferry_oidc: tamper.verifierCookie ?? cookie },
    });
  }

  function reset() {
    issuer.claims = {};
    issuer.header = { alg: "RS256", kid: "k1" };
    issuer.signingKey = issuer.keys.privateKey;
  }

  it("advertises itself", async () => {
    const config = json<{ oidc: { loginUrl: string } | null }>(
      await t.app.inject({ method: "GET", url: "/api/auth/config" }),
    );
    assert.equal(config.oidc?.loginUrl, "/api/auth/oidc/login");
  });

  it("signs a person in with the role their claims map to", async () => {
    reset();
    const res = await flow();
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /location\.replace\("\/people"\)/);
    const cookies = cookiesOf(res);
    const me = json<{ username: string; role: string; displayName: string }>(
      await t.app.inject({
        method: "GET",
        url: "/api/auth/me",
        cookies: { ferry_session: cookies.ferry_session! },
      }),
    );
    assert.deepEqual(
      [me.username, me.role, me.displayName],
      ["alice@contoso.example", "admin", "Alice Admin"],
    );
    const account = await t.app.ferry.context.accounts.bySubject(`${ISSUER}|subject-alice`);
    assert.equal(account?.password_hash, null);
  });

  it("follows a role change at the issuer on the next sign-in, but never drops the last admin", async () => {
    reset();
    issuer.claims = { roles: ["Ferry.Helpdesk"] };
    assert.equal((await flow()).statusCode, 409, "alice is the only admin");
    await t.app.ferry.context.accounts.create(
      { username: "root", role: "admin", password: "a long and boring passphrase" },
      t.wall.now(),
      "test",
    );
    const res = await flow();
    assert.equal(res.statusCode, 200, res.body);
    const me = json<{ role: string }>(
      await t.app.inject({
        method: "GET",
        url: "/api/auth/me",
        cookies: { ferry_session: cookiesOf(res).ferry_session! },
      }),
    );
    assert.equal(me.role, "helpdesk");
  });

  const broken: [string, () => void, number][] = [
    ["another audience", () => (issuer.claims = { aud: "someone-else" }), 401],
    ["several audiences without azp", () => (issuer.claims = { aud: [CLIENT_ID, "other"] }), 401],
    ["another issuer", () => (issuer.claims = { iss: "https://evil.example.test" }), 401],
    ["an expired token", () => (issuer.claims = { exp: Math.floor(t.wall.now() / 1000) - 3600 }), 401],
    ["a token not valid yet", () => (issuer.claims = { nbf: Math.floor(t.wall.now() / 1000) + 3600 }), 401],
    ["another nonce", () => (issuer.claims = { nonce: "replayed" }), 401],
    ["no nonce", () => (issuer.claims = { nonce: undefined }), 401],
    ["a signature by a stranger's key", () => (issuer.signingKey = issuer.stranger.privateKey), 401],
    ["an unknown key id", () => (issuer.header = { alg: "RS256", kid: "k9" }), 401],
    ["alg none", () => (issuer.header = { alg: "none", kid: "k1" }), 401],
    ["HS256", () => (issuer.header = { alg: "HS256", kid: "k1" }), 401],
    [
      "no Ferry role for a new person",
      () => (issuer.claims = { sub: "subject-bob", preferred_username: "bob", roles: ["Other"] }),
      403,
    ],
  ];
  for (const [what, breakIt, status] of broken) {
    it(`refuses ${what}`, async () => {
      reset();
      breakIt();
      const res = await flow();
      assert.equal(res.statusCode, status, res.body);
      assert.equal(
        res.cookies.find((c) => c.name === "ferry_session"),
        undefined,
      );
    });
  }

  it("refuses a callback whose state or flow cookie is not this browser's", async () => {
    reset();
    assert.equal((await flow({ state: "forged" })).statusCode, 401);
    assert.equal((await flow({ verifierCookie: "forged.cookie" })).statusCode, 401);
    const stale = await t.app.inject({ method: "GET", url: "/api/auth/oidc/login" });
    const { code, state } = issuer.authorize(stale.headers.location as string);
    t.wall.advance(11 * 60_000);
    const late = await t.app.inject({
      method: "GET",
      url: `/api/auth/oidc/callback?code=${code}&state=${state}`,
      cookies: { ferry_oidc: cookiesOf(stale).ferry_oidc! },
    });
    assert.equal(late.statusCode, 401);
  });

  it("never redirects off-site", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/auth/oidc/login?returnTo=//evil.example" });
    const { code, state } = issuer.authorize(res.headers.location as string);
    reset();
    const done = await t.app.inject({
      method: "GET",
      url: `/api/auth/oidc/callback?code=${code}&state=${state}`,
      cookies: { ferry_oidc: cookiesOf(res).ferry_oidc! },
    });
    assert.match(done.body, /location\.replace\("\/"\)/);
  });

  it("answers 404 when not configured", async () => {
    const plain = await emptyApp();
    try {
      assert.equal((await plain.app.inject({ method: "GET", url: "/api/auth/oidc/login" })).statusCode, 404);
    } finally {
      await plain.close();
    }
  });
});
