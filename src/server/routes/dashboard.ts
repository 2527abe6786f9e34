/** The admin dashboard: the migration funnel overall and per wave, wave statuses, alerts, burn-down. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { isMigrated } from "../../core/device-state.ts";
import type { DeviceState } from "../../core/model.ts";
import {
  type DashboardSummary,
  refreshDashboardSummary,
  storedDashboardSummary,
} from "../../engine/dashboard-summary.ts";
import { engineLoops, getMeta } from "../../engine/meta.ts";
import type { SnapshotData } from "../../engine/snapshots.ts";
import type { ServerContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { loopInPass } from "../runner.ts";
import { errors, Iso, IsoOrNull, iso, isoOrNull, StrOrNull } from "../schemas.ts";

const Counts = Type.Object({
  total: Type.Integer({
    description: "in scope: people in a wave with at least one device to move; their devices",
  }),
  announced: Type.Integer(),
  unenrolled: Type.Integer(),
  enrolled: Type.Integer(),
  compliant: Type.Integer(),
});
const Funnel = Type.Object({ people: Counts, devices: Counts });

const Alert = Type.Object({
  kind: Type.String(),
  severity: Type.Union([Type.Literal("critical"), Type.Literal("warning")]),
  count: Type.Integer(),
  message: Type.String(),
  since: IsoOrNull,
});

const WaveStatus = Type.Object({
  id: Type.String(),
  name: Type.String(),
  pilot: Type.Boolean(),
  status: Type.String(),
  announceAt: Iso,
  people: Type.Integer(),
  devices: Type.Integer(),
  migrated: Type.Integer(),
  migratable: Type.Integer(),
  successShare: Type.Number(),
  successThreshold: Type.Number(),
  gate: StrOrNull,
  funnel: Funnel,
});

const OUT_OF_SCOPE = new Set(["excluded", "retired"]);

/**
 * The summary the dashboard shows: as stored after the last pass while nothing changed since
 * (meta.generation), or while an engine loop is in a pass (it stores a new one when done);
 * otherwise (first start, a wave edit or a helpdesk action since) computed here once and
 * stored, concurrent requests sharing that one computation.
 */
class Summaries {
  #computing: Promise<DashboardSummary> | undefined;
  constructor(private readonly ctx: ServerContext) {}

  async current(): Promise<DashboardSummary> {
    const { db } = this.ctx;
    const stored = await storedDashboardSummary(db);
    if (stored) {
      const generation = (await getMeta(db, "generation")) ?? 0;
      if (stored.generation === generation) return stored;
      const wallNow = this.ctx.wallClock.now();
      if ((await engineLoops(db)).some((loop) => loopInPass(loop, wallNow))) return stored;
    }
    this.#computing ??= refreshDashboardSummary(db, this.ctx.clock.now(), this.ctx.engineSettings).finally(
      () => {
        this.#computing = undefined;
      },
    );
    return this.#computing;
  }
}

export const dashboardRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const summaries = new Summaries(ctx);
  app.get(
    "/",
    {
      config: { permission: "dashboard.read" },
      schema: {
        tags: ["dashboard"],
        summary:
          "Funnel (announced → unenrolled → enrolled → compliant) in people and devices, overall and per wave; wave statuses; alerts",
        description:
          "Devices in scope belong to people in a wave and are neither excluded nor retired. Each stage counts only what reached the earlier ones: unenrolled = left the old product; enrolled = managed by Intune; compliant = compliant in Intune. A person reaches a stage when all of their devices in scope did.",
        response: {
          200: Type.Object({
            at: Iso,
            lastPassAt: IsoOrNull,
            computedAt: Type.String({
              format: "date-time",
              description: "when these figures were computed (after the last pass, or since the last change)",
            }),
            funnel: Funnel,
            waves: Type.Array(WaveStatus),
            governance: Type.Record(Type.String(), Type.Integer()),
            alerts: Type.Array(Alert),
          }),
          ...errors,
        },
      },
    },
    async () => {
      const s = await summaries.current();
      const lastPassAt = await getMeta(ctx.db, "lastPassAt");
      return {
        at: iso(ctx.clock.now()),
        lastPassAt: isoOrNull(lastPassAt),
        computedAt: iso(s.computedAt),
        funnel: s.funnel,
        waves: s.waves.map((w) => ({ ...w, announceAt: iso(w.announceAt) })),
        governance: s.governance,
        alerts: s.alerts.map((a) => ({ ...a, since: isoOrNull(a.since) })),
      };
    },
  );

  app.get(
    "/burndown",
    {
      config: { permission: "dashboard.read" },
      schema: {
        tags: ["dashboard"],
        summary:
          "Hourly device counts by state (from the engine's snapshots) for one wave or all, for burn-down charts",
        querystring: Type.Object({
          wave: Type.Optional(
            Type.String({
              maxLength: 200,
              description: 'a wave id; "-" for devices in no wave; all when absent',
            }),
          ),
          from: Type.Optional(Type.String({ maxLength: 40, description: "ISO-8601" })),
          to: Type.Optional(Type.String({ maxLength: 40, description: "ISO-8601" })),
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 5000, default: 1000 })),
        }),
        response: {
          200: Type.Object({
            wave: StrOrNull,
            points: Type.Array(
              Type.Object({
                at: Iso,
                total: Type.Integer(),
                remaining: Type.Integer({ description: "neither migrated, excluded nor retired" }),
                migrated: Type.Integer(),
                states: Type.Record(Type.String(), Type.Integer()),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { wave, from, to } = request.query;
      const maxPoints = request.query.maxPoints ?? 1000;
      const time = (v: string | undefined, field: string) => {
        if (v === undefined) return undefined;
        const t = Date.parse(v);
        if (Number.isNaN(t))
          throw badRequest(`query.${field} must be an ISO-8601 time, got "${v}"`, `query.${field}`);
        return t;
      };
      const fromT = time(from, "from");
      const toT = time(to, "to");
      let query = ctx.db.selectFrom("snapshots").selectAll().orderBy("at");
      if (fromT !== undefined) query = query.where("at", ">=", fromT);
      if (toT !== undefined) query = query.where("at", "<=", toT);
      const rows = await query.execute();
      const stride = Math.max(1, Math.ceil(rows.length / maxPoints));
      const picked = rows.filter((_, i) => i % stride === 0 || i === rows.length - 1);
      const points = picked.map((r) => {
        const data = JSON.parse(r.data) as SnapshotData;
        const states: Record<string, number> = {};
        for (const [w, counts] of Object.entries(data.waves)) {
          if (wave !== undefined && w !== wave) continue;
          for (const [s, n] of Object.entries(counts)) states[s] = (states[s] ?? 0) + n;
        }
        let total = 0;
        let migrated = 0;
        let settled = 0;
        for (const [s, n] of Object.entries(states)) {
          total += n;
          if (isMigrated(s as DeviceState)) migrated += n;
          if (isMigrated(s as DeviceState) || OUT_OF_SCOPE.has(s)) settled += n;
        }
        return { at: iso(Number(r.at)), total, remaining: total - settled, migrated, states };
      });
      return { wave: wave ?? null, points };
    },
  );
};
