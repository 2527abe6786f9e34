#!/usr/bin/env node
/** The `ferry` command line. Each command lives in commands/, one file each. */
import { Command, Option } from "commander";
import { registerAudit } from "./commands/audit.ts";
import { registerConnect } from "./commands/connect.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerEmulate } from "./commands/emulate.ts";
import { registerImport } from "./commands/import.ts";
import { registerInit } from "./commands/init.ts";
import { registerPlan } from "./commands/plan.ts";
import { registerReadiness } from "./commands/readiness.ts";
import { registerReport } from "./commands/report.ts";
import { registerRetire } from "./commands/retire.ts";
import { registerRun } from "./commands/run.ts";
import { registerServe } from "./commands/serve.ts";
import { registerStatus } from "./commands/status.ts";
import { registerTasks } from "./commands/tasks.ts";
import { registerWave } from "./commands/wave.ts";
import { CliError } from "./format.ts";
import { refuseLocalOnly, SERVER_HELP } from "./remote.ts";

const program = new Command()
  .name("ferry")
  .description(
    "Move devices from an old EMM product to Microsoft Intune in waves, never under both products' conditional access.",
  )
  .option("--config <file>", "configuration file", "ferry.json")
  .addOption(new Option("--server <url>", SERVER_HELP).env("FERRY_SERVER"))
  .hook("preAction", refuseLocalOnly)
  .showHelpAfterError();

for (const register of [
  registerInit,
  registerImport,
  registerReadiness,
  registerPlan,
  registerWave,
  registerRun,
  registerStatus,
  registerReport,
  registerRetire,
  registerServe,
  registerAudit,
  registerTasks,
  registerDemo,
  registerEmulate,
  registerConnect,
]) {
  register(program);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ferry: ${message}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
