/** Waves: list with the pilot gate, one wave, plan, reschedule, move people, start, roll back. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type Static, Type } from "typebox";
import type { WaveSettings, WaveStatus } from "../../core/model.ts";
import {
  type Capacity,
  defaultPlanOptions,
  type Plan,
  type PlanPerson,
  planWaves,
  reschedule,
} from "../../core/planner.ts";
import { DAY } from "../../core/time.ts";
import { audit } from "../../engine/audit.ts";
import { gateBlocker } from "../../engine/decide-waves.ts";
import { bumpGeneration } from "../../engine/meta.ts";
import { successShare, type WaveView, waveProgress } from "../../engine/wave-view.ts";
import {
  movePeople,
  rescheduleWave,
  rollbackWave,
  savePlan,
  startWave,
  WaveError,
} from "../../engine/waves.ts";
import { principalOf } from "../auth/guard.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { errors, Id, Iso, IsoOrNull, iso, isoOrNull, Ok, StringEnum, StrOrNull } from "../schemas.ts";
import { loadWaveViews } from "../wave-views.ts";

const STARTED: readonly string[] = ["announced", "handover", "enforced", "complete"] satisfies WaveStatus[];

const WaveSettingsDays = Type.Object({
  caMode: Type.String(),
  gracePeriodDays: Type.Number(),
  announceLeadDays: Type.Number(),
  unenrollDeadlineDays: Type.Number(),
  reminderEveryDays: Type.Number(),
  maxReminders: Type.Integer(),
  successThreshold: Type.Number(),
  appleDeadlineDays: Type.Number(),
});

function settingsInDays(s: WaveSettings) {
  return {
    caMode: s.caMode,
    gracePeriodDays: s.gracePeriod / DAY,
    announceLeadDays: s.announceLead / DAY,
    unenrollDeadlineDays: s.unenrollDeadline / DAY,
    reminderEveryDays: s.reminderEvery / DAY,
    maxReminders: s.maxReminders,
    successThreshold: s.successThreshold,
    appleDeadlineDays: s.appleDeadline / DAY,
  };
}

/** The inverse of `settingsInDays`: the API's and the stored defaults' days back to a wave's settings. */
export function settingsFromDays(d: Static<typeof WaveSettingsDays>): WaveSettings {
  return {
    caMode: d.caMode as WaveSettings["caMode"],
    gracePeriod: d.gracePeriodDays * DAY,
    announceLead: d.announceLeadDays * DAY,
    unenrollDeadline: d.unenrollDeadlineDays * DAY,
    reminderEvery: d.reminderEveryDays * DAY,
    maxReminders: d.maxReminders,
    successThreshold: d.successThreshold,
    appleDeadline: d.appleDeadlineDays * DAY,
  };
}

const WaveSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  ordinal: Type.Integer(),
  pilot: Type.Boolean(),
  status: Type.String(),
  caMode: Type.String(),
  people: Type.Integer(),
  devices: Type.Integer(),
  migrated: Type.Integer(),
  migratable: Type.Integer(),
  successShare: Type.Number(),
  successThreshold: Type.Number(),
  announceAt: Iso,
  announcedAt: IsoOrNull,
  handoverAt: IsoOrNull,
  enforcedAt: IsoOrNull,
  completedAt: IsoOrNull,
  rolledBackAt: IsoOrNull,
  rollbacks: Type.Integer(),
  gate: StrOrNull,
});

const WaveDetail = Type.Object({
  ...WaveSummary.properties,
  settings: WaveSettingsDays,
  groups: Type.Array(Type.String()),
  devicesByState: Type.Record(Type.String(), Type.Integer()),
  peopleByGovernance: Type.Record(Type.String(), Type.Integer()),
});

function summary(v: WaveView, ordered: WaveView[], now: number) {
  const p = waveProgress(v, now);
  const open = v.row.status === "scheduled" || v.row.status === "draft";
  return {
    id: v.row.id,
    name: v.row.name,
    ordinal: v.row.ordinal,
    pilot: v.row.pilot === 1,
    status: v.row.status,
    caMode: v.settings.caMode,
    people: v.people.length,
    devices: p.devices,
    migrated: p.migrated,
    migratable: p.migratable,
    successShare: Number(successShare(p).toFixed(4)),
    successThreshold: v.settings.successThreshold,
    announceAt: iso(v.row.announce_at),
    announcedAt: isoOrNull(v.row.announced_at),
    handoverAt: isoOrNull(v.row.handover_at),
    enforcedAt: isoOrNull(v.row.enforced_at),
    completedAt: isoOrNull(v.row.completed_at),
    rolledBackAt: isoOrNull(v.row.rolled_back_at),
    rollbacks: v.row.rollbacks,
    gate: open ? (gateBlocker(v, ordered, now) ?? null) : null,
  };
}

const PlanBody = Type.Object(
  {
    start: Type.Optional(
      Type.String({ maxLength: 40, description: "the pilot's announcement (ISO-8601); default now" }),
    ),
    mode: Type.Optional(StringEnum(["immediate", "grace"] as const)),
    graceDays: Type.Optional(Type.Number({ minimum: 0, maximum: 90 })),
    spacingDays: Type.Optional(Type.Number({ minimum: 1, maximum: 90 })),
    pilotShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    vipPlacement: Type.Optional(StringEnum(["own-wave", "with-group", "last-wave"] as const)),
    maxPeoplePerWave: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    ticketsPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    helpShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    dryRun: Type.Optional(Type.Boolean({ description: "return the plan without saving it" })),
  },
  { additionalProperties: false },
);

const PlanResult = Type.Object({
  saved: Type.Boolean(),
  waves: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      ordinal: Type.Integer(),
      pilot: Type.Boolean(),
      announceAt: Iso,
      caMode: Type.String(),
      people: Type.Integer(),
      devices: Type.Integer(),
      groups: Type.Array(Type.String()),
    }),
  ),
  unplaced: Type.Integer({ description: "break-glass accounts, never placed" }),
  limits: Type.Object({
    maxPeoplePerWave: Type.Integer(),
    binding: Type.String(),
    helpdeskPerWave: Type.Integer(),
    apiPerWave: Type.Integer(),
  }),
});

const WaveParams = Type.Object({ id: Id });

function parseTime(value: string, field: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest(`${field} must be an ISO-8601 time, got "${value}"`, field);
  return t;
}

export const wavesRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  async function views() {
    const now = ctx.clock.now();
    return { now, ordered: await loadWaveViews(ctx.db, now) };
  }

  app.get(
    "/",
    {
      config: { permission: "waves.read" },
      schema: {
        tags: ["waves"],
        summary: "Every wave with its progress and, for waves not yet started, what the pilot gate says",
        response: { 200: Type.Object({ waves: Type.Array(WaveSummary) }), ...errors },
      },
    },
    async () => {
      const { now, ordered } = await views();
      return { waves: ordered.map((v) => summary(v, ordered, now)) };
    },
  );

  app.get(
    "/:id",
    {
      config: { permission: "waves.read" },
      schema: {
        tags: ["waves"],
        summary: "One wave: settings, groups, devices by state, people by CA governance",
        params: WaveParams,
        response: { 200: WaveDetail, ...errors },
      },
    },
    async (request) => {
      const { now, ordered } = await views();
      const v = ordered.find((w) => w.row.id === request.params.id);
      if (!v) throw notFound(`no wave "${request.params.id}"`);
      const devicesByState: Record<string, number> = {};
      for (const d of v.devices) devicesByState[d.state] = (devicesByState[d.state] ?? 0) + 1;
      const peopleByGovernance: Record<string, number> = {};
      for (const p of v.people)
        peopleByGovernance[p.ca_governance] = (peopleByGovernance[p.ca_governance] ?? 0) + 1;
      return {
        ...summary(v, ordered, now),
        settings: settingsInDays(v.settings),
        groups: JSON.parse(v.row.groups) as string[],
        devicesByState,
        peopleByGovernance,
      };
    },
  );

  app.post(
    "/plan",
    {
      config: { permission: "waves.write" },
      schema: {
        tags: ["waves"],
        summary:
          "Plan a pilot and waves by department and location, sized to the helpdesk and API budgets; saved as drafts",
        description:
          "Replaces every wave that has not started (409 once any wave started). Options default to the settings (GET /api/settings). dryRun returns the plan without saving.",
        body: PlanBody,
        response: { 200: PlanResult, ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const now = ctx.clock.now();
      const s = await ctx.settings.get();
      const start = body.start === undefined ? now : parseTime(body.start, "body.start");
      const people = await ctx.db.selectFrom("people").selectAll().execute();
      if (people.length === 0) throw conflict("no people in the store yet: import them first");
      const devices = await ctx.db.selectFrom("devices").select(["person_id", "path"]).execute();
      const movable = new Map<string, number>();
      for (const d of devices)
        if (d.person_id && d.path !== "unsupported-os" && d.path !== "no-owner")
          movable.set(d.person_id, (movable.get(d.person_id) ?? 0) + 1);
      const capacity: Capacity = {
        ticketsPerDay: body.ticketsPerDay ?? s.capacity.ticketsPerDay,
        helpShare: body.helpShare ?? s.capacity.helpShare,
        apiRequestsPerDay: s.capacity.apiRequestsPerDay,
        requestsPerPerson: s.capacity.requestsPerPerson,
      };
      const w = s.waves;
      const settings = settingsFromDays({
        ...w,
        caMode: body.mode ?? w.caMode,
        gracePeriodDays: body.graceDays ?? w.gracePeriodDays,
      });
      const options = defaultPlanOptions(start, settings, capacity);
      options.waveSpacing = (body.spacingDays ?? s.planning.waveSpacingDays) * DAY;
      options.pilotShare = body.pilotShare ?? s.planning.pilotShare;
      options.vipPlacement = body.vipPlacement ?? s.planning.vipPlacement;
      const cap = body.maxPeoplePerWave ?? s.planning.maxPeoplePerWave;
      if (cap !== null) options.maxPeoplePerWave = cap;
      let plan: Plan;
      try {
        plan = planWaves(
          people.map<PlanPerson>((p) => ({
            id: p.id,
            department: p.department,
            location: p.location,
            vip: p.vip === 1,
            breakGlass: p.break_glass === 1,
            devices: movable.get(p.id) ?? 0,
          })),
          options,
        );
      } catch (e) {
        throw badRequest(`the plan cannot be made: ${(e as Error).message}`);
      }
      if (!body.dryRun) await savePlan(ctx.db, plan.waves, now, actorOf(principalOf(request)));
      return {
        saved: !body.dryRun,
        waves: plan.waves.map((pw) => ({
          id: `w${pw.ordinal}`,
          name: pw.name,
          ordinal: pw.ordinal,
          pilot: pw.pilot,
          announceAt: iso(pw.announceAt),
          caMode: pw.settings.caMode,
          people: pw.personIds.length,
          devices: pw.personIds.reduce((a, id) => a + (movable.get(id) ?? 0), 0),
          groups: pw.groups,
        })),
        unplaced: plan.unplaced.length,
        limits: plan.limits,
      };
    },
  );

  app.patch(
    "/:id",
    {
      config: { permission: "waves.write" },
      schema: {
        tags: ["waves"],
        summary: "Reschedule a wave that has not started (optionally shifting every later wave by as much)",
        params: WaveParams,
        body: Type.Object(
          {
            announceAt: Type.String({ maxLength: 40, description: "ISO-8601" }),
            shiftFollowing: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ waves: Type.Array(WaveSummary) }), ...errors },
      },
    },
    async (request) => {
      const announceAt = parseTime(request.body.announceAt, "body.announceAt");
      const now = ctx.clock.now();
      try {
        await rescheduleWave(ctx.db, request.params.id, announceAt, now, actorOf(principalOf(request)), {
          shiftFollowing: request.body.shiftFollowing ?? false,
        });
      } catch (e) {
        if (e instanceof WaveError)
          throw /^no wave/.test(e.message) ? notFound(e.message) : conflict(e.message);
        throw e;
      }
      const { ordered } = await views();
      return { waves: ordered.map((v) => summary(v, ordered, now)) };
    },
  );

  app.post(
    "/:id/move",
    {
      config: { permission: "waves.write" },
      schema: {
        tags: ["waves"],
        summary: "Move people into this wave; neither it nor the waves they leave may have started",
        params: WaveParams,
        body: Type.Object(
          { personIds: Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true }) },
          { additionalProperties: false },
        ),
        response: { 200: Ok, ...errors },
      },
    },
    async (request) => {
      const exists = await ctx.db
        .selectFrom("waves")
        .select("id")
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!exists) throw notFound(`no wave "${request.params.id}"`);
      await movePeople(
        ctx.db,
        request.body.personIds,
        request.params.id,
        ctx.clock.now(),
        actorOf(principalOf(request)),
      );
      return { ok: true as const };
    },
  );

  app.post(
    "/:id/start",
    {
      config: { permission: "waves.write" },
      schema: {
        tags: ["waves"],
        summary: "Approve a draft or rolled-back wave: announced at its date once the pilot gate opens",
        params: WaveParams,
        body: Type.Optional(
          Type.Object(
            {
              announceAt: Type.Optional(
                Type.String({ maxLength: 40, description: "ISO-8601; default the planned time" }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: WaveSummary, ...errors },
      },
    },
    async (request) => {
      const exists = await ctx.db
        .selectFrom("waves")
        .select("id")
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!exists) throw notFound(`no wave "${request.params.id}"`);
      const at =
        request.body?.announceAt === undefined
          ? undefined
          : parseTime(request.body.announceAt, "body.announceAt");
      await startWave(ctx.db, request.params.id, ctx.clock.now(), actorOf(principalOf(request)), at);
      const { now, ordered } = await views();
      return summary(ordered.find((v) => v.row.id === request.params.id)!, ordered, now);
    },
  );

  app.post(
    "/:id/rollback",
    {
      config: { permission: "waves.write" },
      schema: {
        tags: ["waves"],
        summary:
          "Roll a wave back before Intune CA is enforced: Intune exemption first, then the old product's CA",
        params: WaveParams,
        response: { 200: WaveSummary, ...errors },
      },
    },
    async (request) => {
      const exists = await ctx.db
        .selectFrom("waves")
        .select("id")
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!exists) throw notFound(`no wave "${request.params.id}"`);
      await rollbackWave(ctx.db, request.params.id, ctx.clock.now(), actorOf(principalOf(request)));
      const { now, ordered } = await views();
      return summary(ordered.find((v) => v.row.id === request.params.id)!, ordered, now);
    },
  );
};
