/** Devices: the searchable list, limbo and in-both with their ages, one device, and helpdesk actions. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { normaliseIdentifier } from "../../core/identifiers.ts";
import { RETIREMENT_REASONS } from "../../core/model.ts";
import { markRetired, requestRetire } from "../../engine/helpdesk.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
import { errors, Id, Ok, Paged, PageQuery, paging, Search, StringEnum } from "../schemas.ts";
import { dialectOf, startsWith } from "../search.ts";
import { DeviceSchema, DeviceStateSchema, deviceView, PathSchema, PlatformSchema } from "../views.ts";

export const DEVICE_SORTS = ["id", "stateSince", "-stateSince", "model", "platform", "owner"] as const;
type DeviceSort = (typeof DEVICE_SORTS)[number];

const AgedDevice = Type.Object({
  ...DeviceSchema.properties,
  alert: Type.Boolean({ description: "older than the alert threshold" }),
});

const DeviceParams = Type.Object({ id: Id });

export const devicesRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const dialect = dialectOf(ctx.db);

  function base() {
    return ctx.db.selectFrom("devices").leftJoin("people as o", "o.id", "devices.person_id");
  }
  const owner = ["o.id as owner_id", "o.display_name as owner_name", "o.upn as owner_upn"] as const;

  app.get(
    "/",
    {
      config: { permission: "devices.read" },
      schema: {
        tags: ["devices"],
        summary: "Devices, searched, filtered and sorted, a page at a time",
        description:
          "q matches a device id, serial or IMEI exactly (normalised: upper case, no separators), or the owner's name, UPN or e-mail by prefix (case-insensitive).",
        querystring: Type.Object({
          q: Type.Optional(Search),
          state: Type.Optional(DeviceStateSchema),
          path: Type.Optional(PathSchema),
          platform: Type.Optional(PlatformSchema),
          wave: Type.Optional(Type.String({ maxLength: 200 })),
          sort: Type.Optional(StringEnum(DEVICE_SORTS, { default: "id" })),
          ...PageQuery,
        }),
        response: { 200: Paged(DeviceSchema), ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const { q, state, path, platform, wave } = request.query;
      const sort: DeviceSort = request.query.sort ?? "id";
      const { page, pageSize, offset } = paging(request.query);
      let query = base();
      const text = q?.trim();
      if (text) {
        // A union of indexed lookups (each answered from its own index), matched by primary key.
        const id = normaliseIdentifier(text);
        const owners = ctx.db
          .selectFrom("people")
          .select("people.id")
          .where((p) =>
            p.or([
              startsWith(dialect, "people.display_name", text),
              startsWith(dialect, "people.upn", text),
              startsWith(dialect, "people.email", text),
            ]),
          );
        let matches = ctx.db
          .selectFrom("devices")
          .select("devices.id")
          .where("devices.id", "=", text)
          .union(ctx.db.selectFrom("devices").select("devices.id").where("devices.person_id", "in", owners));
        if (id)
          matches = matches
            .union(ctx.db.selectFrom("devices").select("devices.id").where("devices.serial", "=", id))
            .union(ctx.db.selectFrom("devices").select("devices.id").where("devices.imei", "=", id));
        query = query.where("devices.id", "in", matches);
      }
      if (state) query = query.where("devices.state", "=", state);
      if (path) query = query.where("devices.path", "=", path);
      if (platform) query = query.where("devices.platform", "=", platform);
      if (wave === "none") query = query.where("o.wave_id", "is", null);
      else if (wave) query = query.where("o.wave_id", "=", wave);
      const total = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      let ordered = query.selectAll("devices").select(owner);
      switch (sort) {
        case "stateSince":
          ordered = ordered.orderBy("devices.state_since").orderBy("devices.id");
          break;
        case "-stateSince":
          ordered = ordered.orderBy("devices.state_since", "desc").orderBy("devices.id");
          break;
        case "model":
          ordered = ordered.orderBy("devices.model").orderBy("devices.id");
          break;
        case "platform":
          ordered = ordered.orderBy("devices.platform").orderBy("devices.id");
          break;
        case "owner":
          ordered = ordered.orderBy("o.display_name").orderBy("devices.id");
          break;
        default:
          ordered = ordered.orderBy("devices.id");
      }
      const rows = await ordered.limit(pageSize).offset(offset).execute();
      return { items: rows.map((d) => deviceView(d, now)), page, pageSize, total: Number(total.n) };
    },
  );

  for (const [route, state, summary] of [
    [
      "/limbo",
      "limbo",
      "Devices in limbo (left the old product, not yet in Intune), oldest first, with their ages",
    ],
    [
      "/in-both",
      "in-both",
      "Devices seen in both products (an anomaly Ferry repairs), oldest first, with their ages",
    ],
  ] as const) {
    app.get(
      route,
      {
        config: { permission: "devices.read" },
        schema: {
          tags: ["devices"],
          summary,
          querystring: Type.Object({ ...PageQuery }),
          response: {
            200: Type.Object({
              ...Paged(AgedDevice).properties,
              alertAfterMs: Type.Number({ description: "devices older than this carry alert: true" }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const now = ctx.clock.now();
        const { page, pageSize, offset } = paging(request.query);
        const alertAfter = state === "limbo" ? ctx.engineSettings.limboAlertAfter : 0;
        const query = base().where("devices.state", "=", state);
        const total = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
        const rows = await query
          .selectAll("devices")
          .select(owner)
          .orderBy("devices.state_since")
          .orderBy("devices.id")
          .limit(pageSize)
          .offset(offset)
          .execute();
        return {
          items: rows.map((d) => ({ ...deviceView(d, now), alert: now - d.state_since > alertAfter })),
          page,
          pageSize,
          total: Number(total.n),
          alertAfterMs: alertAfter,
        };
      },
    );
  }

  app.get(
    "/:id",
    {
      config: { permission: "devices.read" },
      schema: {
        tags: ["devices"],
        summary: "One device",
        params: DeviceParams,
        response: { 200: DeviceSchema, ...errors },
      },
    },
    async (request) => {
      const d = await base()
        .selectAll("devices")
        .select(owner)
        .where("devices.id", "=", request.params.id)
        .executeTakeFirst();
      if (!d) throw notFound(`no device "${request.params.id}"`);
      return deviceView(d, ctx.clock.now());
    },
  );

  app.post(
    "/:id/mark",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary: "Mark a device lost, replaced or decommissioned: it leaves the migration as retired",
        params: DeviceParams,
        body: Type.Object({ reason: StringEnum(RETIREMENT_REASONS) }),
        response: { 200: Ok, ...errors },
      },
    },
    async (request) => {
      const d = await ctx.db
        .selectFrom("devices")
        .select("id")
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!d) throw notFound(`no device "${request.params.id}"`);
      await markRetired(ctx.db, d.id, request.body.reason, ctx.clock.now(), actorOf(principalOf(request)));
      return { ok: true as const };
    },
  );

  app.post(
    "/:id/retire-request",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary: "Ask for a remote retire of a device still in the old product",
        description:
          "Carried out by the engine once the owner's old-product conditional access has been lifted, within the hourly cap on remote retires.",
        params: DeviceParams,
        response: { 202: Type.Object({ requested: Type.Literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      const d = await ctx.db
        .selectFrom("devices")
        .select(["id", "source_presence"])
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!d) throw notFound(`no device "${request.params.id}"`);
      if (d.source_presence === "absent") throw conflict(`${d.id} has already left the old product`);
      await requestRetire(ctx.db, d.id, ctx.clock.now(), actorOf(principalOf(request)));
      reply.status(202);
      return { requested: true as const };
    },
  );
};
