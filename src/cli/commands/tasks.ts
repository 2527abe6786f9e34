/** `ferry tasks`: steps no vendor API can do, with their console steps, confirmed by a person. */
import type { Command } from "commander";
import { confirmTask } from "../../engine/manual-access.ts";
import { APPLE_REASSIGN_KIND } from "../../engine/manual-apple.ts";
import { type Context, withContext } from "../context.ts";
import { CliError, isoDay } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteTaskConfirm, remoteTasks } from "../remote-views.ts";
import { positiveInt } from "./options.ts";

/** One task as `tasks --json` prints it: the stored row, its lists parsed. */
export interface TaskResult {
  id: number;
  key: string;
  kind: string;
  subjects: string[];
  title: string;
  steps: string[];
  created_at: number;
  confirmed_by: string | null;
  confirmed_at: number | null;
}

async function localTasks(ctx: Context, all: boolean): Promise<TaskResult[]> {
  let q = ctx.store.db.selectFrom("manual_tasks").selectAll().orderBy("id");
  if (!all) q = q.where("confirmed_at", "is", null);
  const tasks = await q.execute();
  return tasks.map((t) => ({
    ...t,
    subjects: JSON.parse(t.subjects) as string[],
    steps: JSON.parse(t.steps) as string[],
  }));
}

async function localConfirm(ctx: Context, taskId: number, by: string): Promise<void> {
  const task = await ctx.store.db
    .selectFrom("manual_tasks")
    .selectAll()
    .where("id", "=", taskId)
    .executeTakeFirst();
  if (!task) throw new CliError(`no manual task ${taskId} (see \`ferry tasks\`)`);
  if (task.confirmed_at !== null)
    throw new CliError(`task ${taskId} was already confirmed by ${task.confirmed_by}`);
  // In a rehearsal the simulated console work is done too; against real systems a person did it.
  await ctx.simulation?.carryOut(task);
  await confirmTask(ctx.store.db, taskId, by, ctx.now());
}

/** Kinds whose subjects are devices (a source id, an Apple serial), not people. */
const DEVICE_KINDS = new Set(["source-retire", APPLE_REASSIGN_KIND]);

function printTasks(tasks: TaskResult[], json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(tasks)}\n`);
    return;
  }
  if (tasks.length === 0) process.stdout.write("No manual tasks waiting.\n");
  for (const t of tasks) {
    const people = t.subjects;
    process.stdout.write(
      [
        `#${t.id}  ${t.title}  (${isoDay(t.created_at)})${t.confirmed_at ? `  ✓ ${t.confirmed_by}` : ""}`,
        ...t.steps.map((s, i) => `    ${i + 1}. ${s}`),
        people.length
          ? `    ${DEVICE_KINDS.has(t.kind) ? "devices" : "people"}: ${people.slice(0, 10).join(", ")}${people.length > 10 ? ` … +${people.length - 10}` : ""}`
          : "",
        "",
      ]
        .filter((l) => l !== "")
        .join("\n") + "\n\n",
    );
  }
}

export function registerTasks(program: Command): void {
  const cmd = program
    .command("tasks")
    .description("manual steps (e.g. a mail gateway with no API) waiting for a person");

  cmd
    .command("list", { isDefault: true })
    .option("--all", "include confirmed tasks")
    .option("--json", "print as JSON")
    .action(async (opts: { all?: boolean; json?: boolean }, c: Command) => {
      const api = apiOf(c);
      const all = opts.all ?? false;
      const tasks = api
        ? await remoteTasks(api, all)
        : await withContext(c.optsWithGlobals().config, (ctx) => localTasks(ctx, all));
      printTasks(tasks, opts.json);
    });

  cmd
    .command("confirm <id>")
    .description("record that a person carried a task out")
    .requiredOption("--by <name>", "who did it (recorded in the audit log)")
    .action(async (id: string, opts: { by: string }, c: Command) => {
      const taskId = positiveInt("<id>")(id);
      const api = apiOf(c);
      if (api) await remoteTaskConfirm(api, taskId, opts.by);
      else await withContext(c.optsWithGlobals().config, (ctx) => localConfirm(ctx, taskId, opts.by));
      process.stdout.write(`task ${taskId} confirmed by ${opts.by}\n`);
    });
}
