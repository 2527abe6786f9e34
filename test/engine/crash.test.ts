/**
 * Crashes: a process may die between deciding and acting, or between acting and recording.
 * A restarted process must finish the migration without repeating or dropping a step.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Ports } from "../../src/core/ports/index.ts";
import { HOUR, MINUTE } from "../../src/core/time.ts";
import { buildReport } from "../../src/engine/report.ts";
import { Worker } from "../../src/engine/worker.ts";
import { Rig } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "ferry-crash-"));

async function finish(rig: Rig) {
  await rig.run(async () => (await rig.wave()).status === "complete", 60, 2 * HOUR);
  const report = await buildReport(rig.store.db, rig.now, rig.now);
  return { devices: report.devices, waveStatus: (await rig.wave()).status };
}

describe("crash between decide and act", async () => {
  const reference = await Rig.create({ seed: 21, database: join(dir, "ref.db") });
  await reference.oneWave();
  const expected = await finish(reference);
  await reference.close();

  const rig = await Rig.create({ seed: 21, database: join(dir, "a.db") });
  after(() => rig.close());
  await rig.oneWave();
  // Run normally for a day, then crash right after a pass that committed decisions.
  await rig.run(() => rig.now >= reference.world.options.start + 26 * HOUR, 5, 2 * HOUR);
  for (;;) {
    rig.world.advanceTo(rig.now + 2 * HOUR);
    if ((await rig.engine.reconcile()).actionsQueued > 0) break;
    await rig.worker.drain();
  }
  const pending = await rig.store.db
    .selectFrom("actions")
    .select("id")
    .where("status", "=", "pending")
    .execute();
  await rig.store.close(); // the process dies: nothing it queued was executed
  await rig.open(); // a new process on the same database

  it("had decisions queued and unexecuted at the crash", () => assert.ok(pending.length > 0));

  it("resumes and reaches the same end state as an uninterrupted run", async () => {
    await rig.worker.drain();
    assert.deepEqual(await finish(rig), expected);
    assert.deepEqual(rig.groundTruth().violations, []);
    assert.equal(rig.world.truth().duplicateEmails, 0);
  });
});

/** Ports whose chosen method performs the call and then never returns, like a process killed after acting. */
function dyingAfter(ports: Ports, port: "targetAccess" | "mailer", method: "enforce" | "send") {
  let died: () => void = () => {};
  const dead = new Promise<void>((resolve) => {
    died = resolve;
  });
  const target = ports[port] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const wrapped = Object.create(target) as Record<string, unknown>;
  wrapped[method] = async (...args: unknown[]) => {
    await target[method]!.apply(target, args);
    died();
    return new Promise(() => {}); // acted, never recorded
  };
  return { ports: { ...ports, [port]: wrapped } as Ports, dead };
}

describe("crash between act and record", async () => {
  for (const [port, method] of [
    ["targetAccess", "enforce"],
    ["mailer", "send"],
  ] as const) {
    const rig = await Rig.create({ seed: 31, database: join(dir, `b-${method}.db`) });
    after(() => rig.close());
    await rig.oneWave();
    // Drive passes with a worker that dies in the middle of its first `method` call.
    const { ports, dead } = dyingAfter(rig.world.ports, port, method);
    const doomed = new Worker(rig.store, ports, rig.engine.settings, "doomed");
    let crashed = false;
    while (!crashed) {
      rig.world.advanceTo(rig.now + HOUR);
      await rig.engine.reconcile();
      crashed = await Promise.race([doomed.drain().then(() => false), dead.then(() => true)]);
    }
    const stuck = await rig.store.db
      .selectFrom("actions")
      .selectAll()
      .where("status", "=", "running")
      .execute();

    const dying = stuck.find((a) => a.kind === (method === "send" ? "mail" : "target-enforce"))!;

    it(`${port}.${method}: leaves its claimed actions running under the dead worker's lease`, () => {
      assert.ok(dying, "the action it died in is still running");
      assert.ok(stuck.every((a) => a.lease_owner === "doomed"));
    });

    it(`${port}.${method}: a new worker takes it over after the lease and the migration completes`, async () => {
      await rig.open();
      await rig.worker.drain();
      const still = await rig.store.db
        .selectFrom("actions")
        .select("status")
        .where("id", "=", dying.id)
        .executeTakeFirstOrThrow();
      assert.equal(still.status, "running", "not taken over before the lease expires");
      rig.world.advanceTo(rig.now + rig.engine.settings.leaseFor + MINUTE);
      await rig.worker.drain();
      const redone = await rig.store.db
        .selectFrom("actions")
        .selectAll()
        .where("id", "=", dying.id)
        .executeTakeFirstOrThrow();
      assert.equal(redone.status, "done");
      const end = await finish(rig);
      assert.equal(end.waveStatus, "complete");
      assert.deepEqual(rig.groundTruth().violations, []);
      // Group changes are idempotent; an e-mail sent by the dead worker goes out again once.
      assert.equal(rig.world.truth().duplicateEmails, method === "send" ? 1 : 0);
    });
  }
});
