/** `ferry import`: people from the directory, devices from the source, readiness for each. */
import type { Command } from "commander";
import { importPeople } from "../../engine/people-import.ts";
import { withContext } from "../context.ts";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "import people from the directory and devices from the source, and decide each device's path",
    )
    .option("--json", "print the counts as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const people = await importPeople(ctx.store.db, ctx.ports.directory, ctx.now(), {
          breakGlassUpns: [...ctx.config.breakGlass, ...ctx.simulation.world.breakGlassUpns],
          vipUpns: [...ctx.config.vips, ...ctx.simulation.world.vipUpns],
          domainMap: ctx.config.domainMap,
        });
        const pass = await ctx.engine.reconcile();
        const result = { people, devices: { source: pass.sourceDevices, target: pass.targetDevices } };
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          process.stdout.write(
            `people: ${people.added} added, ${people.updated} updated; break-glass (never touched): ${people.breakGlass.join(", ") || "none"}\n` +
              `devices: ${pass.sourceDevices} in the source, ${pass.targetDevices} already in Intune\n` +
              "Next: ferry readiness, then ferry plan\n",
          );
        }
      });
    });
}
