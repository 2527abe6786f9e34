/**
 * `ferry run`: the worker loop. Against the simulated organisation it moves the simulated
 * clock, so weeks of a rehearsal pass in seconds.
 */
import type { Command } from "commander";
import { HOUR } from "../../core/time.ts";
import { withContext } from "../context.ts";
import { isoDay } from "../format.ts";
import { duration } from "./options.ts";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("observe, decide and act: one pass with --once, or passes every --tick for --for")
    .option("--once", "a single pass, then execute what it queued")
    .option("--for <duration>", "run for this long (simulated time), e.g. 14d", duration("--for"), 24 * HOUR)
    .option("--tick <duration>", "time between passes", duration("--tick"), 3 * HOUR)
    .option("--json", "print a summary as JSON")
    .action(async (opts: { once?: boolean; for: number; tick: number; json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const start = ctx.now();
        const end = opts.once ? start : start + opts.for;
        let passes = 0;
        let queued = 0;
        for (;;) {
          const pass = await ctx.engine.reconcile();
          queued += pass.actionsQueued;
          await ctx.worker.drain();
          passes++;
          if (ctx.now() >= end) break;
          ctx.simulation.advanceTo(Math.min(end, ctx.now() + opts.tick));
          if (!opts.json && process.stderr.isTTY)
            process.stderr.write(
              `\r${isoDay(ctx.now())}  passes ${passes}  actions ${ctx.worker.stats.executed}`,
            );
        }
        const summary = {
          from: new Date(start).toISOString(),
          to: new Date(ctx.now()).toISOString(),
          passes,
          actionsQueued: queued,
          ...ctx.worker.stats,
        };
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else {
          if (process.stderr.isTTY) process.stderr.write("\n");
          process.stdout.write(
            `ran ${passes} passes from ${isoDay(start)} to ${isoDay(ctx.now())}: ${summary.executed} actions done, ${summary.retried} retried, ${summary.failed} failed\n`,
          );
        }
      });
    });
}
