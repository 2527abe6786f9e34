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
    .values({
      key: action.key,
      kind: action.kind,
      wave_id: action.waveId,
      payload: JSON.stringify(action.payload),
      status: "pending",
      attempts: 0,
      not_before: action.notBefore,
      created_at: now,
      updated_at: now,
    })
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

/** A short stable digest for keys built from many ids. */
export function digest(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 20);
}
