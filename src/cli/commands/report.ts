/** `ferry report`: the migration report per wave and overall. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { checkStore } from "../../engine/checker.ts";
import { buildReport } from "../../engine/report.ts";
import { withContext } from "../context.ts";
import { renderReport } from "../report-view.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "the report per wave and overall: migrated, excluded by reason, awaiting, limbo, e-mails, CA dates",
    )
    .option("--json", "print as one JSON object")
    .option("--out <file>", "also write the JSON report to a file (the retirement checklist asks for one)")
    .action(async (opts: { json?: boolean; out?: string }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const report = await buildReport(ctx.store.db, ctx.now(), await ctx.migrationStart());
        report.invariantViolations = (await checkStore(ctx.store.db)).length;
        if (opts.out) writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${renderReport(report)}\n`);
      });
    });
}
