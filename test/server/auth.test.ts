/** Sign-in, sessions, CSRF, API tokens, the sign-in rate limit, password storage and the setup token. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HOUR, MINUTE } from "../../src/core/time.ts";
import { CSRF_HEADER } from "../../src/server/auth/guard.ts";
import { verifyPassword } from "../../src/server/auth/passwords.ts";
import { callers, cookiesOf, emptyApp, json, PASSWORD, signIn, type TestApp } from "./helpers.ts";

type Err = { error: { code: string; message: string; field?: string } };

describe("CSRF protection", () => {
  let t: TestApp;
  before(async () => {
    t = await emptyApp();
    await callers(t.app);
  });
  after(() => t.close());

  const createToken = (extra: Record<string, unknown>) => ({
    method: "POST" as const,
    url: "/api/tokens",
    payload: { name: "ci", role: "auditor" },
    ...extra,
  });

  it("refuses a state-changing request made with a session cookie but no CSRF token", async () => {
    const s = await signIn(t.app, "admin");
    const res = await t.app.inject(createToken({ cookies: s.cookies }));
    assert.equal(res.statusCode, 403);
    assert.equal(json<Err>(res).error.code, "csrf");
  });

  it("refuses a wrong CSRF token, and another session's token", async () => {
    const s = await signIn(t.app, "admin");
    const other = await signIn(t.app, "admin");
    for (const token of ["nope", other.csrf, `${s.csrf}x`]) {
      const res = await t.app.inject(createToken({ cookies: s.cookies, headers: { [CSRF_HEADER]: token } }));
      assert.equal(res.statusCode, 403, token);
    }
  });

  it("accepts the session's own token", async () => {
    const s = await signIn(t.app, "admin");
    const res = await t.app.inject(createToken({ cookies: s.cookies, headers: { [CSRF_HEADER]: s.csrf } }));
    assert.equal(res.statusCode, 201);
  });

  it("needs no token for reads, nor for API tokens", async () => {
    const s = await signIn(t.app, "admin");
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/tokens", cookies: s.cookies })).statusCode,
      200,
    );
    const made = json<{ token: string }>(
      await t.app.inject(createToken({ cookies: s.cookies, headers: { [CSRF_HEADER]: s.csrf } })),
    );
    // an admin token: no cookie, no CSRF header
    const { token } = await t.app.ferry.context.tokens.create(
      { name: "admin-ci", role: "admin", expiresAt: null },
      t.wall.now(),
      "test",
    );
    const res = await t.app.inject(createToken({ headers: { authorization: `Bearer ${token}` } }));
    assert.equal(res.statusCode, 201);
    assert.ok(made.token.startsWith("ferry_"));
  });

  it("sets the session cookie HttpOnly, SameSite=Strict, Path=/ and the CSRF cookie readable", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "admin", password: PASSWORD },
    });
    const session = res.cookies.find((c) => c.name === "ferry_session")!;
    const csrf = res.cookies.find((c) => c.name === "ferry_csrf")!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(session.path, "/");
    assert.equal(session.secure, undefined);
    assert.equal(csrf.httpOnly, undefined);
    assert.equal(json<{ csrfToken: string }>(res).csrfToken, csrf.value);
  });

  it("marks cookies Secure when configured", async () => {
    const secure = await emptyApp({ cookieSecure: true });
    try {
      await secure.app.ferry.context.accounts.create(
        { username: "sec", role: "admin", password: PASSWORD },
        0,
        "t",
      );
      const res = await secure.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: "sec", password: PASSWORD },
      });
      assert.ok(res.cookies.every((c) => c.secure === true));
    } finally {
      await secure.close();
    }
  });
});

describe("sessions and API tokens", () => {
  let t: TestApp;
  before(async () => {
    t = await emptyApp();
    await callers(t.app);
  });
  after(() => t.close());

  it("signs out: the session no longer works", async () => {
    const s = await signIn(t.app, "operator");
    const out = await t.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      cookies: s.cookies,
      headers: { [CSRF_HEADER]: s.csrf },
    });
    assert.equal(out.statusCode, 200);
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/auth/me", cookies: s.cookies })).statusCode,
      401,
    );
  });

  it("ends a session after 12 idle hours", async () => {
    const s = await signIn(t.app, "auditor");
    t.wall.advance(11 * HOUR);
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/auth/me", cookies: s.cookies })).statusCode,
      200,
    );
    t.wall.advance(11 * HOUR);
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/auth/me", cookies: s.cookies })).statusCode,
      200,
    );
    t.wall.advance(13 * HOUR);
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/auth/me", cookies: s.cookies })).statusCode,
      401,
    );
  });

  it("disabling an account ends its sessions; the last admin cannot be disabled", async () => {
    const ctx = t.app.ferry.context;
    const admin = await signIn(t.app, "admin");
    const helpdesk = await signIn(t.app, "helpdesk");
    const account = (await ctx.accounts.byUsername("helpdesk"))!;
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/accounts/${account.id}`,
      cookies: admin.cookies,
      headers: { [CSRF_HEADER]: admin.csrf },
      payload: { disabled: true },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(
      (await t.app.inject({ method: "GET", url: "/api/auth/me", cookies: helpdesk.cookies })).statusCode,
      401,
    );
    const self = (await ctx.accounts.byUsername("admin"))!;
    const last = await t.app.inject({
      method: "PATCH",
      url: `/api/accounts/${self.id}`,
      cookies: admin.cookies,
      headers: { [CSRF_HEADER]: admin.csrf },
      payload: { role: "auditor" },
    });
    assert.equal(last.statusCode, 409);
  });

  it("refuses a revoked or expired API token, and never mixes a bad token with a cookie", async () => {
    const ctx = t.app.ferry.context;
    const { row, token } = await ctx.tokens.create(
      { name: "short", role: "auditor", expiresAt: t.wall.now() + HOUR },
      t.wall.now(),
      "t",
    );
    const me = () =>
      t.app.inject({ method: "GET", url: "/api/auth/me", headers: { authorization: `Bearer ${token}` } });
    assert.equal((await me()).statusCode, 200);
    t.wall.advance(2 * HOUR);
    assert.equal((await me()).statusCode, 401);
    const live = await ctx.tokens.create(
      { name: "live", role: "auditor", expiresAt: null },
      t.wall.now(),
      "t",
    );
    await ctx.tokens.revoke(live.row.id, t.wall.now(), "t");
    const revoked = await t.app.inject({
      method: "GET",
      url: "/api/auth/me",
      headers: { authorization: `Bearer ${live.token}` },
    });
    assert.equal(revoked.statusCode, 401);
    const s = await signIn(t.app, "admin");
    const mixed = await t.app.inject({
      method: "GET",
      url: "/api/auth/me",
      cookies: s.cookies,
      headers: { authorization: "Bearer ferry_wrong" },
    });
    assert.equal(mixed.statusCode, 401);
    assert.ok(row.token_hash !== token && !JSON.stringify(await ctx.tokens.list()).includes(token));
  });
});

describe("passwords", () => {
  let t: TestApp;
  before(async () => {
    t = await emptyApp();
  });
  after(() => t.close());

  it("stores scrypt hashes with a salt each, never the password", async () => {
    const ctx = t.app.ferry.context;
    await ctx.accounts.create({ username: "ann", role: "helpdesk", password: PASSWORD }, 0, "t");
    await ctx.accounts.create({ username: "bob", role: "helpdesk", password: PASSWORD }, 0, "t");
    const rows = await ctx.db.selectFrom("accounts").selectAll().execute();
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.match(r.password_hash!, /^scrypt\$\d+\$8\$1\$[\w-]+\$[\w-]+$/);
      assert.ok(!JSON.stringify(r).includes(PASSWORD));
      assert.ok(await verifyPassword(PASSWORD, r.password_hash!));
      assert.ok(!(await verifyPassword(`${PASSWORD}!`, r.password_hash!)));
    }
    assert.notEqual(rows[0]!.password_hash, rows[1]!.password_hash);
  });

  it("refuses weak passwords, naming the field", async () => {
    const { tokens } = await callers(t.app);
    const res = await t.app.inject(
      tokens.admin!.as({
        method: "POST",
        url: "/api/accounts",
        payload: { username: "carl", role: "auditor", password: "short" },
      }),
    );
    assert.equal(res.statusCode, 400);
    assert.equal(json<Err>(res).error.field, "body.password");
  });

  it("changes my password: the old one stops working", async () => {
    const s = await signIn(t.app, "ann");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/auth/password",
      cookies: s.cookies,
      headers: { [CSRF_HEADER]: s.csrf },
      payload: { currentPassword: PASSWORD, newPassword: "another long passphrase" },
    });
    assert.equal(res.statusCode, 200);
    await assert.rejects(signIn(t.app, "ann"));
    await signIn(t.app, "ann", "another long passphrase");
  });
});

describe("sign-in rate limit", () => {
  let t: TestApp;
  before(async () => {
    t = await emptyApp();
    await callers(t.app);
  });
  after(() => t.close());

  const login = (username: string, password: string, remoteAddress = "10.0.0.1") =>
    t.app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password }, remoteAddress });

  it("locks an account after 5 failures in 15 minutes, even for the right password, then lets it in", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await login("operator", "wrong password!!", `10.1.0.${i}`);
      assert.equal(res.statusCode, 401);
      assert.equal(json<Err>(res).error.message, "the user name or password is wrong");
    }
    const locked = await login("operator", PASSWORD, "10.1.0.99");
    assert.equal(locked.statusCode, 429);
    const retry = Number(locked.headers["retry-after"]);
    assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
    t.wall.advance(15 * MINUTE);
    assert.equal((await login("operator", PASSWORD, "10.1.0.99")).statusCode, 200);
  });

  it("locks an address after 5 failures, whatever the account", async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await login(`nobody${i}`, "wrong password!!", "10.2.0.1")).statusCode, 401);
    assert.equal((await login("auditor", PASSWORD, "10.2.0.1")).statusCode, 429);
    assert.equal((await login("auditor", PASSWORD, "10.2.0.2")).statusCode, 200);
  });

  it("answers unknown and known user names alike", async () => {
    const a = await login("no-such-user", "wrong password!!", "10.3.0.1");
    const b = await login("helpdesk", "wrong password!!", "10.3.0.2");
    assert.equal(a.statusCode, b.statusCode);
    assert.equal(a.body, b.body);
  });
});

describe("the one-time setup token", () => {
  it("creates the first admin once, and is gone afterwards", async () => {
    const t = await emptyApp();
    try {
      const token = t.app.ferry.setupToken;
      assert.ok(token);
      assert.match(t.app.ferry.setupUrl!, /^http:\/\/127\.0\.0\.1:8080\/setup\?token=/);
      assert.deepEqual(json(await t.app.inject({ method: "GET", url: "/api/setup" })), { needed: true });
      // a bad request does not spend the token
      const weak = await t.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { token, username: "root", password: "short" },
      });
      assert.equal(weak.statusCode, 400);
      const wrong = await t.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { token: `${token}x`, username: "root", password: PASSWORD },
      });
      assert.equal(wrong.statusCode, 401);
      const ok = await t.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { token, username: "Root", password: PASSWORD },
      });
      assert.equal(ok.statusCode, 201);
      assert.equal(json<{ role: string; username: string }>(ok).role, "admin");
      assert.ok(cookiesOf(ok).ferry_session);
      const again = await t.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { token, username: "mallory", password: PASSWORD },
      });
      assert.equal(again.statusCode, 401);
      assert.equal(t.app.ferry.setupToken, undefined);
      assert.deepEqual(json(await t.app.inject({ method: "GET", url: "/api/setup" })), { needed: false });
      assert.equal((await t.app.ferry.context.accounts.list()).length, 1);
    } finally {
      await t.close();
    }
  });

  it("expires", async () => {
    const t = await emptyApp();
    try {
      const token = t.app.ferry.setupToken!;
      t.wall.advance(25 * HOUR);
      assert.equal(t.app.ferry.setupToken, undefined);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/setup",
        payload: { token, username: "root", password: PASSWORD },
      });
      assert.equal(res.statusCode, 401);
    } finally {
      await t.close();
    }
  });

  it("is not offered when an admin exists", async () => {
    const first = await emptyApp();
    await first.app.ferry.context.accounts.create(
      { username: "root", role: "admin", password: PASSWORD },
      0,
      "t",
    );
    const { buildApp } = await import("../../src/server/app.ts");
    const { SECRETS } = await import("./helpers.ts");
    const second = await buildApp({
      store: first.app.ferry.context.store,
      clock: first.wall,
      secrets: SECRETS,
      scryptLog2N: 10,
    });
    try {
      assert.equal(second.ferry.setupToken, undefined);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
