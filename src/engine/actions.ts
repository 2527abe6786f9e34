/**
 * Side effects are *actions*: rows written in the same transaction as the decision that
 * needs them, each with an idempotency key, executed later by a worker through the ports.
 */
import { createHash } from "node:crypto";
import type { Transaction } from "kysely";
import type { MailData } from "../core/ports/index.ts";
import type { Database } from "../store/schema.ts";

export interface ActionPayloads {
  "source-exclude": { personIds: string[]; upns: string[] };
  "source-include": { personIds: string[]; upns: string[]; directoryIds: string[] };
  "target-exempt": { personIds: string[]; directoryIds: string[] };
  "target-enforce": { personIds: string[]; directoryIds: string[]; upns: string[] };
  "source-retire": { deviceId: string; sourceId: string; reason: string };
  "apple-reassign": { deviceId: string; serial: string; deadlineAt: number };
  mail: { personId: string; to: string; template: string; subject: string; text: string; data?: MailData };
  "source-ca-disable": Record<string, never>;
}
export type ActionKind = keyof ActionPayloads;

/** CA moves: the four ways a person's governance changes. */
export type CaActionKind = "source-exclude" | "source-include" | "target-exempt" | "target-enforce";

export interface NewAction<K extends ActionKind = ActionKind> {
  key: string;
  kind: K;
  waveId: string | null;
  payload: ActionPayloads[K];
  notBefore: number;
}

/**
 * Inserts an action unless one with the same key exists; returns the id of the action that
 * holds the key either way.
 */
export async function enqueue(trx: Transaction<Database>, action: NewAction, now: number): Promise<number> {
  const inserted = await trx
    .insertInto("actions")
    .values(actionRow(action, now))
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await trx
    .selectFrom("actions")
    .select("id")
    .where("key", "=", action.key)
    .executeTakeFirstOrThrow();
  return existing.id;
}

/** The row a new action starts as: pending, never tried. */
function actionRow(action: NewAction, now: number) {
  return {
    key: action.key,
    kind: action.kind,
    wave_id: action.waveId,
    payload: JSON.stringify(action.payload),
    status: "pending" as const,
    attempts: 0,
    not_before: action.notBefore,
    created_at: now,
    updated_at: now,
  };
}

/** Rows per multi-row INSERT: 9 values a row, well inside SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ACTIONS_PER_STATEMENT = 1000;

/**
 * `enqueue` for many actions at once, as few statements as the parameter limits allow (a pass
 * at a million devices queues over 100,000 actions; one round trip each was seconds). Returns
 * each action's id in the input's order — the same ids the one-by-one calls would: rows are
 * inserted in input order, an action whose key already exists (in the table, or earlier in
 * `actions`) is not inserted and gets the existing id.
 */
export async function enqueueMany(
  trx: Transaction<Database>,
  actions: readonly NewAction[],
  now: number,
): Promise<number[]> {
  const idByKey = new Map<string, number>();
  const fresh: NewAction[] = [];
  const queued = new Set<string>();
  for (const a of actions) {
    if (queued.has(a.key)) continue;
    queued.add(a.key);
    fresh.push(a);
  }
  for (let i = 0; i < fresh.length; i += ACTIONS_PER_STATEMENT) {
    const chunk = fresh.slice(i, i + ACTIONS_PER_STATEMENT);
    const inserted = await trx
      .insertInto("actions")
      .values(chunk.map((action) => actionRow(action, now)))
      .onConflict((oc) => oc.column("key").doNothing())
      .returning(["id", "key"])
      .execute();
    for (const r of inserted) idByKey.set(r.key, r.id);
    // Keys that were already taken: their existing actions' ids.
    const existing = chunk.map((a) => a.key).filter((k) => !idByKey.has(k));
    if (existing.length > 0) {
      const rows = await trx
        .selectFrom("actions")
        .select(["id", "key"])
        .where("key", "in", existing)
        .execute();
      for (const r of rows) idByKey.set(r.key, r.id);
    }
  }
  return actions.map((a) => {
    const id = idByKey.get(a.key);
    if (id === undefined) throw new Error(`action ${a.key} was neither inserted nor found`);
    return id;
  });
}

/** A short stable digest for keys built from many ids. */
export function digest(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 20);
}
