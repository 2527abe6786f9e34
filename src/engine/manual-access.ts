/**
 * The old product's conditional access when it is a mail gateway with no API to exempt people
 * (Workspace ONE SEG, Ivanti Sentry, MaaS360's mail gateway): every change becomes a manual
 * task with the exact console steps, and a change counts as read back only once a named
 * person confirmed it. Never-both still holds: Intune CA waits for that confirmation.
 */
import type { SourceAccessControl } from "../core/ports/index.ts";
import type { Clock } from "../core/time.ts";
import type { Db } from "../store/open.ts";
import { digest } from "./actions.ts";
import { audit } from "./audit.ts";

export const GATEWAYS = {
  "workspace-one-seg": {
    name: "Workspace ONE Secure Email Gateway",
    allow: [
      "In the Workspace ONE UEM console, go to Email › Email Dashboard.",
      "Filter by user, select every device of the people below, and choose Whitelist.",
      "Check Email › List View: their devices show Whitelisted; then confirm this task.",
    ],
    block: [
      "In Email › Email Dashboard, select every device of the people below and choose Default.",
      "Check that the Managed Device compliance policy applies to them again; then confirm this task.",
    ],
    disable: [
      "In Email › Compliance Policies, disable the Managed Device policy (and any others that block mail).",
    ],
  },
  "ivanti-sentry": {
    name: "Ivanti Sentry",
    allow: [
      "In Ivanti EPMM (Core), go to Devices & Users › ActiveSync.",
      "Select the ActiveSync associations of the people below and choose Actions › Allow.",
      "On Neurons for MDM (Cloud), use the Unmanaged Devices page's Allow action (it refreshes every 5 minutes).",
    ],
    block: [
      "In Devices & Users › ActiveSync, select their associations and choose Actions › Block (or Default).",
    ],
    disable: [
      "Turn off 'auto-block unregistered devices' in the Sentry profile, or point mail at Exchange Online.",
    ],
  },
  generic: {
    name: "the old product's mail gateway",
    allow: ["Exempt the people below from the gateway's device checks (allow-list their mailboxes)."],
    block: ["Remove the people below from the gateway's allow-list."],
    disable: ["Switch the gateway's device checks off for everyone."],
  },
} as const;
export type Gateway = keyof typeof GATEWAYS;

export class ManualSourceAccess implements SourceAccessControl {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly gateway: Gateway,
    /** people already exempt before Ferry started (break-glass accounts) */
    private readonly initiallyExcluded: readonly string[] = [],
  ) {}

  exclude(upns: readonly string[]): Promise<void> {
    return this.#task("source-exclude", upns);
  }

  include(upns: readonly string[]): Promise<void> {
    return this.#task("source-include", upns);
  }

  async disablePolicy(): Promise<void> {
    await this.#task("source-disable", []);
  }

  async policyEnabled(): Promise<boolean> {
    const done = await this.db
      .selectFrom("manual_tasks")
      .select("id")
      .where("kind", "=", "source-disable")
      .where("confirmed_at", "is not", null)
      .executeTakeFirst();
    return done === undefined;
  }

  /** What people confirmed, replayed in the order they confirmed it. */
  async listExcluded(): Promise<ReadonlySet<string>> {
    const excluded = new Set(this.initiallyExcluded.map((u) => u.toLowerCase()));
    const confirmed = await this.db
      .selectFrom("manual_tasks")
      .select(["kind", "subjects"])
      .where("kind", "in", ["source-exclude", "source-include"])
      .where("confirmed_at", "is not", null)
      .orderBy("confirmed_at")
      .orderBy("id")
      .execute();
    for (const t of confirmed) {
      for (const upn of JSON.parse(t.subjects) as string[]) {
        if (t.kind === "source-exclude") excluded.add(upn.toLowerCase());
        else excluded.delete(upn.toLowerCase());
      }
    }
    return excluded;
  }

  /**
   * One task per call, for the people not already in an open task of the same kind: the
   * engine may ask again while it waits, and that must not pile up work for the admin.
   */
  async #task(
    kind: "source-exclude" | "source-include" | "source-disable",
    upns: readonly string[],
  ): Promise<void> {
    const open = await this.db
      .selectFrom("manual_tasks")
      .select("subjects")
      .where("kind", "=", kind)
      .where("confirmed_at", "is", null)
      .execute();
    const waiting = new Set(
      open.flatMap((t) => JSON.parse(t.subjects) as string[]).map((u) => u.toLowerCase()),
    );
    const fresh = [...new Set(upns.map((u) => u.toLowerCase()))].filter((u) => !waiting.has(u)).sort();
    if (kind !== "source-disable" && fresh.length === 0) return;
    if (kind === "source-disable" && open.length > 0) return;
    const g = GATEWAYS[this.gateway];
    const steps = kind === "source-exclude" ? g.allow : kind === "source-include" ? g.block : g.disable;
    const title =
      kind === "source-exclude"
        ? `Exempt ${fresh.length} people from ${g.name}`
        : kind === "source-include"
          ? `Put ${fresh.length} people back under ${g.name}`
          : `Switch ${g.name} off`;
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("manual_tasks")
        .values({
          key: `${kind}:${digest(fresh)}:${now}`,
          kind,
          subjects: JSON.stringify(fresh),
          title,
          steps: JSON.stringify(steps),
          created_at: now,
        })
        .execute();
      await audit(trx, [
        { at: now, actor: "engine", kind: "manual-task", message: title, data: { people: fresh } },
      ]);
    });
  }
}

/** A person confirms a manual task was carried out. */
export async function confirmTask(db: Db, id: number, by: string, now: number): Promise<void> {
  if (!by.trim()) throw new Error("a confirmation needs the name of who did it");
  await db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom("manual_tasks").selectAll().where("id", "=", id).executeTakeFirst();
    if (!task) throw new Error(`no manual task ${id}`);
    if (task.confirmed_at !== null)
      throw new Error(`task ${id} was already confirmed by ${task.confirmed_by}`);
    await trx
      .updateTable("manual_tasks")
      .set({ confirmed_by: by, confirmed_at: now })
      .where("id", "=", id)
      .execute();
    await audit(trx, [
      { at: now, actor: by, kind: "manual-task-confirmed", message: `${task.title}: confirmed` },
    ]);
  });
}
