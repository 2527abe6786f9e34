/**
 * Helpdesk requests on devices, and hourly progress snapshots for burn-down charts.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("devices").addColumn("retire_requested_at", "bigint").execute();
  await db.schema.alterTable("devices").addColumn("retire_requested_by", "text").execute();
  await db.schema
    .createTable("snapshots")
    .addColumn("at", "bigint", (c) => c.primaryKey())
    .addColumn("data", "text", (c) => c.notNull())
    .execute();
}
