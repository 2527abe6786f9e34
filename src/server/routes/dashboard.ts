/** The admin dashboard: the migration funnel overall and per wave, wave statuses, alerts, burn-down. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { isMigrated } from "../../core/device-state.ts";
import type { DeviceState } from "../../core/model.ts";
import { gateBlocker } from "../../engine/decide-waves.ts";
import { getMeta } from "../../engine/meta.ts";
import type { SnapshotData } from "../../engine/snapshots.ts";
import { successShare, waveProgress } from "../../engine/wave-view.ts";
import type { ServerContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { errors, Iso, IsoOrNull, iso, isoOrNull, StrOrNull } from "../schemas.ts";
import { loadWaveViews } from "../wave-views.ts";

const STAGES = ["announced", "unenrolled", "enrolled", "compliant"] as const;
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

const ANNOUNCED = new Set(["announced", "handover", "enforced", "complete"]);
const OUT_OF_SCOPE = new Set(["excluded", "retired"]);

function blank() {
  const c = () => ({ total: 0, announced: 0, unenrolled: 0, enrolled: 0, compliant: 0 });
  return { people: c(), devices: c() };
}

export const dashboardRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
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
      const now = ctx.clock.now();
      const { db } = ctx;
      const waveRows = await db.selectFrom("waves").selectAll().orderBy("ordinal").execute();
      // Per wave, in SQL: devices in scope and how far they got, and people whose devices all got there.
      const migrated = sql.join(["in-target", "compliant", "noncompliant"].map((s) => sql.lit(s)));
      const perPerson = db
        .selectFrom("devices")
        .innerJoin("people", "people.id", "devices.person_id")
        .select([
          "people.wave_id",
          sql<number>`count(*)`.as("n"),
          sql<number>`sum(case when devices.source_presence = 'absent' then 1 else 0 end)`.as("unenrolled"),
          sql<number>`sum(case when devices.source_presence = 'absent' and devices.state in (${migrated}) then 1 else 0 end)`.as(
            "enrolled",
          ),
          sql<number>`sum(case when devices.source_presence = 'absent' and devices.state = 'compliant' then 1 else 0 end)`.as(
            "compliant",
          ),
        ])
        .where("people.wave_id", "is not", null)
        .where("devices.state", "not in", [...OUT_OF_SCOPE])
        .groupBy(["devices.person_id", "people.wave_id"])
        .as("pp");
      const perWave = await db
        .selectFrom(perPerson)
        .select([
          "pp.wave_id",
          sql<number>`count(*)`.as("people"),
          sql<number>`sum(pp.n)`.as("devices"),
          sql<number>`sum(pp.unenrolled)`.as("d_unenrolled"),
          sql<number>`sum(pp.enrolled)`.as("d_enrolled"),
          sql<number>`sum(pp.compliant)`.as("d_compliant"),
          sql<number>`sum(case when pp.unenrolled = pp.n then 1 else 0 end)`.as("p_unenrolled"),
          sql<number>`sum(case when pp.enrolled = pp.n then 1 else 0 end)`.as("p_enrolled"),
          sql<number>`sum(case when pp.compliant = pp.n then 1 else 0 end)`.as("p_compliant"),
        ])
        .groupBy("pp.wave_id")
        .execute();
      const waveStatus = new Map(waveRows.map((w) => [w.id, w.status]));
      const byWave = new Map(waveRows.map((w) => [w.id, blank()]));
      const overall = blank();
      for (const r of perWave) {
        const f = r.wave_id === null ? undefined : byWave.get(r.wave_id);
        if (!f) continue;
        // Each stage counts only what reached the earlier ones: nothing before the announcement.
        const announced = ANNOUNCED.has(waveStatus.get(r.wave_id!) ?? "");
        const n = (v: number | string | null) => (announced ? Number(v ?? 0) : 0);
        f.people = {
          total: Number(r.people),
          announced: n(r.people),
          unenrolled: n(r.p_unenrolled),
          enrolled: n(r.p_enrolled),
          compliant: n(r.p_compliant),
        };
        f.devices = {
          total: Number(r.devices),
          announced: n(r.devices),
          unenrolled: n(r.d_unenrolled),
          enrolled: n(r.d_enrolled),
          compliant: n(r.d_compliant),
        };
        for (const s of ["total", ...STAGES] as const) {
          overall.people[s] += f.people[s];
          overall.devices[s] += f.devices[s];
        }
      }

      const views = await loadWaveViews(db, now);
      const waves = views.map((v) => {
        const progress = waveProgress(v, now);
        return {
          id: v.row.id,
          name: v.row.name,
          pilot: v.row.pilot === 1,
          status: v.row.status,
          announceAt: iso(v.row.announce_at),
          people: v.people.length,
          devices: progress.devices,
          migrated: progress.migrated,
          migratable: progress.migratable,
          successShare: Number(successShare(progress).toFixed(4)),
          successThreshold: v.settings.successThreshold,
          gate:
            v.row.status === "scheduled" || v.row.status === "draft"
              ? (gateBlocker(v, views, now) ?? null)
              : null,
          funnel: byWave.get(v.row.id) ?? blank(),
        };
      });

      const governance: Record<string, number> = {};
      const byGovernance = await db
        .selectFrom("people")
        .select(["ca_governance", sql<number>`count(*)`.as("n")])
        .groupBy("ca_governance")
        .execute();
      for (const g of byGovernance) governance[g.ca_governance] = Number(g.n);

      const alerts: {
        kind: string;
        severity: "critical" | "warning";
        count: number;
        message: string;
        since: string | null;
      }[] = [];
      if ((governance.both ?? 0) > 0)
        alerts.push({
          kind: "both",
          severity: "critical",
          count: governance.both ?? 0,
          message: `${governance.both} people are under both products' conditional access: Ferry is exempting them in Intune`,
          since: null,
        });
      const inBoth = await db
        .selectFrom("devices")
        .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
        .where("state", "=", "in-both")
        .executeTakeFirstOrThrow();
      if (Number(inBoth.n) > 0)
        alerts.push({
          kind: "in-both",
          severity: "warning",
          count: Number(inBoth.n),
          message: `${inBoth.n} devices are seen in both products; the old record is retired once the owner's CA has moved`,
          since: isoOrNull(inBoth.oldest === null ? null : Number(inBoth.oldest)),
        });
      const limbo = await db
        .selectFrom("devices")
        .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
        .where("state", "=", "limbo")
        .where("state_since", "<", now - ctx.engineSettings.limboAlertAfter)
        .executeTakeFirstOrThrow();
      if (Number(limbo.n) > 0)
        alerts.push({
          kind: "limbo",
          severity: "warning",
          count: Number(limbo.n),
          message: `${limbo.n} devices have been in limbo for more than ${ctx.engineSettings.limboAlertAfter / 86_400_000} days: call their owners`,
          since: isoOrNull(limbo.oldest === null ? null : Number(limbo.oldest)),
        });
      const failed = await db
        .selectFrom("actions")
        .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(updated_at)`.as("oldest")])
        .where("status", "=", "failed")
        .executeTakeFirstOrThrow();
      if (Number(failed.n) > 0)
        alerts.push({
          kind: "failed-actions",
          severity: "warning",
          count: Number(failed.n),
          message: `${failed.n} actions failed after every retry: see the audit log`,
          since: isoOrNull(failed.oldest === null ? null : Number(failed.oldest)),
        });
      const policy = await getMeta(db, "targetPolicy");
      if (policy && !policy.ok)
        alerts.push({
          kind: "intune-policy",
          severity: "critical",
          count: Math.max(1, policy.problems.length),
          message: `Intune CA policy problems, handover held: ${policy.problems.join("; ") || "check its exclusions"}`,
          since: iso(policy.checkedAt),
        });
      const lastPassAt = await getMeta(db, "lastPassAt");
      return {
        at: iso(now),
        lastPassAt: isoOrNull(lastPassAt),
        funnel: overall,
        waves,
        governance,
        alerts,
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
