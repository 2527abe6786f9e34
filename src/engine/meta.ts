/** Small facts the engine keeps between passes, as JSON in the meta table. */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.ts";
import type { DashboardSummary } from "./dashboard-summary.ts";

export interface MetaValues {
  /** the last Intune policy verification */
  targetPolicy: { checkedAt: number; enabled: boolean; ok: boolean; problems: string[] };
  lastPassAt: number;
  /** set by `ferry retire`: stop putting anyone back under the old product, then switch its CA off */
  retirement: { requestedAt: number; by: string; confirmations: Record<string, { by: string; at: number }> };
  sourceRetired: { at: number };
  sourcePolicyEnabled: boolean;
  /**
   * Bumped by every writer of people, devices or waves other than the engine's own pass
   * (plans, wave edits, imports), so an engine that keeps rows in memory knows to reload.
   */
  generation: number;
  /** the audit chain's last entry, kept apart so entries deleted from the end are noticed */
  auditHead: { id: number; hash: string };
  /** the dashboard's figures, computed after each pass (dashboard-summary.ts) */
  dashboardSummary: DashboardSummary;
  /**
   * "Run a pass now", asked through the API and answered by whichever process runs passes:
   * `seq` grows with each request; the pass that started after reading it records it in
   * `passRequestHandled`, so a request made during a pass still gets a pass of its own.
   */
  passRequest: { seq: number; requestedAt: number; by: string };
  passRequestHandled: number;
}

export interface EngineLoopStatus {
  pid: number;
  host: string;
  startedAt: number;
  /** refreshed while the loop waits between passes */
  heartbeatAt: number;
  intervalMs: number;
  /** when the pass now running started; null between passes */
  passStartedAt: number | null;
  passes: number;
  worker: { executed: number; failed: number; retried: number };
}

type Db = Kysely<Database> | Transaction<Database>;

export async function getMeta<K extends keyof MetaValues>(
  db: Db,
  key: K,
): Promise<MetaValues[K] | undefined> {
  const row = await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as MetaValues[K]) : undefined;
}

export async function setMeta<K extends keyof MetaValues>(
  db: Db,
  key: K,
  value: MetaValues[K],
): Promise<void> {
  await upsert(db, key, value);
}

async function upsert(db: Db, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto("meta")
    .values({ key, value: json })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: json }))
    .execute();
}

/**
 * Engine loops (`ferry run --watch`, one per process: `ferry serve --workers N` starts N) as
 * each reports itself, in real time (ms), for the server's status page: other processes, so
 * the server cannot ask them directly. One row each (`engineLoop:<host>:<pid>`), so that
 * processes never overwrite one another's.
 */
const LOOP_PREFIX = "engineLoop:";

export async function setEngineLoop(db: Db, status: EngineLoopStatus): Promise<void> {
  await upsert(db, `${LOOP_PREFIX}${status.host}:${status.pid}`, status);
}

/** Every loop that has reported, most recent heartbeat first. */
export async function engineLoops(db: Db): Promise<EngineLoopStatus[]> {
  const rows = await db.selectFrom("meta").select("value").where("key", "like", `${LOOP_PREFIX}%`).execute();
  return rows
    .map((r) => JSON.parse(r.value) as EngineLoopStatus)
    .sort((a, b) => b.heartbeatAt - a.heartbeatAt);
}

/** Forgets loops that have not reported since `before` (processes long gone). */
export async function forgetEngineLoops(db: Db, before: number): Promise<void> {
  for (const loop of await engineLoops(db)) {
    if (loop.heartbeatAt < before)
      await db.deleteFrom("meta").where("key", "=", `${LOOP_PREFIX}${loop.host}:${loop.pid}`).execute();
  }
}

export async function bumpGeneration(db: Db): Promise<void> {
  await setMeta(db, "generation", ((await getMeta(db, "generation")) ?? 0) + 1);
}
