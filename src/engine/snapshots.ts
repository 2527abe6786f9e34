/** Hourly progress snapshots: what burn-down charts are drawn from. */
import type { Transaction } from "kysely";
import { HOUR } from "../core/time.ts";
import type { Database } from "../store/schema.ts";
import type { WorkingSet } from "./working-set.ts";

export const SNAPSHOT_EVERY = HOUR;

export interface SnapshotData {
  /** wave id ("-" for devices in no wave) → device state → count */
  waves: Record<string, Record<string, number>>;
  governance: Record<string, number>;
}

export function snapshotOf(ws: WorkingSet): SnapshotData {
  const waves: SnapshotData["waves"] = {};
  const governance: SnapshotData["governance"] = {};
  for (const d of ws.devices.values()) {
    const wave = (d.person_id ? ws.people.get(d.person_id)?.wave_id : null) ?? "-";
    const counts = waves[wave] ?? {};
    counts[d.state] = (counts[d.state] ?? 0) + 1;
    waves[wave] = counts;
  }
  for (const p of ws.people.values()) governance[p.ca_governance] = (governance[p.ca_governance] ?? 0) + 1;
  return { waves, governance };
}

/** Writes a snapshot when the last one is at least an hour old; returns the time of the latest. */
export async function maybeSnapshot(
  trx: Transaction<Database>,
  ws: WorkingSet,
  last: number | undefined,
): Promise<number> {
  const latest =
    last ??
    Number(
      (
        await trx
          .selectFrom("snapshots")
          .select((eb) => eb.fn.max("at").as("at"))
          .executeTakeFirst()
      )?.at ?? Number.NaN,
    );
  if (!Number.isNaN(latest) && ws.now - latest < SNAPSHOT_EVERY) return latest;
  // `last` is this process's memory: an engine in another process (several workers on one
  // PostgreSQL) may already have written the snapshot of this instant, and a pass must not
  // fail (and roll back everything it decided) over a progress chart.
  await trx
    .insertInto("snapshots")
    .values({ at: ws.now, data: JSON.stringify(snapshotOf(ws)) })
    .onConflict((oc) => oc.column("at").doNothing())
    .execute();
  return ws.now;
}
