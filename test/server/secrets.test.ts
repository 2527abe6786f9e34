/**
 * Secrets stay secret: connection secrets are write-only (stored encrypted, answered as
 * { configured: true }), and no response or log line ever carries a secret, a password, a
 * session, an API token or a portal link.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { DAY } from "../../src/core/time.ts";
import { loadSecrets, parseMasterKey, secretsFromMasterKey } from "../../src/server/secrets.ts";
import { type Caller, callers, cookiesOf, json, PASSWORD, rigApp, type TestApp } from "./helpers.ts";

const SOURCE_SECRET = "s3cr3t-source-password-4f9a";
const GRAPH_SECRET = "graph~client~secret~77Qx";
const SMTP_SECRET = "smtp-pass-0c1d2e";

describe("secrets never appear in responses or logs", () => {
  let t: TestApp;
  let admin: Caller;
  let auditor: Caller;
  const lines: string[] = [];
  const bodies: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    t = await rigApp({ people: 12 }, { logger: pino({ level: "debug" }, sink) });
    ({
      tokens: { admin, auditor },
    } = await callers(t.app));
  });
  after(() => t.close());

  async function call(caller: Caller, options: Parameters<Caller["as"]>[0]) {
    const res = await t.app.inject(caller.as(options));
    bodies.push(res.body, JSON.stringify(res.headers));
    return res;
  }

  it("stores connection secrets encrypted and answers only whether each is configured", async () => {
    const res = await call(admin, {
      method: "PATCH",
      url: "/api/settings",
      payload: {
        connections: {
          source: {
            vendor: "jamf-pro",
            baseUrl: "https://jamf.example",
            username: "ferry",
            password: SOURCE_SECRET,
          },
          graph: { tenantId: "t-1", clientId: "c-1", clientSecret: GRAPH_SECRET },
          smtp: { host: "smtp.example", password: SMTP_SECRET },
        },
        helpdesk: { email: "help@example.com" },
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const settings = json<{ connections: Record<string, Record<string, unknown>> }>(res);
    assert.deepEqual(settings.connections.source!.password, { configured: true });
    assert.deepEqual(settings.connections.source!.clientSecret, { configured: false });
    assert.deepEqual(settings.connections.graph!.clientSecret, { configured: true });
    assert.equal(settings.connections.source!.vendor, "jamf-pro");
    const rows = await t.app.ferry.context.db.selectFrom("server_settings").selectAll().execute();
    const stored = JSON.stringify(rows);
    for (const s of [SOURCE_SECRET, GRAPH_SECRET, SMTP_SECRET])
      assert.ok(!stored.includes(s), "stored in clear");
    // The server itself can still read them (for the connectors).
    assert.equal(await t.app.ferry.context.settings.secret("graph", "clientSecret"), GRAPH_SECRET);
  });

  it("keeps a secret when it is left out, and clears it with null", async () => {
    await call(admin, {
      method: "PATCH",
      url: "/api/settings",
      payload: { connections: { smtp: { host: "smtp2.example" } } },
    });
    assert.equal(await t.app.ferry.context.settings.secret("smtp", "password"), SMTP_SECRET);
    const res = await call(admin, {
      method: "PATCH",
      url: "/api/settings",
      payload: { connections: { smtp: { password: null } } },
    });
    assert.deepEqual(json<{ connections: { smtp: { password: unknown } } }>(res).connections.smtp.password, {
      configured: false,
    });
    assert.equal(await t.app.ferry.context.settings.secret("smtp", "password"), undefined);
  });

  it("scans every reading route for the secrets, passwords and tokens used here", async () => {
    // a session sign-in (password in the request), a portal link, and reads of everything
    const signin = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "admin", password: PASSWORD },
    });
    bodies.push(signin.body);
    const sessionCookie = cookiesOf(signin).ferry_session!;
    const person = await t.rig!.store.db.selectFrom("people").select("id").executeTakeFirstOrThrow();
    const link = json<{ token: string }>(
      await call(admin, {
        method: "POST",
        url: `/api/people/${person.id}/portal-link`,
        payload: { days: 2 },
      }),
    ).token;
    await t.app.inject({ method: "GET", url: "/api/portal/me", headers: { "x-portal-token": link } });
    await t.app.inject({ method: "GET", url: `/api/portal/me?token=${link}` });
    for (const route of t.app.ferry.routes.filter((r) => r.method === "GET" && !r.url.includes(":"))) {
      await call(admin, { method: "GET", url: route.url });
      await call(auditor, { method: "GET", url: route.url });
    }
    await call(admin, { method: "GET", url: "/openapi.json" });
    const made = json<{ token: string }>(
      await call(admin, { method: "POST", url: "/api/tokens", payload: { name: "x", role: "auditor" } }),
    );
    const everything = bodies.join("\n");
    for (const s of [SOURCE_SECRET, GRAPH_SECRET, SMTP_SECRET, PASSWORD])
      assert.ok(!everything.includes(s), `a response holds ${s}`);
    const log = lines.join("");
    assert.ok(lines.length > 10, "requests were logged");
    for (const s of [SOURCE_SECRET, GRAPH_SECRET, SMTP_SECRET, PASSWORD, sessionCookie, link, made.token])
      assert.ok(!log.includes(s), `the log holds ${s.slice(0, 12)}…`);
    const audit = JSON.stringify(await t.app.ferry.context.db.selectFrom("audit").selectAll().execute());
    for (const s of [SOURCE_SECRET, GRAPH_SECRET, SMTP_SECRET, PASSWORD, made.token, link])
      assert.ok(!audit.includes(s), `the audit log holds ${s.slice(0, 12)}…`);
    assert.ok(audit.includes("secrets source.password set"), "the audit says that a secret changed");
  });

  it("lets an auditor read settings but not change them", async () => {
    const read = await call(auditor, { method: "GET", url: "/api/settings" });
    assert.equal(read.statusCode, 200);
    const write = await call(auditor, {
      method: "PATCH",
      url: "/api/settings",
      payload: { helpdesk: { name: "x" } },
    });
    assert.equal(write.statusCode, 403);
  });
});

describe("the key", () => {
  it("comes from FERRY_SECRET_KEY, or a key file created with mode 0600", () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-key-"));
    const keyFile = join(dir, "ferry.key");
    const first = loadSecrets({ env: {}, keyFile });
    assert.equal(first.source, "new-key-file");
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const again = loadSecrets({ env: {}, keyFile });
    assert.equal(again.source, "key-file");
    assert.deepEqual(again.secrets.portalKey, first.secrets.portalKey);
    const fromEnv = loadSecrets({
      env: { FERRY_SECRET_KEY: readFileSync(keyFile, "utf8").trim() },
      keyFile: "/nonexistent",
    });
    assert.equal(fromEnv.source, "environment");
    assert.deepEqual(fromEnv.secrets.portalKey, first.secrets.portalKey);
  });

  it("derives a separate key per purpose, and refuses short keys", () => {
    const s = secretsFromMasterKey(Buffer.alloc(32, 1));
    assert.notDeepEqual(s.portalKey, s.sessionKey);
    assert.notDeepEqual(s.portalKey, s.settingsKey);
    assert.throws(() => parseMasterKey("c2hvcnQ="));
    assert.throws(() => secretsFromMasterKey(Buffer.alloc(16)));
    assert.equal(parseMasterKey("ab".repeat(32)).length, 32);
  });

  it("makes portal links from one installation worthless in another", async () => {
    const a = await rigApp({ people: 6 });
    const b = await rigApp({ people: 6 }, { secrets: secretsFromMasterKey(Buffer.alloc(32, 9)) });
    try {
      const person = await a.rig!.store.db.selectFrom("people").select("id").executeTakeFirstOrThrow();
      const { token } = await a.app.ferry.context.portal.issue(person.id, a.wall.now(), DAY, "t");
      assert.equal(
        (await a.app.inject({ method: "GET", url: "/api/portal/me", headers: { "x-portal-token": token } }))
          .statusCode,
        200,
      );
      assert.equal(
        (await b.app.inject({ method: "GET", url: "/api/portal/me", headers: { "x-portal-token": token } }))
          .statusCode,
        401,
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
