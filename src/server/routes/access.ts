/**
 * The conditional access panel: who each product governs right now, the store's never-both
 * check, and for every wave not yet enforced, who would be blocked at enforcement.
 */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { isMigrated } from "../../core/device-state.ts";
import type { DeviceState } from "../../core/model.ts";
import { checkStore } from "../../engine/checker.ts";
import { isManaged } from "../../engine/decide-waves.ts";
import { getMeta } from "../../engine/meta.ts";
import type { DeviceRow, PersonRow } from "../../store/schema.ts";
import type { ServerContext } from "../context.ts";
import { notFound } from "../errors.ts";
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
  StrOrNull,
} from "../schemas.ts";
import { GovernanceSchema } from "../views.ts";

const FORECAST_STATUSES = ["draft", "scheduled", "announced", "handover", "rolled-back"];

const Governed = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  upn: Type.String(),
  waveId: StrOrNull,
  governance: Type.String(),
  since: Iso,
  breakGlass: Type.Boolean(),
});

const BlockedPerson = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  upn: Type.String(),
  governance: Type.String(),
  devices: Type.Array(
    Type.Object({
      id: Type.String(),
      model: Type.String(),
      platform: Type.String(),
      state: Type.String(),
      path: Type.String(),
    }),
  ),
});

const Forecast = Type.Object({
  waveId: Type.String(),
  waveName: Type.String(),
  status: Type.String(),
  caMode: Type.String(),
  /** when Intune CA is expected: handover + grace, or unknown before the handover */
  expectedEnforcementAt: IsoOrNull,
  people: Type.Integer(),
  blocked: Type.Integer({ description: "people with at least one device not yet migrated" }),
  sample: Type.Array(BlockedPerson, {
    description: "the first blocked people, by name (the full list: /api/access/forecast/{waveId})",
  }),
});

/** Devices that stand between a person and Intune CA: open, not excluded, not retired. */
function blocking(d: Pick<DeviceRow, "state">): boolean {
  const s = d.state as DeviceState;
  return !isMigrated(s) && s !== "excluded" && s !== "retired";
}

export const accessRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  type Blocked = Pick<PersonRow, "id" | "display_name" | "upn" | "ca_governance"> & {
    devices: Pick<DeviceRow, "id" | "model" | "platform" | "state" | "path">[];
  };

  /** The blocked people of one wave, sorted by name, with their blocking devices. */
  async function blockedIn(waveId: string): Promise<{ people: number; blocked: Blocked[] }> {
    const people = (
      await ctx.db
        .selectFrom("people")
        .select(["id", "display_name", "upn", "ca_governance", "break_glass", "directory_id"])
        .where("wave_id", "=", waveId)
        .orderBy("display_name")
        .orderBy("id")
        .execute()
    ).filter((p) => isManaged(p as PersonRow));
    const devices = await ctx.db
      .selectFrom("devices")
      .innerJoin("people", "people.id", "devices.person_id")
      .select([
        "devices.id",
        "devices.person_id",
        "devices.model",
        "devices.platform",
        "devices.state",
        "devices.path",
      ])
      .where("people.wave_id", "=", waveId)
      .where("devices.state", "not in", ["in-target", "compliant", "noncompliant", "excluded", "retired"])
      .orderBy("devices.id")
      .execute();
    const byPerson = new Map<string, Blocked["devices"]>();
    for (const d of devices) {
      if (!blocking(d) || d.person_id === null) continue;
      const list = byPerson.get(d.person_id);
      if (list) list.push(d);
      else byPerson.set(d.person_id, [d]);
    }
    const blocked = people
      .filter((p) => byPerson.has(p.id))
      .map((p) => ({ ...p, devices: byPerson.get(p.id)! }));
    return { people: people.length, blocked };
  }

  const blockedView = (p: Blocked) => ({
    id: p.id,
    displayName: p.display_name,
    upn: p.upn,
    governance: p.ca_governance,
    devices: p.devices.map((d) => ({
      id: d.id,
      model: d.model,
      platform: d.platform,
      state: d.state,
      path: d.path,
    })),
  });

  app.get(
    "/",
    {
      config: { permission: "access.read" },
      schema: {
        tags: ["access"],
        summary:
          "Who is governed by which product now (counts and a page of people), the never-both check, and the forecast of who would be blocked at each coming enforcement",
        querystring: Type.Object({
          governance: Type.Optional(GovernanceSchema),
          wave: Type.Optional(Type.String({ maxLength: 200 })),
          sample: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 200,
              default: 20,
              description: "blocked people shown per wave",
            }),
          ),
          ...PageQuery,
        }),
        response: {
          200: Type.Object({
            counts: Type.Record(Type.String(), Type.Integer()),
            sourcePolicyEnabled: Type.Boolean(),
            targetPolicy: Type.Union([
              Type.Object({
                ok: Type.Boolean(),
                enabled: Type.Boolean(),
                problems: Type.Array(Type.String()),
                checkedAt: Iso,
              }),
              Type.Null(),
            ]),
            check: Type.Object({
              passed: Type.Boolean(),
              violations: Type.Array(
                Type.Object({ rule: Type.String(), subject: Type.String(), detail: Type.String() }),
              ),
            }),
            people: Paged(Governed),
            forecasts: Type.Array(Forecast),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { governance, wave } = request.query;
      const sample = request.query.sample ?? 20;
      const { page, pageSize, offset } = paging(request.query);
      const counts = await ctx.db
        .selectFrom("people")
        .select(["ca_governance", sql<number>`count(*)`.as("n")])
        .groupBy("ca_governance")
        .execute();
      let query = ctx.db.selectFrom("people");
      if (governance) query = query.where("ca_governance", "=", governance);
      if (wave === "none") query = query.where("wave_id", "is", null);
      else if (wave) query = query.where("wave_id", "=", wave);
      const total = await query.select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      const rows = await query
        .selectAll()
        .orderBy("display_name")
        .orderBy("id")
        .limit(pageSize)
        .offset(offset)
        .execute();
      const violations = await checkStore(ctx.db);
      const policy = await getMeta(ctx.db, "targetPolicy");
      const waves = await ctx.db
        .selectFrom("waves")
        .selectAll()
        .where("status", "in", FORECAST_STATUSES)
        .orderBy("ordinal")
        .execute();
      const forecasts = [];
      for (const w of waves) {
        const s = JSON.parse(w.settings) as { caMode: string; gracePeriod: number };
        const { people, blocked } = await blockedIn(w.id);
        forecasts.push({
          waveId: w.id,
          waveName: w.name,
          status: w.status,
          caMode: s.caMode,
          expectedEnforcementAt:
            w.handover_at === null ? null : iso(w.handover_at + (s.caMode === "grace" ? s.gracePeriod : 0)),
          people,
          blocked: blocked.length,
          sample: blocked.slice(0, sample).map(blockedView),
        });
      }
      return {
        counts: Object.fromEntries(counts.map((c) => [c.ca_governance, Number(c.n)])),
        sourcePolicyEnabled: (await getMeta(ctx.db, "sourcePolicyEnabled")) ?? true,
        targetPolicy: policy
          ? {
              ok: policy.ok,
              enabled: policy.enabled,
              problems: policy.problems,
              checkedAt: iso(policy.checkedAt),
            }
          : null,
        check: { passed: violations.length === 0, violations },
        people: {
          items: rows.map((p) => ({
            id: p.id,
            displayName: p.display_name,
            upn: p.upn,
            waveId: p.wave_id,
            governance: p.ca_governance,
            since: iso(p.ca_since),
            breakGlass: p.break_glass === 1,
          })),
          page,
          pageSize,
          total: Number(total.n),
        },
        forecasts,
      };
    },
  );

  app.get(
    "/forecast/:waveId",
    {
      config: { permission: "access.read" },
      schema: {
        tags: ["access"],
        summary:
          "Everyone in one wave who would be blocked when Intune CA is enforced, with their unmigrated devices",
        params: Type.Object({ waveId: Id }),
        querystring: Type.Object({ ...PageQuery }),
        response: {
          200: Type.Object({
            ...Paged(BlockedPerson).properties,
            waveId: Type.String(),
            expectedEnforcementAt: IsoOrNull,
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const w = await ctx.db
        .selectFrom("waves")
        .selectAll()
        .where("id", "=", request.params.waveId)
        .executeTakeFirst();
      if (!w) throw notFound(`no wave "${request.params.waveId}"`);
      const s = JSON.parse(w.settings) as { caMode: string; gracePeriod: number };
      const { page, pageSize, offset } = paging(request.query);
      const { blocked } = await blockedIn(w.id);
      return {
        waveId: w.id,
        expectedEnforcementAt: isoOrNull(
          w.handover_at === null ? null : w.handover_at + (s.caMode === "grace" ? s.gracePeriod : 0),
        ),
        items: blocked.slice(offset, offset + pageSize).map(blockedView),
        page,
        pageSize,
        total: blocked.length,
      };
    },
  );
};
