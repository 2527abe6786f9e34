/**
 * Manual tasks: the steps no vendor API can do (a mail gateway with no API, an export-only
 * product's retires), each with its console steps, waiting for a person to confirm them.
 * A confirmation is what the engine reads back, so it is recorded with who did the work.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { confirmTask } from "../../engine/manual-access.ts";
import type { ManualTasksTable } from "../../store/schema.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
import { errors, Iso, IsoOrNull, iso, isoOrNull, StrOrNull } from "../schemas.ts";

const Task = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  kind: Type.String({
    description: "source-exclude | source-include | source-disable | source-retire | apple-reassign",
  }),
  subjects: Type.Array(Type.String(), {
    description: "the people (UPNs), or the device (source id, Apple serial), the task is about",
  }),
  title: Type.String(),
  steps: Type.Array(Type.String(), { description: "what to do in the vendor's console, in order" }),
  createdAt: Iso,
  confirmedAt: IsoOrNull,
  confirmedBy: StrOrNull,
});

export type ManualTaskRecord = Omit<ManualTasksTable, "id"> & { id: number };

function taskView(t: ManualTaskRecord) {
  return {
    id: t.id,
    key: t.key,
    kind: t.kind,
    subjects: JSON.parse(t.subjects) as string[],
    title: t.title,
    steps: JSON.parse(t.steps) as string[],
    createdAt: iso(t.created_at),
    confirmedAt: isoOrNull(t.confirmed_at),
    confirmedBy: t.confirmed_by,
  };
}

export const tasksRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { permission: "tasks.read" },
      schema: {
        tags: ["tasks"],
        summary: "Manual steps waiting for a person (oldest first); all=true includes confirmed ones",
        querystring: Type.Object({ all: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: Type.Object({ tasks: Type.Array(Task) }), ...errors },
      },
    },
    async (request) => {
      let query = ctx.db.selectFrom("manual_tasks").selectAll().orderBy("id");
      if (!request.query.all) query = query.where("confirmed_at", "is", null);
      return { tasks: (await query.execute()).map(taskView) };
    },
  );

  app.post(
    "/:id/confirm",
    {
      config: { permission: "tasks.write" },
      schema: {
        tags: ["tasks"],
        summary: "Record that a person carried a manual task out; the engine then reads the change as done",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            by: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description: "who did the work (default: the caller)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Task, ...errors },
      },
    },
    async (request) => {
      const id = request.params.id;
      const find = () =>
        ctx.db.selectFrom("manual_tasks").selectAll().where("id", "=", id).executeTakeFirst();
      const task = await find();
      if (!task) throw notFound(`no manual task ${id}`);
      if (task.confirmed_at !== null)
        throw conflict(`task ${id} was already confirmed by ${task.confirmed_by}`);
      const by = request.body?.by?.trim() || actorOf(principalOf(request));
      // In a rehearsal the simulated organisation stands in for the console work first.
      await ctx.carryOutTask?.(task);
      await confirmTask(ctx.db, id, by, ctx.clock.now());
      return taskView((await find())!);
    },
  );
};
