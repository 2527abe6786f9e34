/**
 * Wave views for API reads, without loading every row of the store. The engine's
 * `WorkingSet.load` reads whole rows (seconds at 100,000 devices); a view here carries only
 * the columns the wave functions read (`waveProgress`, `successShare`, `gateBlocker`):
 * devices' state, path, reset notice and Apple deadline; people's id, wave, governance and flags.
 */
import { buildWaveViews, type WaveView } from "../engine/wave-view.ts";
import { WorkingSet } from "../engine/working-set.ts";
import type { Db } from "../store/open.ts";
import type { DeviceRow, PersonRow } from "../store/schema.ts";

export async function loadWaveViews(db: Db, now: number): Promise<WaveView[]> {
  const ws = new WorkingSet(now);
  for (const w of await db.selectFrom("waves").selectAll().orderBy("ordinal").execute())
    ws.waves.set(w.id, w);
  const people = await db
    .selectFrom("people")
    .select(["id", "wave_id", "ca_governance", "break_glass", "directory_id"])
    .where("wave_id", "is not", null)
    .execute();
  // Partial rows: buildWaveViews and the progress functions read only these columns.
  for (const p of people) ws.people.set(p.id, p as PersonRow);
  const devices = await db
    .selectFrom("devices")
    .innerJoin("people", "people.id", "devices.person_id")
    .select([
      "devices.id",
      "devices.person_id",
      "devices.state",
      "devices.path",
      "devices.reset_notice_at",
      "devices.apple_deadline_at",
    ])
    .where("people.wave_id", "is not", null)
    .execute();
  for (const d of devices) ws.devices.set(d.id, d as DeviceRow);
  return [...buildWaveViews(ws).values()].sort((a, b) => a.row.ordinal - b.row.ordinal);
}
