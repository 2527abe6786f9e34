/**
 * What an admin does to waves: save a plan, edit it before a wave starts, start (approve)
 * a wave, roll one back before enforcement. Each call is one transaction with its audit entry.
 */
import type { WaveSettings, WaveStatus } from "../core/model.ts";
import { type Plan, reschedule } from "../core/planner.ts";
import type { Db } from "../store/open.ts";
import type { WaveRow } from "../store/schema.ts";
import { enqueue } from "./actions.ts";
import { audit } from "./audit.ts";
import { mailAction } from "./messages.ts";
import { bumpGeneration } from "./meta.ts";

export interface WaveToSave {
  name: string;
  ordinal: number;
  pilot: boolean;
  announceAt: number;
  settings: WaveSettings;
  personIds: string[];
  groups: string[];
}

export class WaveError extends Error {
  readonly code = "FERRY_WAVE";
}

const STARTED: readonly WaveStatus[] = ["announced", "handover", "enforced", "complete"];

/** Replaces every wave that has not started with the given plan. */
export async function savePlan(db: Db, waves: WaveToSave[], now: number, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const started = await trx
      .selectFrom("waves")
      .select(["id", "ordinal", "name"])
      .where("status", "in", STARTED)
      .execute();
    if (started.length > 0) {
      throw new WaveError(
        `cannot re-plan: ${started.map((w) => w.name).join(", ")} already started; edit the remaining waves instead`,
      );
    }
    await trx.updateTable("people").set({ wave_id: null }).execute();
    await trx.deleteFrom("waves").execute();
    for (const w of waves) {
      const id = `w${w.ordinal}`;
      await trx
        .insertInto("waves")
        .values({
          id,
          name: w.name,
          ordinal: w.ordinal,
          pilot: w.pilot ? 1 : 0,
          status: "draft",
          settings: JSON.stringify(w.settings),
          groups: JSON.stringify(w.groups),
          announce_at: w.announceAt,
          rollbacks: 0,
        })
        .execute();
      for (let i = 0; i < w.personIds.length; i += 500) {
        await trx
          .updateTable("people")
          .set({ wave_id: id })
          .where("id", "in", w.personIds.slice(i, i + 500))
          .execute();
      }
    }
    await bumpGeneration(trx);
    await audit(trx, [{ at: now, actor, kind: "plan-saved", message: `${waves.length} waves planned` }]);
  });
}

async function getWave(db: Db, id: string): Promise<WaveRow> {
  const row = await db.selectFrom("waves").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new WaveError(`no wave "${id}" (see \`ferry wave list\`)`);
  return row;
}

/** Approves a draft (or rolled-back) wave: it announces at its date once the gate opens. */
export async function startWave(
  db: Db,
  id: string,
  now: number,
  actor: string,
  announceAt?: number,
): Promise<WaveRow> {
  const wave = await getWave(db, id);
  if (wave.status !== "draft" && wave.status !== "rolled-back") {
    throw new WaveError(`${wave.name} is ${wave.status}; only a draft or rolled-back wave can be started`);
  }
  const at = announceAt ?? (wave.status === "rolled-back" ? now : wave.announce_at);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("waves")
      .set({ status: "scheduled", announce_at: at })
      .where("id", "=", id)
      .execute();
    await bumpGeneration(trx);
    await audit(trx, [
      { at: now, actor, kind: "wave-started", waveId: id, message: `${wave.name} approved to start` },
    ]);
  });
  return { ...wave, status: "scheduled", announce_at: at };
}

/**
 * Rolls a wave back before Intune CA is enforced for it. Pending actions of the wave are
 * cancelled; the engine then walks each person back (Intune exemption confirmed first, then
 * the old product's CA) and tells them the move is postponed.
 */
export async function rollbackWave(db: Db, id: string, now: number, actor: string): Promise<void> {
  const wave = await getWave(db, id);
  if (wave.status !== "announced" && wave.status !== "handover" && wave.status !== "scheduled") {
    throw new WaveError(`${wave.name} is ${wave.status}: only a wave not yet enforced can be rolled back`);
  }
  await db.transaction().execute(async (trx) => {
    const cancelled = await trx
      .updateTable("actions")
      .set({ status: "cancelled", updated_at: now })
      .where("wave_id", "=", id)
      .where("status", "=", "pending")
      .returning("id")
      .execute();
    const ids = cancelled.map((c) => c.id);
    await trx
      .updateTable("waves")
      .set({
        status: "rolled-back",
        rolled_back_at: now,
        rollbacks: wave.rollbacks + 1,
        announced_at: null,
        handover_at: null,
      })
      .where("id", "=", id)
      .execute();
    // Everyone who was told about the wave hears that it is postponed.
    if (wave.announced_at !== null) {
      const told = await trx
        .selectFrom("people")
        .selectAll()
        .where("wave_id", "=", id)
        .where("break_glass", "=", 0)
        .execute();
      for (const p of told)
        await enqueue(trx, mailAction(now, p, wave, "postponed", `${wave.rollbacks}`, []), now);
    }
    await trx
      .updateTable("people")
      .set({
        instructions_at: null,
        reminders_sent: 0,
        last_reminder_at: null,
        deadline_notice_at: null,
        blocked_notice_at: null,
      })
      .where("wave_id", "=", id)
      .execute();
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor,
        kind: "wave-rolled-back",
        waveId: id,
        message: `${wave.name} rolled back; ${ids.length} pending actions cancelled`,
      },
    ]);
  });
}

/** Moves people to another wave; both waves must not have started. */
export async function movePeople(
  db: Db,
  personIds: string[],
  toWaveId: string,
  now: number,
  actor: string,
): Promise<void> {
  const to = await getWave(db, toWaveId);
  if (STARTED.includes(to.status as WaveStatus)) throw new WaveError(`${to.name} already started`);
  await db.transaction().execute(async (trx) => {
    const people = await trx
      .selectFrom("people")
      .select(["id", "wave_id", "break_glass"])
      .where("id", "in", personIds)
      .execute();
    const missing = personIds.filter((id) => !people.some((p) => p.id === id));
    if (missing.length > 0) throw new WaveError(`unknown people: ${missing.join(", ")}`);
    const glass = people.filter((p) => p.break_glass === 1).map((p) => p.id);
    if (glass.length > 0)
      throw new WaveError(`break-glass accounts are never placed in a wave: ${glass.join(", ")}`);
    const fromIds = [...new Set(people.map((p) => p.wave_id).filter((w): w is string => w !== null))];
    if (fromIds.length > 0) {
      const started = await trx
        .selectFrom("waves")
        .select("name")
        .where("id", "in", fromIds)
        .where("status", "in", STARTED)
        .execute();
      if (started.length > 0)
        throw new WaveError(
          `cannot move people out of ${started.map((w) => w.name).join(", ")}: already started`,
        );
    }
    await trx.updateTable("people").set({ wave_id: toWaveId }).where("id", "in", personIds).execute();
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor,
        kind: "wave-edited",
        waveId: toWaveId,
        message: `${personIds.length} people moved to ${to.name}`,
      },
    ]);
  });
}

/**
 * Moves a wave that has not started to another announcement time, and with
 * `shiftFollowing` every later wave by as much; waves keep their order and started waves
 * never move.
 */
export async function rescheduleWave(
  db: Db,
  id: string,
  announceAt: number,
  now: number,
  actor: string,
  options: { shiftFollowing?: boolean } = {},
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("waves").selectAll().orderBy("ordinal").execute();
    const wave = rows.find((r) => r.id === id);
    if (!wave) throw new WaveError(`no wave "${id}" (see \`ferry wave list\`)`);
    if (STARTED.includes(wave.status as WaveStatus)) {
      throw new WaveError(`${wave.name} is ${wave.status}: only a wave not yet announced can be rescheduled`);
    }
    const plan: Plan = {
      waves: rows.map((r) => ({
        name: r.name,
        ordinal: r.ordinal,
        pilot: r.pilot === 1,
        announceAt: r.announce_at,
        settings: JSON.parse(r.settings) as WaveSettings,
        personIds: [],
        groups: [],
      })),
      unplaced: [],
      limits: { maxPeoplePerWave: 1, binding: "admin", helpdeskPerWave: 1, apiPerWave: 1 },
      groupOf: {},
    };
    let next: Plan;
    try {
      next = reschedule(plan, wave.ordinal, announceAt, { shiftFollowing: options.shiftFollowing ?? false });
    } catch (e) {
      throw new WaveError((e as Error).message);
    }
    const changed = next.waves.filter(
      (pw) => rows.find((r) => r.ordinal === pw.ordinal)?.announce_at !== pw.announceAt,
    );
    const moved = changed.map((pw) => rows.find((r) => r.ordinal === pw.ordinal)!);
    const started = moved.filter((r) => STARTED.includes(r.status as WaveStatus));
    if (started.length > 0)
      throw new WaveError(`${started.map((r) => r.name).join(", ")} already started and cannot move`);
    for (const pw of changed) {
      await trx
        .updateTable("waves")
        .set({ announce_at: pw.announceAt })
        .where("ordinal", "=", pw.ordinal)
        .execute();
    }
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor,
        kind: "wave-rescheduled",
        waveId: id,
        message: `${wave.name} rescheduled to ${new Date(announceAt).toISOString()}${changed.length > 1 ? `; ${changed.length - 1} later waves shifted` : ""}`,
      },
    ]);
  });
}
