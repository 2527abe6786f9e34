/**
 * The personal portal: no account, just the signed link from an e-mail, sent as the
 * `x-portal-token` header. A link opens one person's data and nothing else.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { requestRetire } from "../../engine/helpdesk.ts";
import type { DeviceRow, PersonRow } from "../../store/schema.ts";
import type { ServerContext } from "../context.ts";
import { ApiError, conflict, notFound } from "../errors.ts";
import { errors, Id, Iso, IsoOrNull, iso, isoOrNull } from "../schemas.ts";
import { deadlineOf, NextStepSchema, nextStep, released } from "../views.ts";

export const PORTAL_HEADER = "x-portal-token";

const PLAIN_STATES: Record<string, string> = {
  "in-source": "Still managed by the old system",
  "unenroll-requested": "Being removed from the old system",
  limbo: "Removed from the old system, not yet in Intune",
  "in-target": "In Intune; being checked",
  compliant: "Done: managed by Intune",
  noncompliant: "In Intune, but needs your attention",
  "in-both": "In both systems: IT is fixing this",
  excluded: "Not part of this move",
  retired: "No longer in use",
};

const PortalView = Type.Object({
  person: Type.Object({ displayName: Type.String(), email: Type.String() }),
  wave: Type.Union([Type.Object({ name: Type.String(), status: Type.String() }), Type.Null()]),
  deadline: Type.Union([Iso, Type.Null()], {
    description: "after it, IT removes the old management remotely",
  }),
  devices: Type.Array(
    Type.Object({
      id: Type.String(),
      model: Type.String(),
      manufacturer: Type.String(),
      platform: Type.String(),
      serialEnding: Type.Union([Type.String(), Type.Null()], {
        description: "last 4 characters, to tell devices apart",
      }),
      state: Type.String(),
      status: Type.String({ description: "the state in plain words" }),
      since: Iso,
      nextStep: NextStepSchema,
      canRequestRetire: Type.Boolean(),
    }),
  ),
  helpdesk: Type.Object({
    name: Type.String(),
    email: Type.String(),
    phone: Type.String(),
    url: Type.String(),
    hours: Type.String(),
  }),
  recheckRequestedAt: IsoOrNull,
  linkExpiresAt: Iso,
});

const portalErrors = { ...errors };

export const portalRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  async function helpdesk() {
    return (await ctx.settings.get()).helpdesk;
  }

  /** The person the link opens, or a 401 a person can act on. */
  async function holder(request: FastifyRequest): Promise<{ person: PersonRow; expiresAt: number }> {
    const token = request.headers[PORTAL_HEADER];
    const h = await helpdesk();
    const ask = `Ask the helpdesk${h.email ? ` (${h.email})` : ""} for a new one.`;
    const check = typeof token === "string" ? await ctx.portal.verify(token, ctx.wallClock.now()) : undefined;
    if (!check?.ok) {
      if (check?.reason === "expired")
        throw new ApiError(401, "link-expired", `This link has expired. ${ask}`);
      if (check?.reason === "revoked")
        throw new ApiError(401, "link-revoked", `This link is no longer valid. ${ask}`);
      throw new ApiError(
        401,
        "link-invalid",
        `This link is not valid. Open the whole link from your e-mail, or ${ask.charAt(0).toLowerCase()}${ask.slice(1)}`,
      );
    }
    const person = await ctx.db
      .selectFrom("people")
      .selectAll()
      .where("id", "=", check.link.personId)
      .executeTakeFirst();
    if (!person) throw new ApiError(401, "link-invalid", `This link is not valid any more. ${ask}`);
    return { person, expiresAt: check.link.expiresAt };
  }

  async function view(person: PersonRow, expiresAt: number) {
    const now = ctx.clock.now();
    const wave = person.wave_id
      ? await ctx.db.selectFrom("waves").selectAll().where("id", "=", person.wave_id).executeTakeFirst()
      : undefined;
    const devices = await ctx.db
      .selectFrom("devices")
      .selectAll()
      .where("person_id", "=", person.id)
      .orderBy("id")
      .execute();
    const free = released(person, now, ctx.engineSettings);
    const recheck = await ctx.db
      .selectFrom("recheck_requests")
      .select("requested_at")
      .where("person_id", "=", person.id)
      .where("handled_at", "is", null)
      .executeTakeFirst();
    const deadline = deadlineOf(person, wave);
    return {
      person: { displayName: person.display_name, email: person.email },
      wave: wave ? { name: wave.name, status: wave.status } : null,
      deadline: deadline === undefined ? null : iso(deadline),
      devices: devices.map((d: DeviceRow) => ({
        id: d.id,
        model: d.model,
        manufacturer: d.manufacturer,
        platform: d.platform,
        serialEnding: d.serial ? d.serial.slice(-4) : null,
        state: d.state,
        status: PLAIN_STATES[d.state] ?? d.state,
        since: iso(d.state_since),
        nextStep: nextStep(d, free),
        canRequestRetire:
          d.source_presence !== "absent" && d.retire_requested_at === null && d.retired_reason === null,
      })),
      helpdesk: await helpdesk(),
      recheckRequestedAt: isoOrNull(recheck?.requested_at),
      linkExpiresAt: iso(expiresAt),
    };
  }

  // The link is checked before anything else, the body included, like a sign-in would be.
  const holders = new WeakMap<FastifyRequest, { person: PersonRow; expiresAt: number }>();
  app.addHook("onRequest", async (request) => {
    if (!request.is404) holders.set(request, await holder(request));
  });
  const linkHolder = (request: FastifyRequest) => {
    const h = holders.get(request);
    if (!h) throw new ApiError(401, "link-invalid", "This link is not valid.");
    return h;
  };

  const tokenHeader = Type.Object({
    [PORTAL_HEADER]: Type.Optional(Type.String({ description: "the token from the personal link" })),
  });

  app.get(
    "/me",
    {
      config: { public: true },
      schema: {
        tags: ["portal"],
        summary:
          "The link holder's devices, where each stands, the next step for each, and the helpdesk contact",
        headers: tokenHeader,
        security: [{ portalLink: [] }],
        response: { 200: PortalView, ...portalErrors },
      },
    },
    async (request) => {
      const { person, expiresAt } = linkHolder(request);
      return view(person, expiresAt);
    },
  );

  app.post(
    "/check-again",
    {
      config: { public: true },
      schema: {
        tags: ["portal"],
        summary: "Ask Ferry to look at this person's devices again soon; returns where they stand now",
        headers: tokenHeader,
        security: [{ portalLink: [] }],
        body: Type.Optional(Type.Object({ deviceId: Type.Optional(Id) })),
        response: { 202: PortalView, ...portalErrors },
      },
    },
    async (request, reply) => {
      const { person, expiresAt } = linkHolder(request);
      const deviceId = request.body?.deviceId;
      if (deviceId !== undefined) {
        const d = await ctx.db
          .selectFrom("devices")
          .select("id")
          .where("id", "=", deviceId)
          .where("person_id", "=", person.id)
          .executeTakeFirst();
        if (!d) throw notFound("There is no such device among yours.");
      }
      const now = ctx.clock.now();
      await ctx.db
        .insertInto("recheck_requests")
        .values({ person_id: person.id, device_id: deviceId ?? null, requested_at: now, handled_at: null })
        .onConflict((oc) =>
          oc
            .column("person_id")
            .doUpdateSet({ device_id: deviceId ?? null, requested_at: now, handled_at: null }),
        )
        .execute();
      reply.status(202);
      return view(person, expiresAt);
    },
  );

  app.post(
    "/retire-request",
    {
      config: { public: true },
      schema: {
        tags: ["portal"],
        summary: "Ask IT to remove the old management from one of your devices remotely",
        headers: tokenHeader,
        security: [{ portalLink: [] }],
        body: Type.Object({ deviceId: Id }),
        response: { 202: PortalView, ...portalErrors },
      },
    },
    async (request, reply) => {
      const { person, expiresAt } = linkHolder(request);
      const d = await ctx.db
        .selectFrom("devices")
        .selectAll()
        .where("id", "=", request.body.deviceId)
        .where("person_id", "=", person.id)
        .executeTakeFirst();
      if (!d) throw notFound("There is no such device among yours.");
      if (d.source_presence === "absent")
        throw conflict("This device has already left the old system: there is nothing to remove.");
      await requestRetire(ctx.db, d.id, ctx.clock.now(), `portal:${person.upn}`);
      reply.status(202);
      return view(person, expiresAt);
    },
  );
};
