/**
 * The engine as the server sees it: when it last passed, the action queue, and "run a pass
 * now". Passes run in another process (`ferry run --watch`, which `ferry serve` starts), so
 * "run a pass now" records a request that process answers within seconds.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { getMeta } from "../../engine/meta.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { loopAlive, loopInPass, passRequestPending, requestPass } from "../runner.ts";
import { errors, Iso, IsoOrNull, iso, isoOrNull } from "../schemas.ts";

const WorkerStats = Type.Object({
  executed: Type.Integer(),
  failed: Type.Integer(),
  retried: Type.Integer(),
});

export const engineRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  /** An engine answers requests: one in this process (tests), or a loop that reported lately. */
  async function engineRunning(): Promise<boolean> {
    return ctx.runner !== undefined || loopAlive(await getMeta(ctx.db, "engineLoop"), ctx.wallClock.now());
  }

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
            running: Type.Boolean({
              description:
                "an engine runs passes: `ferry serve`'s engine process (not --no-worker) or a `ferry run --watch` that reported in the last minute",
            }),
            lastPassAt: IsoOrNull,
            actions: Type.Record(Type.String(), Type.Integer()),
            worker: Type.Union([WorkerStats, Type.Null()], {
              description: "what the engine process's worker did since it started",
            }),
            recheckRequests: Type.Integer(),
            passRequested: Type.Boolean({ description: "a pass was asked for and has not run yet" }),
            loop: Type.Union(
              [
                Type.Object({
                  pid: Type.Integer(),
                  host: Type.String(),
                  startedAt: Iso,
                  heartbeatAt: Iso,
                  intervalMs: Type.Integer(),
                  passes: Type.Integer(),
                  inPass: Type.Boolean(),
                }),
                Type.Null(),
              ],
              { description: "the engine process as it last reported itself (real time)" },
            ),
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
      const loop = await getMeta(ctx.db, "engineLoop");
      const wallNow = ctx.wallClock.now();
      return {
        now: iso(ctx.clock.now()),
        running: await engineRunning(),
        lastPassAt: isoOrNull(await getMeta(ctx.db, "lastPassAt")),
        actions: Object.fromEntries(actions.map((a) => [a.status, Number(a.n)])),
        worker: ctx.worker ? { ...ctx.worker.stats } : (loop?.worker ?? null),
        recheckRequests: Number(rechecks.n),
        passRequested: await passRequestPending(ctx.db),
        loop: loop
          ? {
              pid: loop.pid,
              host: loop.host,
              startedAt: iso(loop.startedAt),
              heartbeatAt: iso(loop.heartbeatAt),
              intervalMs: loop.intervalMs,
              passes: loop.passes,
              inPass: loopInPass(loop, wallNow),
            }
          : null,
      };
    },
  );

  app.post(
    "/pass",
    {
      config: { permission: "engine.run" },
      schema: {
        tags: ["engine"],
        summary:
          "Ask for an engine pass now (observe, decide, act); the engine process runs it within seconds",
        description:
          "Records the request and returns at once (202): the engine process picks it up within about 2 s, or after the pass it is running. Follow `GET /api/engine` (`passRequested`, `lastPassAt`). With no engine running (`ferry serve --no-worker`), the request waits for one.",
        response: {
          202: Type.Object({
            queued: Type.Literal("pass"),
            requestedAt: Iso,
            requestedBy: Type.String(),
            engineRunning: Type.Boolean({ description: "an engine is running to answer it" }),
            lastPassAt: IsoOrNull,
            message: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const by = actorOf(principalOf(request));
      const queued = await requestPass(ctx.db, ctx.clock.now(), by);
      const running = await engineRunning();
      reply.status(202);
      return {
        queued: "pass" as const,
        requestedAt: iso(queued.requestedAt),
        requestedBy: by,
        engineRunning: running,
        lastPassAt: isoOrNull(await getMeta(ctx.db, "lastPassAt")),
        message: running
          ? "A pass is queued: the engine runs it within a few seconds, or right after the pass it is running."
          : "A pass is queued, but no engine is running: start `ferry serve` without --no-worker, or `ferry run --watch`.",
      };
    },
  );
};
