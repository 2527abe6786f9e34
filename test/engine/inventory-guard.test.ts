import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SourceDeviceRecord } from "../../src/core/ports/index.ts";
import { Engine } from "../../src/engine/engine.ts";
import { Rig } from "./harness.ts";

describe("an inventory that lost most of the fleet", async () => {
  const rig = await Rig.create({ seed: 4, people: 80 });
  // A truncated export: the source lists only its first page of 10 devices.
  const truncated = {
    ...rig.world.ports,
    sourceInventory: {
      async *listDevices(): AsyncIterable<SourceDeviceRecord> {
        let n = 0;
        for await (const r of rig.world.ports.sourceInventory.listDevices()) if (n++ < 10) yield r;
      },
    },
  };
  const before = await rig.store.db
    .selectFrom("devices")
    .select("id")
    .where("source_presence", "!=", "absent")
    .execute();
  await new Engine(rig.store, truncated).reconcile();

  it("is not believed: no device is marked gone", async () => {
    const after = await rig.store.db
      .selectFrom("devices")
      .select("id")
      .where("source_presence", "!=", "absent")
      .execute();
    assert.ok(before.length > 50);
    assert.equal(after.length, before.length);
    assert.equal(
      (await rig.store.db.selectFrom("devices").select("id").where("state", "=", "limbo").execute()).length,
      0,
    );
  });

  it("raises an alert an admin can act on", async () => {
    const alert = await rig.store.db
      .selectFrom("audit")
      .selectAll()
      .where("kind", "=", "alert-inventory-drop")
      .executeTakeFirstOrThrow();
    assert.match(
      alert.message,
      /source inventory lists 10 devices; \d+ of \d+ known ones vanished without Ferry asking them to leave/,
    );
  });

  it("believes the next complete inventory", async () => {
    await rig.pass();
    const alerts = await rig.store.db
      .selectFrom("audit")
      .select("id")
      .where("kind", "=", "alert-inventory-drop")
      .execute();
    assert.equal(alerts.length, 1);
    await rig.close();
  });
});
