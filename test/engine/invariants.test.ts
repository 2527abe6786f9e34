/**
 * The two promises, checked from the ground truth the simulated systems wrote, across many
 * organisations: nobody is ever under both products' CA, and every device ends accounted for.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOUR } from "../../src/core/time.ts";
import { runDemo } from "../../src/demo/run.ts";
import { DEVICE_CATEGORIES } from "../../src/engine/report.ts";
import { dropTestStore, newStoreLocation } from "../support/store.ts";
import { Rig } from "./harness.ts";

const SEEDS = (process.env.FERRY_SEEDS ?? "1,2,3,4,5,6,7,8").split(",").map(Number);

describe("the whole process across seeds", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: never both, everything accounted for, old product retired`, async () => {
      const location = newStoreLocation();
      const r = await runDemo({
        people: 120,
        seed,
        ...("url" in location ? { database: location.url, schema: location.schema } : {}),
      });
      await dropTestStore(location);
      assert.ok(r.finished, "the campaign finished");
      assert.deepEqual(r.groundTruth.violations, []);
      assert.deepEqual(r.groundTruth.outOfOrder, []);
      assert.deepEqual(r.groundTruth.malformed, []);
      assert.deepEqual(r.groundTruth.breakGlassEnforced, []);
      assert.equal(r.storeViolations, 0);
      const d = r.report.devices;
      const sum = DEVICE_CATEGORIES.reduce(
        (a, c) => a + (c === "excluded" ? Object.values(d.excluded).reduce((x, y) => x + y, 0) : d[c]),
        0,
      );
      assert.equal(sum, d.total, "each device in exactly one category");
      assert.equal(d.limbo + d.inSource + d.inBoth, 0, "nothing left unaccounted");
      assert.ok(r.report.sourceRetired);
      for (const reason of Object.keys(d.excluded)) assert.notEqual(reason, "unknown");
    });
  }
});

describe("a misconfigured tenant", async () => {
  // Nobody was put in the not-yet-migrated group: everyone starts under both products' CA.
  const rig = await Rig.create({ seed: 9, people: 40, delays: { nymPrepopulated: false } });
  rig.world.advanceTo(rig.now + HOUR);
  await rig.pass();

  it("is repaired on the first passes, toward the old product", async () => {
    const truth = rig.world.truth();
    assert.equal(truth.targetEnforced.size, 0);
    const people = await rig.people();
    assert.ok(people.every((p) => p.ca_governance === "source"));
    const gt = rig.groundTruth();
    assert.ok(gt.violations.length > 0, "the checker sees the pre-existing overlap");
    assert.ok(
      gt.violations.every((v) => v.until !== null),
      "and every overlap ended",
    );
    const alerts = await rig.store.db
      .selectFrom("audit")
      .select("kind")
      .where("kind", "=", "alert-both")
      .execute();
    assert.equal(alerts.length, people.length);
    await rig.close();
  });
});
