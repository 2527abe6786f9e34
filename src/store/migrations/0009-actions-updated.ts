/**
 * An index on when each action last changed: a pass asks for the actions that finished after
 * its observations were read (engine.ts), and at 100,000 people the table holds several
 * hundred thousand finished ones.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("actions_updated").on("actions").column("updated_at").execute();
}
