/** People: the searchable list, the helpdesk page of one person, and what the helpdesk does for them. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { normaliseIdentifier } from "../../core/identifiers.ts";
import { DAY } from "../../core/time.ts";
import { extendDeadline, resendInstructions } from "../../engine/helpdesk.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { DEFAULT_PORTAL_LINK_TTL } from "../portal-links.ts";
import { allows } from "../roles.ts";
import {
  errors,
  Id,
  Iso,
  IsoOrNull,
  iso,
  isoOrNull,
  Paged,
  PageQuery,
  paging,
  Search,
  StrOrNull,
} from "../schemas.ts";
import { dialectOf, startsWith } from "../search.ts";
import {
  DeviceSchema,
  DeviceStateSchema,
  deadlineOf,
  deviceView,
  GovernanceSchema,
  NextStepSchema,
  nextStep,
  PersonSummarySchema,
  personSummary,
  released,
} from "../views.ts";

const PersonListItem = Type.Object({
  ...PersonSummarySchema.properties,
  devices: Type.Integer({ description: "devices this person owns" }),
  openDevices: Type.Integer({ description: "devices not yet migrated, excluded or retired" }),
});

const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Iso,
  actor: Type.String(),
  kind: Type.String(),
  message: Type.String(),
  deviceId: StrOrNull,
  waveId: StrOrNull,
});

const PersonPage = Type.Object({
  person: Type.Object({
    ...PersonSummarySchema.properties,
    wave: Type.Union([
      Type.Object({ id: Type.String(), name: Type.String(), status: Type.String() }),
      Type.Null(),
    ]),
    deadline: Type.Union([Iso, Type.Null()], {
      description: "end of self-service: after it Ferry retires the person's devices remotely",
    }),
    deadlineExtensionDays: Type.Number(),
    instructionsSentAt: IsoOrNull,
    remindersSent: Type.Integer(),
  }),
  devices: Type.Array(
    Type.Object({
      ...DeviceSchema.properties,
      nextStep: NextStepSchema,
      canRequestRetire: Type.Boolean(),
      canMark: Type.Boolean(),
    }),
  ),
  timeline: Type.Array(TimelineEntry),
  allowedActions: Type.Object({
    resendInstructions: Type.Boolean(),
    extendDeadline: Type.Boolean(),
    markDevice: Type.Boolean(),
    requestRetire: Type.Boolean(),
    issuePortalLink: Type.Boolean(),
  }),
});

const PersonParams = Type.Object({ id: Id });

export const peopleRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const dialect = dialectOf(ctx.db);

  async function person(id: string) {
    const p = await ctx.db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
    if (!p) throw notFound(`no person "${id}"`);
    return p;
  }

  app.get(
    "/",
    {
      config: { permission: "people.read" },
      schema: {
        tags: ["people"],
        summary: "People, searched and filtered, a page at a time (sorted by name)",
        description:
          "q matches a name, UPN or e-mail by prefix (case-insensitive), or a device serial or IMEI exactly (normalised). state keeps people with at least one device in that state.",
        querystring: Type.Object({
          q: Type.Optional(Search),
          wave: Type.Optional(Type.String({ maxLength: 200, description: 'a wave id, or "none"' })),
          governance: Type.Optional(GovernanceSchema),
          state: Type.Optional(DeviceStateSchema),
          ...PageQuery,
        }),
        response: { 200: Paged(PersonListItem), ...errors },
      },
    },
    async (request) => {
      const { q, wave, governance, state } = request.query;
      const { page, pageSize, offset } = paging(request.query);
      let query = ctx.db.selectFrom("people");
      const text = q?.trim();
      if (text) {
        const id = normaliseIdentifier(text);
        query = query.where((eb) =>
          eb.or([
            startsWith(dialect, "people.display_name", text),
            startsWith(dialect, "people.upn", text),
            startsWith(dialect, "people.email", text),
            eb("people.id", "=", text),
            ...(id
              ? [
                  eb(
                    "people.id",
                    "in",
                    eb
                      .selectFrom("devices")
                      .select("devices.person_id")
                      .where((d) => d.or([d("serial", "=", id), d("imei", "=", id)]))
                      .where("devices.person_id", "is not", null)
                      .$narrowType<{ person_id: string }>(),
                  ),
                ]
              : []),
          ]),
        );
      }
      if (wave === "none") query = query.where("people.wave_id", "is", null);
      else if (wave) query = query.where("people.wave_id", "=", wave);
      if (governance) query = query.where("people.ca_governance", "=", governance);
      if (state)
        query = query.where(
          "people.id",
          "in",
          ctx.db
            .selectFrom("devices")
            .select("devices.person_id")
            .where("devices.state", "=", state)
            .where("devices.person_id", "is not", null)
            .$narrowType<{ person_id: string }>(),
        );
      const total = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      const rows = await query
        .selectAll("people")
        .select((eb) => [
          eb
            .selectFrom("devices")
            .select(sql<number>`count(*)`.as("n"))
            .whereRef("devices.person_id", "=", "people.id")
            .as("device_count"),
          eb
            .selectFrom("devices")
            .select(sql<number>`count(*)`.as("n"))
            .whereRef("devices.person_id", "=", "people.id")
            .where("devices.state", "not in", [
              "in-target",
              "compliant",
              "noncompliant",
              "excluded",
              "retired",
            ])
            .as("open_count"),
        ])
        .orderBy("people.display_name")
        .orderBy("people.id")
        .limit(pageSize)
        .offset(offset)
        .execute();
      return {
        items: rows.map((p) => ({
          ...personSummary(p),
          devices: Number(p.device_count ?? 0),
          openDevices: Number(p.open_count ?? 0),
        })),
        page,
        pageSize,
        total: Number(total.n),
      };
    },
  );

  app.get(
    "/:id",
    {
      config: { permission: "people.read" },
      schema: {
        tags: ["people"],
        summary:
          "The helpdesk page of one person: devices with state, time in state, path and next step; deadline; timeline; what the caller may do",
        params: PersonParams,
        response: { 200: PersonPage, ...errors },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const p = await person(request.params.id);
      const wave = p.wave_id
        ? await ctx.db.selectFrom("waves").selectAll().where("id", "=", p.wave_id).executeTakeFirst()
        : undefined;
      const devices = await ctx.db
        .selectFrom("devices")
        .selectAll()
        .where("person_id", "=", p.id)
        .orderBy("id")
        .execute();
      const deviceIds = devices.map((d) => d.id);
      const timeline = await ctx.db
        .selectFrom("audit")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb("person_id", "=", p.id),
            ...(deviceIds.length > 0 ? [eb("device_id", "in", deviceIds.slice(0, 500))] : []),
          ]),
        )
        .orderBy("id", "desc")
        .limit(200)
        .execute();
      const role = principalOf(request).role;
      const may = allows(role, "helpdesk.act");
      const free = released(p, now, ctx.engineSettings);
      const deadline = deadlineOf(p, wave);
      return {
        person: {
          ...personSummary(p),
          wave: wave ? { id: wave.id, name: wave.name, status: wave.status } : null,
          deadline: deadline === undefined ? null : iso(deadline),
          deadlineExtensionDays: p.deadline_extension / DAY,
          instructionsSentAt: isoOrNull(p.instructions_at),
          remindersSent: p.reminders_sent,
        },
        devices: devices.map((d) => ({
          ...deviceView({ ...d, owner_id: p.id, owner_name: p.display_name, owner_upn: p.upn }, now),
          nextStep: nextStep(d, free),
          canRequestRetire: may && d.source_presence !== "absent" && d.retire_requested_at === null,
          canMark: may && d.retired_reason === null,
        })),
        timeline: timeline.map((a) => ({
          id: a.id,
          at: iso(a.at),
          actor: a.actor,
          kind: a.kind,
          message: a.message,
          deviceId: a.device_id,
          waveId: a.wave_id,
        })),
        allowedActions: {
          resendInstructions: may,
          extendDeadline: may,
          markDevice: may,
          requestRetire: may,
          issuePortalLink: may,
        },
      };
    },
  );

  app.post(
    "/:id/resend-instructions",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary: "Send the person's instructions again now, with each open device's next step",
        params: PersonParams,
        response: { 202: Type.Object({ queued: Type.Literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      await person(request.params.id);
      await resendInstructions(ctx.db, request.params.id, ctx.clock.now(), actorOf(principalOf(request)));
      reply.status(202);
      return { queued: true as const };
    },
  );

  app.post(
    "/:id/extend-deadline",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary:
          "Give one person more days before Ferry retires their devices remotely (30 days in all at most)",
        params: PersonParams,
        body: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 30 }) }),
        response: {
          200: Type.Object({ extensionDays: Type.Number(), deadline: Type.Union([Iso, Type.Null()]) }),
          ...errors,
        },
      },
    },
    async (request) => {
      await person(request.params.id);
      const now = ctx.clock.now();
      const total = await extendDeadline(
        ctx.db,
        request.params.id,
        request.body.days * DAY,
        now,
        actorOf(principalOf(request)),
      );
      const p = await person(request.params.id);
      const wave = p.wave_id
        ? await ctx.db.selectFrom("waves").selectAll().where("id", "=", p.wave_id).executeTakeFirst()
        : undefined;
      const deadline = deadlineOf(p, wave);
      return { extensionDays: total / DAY, deadline: deadline === undefined ? null : iso(deadline) };
    },
  );

  app.post(
    "/:id/portal-link",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary: "Issue a new personal portal link for this person (to send them)",
        params: PersonParams,
        body: Type.Optional(
          Type.Object({
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: "default 30" })),
          }),
        ),
        response: {
          201: Type.Object({ url: Type.String(), token: Type.String(), expiresAt: Iso }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      await person(request.params.id);
      const ttl = request.body?.days ? request.body.days * DAY : DEFAULT_PORTAL_LINK_TTL;
      const { token, expiresAt } = await ctx.portal.issue(
        request.params.id,
        ctx.wallClock.now(),
        ttl,
        actorOf(principalOf(request)),
      );
      reply.status(201);
      return { url: `${ctx.publicUrl}/portal#${token}`, token, expiresAt: iso(expiresAt) };
    },
  );

  app.post(
    "/:id/portal-link/revoke",
    {
      config: { permission: "helpdesk.act" },
      schema: {
        tags: ["helpdesk"],
        summary: "Revoke every portal link issued for this person",
        params: PersonParams,
        response: { 200: Type.Object({ revoked: Type.Integer() }), ...errors },
      },
    },
    async (request) => {
      await person(request.params.id);
      const revoked = await ctx.portal.revokeAll(
        request.params.id,
        ctx.wallClock.now(),
        actorOf(principalOf(request)),
      );
      return { revoked };
    },
  );
};
