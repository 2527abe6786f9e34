/**
 * Conditional-access handover, person by person, in batches. The only ways governance moves:
 *
 *   source ──exclude──► none ──enforce──► target      (forward, after a confirmed read-back
 *   source ◄──include── none ◄──exempt─── target       and a settle time at every step)
 *
 * Target CA is applied only to a person whose source exclusion was read back at least
 * `caSettle` ago, and source CA is re-applied only after the Intune exemption was read back
 * just as long ago. That makes never-both hold by construction; the action handlers check the
 * same condition again at the moment they act.
 */
import type { CaGovernance } from "../core/model.ts";
import type { PersonRow } from "../store/schema.ts";
import { type CaActionKind, digest } from "./actions.ts";
import { desiredGovernance, isManaged } from "./decide-waves.ts";
import type { EngineSettings } from "./settings.ts";
import type { WaveView } from "./wave-view.ts";
import type { WorkingSet } from "./working-set.ts";

export interface AccessContext {
  ws: WorkingSet;
  views: Map<string, WaveView>;
  settings: EngineSettings;
  targetPolicyOk: boolean;
  /** false once the old product is being retired: nobody is put back under it */
  sourceInService: boolean;
}

export function nextCaStep(
  p: PersonRow,
  desired: CaGovernance,
  now: number,
  settings: EngineSettings,
  targetPolicyOk: boolean,
): CaActionKind | undefined {
  const current = p.ca_governance;
  if (current === "both") return "target-exempt"; // repair toward the status quo first
  if (current === desired) return undefined;
  const settled = (since: number | null) => since !== null && since + settings.caSettle <= now;
  switch (current) {
    case "source":
      return "source-exclude";
    case "target":
      return "target-exempt";
    case "none":
      if (desired === "target") {
        return targetPolicyOk && settled(p.source_excluded_since) ? "target-enforce" : undefined;
      }
      return settled(p.target_exempt_since) ? "source-include" : undefined;
  }
  return undefined;
}

export function decideAccess(ctx: AccessContext): void {
  const { ws, settings } = ctx;
  const batches = new Map<string, PersonRow[]>();
  for (const p of ws.people.values()) {
    if (!isManaged(p) || p.ca_action_id !== null) continue;
    const view = p.wave_id ? ctx.views.get(p.wave_id) : undefined;
    let desired = desiredGovernance(view, ws.now);
    if (desired === "source" && !ctx.sourceInService) desired = "none";
    const step = nextCaStep(p, desired, ws.now, settings, ctx.targetPolicyOk);
    if (!step) continue;
    const batchKey = `${step}|${p.wave_id ?? ""}`;
    const list = batches.get(batchKey);
    if (list) list.push(p);
    else batches.set(batchKey, [p]);
  }
  for (const [batchKey, people] of batches) {
    const [kind, waveId] = batchKey.split("|") as [CaActionKind, string];
    for (let i = 0; i < people.length; i += settings.caBatchSize) {
      enqueueCaBatch(ctx, kind, waveId || null, people.slice(i, i + settings.caBatchSize));
    }
  }
}

function enqueueCaBatch(
  ctx: AccessContext,
  kind: CaActionKind,
  waveId: string | null,
  people: PersonRow[],
): void {
  const { ws } = ctx;
  for (const p of people) ws.updatePerson(p, { ca_seq: p.ca_seq + 1 });
  const personIds = people.map((p) => p.id);
  const upns = people.map((p) => p.upn);
  const directoryIds = people.map((p) => p.directory_id!);
  const key = `${kind}:${digest(people.map((p) => `${p.id}#${p.ca_seq}`))}`;
  const base = { key, waveId, notBefore: ws.now };
  switch (kind) {
    case "source-exclude":
      ws.act({ ...base, kind, payload: { personIds, upns } }, { people: personIds });
      break;
    case "source-include":
      ws.act({ ...base, kind, payload: { personIds, upns, directoryIds } }, { people: personIds });
      break;
    case "target-exempt":
      ws.act({ ...base, kind, payload: { personIds, directoryIds } }, { people: personIds });
      break;
    case "target-enforce":
      ws.act({ ...base, kind, payload: { personIds, directoryIds, upns } }, { people: personIds });
      break;
  }
  ws.note({
    kind: "ca-step",
    waveId,
    message: `${kind} queued for ${people.length} people`,
    data: { personIds },
  });
}
