/**
 * A mail gateway with no API: the source's CA changes are manual tasks, and Intune CA waits
 * until a person confirmed them.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { HOUR } from "../../src/core/time.ts";
import { Engine } from "../../src/engine/engine.ts";
import { confirmTask, ManualSourceAccess } from "../../src/engine/manual-access.ts";
import { ManualOffboarding } from "../../src/engine/manual-offboarding.ts";
import { Worker } from "../../src/engine/worker.ts";
import { Rig } from "./harness.ts";

describe("source CA through manual tasks", async () => {
  const rig = await Rig.create({ seed: 8, people: 30 });
  after(() => rig.close());
  const manual = new ManualSourceAccess(
    rig.store.db,
    rig.world.clock,
    "workspace-one-seg",
    rig.world.breakGlassUpns,
  );
  const ports = { ...rig.world.ports, sourceAccess: manual };
  rig.engine = new Engine(rig.store, ports);
  rig.worker = new Worker(rig.store, ports, rig.engine.settings);
  await rig.oneWave({ caMode: "immediate" });
  await rig.run(async () => (await rig.wave()).status === "handover", 5, HOUR);
  for (let i = 0; i < 6; i++) {
    rig.world.advanceTo(rig.now + HOUR);
    await rig.pass();
  }
  const tasks = await rig.store.db.selectFrom("manual_tasks").selectAll().execute();

  it("asks once, with the console steps, however often the engine asks", () => {
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]!.kind, "source-exclude");
    assert.match(tasks[0]!.title, /Exempt \d+ people from Workspace ONE Secure Email Gateway/);
    assert.match(tasks[0]!.steps, /Email Dashboard/);
  });

  it("puts nobody under Intune CA before the task is confirmed", async () => {
    assert.equal(rig.world.truth().targetEnforced.size, 0);
    assert.ok((await rig.people()).every((p) => p.ca_governance === "source"));
  });

  it("moves everyone once an admin did it and confirmed", async () => {
    // The admin carries the steps out on the gateway, then confirms in Ferry.
    await rig.world.ports.sourceAccess.exclude(JSON.parse(tasks[0]!.subjects));
    await confirmTask(rig.store.db, tasks[0]!.id, "alice", rig.now);
    await assert.rejects(
      confirmTask(rig.store.db, tasks[0]!.id, "bob", rig.now),
      /already confirmed by alice/,
    );
    await rig.run(async () => (await rig.people()).every((p) => p.ca_governance === "target"), 3, HOUR);
    assert.deepEqual(rig.groundTruth().violations, []);
  });
});

describe("offboarding by instructions (an export-only product)", async () => {
  const rig = await Rig.create({ seed: 8, people: 20 });
  after(() => rig.close());
  const offboarding = new ManualOffboarding(rig.store.db, rig.world.clock, "Legacy MDM");
  const device = await rig.store.db
    .selectFrom("devices")
    .selectAll()
    .where("source_presence", "=", "enrolled")
    .executeTakeFirstOrThrow();

  it("turns a retire into one task with console steps, however often asked", async () => {
    await offboarding.retire(device.source_id!);
    await offboarding.retire(device.source_id!);
    const tasks = await rig.store.db
      .selectFrom("manual_tasks")
      .selectAll()
      .where("kind", "=", "source-retire")
      .execute();
    assert.equal(tasks.length, 1);
    assert.match(tasks[0]!.title, new RegExp(`Retire device ${device.source_id} in Legacy MDM`));
    assert.match(tasks[0]!.steps, /never a full wipe on a personal device/);
  });

  it("does not take the device for gone until the inventory stops listing it", async () => {
    await rig.pass();
    const d = await rig.store.db
      .selectFrom("devices")
      .select("source_presence")
      .where("id", "=", device.id)
      .executeTakeFirstOrThrow();
    assert.equal(d.source_presence, "enrolled");
  });
});
