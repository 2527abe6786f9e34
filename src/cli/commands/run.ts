/**
 * `ferry run`: the worker loop. With --once or --for, against the simulated organisation it
 * moves the simulated clock, so weeks of a rehearsal pass in seconds. With --watch it runs
 * in real time until stopped (engine-loop.ts): what `ferry serve` starts beside the API.
 */
import type { Command } from "commander";
import { HOUR } from "../../core/time.ts";
import { withContext } from "../context.ts";
import { loopParts, watch } from "../engine-loop.ts";
import { CliError, isoDay } from "../format.ts";
import { duration } from "./options.ts";
import { realDuration } from "./serve.ts";

interface RunFlags {
  once?: boolean;
  for: number;
  tick: number;
  json?: boolean;
  watch?: boolean;
  interval: number;
  advance?: number;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description(
      "observe, decide and act: one pass with --once, passes every --tick for --for, or continuously with --watch",
    )
    .option("--once", "a single pass, then execute what it queued")
    .option("--for <duration>", "run for this long (simulated time), e.g. 14d", duration("--for"), 24 * HOUR)
    .option("--tick <duration>", "time between passes", duration("--tick"), 3 * HOUR)
    .option("--json", "print a summary as JSON (with --watch: one JSON line per pass)")
    .option(
      "--watch",
      'keep running in real time: a pass every --interval, and early when the portal\'s "check again" or the API\'s "run a pass now" asks; SIGTERM stops it after the pass under way',
    )
    .option(
      "--interval <duration>",
      "with --watch: real time between passes, e.g. 60s",
      realDuration("--interval"),
      60_000,
    )
    .option(
      "--advance <duration>",
      "with --watch, simulated organisation: simulated time moved per pass (default: --interval)",
      realDuration("--advance"),
    )
    .action(async (opts: RunFlags, cmd: Command) => {
      if (opts.watch && (opts.once || cmd.getOptionValueSource("for") === "cli"))
        throw new CliError("--watch runs until stopped: leave out --once and --for");
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const simulation = ctx.simulation;
        // --for and --advance move simulated time; real systems only have real time.
        if (!simulation && !opts.watch && !opts.once)
          throw new CliError(
            `${cmd.getOptionValueSource("for") === "cli" ? "--for moves simulated time" : "without --once, `ferry run` moves simulated time"}, and this installation works on real systems: use --once for one pass, or --watch to keep running`,
          );
        if (!simulation && opts.advance !== undefined)
          throw new CliError(
            "--advance moves simulated time, and this installation works on real systems: leave it out",
          );
        if (opts.watch) {
          await watch(loopParts(ctx), {
            interval: opts.interval,
            ...(opts.advance !== undefined ? { advance: opts.advance } : {}),
            json: opts.json === true,
          });
          return;
        }
        const start = ctx.now();
        const end = opts.once ? start : start + opts.for;
        let passes = 0;
        let queued = 0;
        for (;;) {
          await ctx.syncSourceRetirement();
          const pass = await ctx.engine.reconcile();
          queued += pass.actionsQueued;
          await ctx.worker.drain();
          await ctx.mail?.deliver();
          passes++;
          if (ctx.now() >= end || !simulation) break;
          simulation.advanceTo(Math.min(end, ctx.now() + opts.tick));
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
