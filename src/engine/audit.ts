/**
 * The audit timeline: every state change and side effect lands here, append-only and
 * hash-chained (store/audit-chain.ts). Writers hold a lock while they extend the chain, so
 * two processes never fork it.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { chainHash, GENESIS } from "../store/audit-chain.ts";
import { dialectOf } from "../store/dialect.ts";
import type { AuditRow, Database } from "../store/schema.ts";
import { getMeta, setMeta } from "./meta.ts";

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

/** "audit" in ASCII: the advisory lock that serialises writers of the chain on PostgreSQL. */
const AUDIT_LOCK = 0x6175646974;

export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  entries: AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => audit(trx, entries));
    return;
  }
  if (dialectOf(db) === "postgres") await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(db);
  const head = await db
    .selectFrom("audit")
    .select(["id", "hash"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  let id = head?.id ?? 0;
  let prev = head?.hash ?? GENESIS;
  const rows = entries.map((e) => {
    const row = {
      id: ++id,
      at: e.at,
      actor: e.actor,
      kind: e.kind,
      message: e.message,
      wave_id: e.waveId ?? null,
      person_id: e.personId ?? null,
      device_id: e.deviceId ?? null,
      data: e.data === undefined ? null : JSON.stringify(e.data),
    };
    const hash = chainHash(prev, row);
    const chained = { ...row, prev_hash: prev, hash };
    prev = hash;
    return chained;
  });
  // SQLite allows 32,766 bound parameters per statement; 11 columns a row.
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto("audit")
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  await setMeta(db, "auditHead", { id, hash: prev });
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  /** the first entry that does not check out, and why */
  problem?: { id: number; reason: string };
}

/** Recomputes the whole chain: a changed, inserted or deleted entry is found. */
export async function verifyAudit(db: Kysely<Database>): Promise<AuditVerdict> {
  let prev = GENESIS;
  let expectedId = 1;
  let entries = 0;
  let last: AuditRow | undefined;
  for (;;) {
    const page = await db
      .selectFrom("audit")
      .selectAll()
      .where("id", ">=", expectedId)
      .orderBy("id")
      .limit(5000)
      .execute();
    if (page.length === 0) break;
    for (const row of page) {
      if (row.id !== expectedId)
        return {
          ok: false,
          entries,
          problem: { id: expectedId, reason: `entry ${expectedId} is missing (deleted)` },
        };
      if (row.prev_hash !== prev)
        return { ok: false, entries, problem: { id: row.id, reason: "does not follow the entry before it" } };
      if (chainHash(prev, row) !== row.hash)
        return {
          ok: false,
          entries,
          problem: { id: row.id, reason: "content was changed after it was written" },
        };
      prev = row.hash;
      expectedId++;
      entries++;
      last = row;
    }
  }
  const head = await getMeta(db, "auditHead");
  if (head && (head.id !== (last?.id ?? 0) || head.hash !== (last?.hash ?? GENESIS))) {
    return {
      ok: false,
      entries,
      problem: {
        id: (last?.id ?? 0) + 1,
        reason: `entries after ${last?.id ?? 0} up to ${head.id} were deleted`,
      },
    };
  }
  return { ok: true, entries };
}
