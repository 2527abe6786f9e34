/** `ferry import`: people from the directory, devices from the source (or a CSV export), readiness for each. */
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { CsvImportError, CsvInventory } from "../../connectors/csv/inventory.ts";
import { Engine } from "../../engine/engine.ts";
import { importPeople } from "../../engine/people-import.ts";
import { writeConfig } from "../config.ts";
import { withContext } from "../context.ts";
import { CliError } from "../format.ts";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "import people from the directory and devices from the source, and decide each device's path",
    )
    .option(
      "--csv <file>",
      "take the device inventory from this CSV export from now on (docs/csv-inventory.md)",
    )
    .option("--json", "print the counts as JSON")
    .action(async (opts: { csv?: string; json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        let engine = ctx.engine;
        let warnings: readonly string[] = [];
        if (opts.csv) {
          // All or nothing: a file with any problem changes nothing, config included.
          const inventory = new CsvInventory(resolve(opts.csv));
          try {
            warnings = (await inventory.load()).warnings;
          } catch (error) {
            if (error instanceof CsvImportError) throw new CliError(error.message);
            throw error;
          }
          engine = new Engine(ctx.store, { ...ctx.ports, sourceInventory: inventory }, ctx.engine.settings);
        }
        const people = await importPeople(ctx.store.db, ctx.ports.directory, ctx.now(), {
          // Real systems have no list of their own: ferry.json's are all there is.
          breakGlassUpns: [...ctx.config.breakGlass, ...(ctx.simulation?.world.breakGlassUpns ?? [])],
          vipUpns: [...ctx.config.vips, ...(ctx.simulation?.world.vipUpns ?? [])],
          domainMap: ctx.config.domainMap,
          ...(ctx.config.timeZones?.byLocation
            ? { timeZoneByLocation: ctx.config.timeZones.byLocation }
            : {}),
          ...(ctx.config.timeZones?.default ? { defaultTimeZone: ctx.config.timeZones.default } : {}),
        });
        const pass = await engine.reconcile();
        if (opts.csv) {
          const dir = resolve(ctx.configPath, "..");
          const config = {
            ...ctx.config,
            connection: { ...ctx.config.connection, inventoryCsv: relative(dir, resolve(opts.csv)) },
          };
          writeConfig(ctx.configPath, config, true);
        }
        const result = {
          people,
          devices: { source: pass.sourceDevices, target: pass.targetDevices },
          warnings,
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        process.stdout.write(
          `people: ${people.added} added, ${people.updated} updated; break-glass (never touched): ${people.breakGlass.join(", ") || "none"}\n` +
            `devices: ${pass.sourceDevices} in the source${opts.csv ? ` (from ${opts.csv})` : ""}, ${pass.targetDevices} already in Intune\n` +
            warnings.map((w) => `warning: ${w}\n`).join("") +
            "Next: ferry readiness, then ferry plan\n",
        );
      });
    });
}
