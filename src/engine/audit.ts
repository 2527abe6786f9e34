/** The audit timeline: every state change and side effect lands here. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.ts";

export interface AuditEntry {
  at: number;
  actor: string;
  kind: string;
  message: string;
  waveId?: string | null;
  personId?: string | null;
  deviceId?: string | null;
  data?: unknown;
}

export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  entries: AuditEntry[],
): Promise<void> {
  // SQLite allows 32,766 bound parameters per statement; 9 columns a row.
  for (let i = 0; i < entries.length; i += 1000) {
    await db
      .insertInto("audit")
      .values(
        entries.slice(i, i + 1000).map((e) => ({
          at: e.at,
          actor: e.actor,
          kind: e.kind,
          message: e.message,
          wave_id: e.waveId ?? null,
          person_id: e.personId ?? null,
          device_id: e.deviceId ?? null,
          data: e.data === undefined ? null : JSON.stringify(e.data),
        })),
      )
      .execute();
  }
}
