/** `ferry demo`: the whole process against the simulated organisation, with live progress. */

import { existsSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import type { Command } from "commander";
import type { Clock } from "../../core/time.ts";
import { runDemo } from "../../demo/run.ts";
import type { Store } from "../../store/open.ts";
import { SOURCE_VENDORS, type SourceVendor } from "../../wiring/emulated-organisation.ts";
import { CONSOLE_DIR, type DemoConsole, startDemoConsole } from "../demo-console.ts";
import { CliError } from "../format.ts";
import { progressView } from "../progress.ts";
import { renderReport } from "../report-view.ts";
import { positiveInt } from "./options.ts";

interface DemoFlags {
  people: number;
  seed: number;
  events?: string;
  db?: string;
  json?: boolean;
  http?: boolean;
  source: string;
  faults?: string;
  console?: boolean;
  port: number;
  pace?: string;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run a whole migration against a simulated organisation on an accelerated clock")
    .option("--people <n>", "people in the organisation", positiveInt("--people"), 2000)
    .option("--seed <n>", "seed of the organisation and its behaviour", positiveInt("--seed"), 1)
    .option("--events <file>", "write the ground-truth log (JSON lines) to this file")
    .option("--db <file>", "keep the store in this SQLite file (default: in memory)")
    .option("--json", "print the report as one JSON object on stdout")
    .option(
      "--http",
      "go through the real connectors and each vendor's emulator on loopback (default: in process)",
    )
    .option(
      "--source <vendor>",
      `with --http, the old product: ${SOURCE_VENDORS.join(" | ")}`,
      "workspace-one",
    )
    .option("--console", "serve the dashboard over the demo while it runs, signed in as a demo admin")
    .option("--port <n>", "with --console, the port", positiveInt("--port"), 8080)
    .option("--pace <ms>", "with --console, real milliseconds per pass (default 400) so people can watch")
    .option("--faults <share>", "with --http, the share of requests every emulator faults (0..0.5), e.g. 0.1")
    .action(async (opts: DemoFlags) => {
      if (!(SOURCE_VENDORS as readonly string[]).includes(opts.source)) {
        throw new CliError(`--source takes ${SOURCE_VENDORS.join(" or ")}, got "${opts.source}"`);
      }
      const faultRate = opts.faults === undefined ? 0 : Number(opts.faults);
      if (!(faultRate >= 0 && faultRate <= 0.5))
        throw new CliError(`--faults takes a share from 0 to 0.5, got "${opts.faults}"`);
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
        transport: opts.http ? "http" : "in-process",
        source: opts.source as SourceVendor,
        faultRate,
        onProgress: (p) => progress.update(p),
        ...(opts.console ? consoleHooks(opts) : {}),
      }).finally(() => progress.stop());
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ ...result.report, finished: result.finished, wallSeconds: Number((result.wallMs / 1000).toFixed(2)), requests: result.requests ?? null })}\n`,
        );
      } else {
        process.stdout.write(`${renderReport(result.report)}\n`);
        process.stdout.write(
          `  wall time         ${(result.wallMs / 1000).toFixed(1)} s for ${result.passes} passes\n`,
        );
        for (const [name, r] of Object.entries(result.requests ?? {})) {
          process.stdout.write(
            `  ${name.padEnd(17)} ${String(r.requests).padStart(6)} requests over HTTP, ${r.faulted} faulted, ${r.throttled} throttled\n`,
          );
        }
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

/** The console over the demo: started when the plan exists, passes paced, up until Ctrl-C at the end. */
function consoleHooks(opts: DemoFlags) {
  const pace = opts.pace === undefined ? 400 : Number(opts.pace);
  if (!(pace >= 0)) throw new CliError(`--pace takes milliseconds, got "${opts.pace}"`);
  let running: DemoConsole | undefined;
  return {
    onReady: async (store: Store, clock: Clock) => {
      running = await startDemoConsole(store, clock, opts.port);
      process.stderr.write(
        `\nConsole: ${running.url}  (sign in as ${running.username} / ${running.password})\n` +
          (existsSync(CONSOLE_DIR)
            ? ""
            : "The console is not built: run `npm run build:web` first; the API and /docs are up.\n") +
          "\n",
      );
    },
    afterPass: () => delay(pace),
    onFinished: async () => {
      if (process.stdin.isTTY) {
        process.stderr.write(
          `\nThe campaign is over; the console stays up at ${running?.url} until Ctrl-C.\n`,
        );
        await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      }
      await running?.app.close();
    },
  };
}
