/** The engine as the server runs it: when it last passed, the action queue, and "run a pass now". */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { getMeta } from "../../engine/meta.ts";
import type { ServerContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errors, Iso, IsoOrNull, iso, isoOrNull } from "../schemas.ts";

export const engineRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { permission: "engine.read" },
      schema: {
        tags: ["engine"],
        summary: "The engine's last pass, the action queue by status, and open re-check requests",
        response: {
          200: Type.Object({
            now: Iso,
            running: Type.Boolean({ description: "this server runs passes (not --no-worker)" }),
            lastPassAt: IsoOrNull,
            actions: Type.Record(Type.String(), Type.Integer()),
            worker: Type.Union([
              Type.Object({ executed: Type.Integer(), failed: Type.Integer(), retried: Type.Integer() }),
              Type.Null(),
            ]),
            recheckRequests: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    async () => {
      const actions = await ctx.db
        .selectFrom("actions")
        .select(["status", sql<number>`count(*)`.as("n")])
        .groupBy("status")
        .execute();
      const rechecks = await ctx.db
        .selectFrom("recheck_requests")
        .select(sql<number>`count(*)`.as("n"))
        .where("handled_at", "is", null)
        .executeTakeFirstOrThrow();
      return {
        now: iso(ctx.clock.now()),
        running: ctx.runner !== undefined,
        lastPassAt: isoOrNull(await getMeta(ctx.db, "lastPassAt")),
        actions: Object.fromEntries(actions.map((a) => [a.status, Number(a.n)])),
        worker: ctx.worker ? { ...ctx.worker.stats } : null,
        recheckRequests: Number(rechecks.n),
      };
    },
  );

  app.post(
    "/pass",
    {
      config: { permission: "engine.run" },
      schema: {
        tags: ["engine"],
        summary: "Run an engine pass now (observe, decide, act) and let the worker execute what it queued",
        response: {
          200: Type.Object({
            at: Iso,
            actionsQueued: Type.Integer(),
            executed: Type.Integer(),
            sourceDevices: Type.Integer(),
            targetDevices: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    async () => {
      if (!ctx.runner) throw new ApiError(409, "unavailable", "this server runs no engine");
      const r = await ctx.runner.run();
      return {
        at: iso(r.at),
        actionsQueued: r.actionsQueued,
        executed: r.executed,
        sourceDevices: r.sourceDevices,
        targetDevices: r.targetDevices,
      };
    },
  );
};
