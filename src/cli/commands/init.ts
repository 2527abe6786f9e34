/** `ferry init`: writes the configuration and creates the store. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { GATEWAYS, type Gateway } from "../../engine/manual-access.ts";
import { openStore } from "../../store/open.ts";
import { DEFAULT_CONFIG_PATH, type FerryConfig, writeConfig } from "../config.ts";
import { databaseLocation } from "../context.ts";
import { CliError } from "../format.ts";
import { positiveInt } from "./options.ts";

interface InitFlags {
  people: number;
  seed: number;
  start: string;
  database: string;
  manualGateway?: string;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create ferry.json and the store; the connection is a simulated organisation for rehearsals")
    .option("--people <n>", "people in the simulated organisation", positiveInt("--people"), 2000)
    .option("--seed <n>", "seed of the simulated organisation", positiveInt("--seed"), 1)
    .option("--start <iso>", "start of the simulated clock", "2027-01-04T08:00:00Z")
    .option("--database <file>", "SQLite file or postgres:// URL", "ferry.db")
    .option(
      "--manual-gateway <kind>",
      `rehearse a mail gateway with no API: ${Object.keys(GATEWAYS).join(" | ")}`,
    )
    .action(async (opts: InitFlags, cmd: Command) => {
      const path = resolve((cmd.optsWithGlobals() as { config?: string }).config ?? DEFAULT_CONFIG_PATH);
      if (existsSync(path))
        throw new CliError(`${path} already exists; remove it or pass --config to write another`);
      if (Number.isNaN(Date.parse(opts.start)))
        throw new CliError(`--start takes an ISO-8601 time, got "${opts.start}"`);
      const gateway = opts.manualGateway;
      if (gateway !== undefined && !(gateway in GATEWAYS)) {
        throw new CliError(`--manual-gateway takes ${Object.keys(GATEWAYS).join(", ")}, got "${gateway}"`);
      }
      const config: FerryConfig = {
        database: opts.database,
        connection: {
          kind: "simulated",
          seed: opts.seed,
          people: opts.people,
          start: new Date(opts.start).toISOString(),
          ...(gateway ? { manualGateway: gateway as Gateway } : {}),
        },
        breakGlass: [],
        vips: [],
        domainMap: {},
      };
      writeConfig(path, config);
      const store = await openStore(databaseLocation(opts.database, resolve(path, "..")));
      await store.close();
      process.stdout.write(`wrote ${path} and created ${opts.database}. Next: ferry import\n`);
    });
}
