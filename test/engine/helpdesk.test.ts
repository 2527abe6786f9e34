import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DAY, HOUR } from "../../src/core/time.ts";
import {
  extendDeadline,
  HelpdeskError,
  markRetired,
  requestRetire,
  resendInstructions,
} from "../../src/engine/helpdesk.ts";
import { COOPERATIVE, Rig } from "./harness.ts";

describe("helpdesk operations", async () => {
  // Nobody acts on their own: only what Ferry and the helpdesk do moves devices.
  const rig = await Rig.create({ seed: 12, people: 30, behaviour: { ...COOPERATIVE, prompt: 0, never: 1 } });
  after(() => rig.close());
  const selfService = await rig.store.db
    .selectFrom("devices")
    .selectAll()
    .where("path", "=", "self-service")
    .where("state", "=", "in-source")
    .execute();
  const [first, second] = selfService;
  assert.ok(first && second && first.person_id);

  it("extends one person's deadline, within bounds", async () => {
    assert.equal(await extendDeadline(rig.store.db, first.person_id!, 3 * DAY, rig.now, "agent"), 3 * DAY);
    await assert.rejects(
      extendDeadline(rig.store.db, first.person_id!, 28 * DAY, rig.now, "agent"),
      HelpdeskError,
    );
  });

  it("marks a lost device retired: it leaves the migration", async () => {
    await markRetired(rig.store.db, second.id, "lost", rig.now, "agent");
    await rig.pass();
    const d = await rig.store.db
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", second.id)
      .executeTakeFirstOrThrow();
    assert.equal(d.state, "retired");
  });

  it("carries out a requested retire only once the owner's CA has moved", async () => {
    await requestRetire(rig.store.db, first.id, rig.now, "owner");
    await rig.pass();
    const early = await rig.store.db
      .selectFrom("actions")
      .select("id")
      .where("kind", "=", "source-retire")
      .execute();
    assert.equal(early.length, 0, "no retire while the owner is under the old product's CA");
    await rig.oneWave();
    await rig.run(
      async () => {
        const d = await rig.store.db
          .selectFrom("devices")
          .select("source_presence")
          .where("id", "=", first.id)
          .executeTakeFirstOrThrow();
        return d.source_presence === "absent";
      },
      5,
      HOUR,
    );
    const owner = await rig.store.db
      .selectFrom("people")
      .selectAll()
      .where("id", "=", first.person_id!)
      .executeTakeFirstOrThrow();
    assert.notEqual(owner.ca_governance, "source");
    assert.deepEqual(rig.groundTruth().violations, []);
  });

  it("resends instructions now", async () => {
    const p = await rig.store.db
      .selectFrom("people")
      .selectAll()
      .where("id", "=", first.person_id!)
      .executeTakeFirstOrThrow();
    const before = rig.world.mailbox(p.upn).filter((m) => m.template === "instructions").length;
    await resendInstructions(rig.store.db, p.id, rig.now, "agent");
    await rig.worker.drain();
    assert.equal(rig.world.mailbox(p.upn).filter((m) => m.template === "instructions").length, before + 1);
  });
});
