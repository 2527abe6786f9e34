/**
 * `ferry run --watch` as `ferry serve` starts it: a separate process on a temporary
 * installation, a pass at once, an early pass for a portal "check again" and for an API
 * "run a pass now" (rows in the store, as the server records them), and a clean stop on
 * SIGTERM that tells the store nobody answers requests any more.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { engineLoops, getMeta } from "../../src/engine/meta.ts";
import { requestPass } from "../../src/server/runner.ts";
import type { Store } from "../../src/store/open.ts";
import { Installation, type Running } from "./installation.ts";

describe("ferry run --watch", () => {
  let inst: Installation;
  let loop: Running;
  let store: Store;

  before(async () => {
    inst = Installation.create();
    inst.prepare();
    // a long interval: any pass after the first is an early one
    loop = inst.spawn("run", "--watch", "--json", "--interval", "10m", "--advance", "1h");
    store = await inst.store();
  });
  after(async () => {
    await loop.stop();
    await store.close();
    inst.remove();
  });

  it("starts and runs a pass at once, storing the dashboard summary", async () => {
    await loop.waitFor("the start line", (l) => l.event === "started");
    const first = await loop.waitFor("the first pass", (l) => l.event === "pass");
    assert.equal(first.reason, "interval");
    assert.ok((first.actionsQueued as number) > 0, "the pilot is announced: mails queued");
    assert.equal(first.executed, first.actionsQueued);
    const summary = await getMeta(store.db, "dashboardSummary");
    assert.ok(summary && summary.waves.length > 0);
    const [status, ...others] = await engineLoops(store.db);
    assert.equal(others.length, 0);
    assert.equal(status?.pid, loop.child.pid);
    assert.equal(status?.intervalMs, 600_000);
  });

  it("runs an early pass for a portal re-check and marks it answered", async () => {
    const person = await store.db.selectFrom("people").select("id").limit(1).executeTakeFirstOrThrow();
    const at = (await getMeta(store.db, "lastPassAt"))!;
    await store.db
      .insertInto("recheck_requests")
      .values({ person_id: person.id, device_id: null, requested_at: at, handled_at: null })
      .execute();
    const pass = await loop.waitFor(
      "a check-again pass",
      (l) => l.event === "pass" && l.reason === "check-again",
      20_000,
    );
    assert.equal(pass.rechecksHandled, 1);
    const row = await store.db
      .selectFrom("recheck_requests")
      .select("handled_at")
      .where("person_id", "=", person.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.handled_at, null);
  });

  it("runs an early pass when the API asks for one", async () => {
    await requestPass(store.db, (await getMeta(store.db, "lastPassAt"))!, "test");
    const pass = await loop.waitFor(
      "a requested pass",
      (l) => l.event === "pass" && l.reason === "requested",
      20_000,
    );
    assert.equal(pass.passRequestHandled, true);
    // an early pass does not move the simulated clock: only intervals do
    const passes = loop.json().filter((l) => l.event === "pass");
    assert.equal(new Set(passes.map((p) => p.at)).size, 1, JSON.stringify(passes));
  });

  it("stops on SIGTERM after the pass under way, exiting 0", async () => {
    const exit = await loop.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, loop.tail());
    const last = loop.json().at(-1);
    assert.equal(last?.event, "stopped");
    assert.equal(last?.passes, 3);
    assert.equal((await engineLoops(store.db))[0]?.heartbeatAt, 0);
  });
});
