/**
 * The one place where API answers become what the local commands print: each function
 * fetches through the API and returns exactly the shape the command builds from the store,
 * so tables and `--json` read the same whichever way a command ran.
 */
import { DEVICE_STATES } from "../core/model.ts";
import type { ChecklistItem, ManualItem } from "../engine/retirement.ts";
import { settingsFromDays } from "../server/routes/waves.ts";
import type { AuditRow } from "../store/schema.ts";
import type { ApiClient } from "./api-client.ts";
import type { ReadinessDevice } from "./commands/readiness.ts";
import type { RetireResult } from "./commands/retire.ts";
import type { StatusResult } from "./commands/status.ts";
import type { TaskResult } from "./commands/tasks.ts";
import type { WaveListRow, WaveShowResult } from "./commands/wave.ts";

const ms = (t: string) => Date.parse(t);
const msOrNull = (t: string | null) => (t === null ? null : Date.parse(t));
const path = (id: string) => encodeURIComponent(id);

interface ApiWaveSummary {
  id: string;
  name: string;
  ordinal: number;
  pilot: boolean;
  status: string;
  caMode: string;
  people: number;
  devices: number;
  migrated: number;
  migratable: number;
  announceAt: string;
  announcedAt: string | null;
  handoverAt: string | null;
  enforcedAt: string | null;
  completedAt: string | null;
  rolledBackAt: string | null;
  rollbacks: number;
  gate: string | null;
}

interface ApiWaveDetail extends ApiWaveSummary {
  settings: {
    caMode: string;
    gracePeriodDays: number;
    announceLeadDays: number;
    unenrollDeadlineDays: number;
    reminderEveryDays: number;
    maxReminders: number;
    successThreshold: number;
    appleDeadlineDays: number;
  };
  groups: string[];
  devicesByState: Record<string, number>;
  peopleByGovernance: Record<string, number>;
}

interface ApiDashboard {
  at: string;
  waves: { id: string; name: string; status: string }[];
  governance: Record<string, number>;
  alerts: { kind: string; count: number }[];
}

export async function remoteStatus(api: ApiClient): Promise<StatusResult> {
  const action = "read the dashboard";
  const dashboard = await api.get<ApiDashboard>("/api/dashboard", action);
  // The dashboard counts a funnel, not states: one count per state from the device list.
  const counts = await Promise.all(
    DEVICE_STATES.map(async (state) => {
      const r = await api.get<{ total: number }>("/api/devices", "list devices", { state, pageSize: 1 });
      return [state, r.total] as const;
    }),
  );
  const alert = (kind: string) => dashboard.alerts.find((a) => a.kind === kind)?.count ?? 0;
  let targetPolicy: string[] = [];
  if (alert("intune-policy") > 0) {
    const access = await api.get<{ targetPolicy: { ok: boolean; problems: string[] } | null }>(
      "/api/access",
      "read conditional access",
      { pageSize: 1, sample: 0 },
    );
    if (access.targetPolicy && !access.targetPolicy.ok) targetPolicy = access.targetPolicy.problems;
  }
  return {
    now: new Date(ms(dashboard.at)).toISOString(),
    devices: Object.fromEntries(counts.filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1))),
    governance: dashboard.governance,
    waves: dashboard.waves.map((w) => ({ id: w.id, name: w.name, status: w.status })),
    alerts: {
      limboOver3Days: alert("limbo"),
      inBoth: alert("in-both"),
      failedActions: alert("failed-actions"),
      targetPolicy,
    },
  };
}

export async function remoteWaveList(api: ApiClient): Promise<WaveListRow[]> {
  const { waves } = await api.get<{ waves: ApiWaveSummary[] }>("/api/waves", "read waves");
  return waves.map((w) => ({
    id: w.id,
    name: w.name,
    status: w.status,
    caMode: w.caMode,
    people: w.people,
    devices: w.devices,
    migrated: w.migrated,
    migratable: w.migratable,
    // the API rounds its share to 4 places; the local list shows the exact one
    success: w.migratable === 0 ? 1 : w.migrated / w.migratable,
    announceAt: ms(w.announceAt),
    // the API states the gate of drafts too; the list shows it for scheduled waves only
    gate: w.status === "scheduled" ? (w.gate ?? "open") : "",
  }));
}

export async function remoteWaveShow(api: ApiClient, id: string): Promise<WaveShowResult> {
  const w = await api.get<ApiWaveDetail>(`/api/waves/${path(id)}`, "read waves");
  const s = w.settings;
  return {
    id: w.id,
    name: w.name,
    ordinal: w.ordinal,
    pilot: w.pilot ? 1 : 0,
    status: w.status,
    settings: settingsFromDays(s),
    groups: w.groups,
    announce_at: ms(w.announceAt),
    announced_at: msOrNull(w.announcedAt),
    handover_at: msOrNull(w.handoverAt),
    enforced_at: msOrNull(w.enforcedAt),
    completed_at: msOrNull(w.completedAt),
    rolled_back_at: msOrNull(w.rolledBackAt),
    rollbacks: w.rollbacks,
    people: w.people,
    devicesByState: w.devicesByState,
    peopleByGovernance: w.peopleByGovernance,
  };
}

export async function remoteWaveStart(
  api: ApiClient,
  id: string,
  at: number | undefined,
): Promise<{ name: string; announce_at: number }> {
  const w = await api.post<ApiWaveSummary>(
    `/api/waves/${path(id)}/start`,
    "start waves",
    at === undefined ? {} : { announceAt: new Date(at).toISOString() },
  );
  return { name: w.name, announce_at: ms(w.announceAt) };
}

interface ApiTask {
  id: number;
  key: string;
  kind: string;
  subjects: string[];
  title: string;
  steps: string[];
  createdAt: string;
  confirmedAt: string | null;
  confirmedBy: string | null;
}

export async function remoteTasks(api: ApiClient, all: boolean): Promise<TaskResult[]> {
  const { tasks } = await api.get<{ tasks: ApiTask[] }>("/api/tasks", "read manual tasks", { all });
  return tasks.map((t) => ({
    id: t.id,
    key: t.key,
    kind: t.kind,
    subjects: t.subjects,
    title: t.title,
    steps: t.steps,
    created_at: ms(t.createdAt),
    confirmed_by: t.confirmedBy,
    confirmed_at: msOrNull(t.confirmedAt),
  }));
}

export async function remoteTaskConfirm(api: ApiClient, id: number, by: string): Promise<void> {
  await api.post(`/api/tasks/${id}/confirm`, "confirm manual tasks", { by });
}

interface ApiAuditEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  waveId: string | null;
  personId: string | null;
  deviceId: string | null;
  message: string;
  data: unknown;
  prevHash: string | null;
  hash: string | null;
}

/** The newest `last` entries, newest first, as stored rows. */
export async function remoteAudit(
  api: ApiClient,
  opts: { person?: string; device?: string; last: number },
): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (let page = 1; rows.length < opts.last; page++) {
    const pageSize = Math.min(500, opts.last);
    const r = await api.get<{ items: ApiAuditEntry[] }>("/api/audit", "read the audit log", {
      person: opts.person,
      device: opts.device,
      page,
      pageSize,
    });
    for (const a of r.items.slice(0, opts.last - rows.length))
      rows.push({
        id: a.id,
        at: ms(a.at),
        actor: a.actor,
        kind: a.kind,
        wave_id: a.waveId,
        person_id: a.personId,
        device_id: a.deviceId,
        message: a.message,
        data: a.data === null ? null : typeof a.data === "string" ? a.data : JSON.stringify(a.data),
        prev_hash: a.prevHash,
        hash: a.hash,
      });
    if (r.items.length < pageSize) break;
  }
  return rows;
}

interface ApiDevice {
  id: string;
  origin: string;
  owner: { upn: string } | null;
  platform: string;
  mode: string;
  osVersion: string;
  model: string;
  path: string;
  pathWhy: string;
}

/** Every device first seen in the old product, by id (the API lists them 500 at a time). */
export async function remoteReadiness(api: ApiClient): Promise<ReadinessDevice[]> {
  const devices = await api.all<ApiDevice>("/api/devices", "list devices", { sort: "id" });
  return devices
    .filter((d) => d.origin === "source")
    .map((d) => ({
      id: d.id,
      platform: d.platform,
      mode: d.mode,
      os_version: d.osVersion,
      model: d.model,
      path: d.path,
      path_why: d.pathWhy,
      upn: d.owner?.upn ?? null,
    }));
}

export async function remoteRetire(
  api: ApiClient,
  opts: { request: boolean; confirm: ManualItem | undefined },
): Promise<RetireResult> {
  type Checklist = { retired: boolean; items: ChecklistItem[] };
  let list: Checklist | undefined;
  if (opts.request) list = await api.post<Checklist>("/api/retirement/request", "request retirement");
  if (opts.confirm)
    list = await api.post<Checklist>("/api/retirement/confirm", "confirm retirement items", {
      item: opts.confirm,
    });
  list ??= await api.get<Checklist>("/api/retirement", "read the retirement checklist");
  // Like the local command: once every item is done, showing the checklist finishes the job.
  if (!list.retired && list.items.every((i) => i.done))
    list = await api.post<Checklist>("/api/retirement/request", "finish retirement");
  return { items: list.items, retired: list.retired };
}
