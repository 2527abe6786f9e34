/**
 * The admin dashboard's figures (funnel overall and per wave, wave progress and gates,
 * governance, alerts), computed with SQL aggregates and kept in `meta.dashboardSummary`.
 * Whatever runs passes refreshes it after each one; the API serves it as stored. Computing
 * it per request took seconds at 100,000 devices on the server's one SQLite connection, and
 * every other request queued behind it.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../store/schema.ts";
import { getMeta, setMeta } from "./meta.ts";
import type { EngineSettings } from "./settings.ts";
import { successShare, waveSettings } from "./wave-view.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Bumped when the stored shape changes: an older summary is then computed afresh. */
export const SUMMARY_VERSION = 1;

export const STAGES = ["announced", "unenrolled", "enrolled", "compliant"] as const;
export type StageCounts = Record<"total" | (typeof STAGES)[number], number>;
export interface FunnelCounts {
  people: StageCounts;
  devices: StageCounts;
}

export interface WaveSummary {
  id: string;
  name: string;
  pilot: boolean;
  status: string;
  announceAt: number;
  people: number;
  devices: number;
  migrated: number;
  migratable: number;
  successShare: number;
  successThreshold: number;
  gate: string | null;
  funnel: FunnelCounts;
}

export interface DashboardAlert {
  kind: string;
  severity: "critical" | "warning";
  count: number;
  message: string;
  since: number | null;
}

export interface DashboardSummary {
  version: number;
  /** the migration clock when computed: limbo ages are measured from it */
  computedAt: number;
  /** meta.generation when computed: a writer since then (a wave edit, a helpdesk action) makes it stale */
  generation: number;
  funnel: FunnelCounts;
  waves: WaveSummary[];
  governance: Record<string, number>;
  alerts: DashboardAlert[];
}

/** Waves whose people have been told: before that, no stage counts. */
const ANNOUNCED = new Set(["announced", "handover", "enforced", "complete"]);
const MIGRATED = ["in-target", "compliant", "noncompliant"] as const;

function blank(): FunnelCounts {
  const c = () => ({ total: 0, announced: 0, unenrolled: 0, enrolled: 0, compliant: 0 });
  return { people: c(), devices: c() };
}

interface WaveFigures {
  wave_id: string | null;
  people: number;
  devices: number;
  migrated: number;
  scoped_people: number;
  scoped: number;
  d_unenrolled: number;
  d_enrolled: number;
  d_compliant: number;
  p_unenrolled: number;
  p_enrolled: number;
  p_compliant: number;
}

/**
 * Per wave, in one statement: first per person (every device; in scope = neither excluded nor
 * retired; how far each got), then per wave. Served from indexes only (migration 0008:
 * people by wave, devices by owner with state and presence).
 */
async function waveFigures(db: Db): Promise<WaveFigures[]> {
  const migrated = sql.join(MIGRATED.map((s) => sql.lit(s)));
  const { rows } = await sql<WaveFigures>`
    select pp.wave_id,
      count(*) as people,
      sum(pp.n_all) as devices,
      sum(pp.n_migrated) as migrated,
      sum(case when pp.n > 0 then 1 else 0 end) as scoped_people,
      sum(pp.n) as scoped,
      sum(pp.unenrolled) as d_unenrolled,
      sum(pp.enrolled) as d_enrolled,
      sum(pp.compliant) as d_compliant,
      sum(case when pp.n > 0 and pp.unenrolled = pp.n then 1 else 0 end) as p_unenrolled,
      sum(case when pp.n > 0 and pp.enrolled = pp.n then 1 else 0 end) as p_enrolled,
      sum(case when pp.n > 0 and pp.compliant = pp.n then 1 else 0 end) as p_compliant
    from (
      select p.wave_id, p.id,
        count(d.person_id) as n_all,
        sum(case when d.state in (${migrated}) then 1 else 0 end) as n_migrated,
        sum(case when d.state not in ('excluded', 'retired') then 1 else 0 end) as n,
        sum(case when d.state not in ('excluded', 'retired') and d.source_presence = 'absent' then 1 else 0 end) as unenrolled,
        sum(case when d.state in (${migrated}) and d.source_presence = 'absent' then 1 else 0 end) as enrolled,
        sum(case when d.state = 'compliant' and d.source_presence = 'absent' then 1 else 0 end) as compliant
      from people p
      left join devices d on d.person_id = p.id
      where p.wave_id is not null
      group by p.wave_id, p.id
    ) pp
    group by pp.wave_id`.execute(db);
  return rows;
}

/** What keeps a wave from being announced (as decide-waves.ts's gateBlocker says it), from counts. */
function gateOf(
  wave: { ordinal: number },
  ordered: readonly {
    ordinal: number;
    name: string;
    status: string;
    pilot: boolean;
    share: number;
    threshold: number;
  }[],
): string | null {
  for (const earlier of ordered) {
    if (earlier.ordinal >= wave.ordinal) break;
    if (earlier.status === "rolled-back" || earlier.status === "draft") continue;
    if (earlier.status === "scheduled") return `${earlier.name} has not started`;
    if (earlier.pilot && earlier.share < earlier.threshold)
      return `${earlier.name} at ${(earlier.share * 100).toFixed(0)}% migrated, needs ${(earlier.threshold * 100).toFixed(0)}%`;
  }
  return null;
}

const n = (v: number | string | null | undefined) => Number(v ?? 0);

export async function computeDashboardSummary(
  db: Db,
  now: number,
  settings: Pick<EngineSettings, "limboAlertAfter">,
): Promise<DashboardSummary> {
  // Read first: a write that lands while the figures are computed leaves them marked stale.
  const generation = (await getMeta(db, "generation")) ?? 0;
  const waveRows = await db.selectFrom("waves").selectAll().orderBy("ordinal").execute();
  const figures = new Map((await waveFigures(db)).map((f) => [f.wave_id, f]));

  const overall = blank();
  const facts = waveRows.map((row) => {
    const f = figures.get(row.id);
    const progress = {
      devices: n(f?.devices),
      migrated: n(f?.migrated),
      migratable: n(f?.scoped),
      finished: false,
    };
    const threshold = waveSettings(row).successThreshold;
    const funnel = blank();
    if (f) {
      // Each stage counts only what reached the earlier ones: nothing before the announcement.
      const told = ANNOUNCED.has(row.status);
      const m = (v: number | string | null) => (told ? n(v) : 0);
      funnel.people = {
        total: n(f.scoped_people),
        announced: m(f.scoped_people),
        unenrolled: m(f.p_unenrolled),
        enrolled: m(f.p_enrolled),
        compliant: m(f.p_compliant),
      };
      funnel.devices = {
        total: n(f.scoped),
        announced: m(f.scoped),
        unenrolled: m(f.d_unenrolled),
        enrolled: m(f.d_enrolled),
        compliant: m(f.d_compliant),
      };
      for (const s of ["total", ...STAGES] as const) {
        overall.people[s] += funnel.people[s];
        overall.devices[s] += funnel.devices[s];
      }
    }
    return {
      row,
      progress,
      funnel,
      people: n(f?.people),
      ordinal: row.ordinal,
      name: row.name,
      status: row.status,
      pilot: row.pilot === 1,
      share: successShare(progress),
      threshold,
    };
  });
  const waves: WaveSummary[] = facts.map((w) => ({
    id: w.row.id,
    name: w.name,
    pilot: w.pilot,
    status: w.status,
    announceAt: w.row.announce_at,
    people: w.people,
    devices: w.progress.devices,
    migrated: w.progress.migrated,
    migratable: w.progress.migratable,
    successShare: Number(w.share.toFixed(4)),
    successThreshold: w.threshold,
    gate: w.status === "scheduled" || w.status === "draft" ? gateOf(w, facts) : null,
    funnel: w.funnel,
  }));

  const governance: Record<string, number> = {};
  const byGovernance = await db
    .selectFrom("people")
    .select(["ca_governance", sql<number>`count(*)`.as("n")])
    .groupBy("ca_governance")
    .execute();
  for (const g of byGovernance) governance[g.ca_governance] = n(g.n);

  return {
    version: SUMMARY_VERSION,
    computedAt: now,
    generation,
    funnel: overall,
    waves,
    governance,
    alerts: await alerts(db, now, settings, governance),
  };
}

async function alerts(
  db: Db,
  now: number,
  settings: Pick<EngineSettings, "limboAlertAfter">,
  governance: Record<string, number>,
): Promise<DashboardAlert[]> {
  const out: DashboardAlert[] = [];
  const both = governance.both ?? 0;
  if (both > 0)
    out.push({
      kind: "both",
      severity: "critical",
      count: both,
      message: `${both} people are under both products' conditional access: Ferry is exempting them in Intune`,
      since: null,
    });
  const oldest = (v: number | string | null) => (v === null ? null : Number(v));
  const inBoth = await db
    .selectFrom("devices")
    .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
    .where("state", "=", "in-both")
    .executeTakeFirstOrThrow();
  if (n(inBoth.n) > 0)
    out.push({
      kind: "in-both",
      severity: "warning",
      count: n(inBoth.n),
      message: `${n(inBoth.n)} devices are seen in both products; the old record is retired once the owner's CA has moved`,
      since: oldest(inBoth.oldest),
    });
  const limbo = await db
    .selectFrom("devices")
    .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(state_since)`.as("oldest")])
    .where("state", "=", "limbo")
    .where("state_since", "<", now - settings.limboAlertAfter)
    .executeTakeFirstOrThrow();
  if (n(limbo.n) > 0)
    out.push({
      kind: "limbo",
      severity: "warning",
      count: n(limbo.n),
      message: `${n(limbo.n)} devices have been in limbo for more than ${settings.limboAlertAfter / 86_400_000} days: call their owners`,
      since: oldest(limbo.oldest),
    });
  const failed = await db
    .selectFrom("actions")
    .select([sql<number>`count(*)`.as("n"), sql<number | null>`min(updated_at)`.as("oldest")])
    .where("status", "=", "failed")
    .executeTakeFirstOrThrow();
  if (n(failed.n) > 0)
    out.push({
      kind: "failed-actions",
      severity: "warning",
      count: n(failed.n),
      message: `${n(failed.n)} actions failed after every retry: see the audit log`,
      since: oldest(failed.oldest),
    });
  const policy = await getMeta(db, "targetPolicy");
  if (policy && !policy.ok)
    out.push({
      kind: "intune-policy",
      severity: "critical",
      count: Math.max(1, policy.problems.length),
      message: `Intune CA policy problems, handover held: ${policy.problems.join("; ") || "check its exclusions"}`,
      since: policy.checkedAt,
    });
  return out;
}

/** Computes the summary and stores it for the API. */
export async function refreshDashboardSummary(
  db: Db,
  now: number,
  settings: Pick<EngineSettings, "limboAlertAfter">,
): Promise<DashboardSummary> {
  const summary = await computeDashboardSummary(db, now, settings);
  await setMeta(db, "dashboardSummary", summary);
  return summary;
}

/** The stored summary, unless there is none or it has an older shape. */
export async function storedDashboardSummary(db: Db): Promise<DashboardSummary | undefined> {
  const s = await getMeta(db, "dashboardSummary");
  return s?.version === SUMMARY_VERSION ? s : undefined;
}
