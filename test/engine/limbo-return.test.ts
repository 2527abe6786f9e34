/**
 * A device given up on in limbo (it left the old product and did not reach Intune in time)
 * whose person enrolls it after all — back from leave — counts as migrated, not abandoned.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { isMigrated } from "../../src/core/device-state.ts";
import type { DeviceState } from "../../src/core/model.ts";
import { DAY } from "../../src/core/time.ts";
import { Rig } from "./harness.ts";

describe("limbo: a device given up on that comes back", () => {
  it("is no longer excluded once Intune has it, and the audit says so", async () => {
    // Everyone goes on leave at some point; giving up after 2 days catches some mid-leave.
    const rig = await Rig.create({
      seed: 4,
      people: 60,
      behaviour: { prompt: 0, slow: 0, never: 0, onLeave: 1, enrollsFirst: 0, losesDevice: 0 },
      engine: { limboGiveUpAfter: 2 * DAY, limboAlertAfter: DAY },
    });
    after(() => rig.close());
    await rig.oneWave();
    await rig.run(async () => (await rig.wave()).status === "complete", 90);
    const end = rig.now + 30 * DAY; // the world goes on: late enrollments
    await rig.run(() => rig.now >= end, 31);

    const returned = await rig.store.db
      .selectFrom("audit")
      .select("device_id")
      .where("kind", "=", "device-returned")
      .execute();
    assert.ok(returned.length > 0, "some device came back from limbo");
    for (const { device_id } of returned) {
      const d = await rig.store.db
        .selectFrom("devices")
        .select(["state", "excluded_reason", "target_id"])
        .where("id", "=", device_id!)
        .executeTakeFirstOrThrow();
      assert.equal(d.excluded_reason, null);
      assert.ok(d.target_id);
      assert.ok(isMigrated(d.state as DeviceState) || d.state === "enrolled", d.state);
    }
    const stuck = await rig.store.db
      .selectFrom("devices")
      .select("id")
      .where("excluded_reason", "=", "abandoned-in-limbo")
      .where("target_id", "is not", null)
      .execute();
    assert.deepEqual(stuck, [], "no device in Intune is still counted as abandoned");
  });
});
