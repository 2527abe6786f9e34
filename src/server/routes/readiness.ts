/** Readiness: every device's path out of the old product, by platform, and what needs an admin. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { READINESS_PATHS } from "../../core/model.ts";
import { INTUNE_SUPPORTED_OS, PLATFORMS } from "../../core/platform.ts";
import type { ServerContext } from "../context.ts";
import { errors, Paged, PageQuery, paging } from "../schemas.ts";
import { DeviceSchema, deviceView } from "../views.ts";

const ADMIN_PATHS = ["no-owner", "unsupported-os"] as const;

export const readinessRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { permission: "readiness.read" },
      schema: {
        tags: ["readiness"],
        summary:
          "Devices by path × platform, and the devices needing an admin (no owner, unsupported OS), a page at a time",
        querystring: Type.Object({ ...PageQuery }),
        response: {
          200: Type.Object({
            paths: Type.Array(Type.String()),
            platforms: Type.Array(Type.String()),
            counts: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
              description: "path → platform → devices (every path and platform present, zeros included)",
            }),
            total: Type.Integer(),
            intuneSupportedOs: Type.Object({
              asOf: Type.String(),
              minimum: Type.Record(Type.String(), Type.String()),
            }),
            needsAdmin: Paged(DeviceSchema),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const { page, pageSize, offset } = paging(request.query);
      const rows = await ctx.db
        .selectFrom("devices")
        .select(["path", "platform", sql<number>`count(*)`.as("n")])
        .groupBy(["path", "platform"])
        .execute();
      const counts: Record<string, Record<string, number>> = {};
      for (const path of READINESS_PATHS) counts[path] = Object.fromEntries(PLATFORMS.map((p) => [p, 0]));
      let total = 0;
      for (const r of rows) {
        const byPlatform = counts[r.path] ?? {};
        byPlatform[r.platform] = (byPlatform[r.platform] ?? 0) + Number(r.n);
        counts[r.path] = byPlatform;
        total += Number(r.n);
      }
      const attention = ctx.db
        .selectFrom("devices")
        .leftJoin("people as o", "o.id", "devices.person_id")
        .where("devices.path", "in", ADMIN_PATHS);
      const needsTotal = await attention.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      const needs = await attention
        .selectAll("devices")
        .select(["o.id as owner_id", "o.display_name as owner_name", "o.upn as owner_upn"])
        .orderBy("devices.path")
        .orderBy("devices.id")
        .limit(pageSize)
        .offset(offset)
        .execute();
      return {
        paths: [...READINESS_PATHS],
        platforms: [...PLATFORMS],
        counts,
        total,
        intuneSupportedOs: { asOf: INTUNE_SUPPORTED_OS.asOf, minimum: { ...INTUNE_SUPPORTED_OS.minimum } },
        needsAdmin: {
          items: needs.map((d) => deviceView(d, now)),
          page,
          pageSize,
          total: Number(needsTotal.n),
        },
      };
    },
  );
};
