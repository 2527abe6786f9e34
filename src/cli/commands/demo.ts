/** `ferry demo`: the whole process against the simulated organisation, with live progress. */
import type { Command } from "commander";
import { runDemo } from "../../demo/run.ts";
import { CliError } from "../format.ts";
import { progressView } from "../progress.ts";
import { renderReport } from "../report-view.ts";
import { positiveInt } from "./options.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run a whole migration against a simulated organisation on an accelerated clock")
    .option("--people <n>", "people in the organisation", positiveInt("--people"), 2000)
    .option("--seed <n>", "seed of the organisation and its behaviour", positiveInt("--seed"), 1)
    .option("--events <file>", "write the ground-truth log (JSON lines) to this file")
    .option("--db <file>", "keep the store in this SQLite file (default: in memory)")
    .option("--json", "print the report as one JSON object on stdout")
    .action(async (opts: { people: number; seed: number; events?: string; db?: string; json?: boolean }) => {
      const progress = progressView(!opts.json && process.stderr.isTTY === true);
      if (!opts.json) {
        process.stderr.write(
          `Simulating ${opts.people} people (seed ${opts.seed}); the clock runs about 100,000× faster than real time.\n`,
        );
      }
      const result = await runDemo({
        people: opts.people,
        seed: opts.seed,
        ...(opts.events ? { eventsFile: opts.events } : {}),
        ...(opts.db ? { database: opts.db } : {}),
        onProgress: (p) => progress.update(p),
      }).finally(() => progress.stop());
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ ...result.report, finished: result.finished, wallSeconds: Number((result.wallMs / 1000).toFixed(2)) })}\n`,
        );
      } else {
        process.stdout.write(`${renderReport(result.report)}\n`);
        process.stdout.write(
          `  wall time         ${(result.wallMs / 1000).toFixed(1)} s for ${result.passes} passes\n`,
        );
        if (opts.events)
          process.stdout.write(
            `  ground truth      ${opts.events} (${result.groundTruth.linesRead} lines)\n`,
          );
      }
      if (!result.finished)
        throw new CliError("the demo did not finish within its time limit; see the report above");
      if (result.report.invariantViolations > 0)
        throw new CliError(`${result.report.invariantViolations} invariant violations`);
    });
}
