/**
 * Wave lifecycle: scheduled → announced → handover → enforced → complete. Each transition is
 * level-triggered: it happens on the first pass where its conditions hold, whatever passes
 * were missed before.
 */
import type { CaGovernance } from "../core/model.ts";
import type { PersonRow } from "../store/schema.ts";
import { mailAction } from "./messages.ts";
import { successShare, type WaveView, waveProgress } from "./wave-view.ts";
import type { WorkingSet } from "./working-set.ts";

export interface WaveContext {
  ws: WorkingSet;
  views: Map<string, WaveView>;
  /** false while the Intune policy is unverified or misconfigured: no handover starts */
  targetPolicyOk: boolean;
}

export function decideWaves(ctx: WaveContext): void {
  const ordered = [...ctx.views.values()].sort((a, b) => a.row.ordinal - b.row.ordinal);
  for (const view of ordered) {
    switch (view.row.status) {
      case "scheduled":
        maybeAnnounce(ctx, view, ordered);
        break;
      case "announced":
        maybeHandOver(ctx, view);
        break;
      case "handover":
        maybeEnforced(ctx, view);
        break;
      case "enforced":
        maybeComplete(ctx, view);
        break;
    }
  }
}

/** Why a scheduled wave may not start yet; undefined when it may. */
export function gateBlocker(view: WaveView, ordered: WaveView[], now: number): string | undefined {
  for (const earlier of ordered) {
    if (earlier.row.ordinal >= view.row.ordinal) break;
    if (earlier.row.status === "rolled-back" || earlier.row.status === "draft") continue;
    if (earlier.row.status === "scheduled") return `${earlier.row.name} has not started`;
    if (earlier.row.pilot) {
      const share = successShare(waveProgress(earlier, now));
      if (share < earlier.settings.successThreshold) {
        return `${earlier.row.name} at ${(share * 100).toFixed(0)}% migrated, needs ${(earlier.settings.successThreshold * 100).toFixed(0)}%`;
      }
    }
  }
  return undefined;
}

function maybeAnnounce(ctx: WaveContext, view: WaveView, ordered: WaveView[]): void {
  const { ws } = ctx;
  if (ws.now < view.row.announce_at) return;
  const blocker = gateBlocker(view, ordered, ws.now);
  if (blocker) return;
  ws.updateWave(view.row, { status: "announced", announced_at: ws.now });
  ws.note({
    kind: "wave-announced",
    waveId: view.row.id,
    message: `${view.row.name} announced to ${view.people.length} people`,
  });
  for (const p of view.people) {
    if (p.break_glass === 1) continue;
    ws.act(mailAction(ws.now, p, view.row, "announcement", `${view.row.rollbacks}`, devicesOf(view, p)));
  }
}

function maybeHandOver(ctx: WaveContext, view: WaveView): void {
  const { ws } = ctx;
  if (ws.now < (view.row.announced_at ?? 0) + view.settings.announceLead) return;
  if (!ctx.targetPolicyOk) return; // the Intune policy must be verified before anyone's CA moves
  ws.updateWave(view.row, { status: "handover", handover_at: ws.now });
  ws.note({
    kind: "wave-handover",
    waveId: view.row.id,
    message: `${view.row.name}: conditional access handover started`,
  });
}

/** The governance a wave's people should have now. */
export function desiredGovernance(view: WaveView | undefined, now: number): CaGovernance {
  if (!view) return "source";
  const { status, handover_at } = view.row;
  if (status !== "handover" && status !== "enforced" && status !== "complete") return "source";
  if (view.settings.caMode === "grace" && now < (handover_at ?? now) + view.settings.gracePeriod)
    return "none";
  return "target";
}

/** People Ferry moves: break-glass accounts and people outside the directory are left alone. */
export function isManaged(p: PersonRow): boolean {
  return p.break_glass === 0 && p.directory_id !== null;
}

function maybeEnforced(ctx: WaveContext, view: WaveView): void {
  const { ws } = ctx;
  if (desiredGovernance(view, ws.now) !== "target") return;
  if (!view.people.filter(isManaged).every((p) => p.ca_governance === "target")) return;
  ws.updateWave(view.row, { status: "enforced", enforced_at: ws.now });
  ws.note({
    kind: "wave-enforced",
    waveId: view.row.id,
    message: `${view.row.name}: Intune conditional access enforced`,
  });
}

function maybeComplete(ctx: WaveContext, view: WaveView): void {
  const progress = waveProgress(view, ctx.ws.now);
  if (!progress.finished) return;
  ctx.ws.updateWave(view.row, { status: "complete", completed_at: ctx.ws.now });
  ctx.ws.note({
    kind: "wave-complete",
    waveId: view.row.id,
    message: `${view.row.name} complete: ${progress.migrated}/${progress.migratable} migrated`,
  });
}

function devicesOf(view: WaveView, p: PersonRow) {
  return view.devicesByPerson.get(p.id) ?? [];
}
