/**
 * What the helpdesk (and a person through the portal) may do to one person or device. Each
 * operation is one transaction with its audit entry; the engine carries the request out on
 * its next pass, under the same rules as everything else (a retire waits until the owner's CA
 * has moved, and counts against the hourly cap).
 */
import type { RetirementReason } from "../core/model.ts";
import { DAY } from "../core/time.ts";
import type { Db } from "../store/open.ts";
import { enqueue } from "./actions.ts";
import { audit } from "./audit.ts";
import { mailAction } from "./messages.ts";
import { bumpGeneration } from "./meta.ts";
import { WaveError } from "./waves.ts";

export class HelpdeskError extends WaveError {}

async function person(db: Db, id: string) {
  const p = await db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
  if (!p) throw new HelpdeskError(`no person "${id}"`);
  return p;
}

async function device(db: Db, id: string) {
  const d = await db.selectFrom("devices").selectAll().where("id", "=", id).executeTakeFirst();
  if (!d) throw new HelpdeskError(`no device "${id}"`);
  return d;
}

/** Gives one person more time before Ferry retires their devices remotely (at most 30 days in all). */
export async function extendDeadline(
  db: Db,
  personId: string,
  by: number,
  now: number,
  actor: string,
): Promise<number> {
  const p = await person(db, personId);
  const total = p.deadline_extension + by;
  if (by <= 0 || total > 30 * DAY)
    throw new HelpdeskError("an extension must be positive and at most 30 days in all");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("people").set({ deadline_extension: total }).where("id", "=", personId).execute();
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor,
        kind: "deadline-extended",
        personId,
        message: `deadline extended by ${by / DAY} days`,
      },
    ]);
  });
  return total;
}

/** A device that is gone for good: lost, replaced or decommissioned. It leaves the migration as retired. */
export async function markRetired(
  db: Db,
  deviceId: string,
  reason: RetirementReason,
  now: number,
  actor: string,
): Promise<void> {
  const d = await device(db, deviceId);
  if (d.retired_reason) throw new HelpdeskError(`${deviceId} is already marked ${d.retired_reason}`);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("devices").set({ retired_reason: reason }).where("id", "=", deviceId).execute();
    await bumpGeneration(trx);
    await audit(trx, [
      { at: now, actor, kind: "device-marked", deviceId, personId: d.person_id, message: `marked ${reason}` },
    ]);
  });
}

/** Asks for a remote retire of a device still in the old product. */
export async function requestRetire(db: Db, deviceId: string, now: number, actor: string): Promise<void> {
  const d = await device(db, deviceId);
  if (d.source_presence === "absent") throw new HelpdeskError(`${deviceId} has already left the old product`);
  if (d.retire_requested_at !== null) return; // asked before: nothing more to do
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("devices")
      .set({ retire_requested_at: now, retire_requested_by: actor })
      .where("id", "=", deviceId)
      .execute();
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor,
        kind: "retire-requested-by-person",
        deviceId,
        personId: d.person_id,
        message: "remote retire requested",
      },
    ]);
  });
}

/** Sends the person's instructions again, now, with each device's current next step. */
export async function resendInstructions(
  db: Db,
  personId: string,
  now: number,
  actor: string,
): Promise<void> {
  const p = await person(db, personId);
  const devices = await db.selectFrom("devices").selectAll().where("person_id", "=", personId).execute();
  const wave = p.wave_id
    ? await db.selectFrom("waves").selectAll().where("id", "=", p.wave_id).executeTakeFirst()
    : undefined;
  const open = devices.filter(
    (d) => !["compliant", "noncompliant", "in-target", "excluded", "retired"].includes(d.state),
  );
  await db.transaction().execute(async (trx) => {
    await enqueue(trx, mailAction(now, p, wave, "instructions", `resend-${now}`, open), now);
    await audit(trx, [
      { at: now, actor, kind: "instructions-resent", personId, message: "instructions sent again" },
    ]);
  });
}
