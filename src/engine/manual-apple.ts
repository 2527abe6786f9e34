/**
 * Apple Business Manager has no API Ferry can use to move a device between MDM servers, so
 * each reassignment becomes a manual task: a named person does it in ABM's web console and
 * confirms it (`ferry tasks confirm`). Nothing reads the confirmation back: the device moves
 * on its own once ABM says so (the user accepts, or the deadline forces it), and the target
 * inventory is what tells Ferry it arrived.
 */
import type { AppleDeviceAssignment } from "../core/ports/index.ts";
import type { Clock, Millis } from "../core/time.ts";
import type { Db } from "../store/open.ts";
import { audit } from "./audit.ts";

export const APPLE_REASSIGN_KIND = "apple-reassign";

export class ManualAppleAssignment implements AppleDeviceAssignment {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly mdmServer = "Intune's MDM server",
  ) {}

  async reassignToTarget(serial: string, deadlineAt: Millis): Promise<void> {
    const key = `${APPLE_REASSIGN_KIND}:${serial}`;
    const existing = await this.db
      .selectFrom("manual_tasks")
      .select("id")
      .where("key", "=", key)
      .executeTakeFirst();
    if (existing) return; // one task per serial, however often the engine asks
    const now = this.clock.now();
    // A day is what ABM's deadline picker takes; the exact time is in the steps.
    const deadline = new Date(deadlineAt).toISOString();
    const title = `Reassign serial ${serial} to ${this.mdmServer} in Apple Business Manager by ${deadline.slice(0, 10)}`;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("manual_tasks")
        .values({
          key,
          kind: APPLE_REASSIGN_KIND,
          subjects: JSON.stringify([serial]),
          title,
          steps: JSON.stringify([
            `In Apple Business Manager (business.apple.com), open Devices and search for serial ${serial}.`,
            `Choose Edit MDM Server, assign it to ${this.mdmServer}, and set the migration deadline to ${deadline} (OS 26 or later enforces it).`,
            "Confirm here once ABM shows the new assignment; Ferry sees the device arrive when it enrols in Intune.",
          ]),
          created_at: now,
        })
        .execute();
      await audit(trx, [
        { at: now, actor: "engine", kind: "manual-task", message: title, data: { serial, deadlineAt } },
      ]);
    });
  }
}
