/**
 * The dashboard summary (engine/dashboard-summary.ts, SQL aggregates computed once per pass)
 * gives the same figures as the dashboard route computed per request before it: that
 * computation is kept below as the reference and both run on one store at several moments
 * of a campaign with four waves (a pilot, a wave the pilot gates, a draft), people who are
 * slow, never act or lose devices.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { HOUR } from "../../src/core/time.ts";
import { computeDashboardSummary, refreshDashboardSummary } from "../../src/engine/dashboard-summary.ts";
import { gateBlocker } from "../../src/engine/decide-waves.ts";
import { getMeta } from "../../src/engine/meta.ts";
import { successShare, waveProgress } from "../../src/engine/wave-view.ts";
import { savePlan, startWave } from "../../src/engine/waves.ts";
import { loadWaveViews } from "../../src/server/wave-views.ts";
import type { Db } from "../../src/store/open.ts";
import { Rig, SETTINGS } from "./harness.ts";

/** The dashboard route's computation before the summary (commit 318bb16), times in ms. */
async function reference(db: Db, now: number, limboAlertAfter: number) {
  const STAGES = ["announced", "unenrolled", "enrolled", "compliant"] as const;
  const ANNOUNCED = new Set(["announced", "handover", "enforced", "complete"]);
  const blank = () => {
    const c = () => ({ total: 0, announced: 0, unenrolled: 0, enrolled: 0, compliant: 0 });
    return { people: c(), devices: c() };
  };
  const waveRows = await db.selectFrom("waves").selectAll().orderBy("ordinal").execute();
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
    .where("devices.state", "not in", ["excluded", "retired"])
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
      announceAt: v.row.announce_at,
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
  for (const g of await db
    .selectFrom("people")
    .select(["ca_governance", sql<number>`count(*)`.as("n")])
    .groupBy("ca_governance")
    .execute())
    governance[g.ca_governance] = Number(g.n);
  const alerts: { kind: string; count: number; since: number | null }[] = [];
  if ((governance.both ?? 0) > 0) alerts.push({ kind: "both", count: governance.both!, since: null });
  const counted = async (kind: string, q: Promise<{ n: number; oldest: number | null }>) => {
    const r = await q;
    if (Number(r.n) > 0)
      alerts.push({ kind, count: Number(r.n), since: r.oldest === null ? null : Number(r.oldest) });
  };
  await counted(
    "in-both",
    db
      .selectFrom("devices")
      .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
      .where("state", "=", "in-both")
      .executeTakeFirstOrThrow(),
  );
  await counted(
    "limbo",
    db
      .selectFrom("devices")
      .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
      .where("state", "=", "limbo")
      .where("state_since", "<", now - limboAlertAfter)
      .executeTakeFirstOrThrow(),
  );
  await counted(
    "failed-actions",
    db
      .selectFrom("actions")
      .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(updated_at)`.as("oldest")])
      .where("status", "=", "failed")
      .executeTakeFirstOrThrow(),
  );
  const policy = await getMeta(db, "targetPolicy");
  if (policy && !policy.ok)
    alerts.push({
      kind: "intune-policy",
      count: Math.max(1, policy.problems.length),
      since: policy.checkedAt,
    });
  return { funnel: overall, waves, governance, alerts };
}

describe("the dashboard summary", () => {
  let rig: Rig;
  before(async () => {
    rig = await Rig.create({
      people: 90,
      seed: 11,
      behaviour: {
        prompt: 0.5,
        slow: 0.25,
        never: 0.1,
        onLeave: 0.05,
        enrollsFirst: 0.05,
        losesDevice: 0.05,
      },
      // short enough that limbo alerts show within the campaign
      engine: { limboAlertAfter: 2 * HOUR },
    });
    const people = await rig.people();
    const quarter = Math.ceil(people.length / 4);
    await savePlan(
      rig.store.db,
      [0, 1, 2, 3].map((i) => ({
        name: i === 0 ? "Pilot" : `Wave ${i + 1}`,
        ordinal: i + 1,
        pilot: i === 0,
        announceAt: rig.now + i * 2 * 24 * HOUR,
        settings: { ...SETTINGS, successThreshold: 0.8 },
        personIds: people.slice(i * quarter, (i + 1) * quarter).map((p) => p.id),
        groups: [`g${i}`],
      })),
      rig.now,
      "test",
    );
    await startWave(rig.store.db, "w1", rig.now, "test");
    await startWave(rig.store.db, "w2", rig.now, "test");
  });
  after(() => rig.close());

  async function same(moment: string) {
    const db = rig.store.db;
    const limbo = rig.engine.settings.limboAlertAfter;
    const expected = await reference(db, rig.now, limbo);
    const summary = await computeDashboardSummary(db, rig.now, rig.engine.settings);
    assert.deepEqual(summary.funnel, expected.funnel, `${moment}: funnel`);
    assert.deepEqual(summary.waves, expected.waves, `${moment}: waves`);
    assert.deepEqual(summary.governance, expected.governance, `${moment}: governance`);
    assert.deepEqual(
      summary.alerts.map((a) => ({ kind: a.kind, count: a.count, since: a.since })),
      expected.alerts,
      `${moment}: alerts`,
    );
    assert.equal(summary.computedAt, rig.now);
    assert.equal(summary.generation, (await getMeta(db, "generation")) ?? 0);
    return summary;
  }

  it("matches the per-request computation before the pilot starts", async () => {
    const s = await same("planned");
    assert.equal(s.waves.length, 4);
    assert.equal(s.funnel.devices.announced, 0);
    assert.match(s.waves[2]!.gate ?? "", /Pilot has not started/);
  });

  it("matches it at every moment of the campaign", async () => {
    let checked = 0;
    const alerts = new Set<string>();
    const statuses = new Set<string>();
    const gates = new Set<string>();
    for (let day = 0; day < 12; day++) {
      for (let tick = 0; tick < 4; tick++) {
        rig.world.advanceTo(rig.now + 6 * HOUR);
        await rig.pass();
      }
      const s = await same(`day ${day}`);
      for (const a of s.alerts) alerts.add(a.kind);
      for (const w of s.waves) {
        statuses.add(w.status);
        if (w.gate) gates.add(w.gate.replace(/\d+%/, "n%"));
      }
      checked++;
    }
    const s = await same("end");
    assert.equal(checked, 12);
    console.log(
      `alerts: ${[...alerts].join(", ")}; statuses: ${[...statuses].join(", ")}; gates: ${[...gates].join(" / ")}`,
    );
    assert.ok(alerts.has("limbo"), "a limbo alert was compared");
    assert.ok(s.funnel.devices.enrolled > 0, JSON.stringify(s.funnel));
    assert.ok(s.funnel.people.announced > 0);
    assert.ok(gates.size > 0, "later waves were gated");
  });

  it("is stored for the API, with the generation it was computed at", async () => {
    const stored = await refreshDashboardSummary(rig.store.db, rig.now, rig.engine.settings);
    assert.deepEqual(await getMeta(rig.store.db, "dashboardSummary"), stored);
  });
});
