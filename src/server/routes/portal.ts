/**
 * The personal portal: no account, just the signed link from an e-mail, sent as the
 * `x-portal-token` header. A link opens one person's data and nothing else.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { requestRetire } from "../../engine/helpdesk.ts";
import type { MessageLocale } from "../../notify/locale.ts";
import type { DeviceRow, PersonRow } from "../../store/schema.ts";
import type { ServerContext } from "../context.ts";
import { ApiError, conflict, notFound } from "../errors.ts";
import { linkProblem, localiseDevice, PORTAL_LOCALES, portalLocale } from "../portal-copy.ts";
import { errors, Id, Iso, IsoOrNull, iso, isoOrNull } from "../schemas.ts";
import { deadlineOf, NextStepSchema, nextStep, released } from "../views.ts";

export const PORTAL_HEADER = "x-portal-token";

const PortalView = Type.Object({
  locale: Type.String({
    description: "the language of the texts: ?lang=, else the person's locale, else Accept-Language",
  }),
  locales: Type.Array(Type.String(), { description: "the languages the portal speaks" }),
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
      steps: Type.Array(Type.String(), {
        description: "what the person does, one step each: the same steps as the e-mails",
      }),
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

  /** The language a request asks for (?lang=, Accept-Language), given the person once known. */
  function localeOf(request: FastifyRequest, person?: PersonRow): MessageLocale {
    const lang = (request.query as { lang?: unknown } | undefined)?.lang;
    const accept = request.headers["accept-language"];
    return portalLocale(typeof lang === "string" ? lang : undefined, person, accept);
  }
  /** Each request's language, keyed by the row the hook loaded, so no handler has to pass it on. */
  const localeFor = new WeakMap<PersonRow, MessageLocale>();

  /** The person the link opens, or a 401 a person can act on (in the language asked for). */
  async function holder(request: FastifyRequest): Promise<{ person: PersonRow; expiresAt: number }> {
    const token = request.headers[PORTAL_HEADER];
    const h = await helpdesk();
    const say = (kind: Parameters<typeof linkProblem>[0]) => linkProblem(kind, localeOf(request), h.email);
    const check = typeof token === "string" ? await ctx.portal.verify(token, ctx.wallClock.now()) : undefined;
    if (!check?.ok) {
      if (check?.reason === "expired") throw new ApiError(401, "link-expired", say("linkExpired"));
      if (check?.reason === "revoked") throw new ApiError(401, "link-revoked", say("linkRevoked"));
      throw new ApiError(401, "link-invalid", say("linkInvalid"));
    }
    const person = await ctx.db
      .selectFrom("people")
      .selectAll()
      .where("id", "=", check.link.personId)
      .executeTakeFirst();
    if (!person) throw new ApiError(401, "link-invalid", say("personGone"));
    localeFor.set(person, localeOf(request, person));
    return { person, expiresAt: check.link.expiresAt };
  }

  async function view(person: PersonRow, expiresAt: number) {
    const now = ctx.clock.now();
    const locale = localeFor.get(person) ?? portalLocale(undefined, person, undefined);
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
      locale,
      locales: [...PORTAL_LOCALES],
      person: { displayName: person.display_name, email: person.email },
      wave: wave ? { name: wave.name, status: wave.status } : null,
      deadline: deadline === undefined ? null : iso(deadline),
      devices: devices.map((d: DeviceRow) => {
        const words = localiseDevice(d, nextStep(d, free).who, free, person, locale);
        return {
          id: d.id,
          model: d.model,
          manufacturer: d.manufacturer,
          platform: d.platform,
          serialEnding: d.serial ? d.serial.slice(-4) : null,
          state: d.state,
          status: words.status,
          since: iso(d.state_since),
          nextStep: words.nextStep,
          steps: words.steps,
          canRequestRetire:
            d.source_presence !== "absent" && d.retire_requested_at === null && d.retired_reason === null,
        };
      }),
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
        querystring: Type.Object({
          lang: Type.Optional(
            Type.String({
              maxLength: 35,
              description: "a language tag (de, fr-FR, en-GB); also honoured by the POSTs",
            }),
          ),
        }),
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
