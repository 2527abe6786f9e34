/**
 * The API over a simulated organisation, as the console will use it: readiness, plan and edit
 * waves, start one, watch the dashboard and the CA panel, help a person, roll a wave back,
 * walk the retirement checklist, read the audit log.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMigrated } from "../../src/core/device-state.ts";
import type { DeviceState } from "../../src/core/model.ts";
import { DAY, HOUR } from "../../src/core/time.ts";
import { type Caller, callers, json, rigApp, type TestApp } from "./helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests read API answers loosely
type Json = Record<string, any>;

describe("the API over a simulated organisation", () => {
  let t: TestApp;
  let admin: Caller;
  let helpdesk: Caller;
  let auditor: Caller;
  let operator: Caller;

  before(async () => {
    t = await rigApp({ people: 60, seed: 4 });
    const c = await callers(t.app);
    admin = c.tokens.admin;
    operator = c.sessions.operator;
    helpdesk = c.sessions.helpdesk;
    auditor = c.sessions.auditor;
  });
  after(() => t.close());

  const db = () => t.rig!.store.db;
  async function call(
    caller: Caller,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    payload?: object,
  ) {
    const res = await t.app.inject(caller.as({ method, url, ...(payload ? { payload } : {}) }));
    return { status: res.statusCode, body: json<Json>(res) };
  }
  async function ok(
    caller: Caller,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    payload?: object,
  ) {
    const r = await call(caller, method, url, payload);
    assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  it("shows readiness by path and platform", async () => {
    const r = await ok(admin, "GET", "/api/readiness?pageSize=500");
    const devices = await db().selectFrom("devices").select(["path"]).execute();
    assert.equal(r.total, devices.length);
    const sum = Object.values(r.counts as Record<string, Record<string, number>>)
      .flatMap((p) => Object.values(p))
      .reduce((a, b) => a + b, 0);
    assert.equal(sum, devices.length);
    assert.equal(
      r.needsAdmin.total,
      devices.filter((d) => d.path === "no-owner" || d.path === "unsupported-os").length,
    );
  });

  it("plans waves (dry run first), reschedules and moves people", async () => {
    const dry = await ok(operator, "POST", "/api/waves/plan", {
      dryRun: true,
      mode: "immediate",
      pilotShare: 0.2,
    });
    assert.equal(dry.saved, false);
    assert.ok(dry.waves.length >= 2, JSON.stringify(dry));
    assert.equal((await db().selectFrom("waves").select("id").execute()).length, 0);
    const plan = await ok(operator, "POST", "/api/waves/plan", {
      mode: "immediate",
      pilotShare: 0.2,
      spacingDays: 3,
    });
    assert.equal(plan.saved, true);
    const list = (await ok(auditor, "GET", "/api/waves")).waves as Json[];
    assert.deepEqual(
      list.map((w) => w.id),
      plan.waves.map((w: Json) => w.id),
    );
    assert.ok(list.every((w) => w.status === "draft"));
    assert.equal(list[0]!.pilot, true);

    const w2 = list[1]!;
    const later = new Date(Date.parse(w2.announceAt) + DAY).toISOString();
    const moved = await ok(operator, "PATCH", `/api/waves/${w2.id}`, {
      announceAt: later,
      shiftFollowing: true,
    });
    assert.equal(moved.waves[1].announceAt, later);
    const tooLate = await call(operator, "PATCH", `/api/waves/w1`, {
      announceAt: new Date(Date.parse(later) + 30 * DAY).toISOString(),
    });
    assert.equal(tooLate.status, 409);
    const bad = await call(operator, "PATCH", `/api/waves/w1`, { announceAt: "soon" });
    assert.deepEqual([bad.status, bad.body.error.field], [400, "body.announceAt"]);

    const someone = await db()
      .selectFrom("people")
      .select("id")
      .where("wave_id", "=", w2.id)
      .executeTakeFirstOrThrow();
    await ok(operator, "POST", "/api/waves/w1/move", { personIds: [someone.id] });
    const after = await db()
      .selectFrom("people")
      .select("wave_id")
      .where("id", "=", someone.id)
      .executeTakeFirstOrThrow();
    assert.equal(after.wave_id, "w1");
    const glass = await db()
      .selectFrom("people")
      .select("id")
      .where("break_glass", "=", 1)
      .executeTakeFirstOrThrow();
    assert.equal((await call(operator, "POST", "/api/waves/w1/move", { personIds: [glass.id] })).status, 409);
  });

  it("forecasts who would be blocked at enforcement, before a wave starts", async () => {
    const access = await ok(auditor, "GET", "/api/access?sample=200");
    assert.equal(access.check.passed, true);
    const forecast = (access.forecasts as Json[]).find((f) => f.waveId === "w1")!;
    const people = await db().selectFrom("people").selectAll().where("wave_id", "=", "w1").execute();
    const devices = await db().selectFrom("devices").selectAll().execute();
    const expected = people.filter(
      (p) =>
        p.break_glass === 0 &&
        p.directory_id !== null &&
        devices.some(
          (d) =>
            d.person_id === p.id &&
            !isMigrated(d.state as DeviceState) &&
            d.state !== "excluded" &&
            d.state !== "retired",
        ),
    );
    assert.equal(forecast.blocked, expected.length);
    assert.deepEqual(forecast.sample.map((p: Json) => p.id).sort(), expected.map((p) => p.id).sort());
    assert.ok(forecast.sample.every((p: Json) => p.devices.length > 0));
    const full = await ok(admin, "GET", "/api/access/forecast/w1?pageSize=2");
    assert.equal(full.total, expected.length);
    assert.ok(full.items.length <= 2);
    assert.equal(access.people.total, (await db().selectFrom("people").select("id").execute()).length);
  });

  it("starts the pilot and follows it on the dashboard", async () => {
    const started = await ok(operator, "POST", "/api/waves/w1/start");
    assert.equal(started.status, "scheduled");
    const rig = t.rig!;
    await rig.run(async () => ["enforced", "complete"].includes((await rig.wave("w1")).status), 20, 2 * HOUR);
    const end = rig.now + 4 * DAY;
    await rig.run(async () => rig.now >= end, 5, 2 * HOUR);
    const dash = await ok(auditor, "GET", "/api/dashboard");
    const w1 = (dash.waves as Json[]).find((w) => w.id === "w1")!;
    const f = w1.funnel;
    assert.ok(f.devices.total > 0);
    assert.equal(f.devices.announced, f.devices.total);
    assert.ok(
      f.devices.unenrolled >= f.devices.enrolled &&
        f.devices.enrolled >= f.devices.compliant &&
        f.devices.enrolled > 0,
    );
    assert.ok(f.people.enrolled <= f.people.unenrolled && f.people.unenrolled <= f.people.announced);
    for (const unit of ["people", "devices"]) {
      const sum = (dash.waves as Json[]).reduce((a, w) => a + w.funnel[unit].total, 0);
      assert.equal(dash.funnel[unit].total, sum);
    }
    const others = (dash.waves as Json[]).filter((w) => w.id !== "w1");
    assert.ok(others.every((w) => w.funnel.devices.announced === 0));
    assert.ok(dash.lastPassAt);
    assert.ok(Array.isArray(dash.alerts));
    const burn = await ok(admin, "GET", "/api/dashboard/burndown?wave=w1");
    assert.ok(burn.points.length >= 2);
    assert.ok(burn.points.at(-1).migrated > burn.points[0].migrated);
    assert.equal(
      burn.points.at(-1).total,
      burn.points.at(-1).remaining +
        burn.points.at(-1).migrated +
        (burn.points.at(-1).states.excluded ?? 0) +
        (burn.points.at(-1).states.retired ?? 0),
    );
    const all = await ok(admin, "GET", "/api/dashboard/burndown?maxPoints=3");
    assert.ok(all.points.length <= 4);
    assert.equal((await call(admin, "GET", "/api/dashboard/burndown?from=yesterday")).status, 400);
  });

  it("gives the helpdesk one person's page: devices, next steps, deadline, timeline, allowed actions", async () => {
    const p = await db()
      .selectFrom("people")
      .innerJoin("devices", "devices.person_id", "people.id")
      .select("people.id")
      .where("people.wave_id", "=", "w1")
      .where("people.instructions_at", "is not", null)
      .executeTakeFirstOrThrow();
    const page = await ok(helpdesk, "GET", `/api/people/${p.id}`);
    assert.equal(page.person.id, p.id);
    assert.equal(page.person.wave.id, "w1");
    assert.ok(page.person.deadline, "the deadline is known once instructions went out");
    assert.ok(page.devices.length > 0);
    for (const d of page.devices) {
      assert.ok(d.nextStep.text.length > 10);
      assert.ok(["person", "ferry", "nobody"].includes(d.nextStep.who));
      assert.ok(d.stateAgeMs >= 0);
    }
    assert.ok(page.timeline.length > 0);
    assert.ok(page.timeline.every((e: Json) => typeof e.message === "string"));
    assert.equal(page.allowedActions.extendDeadline, true);
    const asAuditor = await ok(auditor, "GET", `/api/people/${p.id}`);
    assert.equal(asAuditor.allowedActions.extendDeadline, false);

    const extended = await ok(helpdesk, "POST", `/api/people/${p.id}/extend-deadline`, { days: 3 });
    assert.equal(extended.extensionDays, 3);
    assert.equal(Date.parse(extended.deadline) - Date.parse(page.person.deadline), 3 * DAY);
    const tooMuch = await call(helpdesk, "POST", `/api/people/${p.id}/extend-deadline`, { days: 30 });
    assert.equal(tooMuch.status, 409);

    const before = await db().selectFrom("actions").select("id").where("kind", "=", "mail").execute();
    assert.equal((await call(helpdesk, "POST", `/api/people/${p.id}/resend-instructions`)).status, 202);
    const after = await db().selectFrom("actions").select("id").where("kind", "=", "mail").execute();
    assert.equal(after.length, before.length + 1);

    const audit = await ok(auditor, "GET", `/api/audit?person=${p.id}&kind=deadline-extended`);
    assert.equal(audit.total, 1);
    assert.match(audit.items[0].actor, /^user:helpdesk$/);
  });

  it("marks a device lost and asks for a remote retire", async () => {
    const [lost, keep] = await db()
      .selectFrom("devices")
      .selectAll()
      .where("state", "=", "in-source")
      .where("person_id", "is not", null)
      .limit(2)
      .execute();
    assert.ok(lost && keep);
    assert.equal(
      (await call(helpdesk, "POST", `/api/devices/${lost.id}/mark`, { reason: "lost" })).status,
      200,
    );
    assert.equal(
      (await call(helpdesk, "POST", `/api/devices/${lost.id}/mark`, { reason: "lost" })).status,
      409,
    );
    assert.equal(
      (await call(helpdesk, "POST", `/api/devices/${lost.id}/mark`, { reason: "stolen" })).status,
      400,
    );
    // "Run a pass now" is queued for whichever process runs passes (here: this one's runner).
    const queued = await call(admin, "POST", "/api/engine/pass");
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.equal(queued.body.queued, "pass");
    assert.equal(queued.body.requestedBy, "token:admin-token");
    assert.equal(queued.body.engineRunning, true);
    assert.equal((await ok(auditor, "GET", "/api/engine")).passRequested, true);
    const pass = await t.app.ferry.runner!.run();
    assert.equal(pass.passRequestHandled, true);
    assert.equal((await ok(auditor, "GET", "/api/engine")).passRequested, false);
    assert.equal((await ok(helpdesk, "GET", `/api/devices/${lost.id}`)).state, "retired");
    assert.equal((await call(helpdesk, "POST", `/api/devices/${keep.id}/retire-request`)).status, 202);
    const row = await db()
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", keep.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.retire_requested_by, "user:helpdesk");
    const gone = await db()
      .selectFrom("devices")
      .select("id")
      .where("source_presence", "=", "absent")
      .executeTakeFirst();
    if (gone)
      assert.equal((await call(helpdesk, "POST", `/api/devices/${gone.id}/retire-request`)).status, 409);
  });

  it("lists limbo and in-both with ages, and searches devices", async () => {
    const limbo = await ok(helpdesk, "GET", "/api/devices/limbo");
    assert.equal(
      limbo.total,
      (await db().selectFrom("devices").select("id").where("state", "=", "limbo").execute()).length,
    );
    const inBoth = await ok(helpdesk, "GET", "/api/devices/in-both");
    assert.equal(typeof inBoth.alertAfterMs, "number");
    const d = await db()
      .selectFrom("devices")
      .selectAll()
      .where("serial", "is not", null)
      .executeTakeFirstOrThrow();
    const found = await ok(helpdesk, "GET", `/api/devices?q=${encodeURIComponent(d.serial!.toLowerCase())}`);
    assert.ok(found.items.some((x: Json) => x.id === d.id));
  });

  it("rolls a started wave back", async () => {
    await ok(operator, "POST", "/api/waves/w2/start", { announceAt: new Date(t.rig!.now).toISOString() });
    const rolled = await ok(operator, "POST", "/api/waves/w2/rollback");
    assert.equal(rolled.status, "rolled-back");
    assert.equal(
      (await call(operator, "POST", "/api/waves/w1/rollback")).status,
      409,
      "the pilot is enforced already",
    );
    const replan = await call(operator, "POST", "/api/waves/plan", {});
    assert.equal(replan.status, 409, "a started wave forbids re-planning");
  });

  it("walks the retirement checklist", async () => {
    const list = await ok(auditor, "GET", "/api/retirement");
    assert.equal(list.requestedAt, null);
    assert.ok(list.items.length >= 6);
    assert.equal(
      (await call(admin, "POST", "/api/retirement/confirm", { item: "final-report-exported" })).status,
      409,
    );
    const requested = await ok(admin, "POST", "/api/retirement/request");
    assert.ok(requested.requestedAt);
    const confirmed = await ok(admin, "POST", "/api/retirement/confirm", { item: "final-report-exported" });
    assert.equal(confirmed.items.find((i: Json) => i.id === "final-report-exported").done, true);
    assert.equal(confirmed.retired, false);
  });

  it("reports the engine and serves the OpenAPI document and the docs", async () => {
    const engine = await ok(auditor, "GET", "/api/engine");
    assert.equal(engine.running, true);
    assert.ok(engine.lastPassAt);
    const doc = json<Json>(await t.app.inject({ method: "GET", url: "/openapi.json" }));
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.components.schemas.Error);
    assert.ok(doc.components.securitySchemes.bearer);
    assert.ok(Object.keys(doc.paths).every((p) => p.startsWith("/api/")));
    const docs = await t.app.inject({ method: "GET", url: "/docs/" });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
    const missing = await t.app.inject({ method: "GET", url: "/api/nothing-here" });
    assert.deepEqual([missing.statusCode, json<Json>(missing).error.code], [404, "not-found"]);
  });
});
