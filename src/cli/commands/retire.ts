/** `ferry retire`: the checklist for switching the old product off, and the steps toward it. */
import type { Command } from "commander";
import { getMeta, setMeta } from "../../engine/meta.ts";
import {
  type ChecklistItem,
  MANUAL_ITEMS,
  type ManualItem,
  retirementChecklist,
} from "../../engine/retirement.ts";
import { type Context, withContext } from "../context.ts";
import { CliError } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteRetire } from "../remote-views.ts";

interface RetireFlags {
  request?: boolean;
  confirm?: string;
  by?: string;
  json?: boolean;
}

export interface RetireResult {
  items: ChecklistItem[];
  retired: boolean;
}

async function localRetire(
  ctx: Context,
  opts: RetireFlags,
  confirm: ManualItem | undefined,
): Promise<RetireResult> {
  const { db } = ctx.store;
  const now = ctx.now();
  let retirement = await getMeta(db, "retirement");
  if (opts.request && !retirement) {
    retirement = { requestedAt: now, by: opts.by ?? "cli", confirmations: {} };
    await setMeta(db, "retirement", retirement);
  }
  if (confirm) {
    if (!retirement) throw new CliError("retirement was not requested: run `ferry retire --request` first");
    retirement.confirmations[confirm] = { by: opts.by!, at: now };
    await setMeta(db, "retirement", retirement);
  }
  const items = await retirementChecklist(db);
  const allDone = items.every((i) => i.done);
  if (allDone && !(await getMeta(db, "sourceRetired"))) {
    // Against real systems this only records it: the administrator switches the product off.
    ctx.simulation?.decommissionSource();
    await setMeta(db, "sourceRetired", { at: now });
    await ctx.engine.reconcile();
  }
  return { items, retired: allDone };
}

export function registerRetire(program: Command): void {
  program
    .command("retire")
    .description(
      "show the retirement checklist; --request starts it, --confirm records what only an admin can confirm",
    )
    .option("--request", "ask Ferry to switch the old product's CA off once nothing depends on it")
    .option("--confirm <item>", `confirm a manual item: ${Object.keys(MANUAL_ITEMS).join(", ")}`)
    .option("--by <name>", "who confirms (recorded in the audit; with --server the API token's name is)")
    .option("--json", "print the checklist as JSON")
    .action(async (opts: RetireFlags, cmd: Command) => {
      if (opts.confirm !== undefined && !(opts.confirm in MANUAL_ITEMS))
        throw new CliError(
          `--confirm takes one of ${Object.keys(MANUAL_ITEMS).join(", ")}, got "${opts.confirm}"`,
        );
      const confirm = opts.confirm as ManualItem | undefined;
      const api = apiOf(cmd);
      if (confirm && !opts.by && !api)
        throw new CliError("--confirm needs --by <name>: the audit records who confirmed");
      const { items, retired } = api
        ? await remoteRetire(api, { request: opts.request ?? false, confirm })
        : await withContext(cmd.optsWithGlobals().config, (ctx) => localRetire(ctx, opts, confirm));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ items, retired })}\n`);
        return;
      }
      for (const i of items) process.stdout.write(`[${i.done ? "x" : " "}] ${i.title}\n      ${i.detail}\n`);
      process.stdout.write(
        retired ? "\nThe old product is retired.\n" : "\nNot yet: see the open items above.\n",
      );
    });
}
