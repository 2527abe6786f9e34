/**
 * The audit log becomes append-only and hash-chained: each entry carries the hash of the one
 * before it, and the database refuses updates and deletes. Existing entries are chained here.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { type ChainedFields, chainHash, GENESIS } from "../audit-chain.ts";
import { dialectOf } from "../dialect.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("audit").addColumn("prev_hash", "text").execute();
  await db.schema.alterTable("audit").addColumn("hash", "text").execute();
  let prev = GENESIS;
  const rows = await db.selectFrom("audit").selectAll().orderBy("id").execute();
  for (const row of rows) {
    const hash = chainHash(prev, row as ChainedFields);
    await db.updateTable("audit").set({ prev_hash: prev, hash }).where("id", "=", row.id).execute();
    prev = hash;
  }
  if (dialectOf(db) === "postgres") {
    await sql`create function ferry_audit_append_only() returns trigger language plpgsql as $$
      begin raise exception 'the audit log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_append_only before update or delete on audit
      for each row execute function ferry_audit_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_no_update before update on audit
      begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
    await sql`create trigger audit_no_delete before delete on audit
      begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
  }
}
