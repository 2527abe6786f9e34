import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DAY, HOUR } from "../../src/core/time.ts";
import { rollbackWave, startWave, WaveError } from "../../src/engine/waves.ts";
import { Rig } from "./harness.ts";

describe("rolling a wave back in its grace window", async () => {
  const rig = await Rig.create({ seed: 3 });
  after(() => rig.close());
  await rig.oneWave({ caMode: "grace", gracePeriod: 5 * DAY });
  // Run until the handover is done: everyone out of the source's CA, nobody under Intune's.
  await rig.run(async () => (await rig.people()).every((p) => p.ca_governance === "none"), 10, HOUR);
  const rolledBackAt = rig.now;
  await rollbackWave(rig.store.db, "w1", rig.now, "test");
  await rig.run(async () => (await rig.people()).every((p) => p.ca_governance === "source"), 5, HOUR);

  it("puts everyone back under the old product's CA", async () => {
    assert.equal((await rig.wave()).status, "rolled-back");
    const truth = rig.world.truth();
    assert.equal(truth.targetEnforced.size, 0);
    assert.equal(truth.sourceEnforced.size, (await rig.people()).length);
  });

  it("never applies both, and Intune CA never started", () => {
    assert.deepEqual(rig.groundTruth().violations, []);
    assert.equal(rig.enforcedAt("target").size, 0);
  });

  it("tells everyone the move is postponed, once", async () => {
    for (const p of await rig.people()) {
      const postponed = rig.world.mailbox(p.upn).filter((m) => m.template === "postponed");
      assert.equal(postponed.length, 1, p.upn);
      assert.ok(postponed[0]!.at >= rolledBackAt);
    }
  });

  it("refuses to roll back a second time, and can start the wave again", async () => {
    await assert.rejects(rollbackWave(rig.store.db, "w1", rig.now, "test"), WaveError);
    const row = await startWave(rig.store.db, "w1", rig.now, "test");
    assert.equal(row.status, "scheduled");
  });
});

describe("rolling back while Intune CA is being enforced", async () => {
  // Immediate mode: roll back just after the first people came under Intune CA. The engine
  // must exempt them in Intune first, confirm, settle, and only then re-apply the source.
  const rig = await Rig.create({ seed: 5 });
  after(() => rig.close());
  await rig.oneWave({ caMode: "immediate" });
  // Stop right after the worker put people under Intune CA, before any pass saw it.
  const enforcedOnce = async () =>
    (
      await rig.store.db
        .selectFrom("actions")
        .select("id")
        .where("kind", "=", "target-enforce")
        .where("status", "=", "done")
        .execute()
    ).length > 0;
  await rig.run(enforcedOnce, 10, HOUR);
  assert.equal((await rig.wave()).status, "handover");
  await rollbackWave(rig.store.db, "w1", rig.now, "test");
  await rig.run(async () => (await rig.people()).every((p) => p.ca_governance === "source"), 5, HOUR);

  it("walks everyone back without an instant under both", () => {
    assert.ok(rig.enforcedAt("target").size > 0, "some people were under Intune CA before the rollback");
    assert.deepEqual(rig.groundTruth().violations, []);
    assert.equal(rig.world.truth().targetEnforced.size, 0);
  });

  it("refuses rollback once a wave is enforced", async () => {
    const rig2 = await Rig.create({ seed: 5, people: 20 });
    await rig2.oneWave({ caMode: "immediate" });
    await rig2.run(async () => (await rig2.wave()).status === "enforced", 10, HOUR);
    await assert.rejects(rollbackWave(rig2.store.db, "w1", rig2.now, "test"), /only a wave not yet enforced/);
    await rig2.close();
  });
});
