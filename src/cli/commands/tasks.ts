/** `ferry tasks`: steps no vendor API can do, with their console steps, confirmed by a person. */
import type { Command } from "commander";
import { confirmTask } from "../../engine/manual-access.ts";
import { withContext } from "../context.ts";
import { CliError, isoDay } from "../format.ts";
import { positiveInt } from "./options.ts";

export function registerTasks(program: Command): void {
  const cmd = program
    .command("tasks")
    .description("manual steps (e.g. a mail gateway with no API) waiting for a person");

  cmd
    .command("list", { isDefault: true })
    .option("--all", "include confirmed tasks")
    .option("--json", "print as JSON")
    .action(async (opts: { all?: boolean; json?: boolean }, c: Command) => {
      await withContext(c.optsWithGlobals().config, async (ctx) => {
        let q = ctx.store.db.selectFrom("manual_tasks").selectAll().orderBy("id");
        if (!opts.all) q = q.where("confirmed_at", "is", null);
        const tasks = await q.execute();
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify(tasks.map((t) => ({ ...t, subjects: JSON.parse(t.subjects), steps: JSON.parse(t.steps) })))}\n`,
          );
          return;
        }
        if (tasks.length === 0) process.stdout.write("No manual tasks waiting.\n");
        for (const t of tasks) {
          const people = JSON.parse(t.subjects) as string[];
          process.stdout.write(
            [
              `#${t.id}  ${t.title}  (${isoDay(t.created_at)})${t.confirmed_at ? `  ✓ ${t.confirmed_by}` : ""}`,
              ...(JSON.parse(t.steps) as string[]).map((s, i) => `    ${i + 1}. ${s}`),
              people.length
                ? `    people: ${people.slice(0, 10).join(", ")}${people.length > 10 ? ` … +${people.length - 10}` : ""}`
                : "",
              "",
            ]
              .filter((l) => l !== "")
              .join("\n") + "\n\n",
          );
        }
      });
    });

  cmd
    .command("confirm <id>")
    .description("record that a person carried a task out")
    .requiredOption("--by <name>", "who did it (recorded in the audit log)")
    .action(async (id: string, opts: { by: string }, c: Command) => {
      await withContext(c.optsWithGlobals().config, async (ctx) => {
        const taskId = positiveInt("<id>")(id);
        const task = await ctx.store.db
          .selectFrom("manual_tasks")
          .selectAll()
          .where("id", "=", taskId)
          .executeTakeFirst();
        if (!task) throw new CliError(`no manual task ${taskId} (see \`ferry tasks\`)`);
        // In a rehearsal the simulated gateway stands in for the console work the admin did.
        const people = JSON.parse(task.subjects) as string[];
        const world = ctx.simulation.ports.sourceAccess;
        if (task.kind === "source-retire") await ctx.simulation.ports.sourceOffboarding.retire(people[0]!);
        else if (task.kind === "source-exclude") await world.exclude(people);
        else if (task.kind === "source-include") await world.include(people);
        else await world.disablePolicy();
        await confirmTask(ctx.store.db, taskId, opts.by, ctx.now());
        process.stdout.write(`task ${taskId} confirmed by ${opts.by}\n`);
      });
    });
}
