/**
 * Device steps and the messages that go with them. Nothing here touches a device before its
 * owner is out of the old product's conditional access: a device that leaves a product whose
 * CA still governs its owner locks that owner out.
 */
import { isMigrated, isSettled } from "../core/device-state.ts";
import type { DeviceState } from "../core/model.ts";
import { DAY, HOUR } from "../core/time.ts";
import type { DeviceRow, PersonRow } from "../store/schema.ts";
import { isManaged } from "./decide-waves.ts";
import { mailAction } from "./messages.ts";
import type { EngineSettings } from "./settings.ts";
import type { WaveView } from "./wave-view.ts";
import type { WorkingSet } from "./working-set.ts";

export interface DeviceContext {
  ws: WorkingSet;
  views: Map<string, WaveView>;
  settings: EngineSettings;
  /** remote retires still allowed in this rolling hour */
  retireBudget: number;
}

/** The person may leave the old product: source CA no longer governs them, and that has settled. */
export function isReleased(p: PersonRow, now: number, settings: EngineSettings): boolean {
  if (p.ca_governance !== "none" && p.ca_governance !== "target") return false;
  return p.source_excluded_since === null || p.source_excluded_since + settings.caSettle <= now;
}

/** When self-service ends and Ferry retires remotely. */
export function unenrollDeadline(p: PersonRow, view: Pick<WaveView, "settings">): number | undefined {
  if (p.instructions_at === null) return undefined;
  const grace = view.settings.caMode === "grace" ? view.settings.gracePeriod : 0;
  return p.instructions_at + grace + view.settings.unenrollDeadline + p.deadline_extension;
}

export function decideDevices(ctx: DeviceContext): void {
  const { ws } = ctx;
  const devicesByPerson = new Map<string, DeviceRow[]>();
  for (const d of ws.devices.values()) {
    if (!d.person_id) continue;
    const list = devicesByPerson.get(d.person_id);
    if (list) list.push(d);
    else devicesByPerson.set(d.person_id, [d]);
  }
  for (const view of ctx.views.values()) {
    const active =
      view.row.status === "handover" || view.row.status === "enforced" || view.row.status === "complete";
    if (!active) continue;
    for (const p of view.people) {
      if (!isManaged(p) || !isReleased(p, ws.now, ctx.settings)) continue;
      decidePerson(ctx, view, p, devicesByPerson.get(p.id) ?? []);
    }
  }
}

function decidePerson(ctx: DeviceContext, view: WaveView, p: PersonRow, devices: DeviceRow[]): void {
  const { ws } = ctx;
  const open = devices.filter((d) => !isSettled(d.state as DeviceState));
  if (p.instructions_at === null && open.length > 0) {
    ws.updatePerson(p, { instructions_at: ws.now });
    const deadlineAt = unenrollDeadline(p, view);
    ws.act(mailAction(ws.now, p, view.row, "instructions", `${view.row.rollbacks}`, open, { deadlineAt }));
  }
  const deadline = unenrollDeadline(p, view);

  for (const d of open) {
    if (d.state === "limbo") escalateLimbo(ctx, view, p, d);
    if (d.action_id !== null) continue;
    const state = d.state as DeviceState;
    if (state === "in-both") {
      retire(ctx, view, d, "seen in both products: the old record is retired");
    } else if (state === "in-source" && d.path === "admin-retire") {
      retire(ctx, view, d, "admin-retire path");
    } else if (state === "in-source" && d.retire_requested_at !== null) {
      retire(ctx, view, d, `requested by ${d.retire_requested_by ?? "the owner"}`);
    } else if (
      state === "in-source" &&
      d.path === "self-service" &&
      deadline !== undefined &&
      ws.now >= deadline
    ) {
      retire(ctx, view, d, "self-service deadline passed");
    } else if (
      state === "in-source" &&
      d.path === "apple-migration-deadline" &&
      d.apple_deadline_at === null &&
      d.serial
    ) {
      const deadlineAt = ws.now + view.settings.appleDeadline;
      ws.updateDevice(d, { apple_deadline_at: deadlineAt });
      ws.act(
        {
          key: `apple-reassign:${d.id}:${view.row.rollbacks}`,
          kind: "apple-reassign",
          waveId: view.row.id,
          notBefore: ws.now,
          payload: { deviceId: d.id, serial: d.serial, deadlineAt },
        },
        { devices: [d.id] },
      );
      ws.note({
        kind: "apple-reassign",
        deviceId: d.id,
        personId: p.id,
        waveId: view.row.id,
        message: "reassigned in Apple Business Manager with a deadline",
      });
    } else if (state === "in-source" && d.path === "factory-reset" && d.reset_notice_at === null) {
      ws.updateDevice(d, { reset_notice_at: ws.now });
      ws.act(mailAction(ws.now, p, view.row, "reset-instructions", d.id, [d], { deadlineAt: deadline }));
    }
  }

  decideNotices(ctx, view, p, devices, open, deadline);
}

/** A device out of the old product and still not in Intune after a while: the helpdesk calls. */
function escalateLimbo(ctx: DeviceContext, view: WaveView, p: PersonRow, d: DeviceRow): void {
  const { ws, settings } = ctx;
  if (d.limbo_escalated_at !== null && d.limbo_escalated_at >= d.state_since) return;
  if (ws.now - d.state_since < settings.limboAlertAfter) return;
  ws.updateDevice(d, { limbo_escalated_at: ws.now });
  const days = Math.floor((ws.now - d.state_since) / DAY);
  ws.note({
    kind: "alert-limbo",
    deviceId: d.id,
    personId: p.id,
    waveId: view.row.id,
    message: `in limbo for ${days} days: call ${p.display_name}`,
  });
  if (settings.helpdeskEmail) {
    ws.act(
      mailAction(ws.now, p, view.row, "helpdesk-escalation", `${d.id}.${d.state_since}`, [d], {
        to: settings.helpdeskEmail,
      }),
    );
  }
}

function retire(ctx: DeviceContext, view: WaveView, d: DeviceRow, why: string): void {
  const { ws } = ctx;
  if (!d.source_id || d.source_presence !== "enrolled") return;
  if (ctx.retireBudget <= 0) return; // bounded blast radius: the rest wait for the next hour
  ctx.retireBudget--;
  ws.updateDevice(d, { unenroll_requested_at: ws.now });
  ws.act(
    {
      key: `source-retire:${d.id}:${d.source_id}`,
      kind: "source-retire",
      waveId: view.row.id,
      notBefore: ws.now,
      payload: { deviceId: d.id, sourceId: d.source_id, reason: why },
    },
    { devices: [d.id] },
  );
  ws.note({
    kind: "retire-requested",
    deviceId: d.id,
    personId: d.person_id,
    waveId: view.row.id,
    message: `remote retire: ${why}`,
  });
}

function decideNotices(
  ctx: DeviceContext,
  view: WaveView,
  p: PersonRow,
  devices: DeviceRow[],
  open: DeviceRow[],
  deadline: number | undefined,
): void {
  const { ws } = ctx;
  const s = view.settings;
  const waiting = open.filter((d) => d.path === "self-service" || d.path === "admin-retire");
  if (p.instructions_at !== null && waiting.length > 0 && p.reminders_sent < s.maxReminders) {
    const last = p.last_reminder_at ?? p.instructions_at;
    if (ws.now >= last + s.reminderEvery) {
      ws.updatePerson(p, { reminders_sent: p.reminders_sent + 1, last_reminder_at: ws.now });
      ws.act(
        mailAction(ws.now, p, view.row, "reminder", `${view.row.rollbacks}.${p.reminders_sent}`, waiting, {
          deadlineAt: deadline,
        }),
      );
    }
  }
  const stillInSource = waiting.filter((d) => d.state === "in-source" && d.path === "self-service");
  if (
    deadline !== undefined &&
    p.deadline_notice_at === null &&
    stillInSource.length > 0 &&
    ws.now >= deadline - 2 * DAY
  ) {
    ws.updatePerson(p, { deadline_notice_at: ws.now });
    ws.act(
      mailAction(ws.now, p, view.row, "deadline", `${view.row.rollbacks}`, stillInSource, {
        deadlineAt: deadline,
      }),
    );
  }
  const unmigrated = open.filter((d) => d.state !== "excluded");
  if (p.ca_governance === "target" && p.blocked_notice_at === null && unmigrated.length > 0) {
    ws.updatePerson(p, { blocked_notice_at: ws.now });
    ws.act(
      mailAction(ws.now, p, view.row, "blocked", `${view.row.rollbacks}`, unmigrated, {
        deadlineAt: deadline,
      }),
    );
  }
  const migrated = devices.some((d) => isMigrated(d.state as DeviceState));
  if (p.done_notice_at === null && open.length === 0 && migrated && p.instructions_at !== null) {
    ws.updatePerson(p, { done_notice_at: ws.now });
    const moved = devices.filter((d) => isMigrated(d.state as DeviceState));
    ws.act(mailAction(ws.now, p, view.row, "done", `${view.row.rollbacks}`, moved));
  }
}

export const RETIRE_WINDOW = HOUR;
