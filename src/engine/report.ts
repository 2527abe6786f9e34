/**
 * The migration report: where every device stands (each device in exactly one category, so
 * the categories add up to the total), per wave and overall.
 */
import { sql } from "kysely";
import { isMigrated } from "../core/device-state.ts";
import type { DeviceState } from "../core/model.ts";
import { DAY } from "../core/time.ts";
import type { Db } from "../store/open.ts";
import type { DeviceRow } from "../store/schema.ts";
import { getMeta } from "./meta.ts";
import { buildWaveViews, successShare, waveProgress } from "./wave-view.ts";
import { WorkingSet } from "./working-set.ts";

export const DEVICE_CATEGORIES = [
  "migrated",
  "excluded",
  "retired",
  "awaitingReset",
  "awaitingAppleDeadline",
  "limbo",
  "inSource",
  "inBoth",
] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

export function categorise(d: DeviceRow): DeviceCategory {
  const state = d.state as DeviceState;
  if (isMigrated(state)) return "migrated";
  if (state === "excluded") return "excluded";
  if (state === "retired") return "retired";
  if (state === "in-both") return "inBoth";
  if (d.path === "factory-reset") return "awaitingReset";
  if (d.path === "apple-migration-deadline" && d.apple_deadline_at !== null) return "awaitingAppleDeadline";
  if (state === "limbo") return "limbo";
  return "inSource";
}

export interface DeviceCounts {
  total: number;
  migrated: number;
  compliant: number;
  excluded: Record<string, number>;
  retired: number;
  awaitingReset: number;
  awaitingAppleDeadline: number;
  limbo: number;
  inSource: number;
  inBoth: number;
}

export interface WaveReport {
  id: string;
  name: string;
  pilot: boolean;
  status: string;
  people: number;
  devices: DeviceCounts;
  successShare: number;
  announcedAt: string | null;
  /** when the old product's CA was lifted for the wave (handover started) */
  handoverAt: string | null;
  /** when Intune CA applied to everyone in the wave */
  enforcedAt: string | null;
  completedAt: string | null;
  emails: number;
}

export interface Report {
  people: number;
  breakGlass: number;
  devices: DeviceCounts;
  waves: WaveReport[];
  emails: { total: number; byTemplate: Record<string, number> };
  actions: Record<string, number>;
  sourceRetired: boolean;
  /** filled in by whoever also checked the ground truth; the store's own checks otherwise */
  invariantViolations: number;
  simulatedDays: number;
}

function count(devices: Iterable<DeviceRow>): DeviceCounts {
  const c: DeviceCounts = {
    total: 0,
    migrated: 0,
    compliant: 0,
    excluded: {},
    retired: 0,
    awaitingReset: 0,
    awaitingAppleDeadline: 0,
    limbo: 0,
    inSource: 0,
    inBoth: 0,
  };
  for (const d of devices) {
    c.total++;
    const cat = categorise(d);
    if (cat === "excluded") {
      const reason = d.excluded_reason ?? "unknown";
      c.excluded[reason] = (c.excluded[reason] ?? 0) + 1;
    } else c[cat]++;
    if (d.state === "compliant") c.compliant++;
  }
  return c;
}

const isoOrNull = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export async function buildReport(db: Db, now: number, startedAt: number): Promise<Report> {
  const ws = await WorkingSet.load(db, now);
  const views = buildWaveViews(ws);
  const mails = await db
    .selectFrom("actions")
    .select(["wave_id", "payload"])
    .where("kind", "=", "mail")
    .where("status", "=", "done")
    .execute();
  const byTemplate: Record<string, number> = {};
  const byWave: Record<string, number> = {};
  for (const m of mails) {
    const t = (JSON.parse(m.payload) as { template: string }).template;
    byTemplate[t] = (byTemplate[t] ?? 0) + 1;
    if (m.wave_id) byWave[m.wave_id] = (byWave[m.wave_id] ?? 0) + 1;
  }
  const actionRows = await db
    .selectFrom("actions")
    .select(["status", sql<number>`count(*)`.as("n")])
    .groupBy("status")
    .execute();
  const people = [...ws.people.values()];
  return {
    people: people.length,
    breakGlass: people.filter((p) => p.break_glass === 1).length,
    devices: count(ws.devices.values()),
    waves: [...views.values()]
      .sort((a, b) => a.row.ordinal - b.row.ordinal)
      .map((v) => ({
        id: v.row.id,
        name: v.row.name,
        pilot: v.row.pilot === 1,
        status: v.row.status,
        people: v.people.length,
        devices: count(v.devices),
        successShare: Number(successShare(waveProgress(v, now)).toFixed(4)),
        announcedAt: isoOrNull(v.row.announced_at),
        handoverAt: isoOrNull(v.row.handover_at),
        enforcedAt: isoOrNull(v.row.enforced_at),
        completedAt: isoOrNull(v.row.completed_at),
        emails: byWave[v.row.id] ?? 0,
      })),
    emails: { total: mails.length, byTemplate },
    actions: Object.fromEntries(actionRows.map((r) => [r.status, Number(r.n)])),
    sourceRetired: (await getMeta(db, "sourceRetired")) !== undefined,
    invariantViolations: 0,
    simulatedDays: Number(((now - startedAt) / DAY).toFixed(2)),
  };
}
