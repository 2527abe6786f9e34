/**
 * Apple Business Manager has no connector: each reassignment is a manual task per serial,
 * asked once, with the deadline in it, confirmed by a named person.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DAY, ManualClock } from "../../src/core/time.ts";
import { confirmTask } from "../../src/engine/manual-access.ts";
import { APPLE_REASSIGN_KIND, ManualAppleAssignment } from "../../src/engine/manual-apple.ts";
import { dropTestStore, newStoreLocation, openTestStore } from "../support/store.ts";

describe("Apple Business Manager reassignments as manual tasks", async () => {
  const location = newStoreLocation();
  const store = await openTestStore(location);
  after(async () => {
    await store.close();
    await dropTestStore(location);
  });
  const clock = new ManualClock(Date.parse("2027-03-01T09:00:00Z"));
  const apple = new ManualAppleAssignment(store.db, clock);
  const deadline = clock.now() + 14 * DAY;

  it("records one task per serial, naming the serial and the deadline", async () => {
    await apple.reassignToTarget("C02XYZ123", deadline);
    await apple.reassignToTarget("C02XYZ123", deadline);
    await apple.reassignToTarget("F17ABC999", deadline);
    const tasks = await store.db.selectFrom("manual_tasks").selectAll().orderBy("id").execute();
    assert.equal(tasks.length, 2);
    assert.equal(tasks[0]!.kind, APPLE_REASSIGN_KIND);
    assert.deepEqual(JSON.parse(tasks[0]!.subjects), ["C02XYZ123"]);
    assert.equal(
      tasks[0]!.title,
      "Reassign serial C02XYZ123 to Intune's MDM server in Apple Business Manager by 2027-03-15",
    );
    assert.match(tasks[0]!.steps, /2027-03-15T09:00:00\.000Z/);
  });

  it("is confirmed by a named person, and the audit says so", async () => {
    const task = await store.db
      .selectFrom("manual_tasks")
      .select("id")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await confirmTask(store.db, task.id, "alice", clock.now());
    const audit = await store.db.selectFrom("audit").select(["actor", "kind"]).execute();
    assert.ok(audit.some((a) => a.actor === "alice" && a.kind === "manual-task-confirmed"));
  });
});
