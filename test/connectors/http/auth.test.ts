import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BasicAuth, BearerTokenAuth } from "../../../src/connectors/http/auth.ts";
import { clientCredentials } from "../../../src/connectors/http/client-credentials.ts";
import { isAuthError, isHttpError } from "../../../src/connectors/http/errors.ts";
import { MINUTE } from "../../../src/core/time.ts";
import { json, rejection, rig, startServer, type TestServer } from "./harness.ts";

/** A resource server that accepts only the tokens in `valid`, and a token endpoint. */
describe("bearer tokens", () => {
  let server: TestServer;
  const valid = new Set<string>();
  let issued = 0;
  let tokenReply: ((res: import("node:http").ServerResponse) => void) | undefined;

  before(async () => {
    server = await startServer((hit, res) => {
      if (hit.url.startsWith("/tenant/oauth2/v2.0/token")) {
        if (tokenReply) return tokenReply(res);
        const token = `tok-${++issued}`;
        valid.add(token);
        return json(res, 200, {
          token_type: "Bearer",
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: token,
        });
      }
      const token = (hit.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!valid.has(token))
        return json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "expired" } });
      json(res, 200, { token });
    });
  });
  after(() => server.close());

  const tokenUrl = () => `${server.url}/tenant/oauth2/v2.0/token`;

  test("a token is cached until 5 minutes before expiry on the injected clock", async () => {
    const { clock } = rig(server.url);
    let fetched = 0;
    const auth = new BearerTokenAuth(
      async () => {
        fetched++;
        const token = `cached-${fetched}`;
        valid.add(token);
        return { token, expiresInSeconds: 3600 };
      },
      { clock },
    );
    const c = rig(server.url, { auth, clock }).client;
    await c.request({ method: "GET", path: "/me" });
    clock.advance(54 * MINUTE);
    await c.request({ method: "GET", path: "/me" });
    assert.equal(fetched, 1, "still fresh at 54 min");
    clock.advance(1 * MINUTE);
    const res = await c.request<{ token: string }>({ method: "GET", path: "/me" });
    assert.equal(fetched, 2, "refreshed at 55 min");
    assert.equal(res.body.token, "cached-2");
  });

  test("a short-lived token is refreshed at half-life, not on every request", async () => {
    const { clock } = rig(server.url);
    let fetched = 0;
    const auth = new BearerTokenAuth(async () => ({ token: `short-${++fetched}`, expiresInSeconds: 60 }), {
      clock,
    });
    const headers = new Headers();
    await auth.authorize(headers, { forceRefresh: false });
    clock.advance(29_000);
    await auth.authorize(headers, { forceRefresh: false });
    assert.equal(fetched, 1);
    clock.advance(1_000);
    await auth.authorize(headers, { forceRefresh: false });
    assert.equal(fetched, 2);
  });

  test("a 401 refreshes the token exactly once and retries once", async () => {
    const { clock } = rig(server.url);
    let fetched = 0;
    const auth = new BearerTokenAuth(
      async () => {
        fetched++;
        const token = `r-${fetched}`;
        if (fetched > 1) valid.add(token); // the first token is already revoked
        return { token, expiresInSeconds: 3600 };
      },
      { clock },
    );
    const { client } = rig(server.url, { auth, clock });
    const before = server.hits.length;
    const res = await client.request<{ token: string }>({ method: "GET", path: "/me" });
    assert.equal(res.body.token, "r-2");
    assert.equal(fetched, 2);
    assert.equal(server.hits.length - before, 2);
    assert.equal(res.attempts, 2);
  });

  test("a second 401 after the refresh is an error, not a loop", async () => {
    const { clock } = rig(server.url);
    let fetched = 0;
    const auth = new BearerTokenAuth(async () => ({ token: `never-${++fetched}`, expiresInSeconds: 3600 }), {
      clock,
    });
    const { client } = rig(server.url, { auth, clock, service: "Microsoft Graph" });
    const err = await rejection(client.request({ method: "GET", path: "/me" }));
    assert.ok(isHttpError(err));
    assert.equal(err.status, 401);
    assert.equal(err.attempts, 2);
    assert.equal(fetched, 2);
    assert.match(
      err.message,
      /^Microsoft Graph returned 401 Unauthorized for GET \/me: expired; rejected again after a token refresh/,
    );
  });

  test("concurrent requests share one token fetch, and concurrent 401s one refresh", async () => {
    const { clock } = rig(server.url);
    let fetched = 0;
    const auth = new BearerTokenAuth(
      async () => {
        fetched++;
        await new Promise((r) => setTimeout(r, 10));
        const token = `c-${fetched}`;
        if (fetched > 1) valid.add(token);
        return { token, expiresInSeconds: 3600 };
      },
      { clock },
    );
    const { client } = rig(server.url, { auth, clock });
    const all = await Promise.all(
      Array.from({ length: 8 }, () => client.request<{ token: string }>({ method: "GET", path: "/me" })),
    );
    assert.ok(all.every((r) => r.body.token === "c-2"));
    assert.equal(fetched, 2);
  });

  test("clientCredentials posts the form and parses {access_token, expires_in}", async () => {
    tokenReply = undefined;
    const { clock } = rig(server.url);
    const auth = new BearerTokenAuth(
      clientCredentials({
        tokenUrl: tokenUrl(),
        clientId: "app-1",
        clientSecret: "s3cret",
        scope: "https://graph.microsoft.com/.default",
      }),
      { clock },
    );
    const { client } = rig(server.url, { auth, clock });
    const before = server.hits.length;
    await client.request({ method: "GET", path: "/me" });
    const tokenHit = server.hits[before]!;
    assert.equal(tokenHit.method, "POST");
    assert.match(String(tokenHit.headers["content-type"]), /application\/x-www-form-urlencoded/);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenHit.body)), {
      grant_type: "client_credentials",
      client_id: "app-1",
      client_secret: "s3cret",
      scope: "https://graph.microsoft.com/.default",
    });
  });

  test("a refused credential becomes an AuthError naming the code, and is not retried", async () => {
    tokenReply = (res) =>
      json(res, 401, {
        error: "invalid_client",
        error_description:
          "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
        error_codes: [7000215],
      });
    const { clock } = rig(server.url);
    const auth = new BearerTokenAuth(
      clientCredentials({ tokenUrl: tokenUrl(), clientId: "app-1", clientSecret: "wrong" }),
      { clock },
    );
    const { client, fake } = rig(server.url, { auth, clock });
    const before = server.hits.length;
    const err = await rejection(client.request({ method: "GET", path: "/me" }));
    assert.ok(isAuthError(err));
    assert.equal(err.code, "invalid_client");
    assert.match(err.message, /failed: invalid_client: AADSTS7000215: Invalid client secret provided/);
    assert.match(err.message, /^Token request to 127\.0\.0\.1:\d+\/tenant\/oauth2\/v2\.0\/token failed/);
    assert.equal(server.hits.length - before, 1, "one token request, no resource request");
    assert.equal(fake.calls.length, 0);
    tokenReply = undefined;
  });

  test("an overloaded token endpoint is retried with backoff", async () => {
    let n = 0;
    tokenReply = (res) => {
      if (++n === 1) return json(res, 503, { error: "temporarily_unavailable" });
      tokenReply = undefined;
      valid.add("late");
      json(res, 200, { access_token: "late", expires_in: 3599 });
    };
    const { clock } = rig(server.url);
    const auth = new BearerTokenAuth(
      clientCredentials({ tokenUrl: tokenUrl(), clientId: "a", clientSecret: "b" }),
      { clock },
    );
    const { client, fake } = rig(server.url, { auth, clock });
    const res = await client.request<{ token: string }>({ method: "GET", path: "/me" });
    assert.equal(res.body.token, "late");
    assert.equal(fake.calls.length, 1);
  });
});

describe("basic auth", () => {
  test("sends Basic credentials and Workspace ONE's aw-tenant-code; a 401 is not retried", async () => {
    const server = await startServer((hit, res) =>
      hit.headers["aw-tenant-code"] === "KEY"
        ? json(res, 200, {})
        : json(res, 401, { errorCode: 1005, message: "Invalid tenant code" }),
    );
    try {
      const good = rig(server.url, { auth: new BasicAuth("admin", "pw", { "aw-tenant-code": "KEY" }) });
      await good.client.request({ method: "GET", path: "/API/mdm/devices/search" });
      assert.equal(
        server.hits[0]!.headers.authorization,
        `Basic ${Buffer.from("admin:pw").toString("base64")}`,
      );
      const bad = rig(server.url, {
        auth: new BasicAuth("admin", "pw", { "aw-tenant-code": "NOPE" }),
        service: "Workspace ONE",
      });
      const err = await rejection(bad.client.request({ method: "GET", path: "/API/mdm/devices/search" }));
      assert.equal(err.attempts, 1);
      assert.equal(err.code, "1005");
      assert.match(
        err.message,
        /Workspace ONE returned 401 Unauthorized for GET \/API\/mdm\/devices\/search: Invalid tenant code/,
      );
    } finally {
      await server.close();
    }
  });
});
