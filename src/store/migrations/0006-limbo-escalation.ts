/** When the helpdesk was told about a device stuck in limbo, so it is told once per stay. */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("devices").addColumn("limbo_escalated_at", "bigint").execute();
}
