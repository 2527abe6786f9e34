import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { sql } from "kysely";
import { audit, verifyAudit } from "../../src/engine/audit.ts";
import { dialectOf } from "../../src/store/dialect.ts";
import { dropTestStore, newStoreLocation, openTestStore } from "../support/store.ts";

describe("the audit log", async () => {
  const location = newStoreLocation();
  const store = await openTestStore(location);
  after(async () => {
    await store.close();
    await dropTestStore(location);
  });
  const { db } = store;
  for (let i = 0; i < 30; i++) {
    await audit(db, [{ at: 1_000 + i, actor: "test", kind: "k", message: `entry ${i}`, data: { i } }]);
  }
  await audit(
    db,
    Array.from({ length: 20 }, (_, i) => ({ at: 2_000 + i, actor: "bulk", kind: "k", message: `bulk ${i}` })),
  );

  it("verifies a chain nobody touched", async () => {
    assert.deepEqual(await verifyAudit(db), { ok: true, entries: 50 });
  });

  it("refuses updates and deletes", async () => {
    await assert.rejects(
      db.updateTable("audit").set({ message: "x" }).where("id", "=", 3).execute(),
      /append-only/,
    );
    await assert.rejects(db.deleteFrom("audit").where("id", "=", 3).execute(), /append-only/);
  });

  // Someone with direct database access can still get past the triggers: verify must notice.
  async function tamper(statement: string) {
    const trigger = dialectOf(db) === "postgres" ? "audit_append_only" : null;
    if (trigger) await sql.raw(`alter table audit disable trigger ${trigger}`).execute(db);
    else {
      await sql.raw("drop trigger audit_no_update").execute(db);
      await sql.raw("drop trigger audit_no_delete").execute(db);
    }
    await sql.raw(statement).execute(db);
  }

  it("detects a changed entry", async () => {
    await tamper("update audit set message = 'nothing happened' where id = 17");
    assert.deepEqual((await verifyAudit(db)).problem, {
      id: 17,
      reason: "content was changed after it was written",
    });
    await sql.raw("update audit set message = 'entry 16' where id = 17").execute(db);
    assert.equal((await verifyAudit(db)).ok, true);
  });

  it("detects a deleted entry, in the middle and at the end", async () => {
    await sql.raw("delete from audit where id = 50").execute(db);
    assert.match((await verifyAudit(db)).problem!.reason, /entries after 49 up to 50 were deleted/);
    await sql.raw("delete from audit where id = 21").execute(db);
    assert.deepEqual((await verifyAudit(db)).problem, { id: 21, reason: "entry 21 is missing (deleted)" });
  });
});
