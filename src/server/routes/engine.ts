/**
 * The engine as the server sees it: when it last passed, the action queue, and "run a pass
 * now". Passes run in another process (`ferry run --watch`, which `ferry serve` starts), so
 * "run a pass now" records a request that process answers within seconds.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { engineLoops, getMeta } from "../../engine/meta.ts";
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

const Loop = Type.Object({
  pid: Type.Integer(),
  host: Type.String(),
  startedAt: Iso,
  heartbeatAt: Iso,
  intervalMs: Type.Integer(),
  passes: Type.Integer(),
  inPass: Type.Boolean(),
  alive: Type.Boolean({ description: "reported within the last minute, or in a pass" }),
  worker: WorkerStats,
});

function sumStats(all: { executed: number; failed: number; retried: number }[]) {
  return all.reduce(
    (a, w) => ({
      executed: a.executed + w.executed,
      failed: a.failed + w.failed,
      retried: a.retried + w.retried,
    }),
    { executed: 0, failed: 0, retried: 0 },
  );
}

export const engineRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  /** An engine answers requests: one in this process (tests), or a loop that reported lately. */
  async function engineRunning(): Promise<boolean> {
    const wallNow = ctx.wallClock.now();
    return ctx.runner !== undefined || (await engineLoops(ctx.db)).some((loop) => loopAlive(loop, wallNow));
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
              description:
                "what the engine processes' workers did since they started, summed over those alive",
            }),
            recheckRequests: Type.Integer(),
            passRequested: Type.Boolean({ description: "a pass was asked for and has not run yet" }),
            loop: Type.Union([Loop, Type.Null()], {
              description: "the engine process that reported last (real time)",
            }),
            loops: Type.Array(Loop, {
              description: "every engine process that has reported lately, most recent first",
            }),
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
      const wallNow = ctx.wallClock.now();
      const loops = (await engineLoops(ctx.db)).map((loop) => ({
        pid: loop.pid,
        host: loop.host,
        startedAt: iso(loop.startedAt),
        heartbeatAt: iso(loop.heartbeatAt),
        intervalMs: loop.intervalMs,
        passes: loop.passes,
        inPass: loopInPass(loop, wallNow),
        alive: loopAlive(loop, wallNow),
        worker: loop.worker,
      }));
      const alive = loops.filter((l) => l.alive);
      return {
        now: iso(ctx.clock.now()),
        running: ctx.runner !== undefined || alive.length > 0,
        lastPassAt: isoOrNull(await getMeta(ctx.db, "lastPassAt")),
        actions: Object.fromEntries(actions.map((a) => [a.status, Number(a.n)])),
        worker: ctx.worker
          ? { ...ctx.worker.stats }
          : alive.length > 0
            ? sumStats(alive.map((l) => l.worker))
            : null,
        recheckRequests: Number(rechecks.n),
        passRequested: await passRequestPending(ctx.db),
        loop: loops[0] ?? null,
        loops,
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
