/** `ferry retire`: the checklist for switching the old product off, and the steps toward it. */
import type { Command } from "commander";
import { getMeta, setMeta } from "../../engine/meta.ts";
import { MANUAL_ITEMS, type ManualItem, retirementChecklist } from "../../engine/retirement.ts";
import { withContext } from "../context.ts";
import { CliError } from "../format.ts";

export function registerRetire(program: Command): void {
  program
    .command("retire")
    .description(
      "show the retirement checklist; --request starts it, --confirm records what only an admin can confirm",
    )
    .option("--request", "ask Ferry to switch the old product's CA off once nothing depends on it")
    .option("--confirm <item>", `confirm a manual item: ${Object.keys(MANUAL_ITEMS).join(", ")}`)
    .option("--by <name>", "who confirms (recorded in the audit)")
    .option("--json", "print the checklist as JSON")
    .action(
      async (opts: { request?: boolean; confirm?: string; by?: string; json?: boolean }, cmd: Command) => {
        await withContext(cmd.optsWithGlobals().config, async (ctx) => {
          const { db } = ctx.store;
          const now = ctx.now();
          let retirement = await getMeta(db, "retirement");
          if (opts.request && !retirement) {
            retirement = { requestedAt: now, by: opts.by ?? "cli", confirmations: {} };
            await setMeta(db, "retirement", retirement);
          }
          if (opts.confirm) {
            if (!(opts.confirm in MANUAL_ITEMS))
              throw new CliError(
                `--confirm takes one of ${Object.keys(MANUAL_ITEMS).join(", ")}, got "${opts.confirm}"`,
              );
            if (!opts.by) throw new CliError("--confirm needs --by <name>: the audit records who confirmed");
            if (!retirement)
              throw new CliError("retirement was not requested: run `ferry retire --request` first");
            retirement.confirmations[opts.confirm as ManualItem] = { by: opts.by, at: now };
            await setMeta(db, "retirement", retirement);
          }
          const items = await retirementChecklist(db);
          const allDone = items.every((i) => i.done);
          if (allDone && !(await getMeta(db, "sourceRetired"))) {
            ctx.simulation.decommissionSource();
            await setMeta(db, "sourceRetired", { at: now });
            await ctx.engine.reconcile();
          }
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ items, retired: allDone })}\n`);
            return;
          }
          for (const i of items)
            process.stdout.write(`[${i.done ? "x" : " "}] ${i.title}\n      ${i.detail}\n`);
          process.stdout.write(
            allDone ? "\nThe old product is retired.\n" : "\nNot yet: see the open items above.\n",
          );
        });
      },
    );
}
