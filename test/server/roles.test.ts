/**
 * Every route × every caller: anonymous, a session per role, an API token per role. One table
 * says who may call each route; a route the app serves without an entry here fails the test.
 * Allowed callers must not get 401/403; signed-in callers who are not allowed get 403
 * (code "forbidden"), anonymous ones 401. Bodies and ids are chosen so allowed calls change
 * nothing that matters (unknown ids → 404, invalid bodies → 400).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DAY } from "../../src/core/time.ts";
import type { Role } from "../../src/server/roles.ts";
import {
  anonymous,
  type Caller,
  callers,
  json,
  rigApp,
  sessionCaller,
  signIn,
  type TestApp,
} from "./helpers.ts";

type Allowed = readonly Role[] | "public" | "signed-in" | "portal";

interface Fixture {
  personId: string;
  deviceId: string;
  waveId: string;
  portalToken: string;
}

interface Entry {
  allowed: Allowed;
  path: (f: Fixture) => string;
  body?: unknown;
  /** the call ends the session that makes it: sign in afresh for it */
  fresh?: boolean;
}

const ALL: readonly Role[] = ["admin", "operator", "helpdesk", "auditor"];
const ADMIN: readonly Role[] = ["admin"];
const RUN: readonly Role[] = ["admin", "operator"];
const READ: readonly Role[] = ["admin", "operator", "auditor"];
const HELP: readonly Role[] = ["admin", "operator", "helpdesk"];

/** Who may call what: the contract of docs/api.md, written down independently of src/server/roles.ts. */
const TABLE: Record<string, Entry> = {
  "GET /api/health": { allowed: "public", path: () => "/api/health" },
  "GET /api/auth/config": { allowed: "public", path: () => "/api/auth/config" },
  "POST /api/auth/login": { allowed: "public", path: () => "/api/auth/login", body: { username: "x" } },
  "POST /api/auth/logout": { allowed: "signed-in", path: () => "/api/auth/logout", fresh: true },
  "GET /api/auth/me": { allowed: "signed-in", path: () => "/api/auth/me" },
  "POST /api/auth/password": { allowed: "signed-in", path: () => "/api/auth/password", body: {} },
  "GET /api/auth/oidc/login": { allowed: "public", path: () => "/api/auth/oidc/login" },
  "GET /api/auth/oidc/callback": { allowed: "public", path: () => "/api/auth/oidc/callback" },
  "GET /api/setup": { allowed: "public", path: () => "/api/setup" },
  "POST /api/setup": { allowed: "public", path: () => "/api/setup", body: {} },
  "GET /api/dashboard": { allowed: READ, path: () => "/api/dashboard" },
  "GET /api/dashboard/burndown": { allowed: READ, path: (f) => `/api/dashboard/burndown?wave=${f.waveId}` },
  "GET /api/waves": { allowed: READ, path: () => "/api/waves" },
  "GET /api/waves/:id": { allowed: READ, path: (f) => `/api/waves/${f.waveId}` },
  "POST /api/waves/plan": { allowed: RUN, path: () => "/api/waves/plan", body: { start: "not a time" } },
  "PATCH /api/waves/:id": {
    allowed: RUN,
    path: () => "/api/waves/nope",
    body: { announceAt: "2027-06-01T00:00:00Z" },
  },
  "POST /api/waves/:id/move": {
    allowed: RUN,
    path: () => "/api/waves/nope/move",
    body: { personIds: ["x"] },
  },
  "POST /api/waves/:id/start": { allowed: RUN, path: () => "/api/waves/nope/start" },
  "POST /api/waves/:id/rollback": { allowed: RUN, path: () => "/api/waves/nope/rollback" },
  "GET /api/access": { allowed: READ, path: () => "/api/access" },
  "GET /api/access/forecast/:waveId": { allowed: READ, path: (f) => `/api/access/forecast/${f.waveId}` },
  "GET /api/readiness": { allowed: READ, path: () => "/api/readiness" },
  "GET /api/people": { allowed: ALL, path: () => "/api/people?q=a" },
  "GET /api/people/:id": { allowed: ALL, path: (f) => `/api/people/${f.personId}` },
  "POST /api/people/:id/resend-instructions": {
    allowed: HELP,
    path: () => "/api/people/nope/resend-instructions",
  },
  "POST /api/people/:id/extend-deadline": {
    allowed: HELP,
    path: () => "/api/people/nope/extend-deadline",
    body: { days: 2 },
  },
  "POST /api/people/:id/portal-link": { allowed: HELP, path: () => "/api/people/nope/portal-link" },
  "POST /api/people/:id/portal-link/revoke": {
    allowed: HELP,
    path: () => "/api/people/nope/portal-link/revoke",
  },
  "GET /api/devices": { allowed: ALL, path: () => "/api/devices?sort=stateSince" },
  "GET /api/devices/limbo": { allowed: ALL, path: () => "/api/devices/limbo" },
  "GET /api/devices/in-both": { allowed: ALL, path: () => "/api/devices/in-both" },
  "GET /api/devices/:id": { allowed: ALL, path: (f) => `/api/devices/${f.deviceId}` },
  "POST /api/devices/:id/mark": {
    allowed: HELP,
    path: () => "/api/devices/nope/mark",
    body: { reason: "lost" },
  },
  "POST /api/devices/:id/retire-request": { allowed: HELP, path: () => "/api/devices/nope/retire-request" },
  "GET /api/retirement": { allowed: READ, path: () => "/api/retirement" },
  "POST /api/retirement/request": { allowed: ADMIN, path: () => "/api/retirement/request" },
  "POST /api/retirement/confirm": {
    allowed: ADMIN,
    path: () => "/api/retirement/confirm",
    body: { item: "nope" },
  },
  "GET /api/audit": { allowed: ["admin", "auditor"], path: (f) => `/api/audit?person=${f.personId}` },
  "GET /api/settings": { allowed: ["admin", "auditor"], path: () => "/api/settings" },
  "PATCH /api/settings": {
    allowed: ADMIN,
    path: () => "/api/settings",
    body: { quietHours: { timeZone: "Not/AZone" } },
  },
  "GET /api/accounts": { allowed: ADMIN, path: () => "/api/accounts" },
  "POST /api/accounts": { allowed: ADMIN, path: () => "/api/accounts", body: {} },
  "PATCH /api/accounts/:id": { allowed: ADMIN, path: () => "/api/accounts/nope", body: {} },
  "GET /api/tokens": { allowed: ADMIN, path: () => "/api/tokens" },
  "POST /api/tokens": { allowed: ADMIN, path: () => "/api/tokens", body: {} },
  "DELETE /api/tokens/:id": { allowed: ADMIN, path: () => "/api/tokens/nope" },
  "GET /api/engine": { allowed: READ, path: () => "/api/engine" },
  "POST /api/engine/pass": { allowed: RUN, path: () => "/api/engine/pass" },
  "GET /api/tasks": { allowed: READ, path: () => "/api/tasks?all=true" },
  "POST /api/tasks/:id/confirm": { allowed: RUN, path: () => "/api/tasks/999999/confirm", body: {} },
  "GET /api/templates/previews": {
    allowed: ALL,
    path: () => "/api/templates/previews?stage=done&locale=de-DE&platform=ios",
  },
  "GET /api/portal/me": { allowed: "portal", path: () => "/api/portal/me" },
  "POST /api/portal/check-again": { allowed: "portal", path: () => "/api/portal/check-again" },
  "POST /api/portal/retire-request": {
    allowed: "portal",
    path: () => "/api/portal/retire-request",
    body: { deviceId: "nope" },
  },
};

describe("every route × every role", () => {
  let t: TestApp;
  let fixture: Fixture;
  let sessions: Record<Role, Caller>;
  let tokens: Record<Role, Caller>;

  before(async () => {
    t = await rigApp({ people: 24 });
    const rig = t.rig!;
    await rig.oneWave();
    await rig.run(async () => (await rig.wave()).status === "handover", 5);
    ({ sessions, tokens } = await callers(t.app));
    const device = await rig.store.db
      .selectFrom("devices")
      .selectAll()
      .where("person_id", "is not", null)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const { token } = await t.app.ferry.context.portal.issue(
      device.person_id!,
      t.wall.now(),
      30 * DAY,
      "test",
    );
    fixture = { personId: device.person_id!, deviceId: device.id, waveId: "w1", portalToken: token };
  });
  after(() => t.close());

  it("has a table entry for every route the app serves, and no entry for a route it does not", () => {
    const served = t.app.ferry.routes.map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(served, Object.keys(TABLE).sort());
  });

  it("gives each caller exactly what its role allows", async () => {
    const problems: string[] = [];
    for (const [route, entry] of Object.entries(TABLE)) {
      const method = route.split(" ")[0] as "GET" | "POST" | "PATCH" | "DELETE";
      const all: Caller[] = [anonymous, ...Object.values(sessions), ...Object.values(tokens)];
      for (const caller of all) {
        let who = caller;
        if (entry.fresh && caller.name.endsWith("session"))
          who = sessionCaller(caller.name, caller.role!, await signIn(t.app, caller.role!));
        const base = {
          method,
          url: entry.path(fixture),
          ...(entry.body !== undefined ? { payload: entry.body as Record<string, unknown> } : {}),
          ...(entry.allowed === "portal" ? { headers: { "x-portal-token": fixture.portalToken } } : {}),
        };
        const res = await t.app.inject(who.as(base));
        const allowed =
          entry.allowed === "public" || entry.allowed === "portal"
            ? true
            : entry.allowed === "signed-in"
              ? caller.role !== undefined
              : caller.role !== undefined && entry.allowed.includes(caller.role);
        const code = res.statusCode;
        const say = `${route} as ${caller.name}: ${code} ${res.body.slice(0, 160)}`;
        if (code >= 500) problems.push(`server error: ${say}`);
        else if (allowed && (code === 401 || code === 403)) problems.push(`refused but allowed: ${say}`);
        else if (!allowed && caller.role === undefined && code !== 401) problems.push(`expected 401: ${say}`);
        else if (
          !allowed &&
          caller.role !== undefined &&
          (code !== 403 || json<{ error: { code: string } }>(res).error.code !== "forbidden")
        )
          problems.push(`expected 403 forbidden: ${say}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("refuses the portal routes without a valid link, whoever calls", async () => {
    for (const [route, entry] of Object.entries(TABLE)) {
      if (entry.allowed !== "portal") continue;
      const [method] = route.split(" ") as ["GET" | "POST"];
      for (const caller of [anonymous, sessions.admin, tokens.admin]) {
        const res = await t.app.inject(caller.as({ method, url: entry.path(fixture), payload: {} }));
        assert.equal(res.statusCode, 401, `${route} as ${caller.name}`);
      }
    }
  });

  it("documents each route's roles in the OpenAPI document", async () => {
    const doc = json<{
      paths: Record<string, Record<string, { "x-roles"?: string[]; security?: unknown[] }>>;
    }>(await t.app.inject({ method: "GET", url: "/openapi.json" }));
    for (const [route, entry] of Object.entries(TABLE)) {
      const [method, url] = route.split(" ") as [string, string];
      const op = doc.paths[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()];
      assert.ok(op, `${route} is in the OpenAPI document`);
      if (Array.isArray(entry.allowed))
        assert.deepEqual([...(op["x-roles"] ?? [])].sort(), [...entry.allowed].sort(), route);
    }
  });
});
