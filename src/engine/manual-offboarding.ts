/**
 * Offboarding for an old product Ferry cannot reach (an organisation that can only export a
 * CSV): each retire becomes a manual task with the console steps. The device leaves the
 * migration's "in source" only when a later export no longer lists it — unenrollment is
 * verified by the inventory, never assumed from the task being ticked.
 */
import type { SourceOffboarding } from "../core/ports/index.ts";
import type { Clock } from "../core/time.ts";
import type { Db } from "../store/open.ts";
import { audit } from "./audit.ts";

export class ManualOffboarding implements SourceOffboarding {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly product = "the old product",
  ) {}

  async retire(sourceId: string): Promise<void> {
    const key = `source-retire:${sourceId}`;
    const existing = await this.db
      .selectFrom("manual_tasks")
      .select("id")
      .where("key", "=", key)
      .executeTakeFirst();
    if (existing) return; // asked before: one task per device, however often the engine asks
    const now = this.clock.now();
    const title = `Retire device ${sourceId} in ${this.product}`;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("manual_tasks")
        .values({
          key,
          kind: "source-retire",
          subjects: JSON.stringify([sourceId]),
          title,
          steps: JSON.stringify([
            `In ${this.product}'s console, find the device with id ${sourceId} and issue its enterprise wipe / retire / remove-management command (never a full wipe on a personal device).`,
            "Confirm here once the command was sent; Ferry sees the device gone when the next inventory export no longer lists it.",
          ]),
          created_at: now,
        })
        .execute();
      await audit(trx, [{ at: now, actor: "engine", kind: "manual-task", message: title }]);
    });
  }
}
