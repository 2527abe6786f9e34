/**
 * Indexes for two questions asked of a table that holds hundreds of thousands of actions at
 * 100,000 people: which actions finished after a pass's observations began (engine.ts), and
 * each wave's next ready actions, for claims taken in turns across waves (worker.ts).
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("actions_updated").on("actions").column("updated_at").execute();
  await db.schema
    .createIndex("actions_wave_queue")
    .on("actions")
    .columns(["wave_id", "status", "id"])
    .execute();
}
