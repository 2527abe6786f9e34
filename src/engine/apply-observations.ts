/**
 * Applies one pass's observations to the working set: inventories become device presence,
 * new Intune records are matched to the devices they were, CA read-backs become each
 * person's governance, and every device's state is derived anew.
 */
import { type DeviceFacts, deriveState, type TargetCompliance } from "../core/device-state.ts";
import { normaliseIdentifiers } from "../core/identifiers.ts";
import { DeviceMatcher } from "../core/matching.ts";
import type { ExclusionReason, RetirementReason, SourcePresence } from "../core/model.ts";
import type { EnrollmentMode, Ownership, Platform } from "../core/platform.ts";
import type { SourceDeviceRecord, TargetDeviceRecord } from "../core/ports/index.ts";
import { decidePath } from "../core/readiness.ts";
import type { DeviceRow, PersonRow } from "../store/schema.ts";
import { deriveGovernance } from "./governance.ts";
import type { Observations } from "./observe.ts";
import type { EngineSettings } from "./settings.ts";
import type { WorkingSet } from "./working-set.ts";

export interface PolicyView {
  targetPolicyEnabled: boolean;
  /** the old product was switched off: its devices vanishing is expected */
  sourceRetired: boolean;
}

/** Minimum fleet size for the vanishing check: small fleets legitimately empty out fast. */
const VANISH_CHECK_MIN = 50;

/**
 * False when an inventory lost too large a share of the devices known to be there *without
 * Ferry having asked any of them to leave*. Devices that were retired, reassigned, or whose
 * owner was told to unenroll are expected to go, in bulk when a wave starts.
 */
function believable(
  ws: WorkingSet,
  system: "source" | "target",
  ids: ReadonlySet<string>,
  listedCount: number,
  settings: EngineSettings,
): boolean {
  let known = 0;
  let vanished = 0;
  for (const d of ws.devices.values()) {
    const id = system === "source" ? (d.source_presence !== "absent" ? d.source_id : null) : d.target_id;
    if (!id) continue;
    known++;
    if (!ids.has(id) && !(system === "source" && expectedToLeave(ws, d))) vanished++;
  }
  if (known < VANISH_CHECK_MIN || vanished <= known * settings.maxVanishShare) return true;
  ws.note({
    kind: "alert-inventory-drop",
    message: `${system} inventory lists ${listedCount} devices; ${vanished} of ${known} known ones vanished without Ferry asking them to leave: not believed, nothing marked gone. Check the connector, then run again.`,
  });
  return false;
}

function expectedToLeave(ws: WorkingSet, d: DeviceRow): boolean {
  if (d.unenroll_requested_at !== null || d.reset_notice_at !== null || d.apple_deadline_at !== null)
    return true;
  const owner = d.person_id ? ws.people.get(d.person_id) : undefined;
  return owner?.instructions_at != null;
}

export function indexPeople(ws: WorkingSet): Map<string, PersonRow> {
  const byAddress = new Map<string, PersonRow>();
  for (const p of ws.people.values()) {
    byAddress.set(p.upn.toLowerCase(), p);
    if (!byAddress.has(p.email.toLowerCase())) byAddress.set(p.email.toLowerCase(), p);
  }
  return byAddress;
}

export function applyObservations(
  ws: WorkingSet,
  obs: Observations,
  policy: PolicyView,
  settings: EngineSettings,
  openActions: ReadonlySet<number>,
): void {
  releaseFinished(ws, openActions);
  const people = indexPeople(ws);
  // The ids each inventory lists, and the devices by those ids: built once per pass and
  // shared by the vanishing check and the apply steps (each used to build its own).
  const sourceIds = new Set<string>();
  for (const r of obs.source) sourceIds.add(r.sourceId);
  const targetIds = new Set<string>();
  for (const r of obs.target) targetIds.add(r.targetId);
  const bySourceId = new Map<string, DeviceRow>();
  const byTargetId = new Map<string, DeviceRow>();
  for (const d of ws.devices.values()) {
    if (d.source_id) bySourceId.set(d.source_id, d);
    if (d.target_id) byTargetId.set(d.target_id, d);
  }
  const trustSource =
    policy.sourceRetired || believable(ws, "source", sourceIds, obs.source.length, settings);
  const trustTarget = believable(ws, "target", targetIds, obs.target.length, settings);
  applySource(ws, obs.source, people, bySourceId, sourceIds, trustSource);
  // applySource only adds devices without an Intune id and never changes one: byTargetId holds.
  applyTarget(ws, obs.target, people, byTargetId, targetIds, trustTarget);
  applyAccess(ws, obs, policy);
  applyExclusions(ws, settings);
  for (const d of ws.devices.values()) refreshState(ws, d, settings);
}

/** People and devices whose action finished (done, failed or cancelled) are free for the next decision. */
function releaseFinished(ws: WorkingSet, open: ReadonlySet<number>): void {
  for (const p of ws.people.values()) {
    if (p.ca_action_id !== null && !open.has(p.ca_action_id)) ws.updatePerson(p, { ca_action_id: null });
  }
  for (const d of ws.devices.values()) {
    if (d.action_id !== null && !open.has(d.action_id)) ws.updateDevice(d, { action_id: null });
  }
}

function applySource(
  ws: WorkingSet,
  records: SourceDeviceRecord[],
  people: Map<string, PersonRow>,
  bySourceId: ReadonlyMap<string, DeviceRow>,
  seen: ReadonlySet<string>,
  trusted: boolean,
): void {
  for (const r of records) {
    const existing = bySourceId.get(r.sourceId);
    if (!existing) {
      ws.addDevice(newDeviceFromSource(r, people, ws.now));
      ws.note({
        kind: "device-discovered",
        deviceId: `s-${r.sourceId}`,
        message: `found in the source: ${r.model}`,
      });
      continue;
    }
    const change: Partial<DeviceRow> = {};
    if (existing.source_presence !== r.enrollment) change.source_presence = r.enrollment;
    if (r.lastSeenAt !== undefined && existing.source_last_seen !== r.lastSeenAt)
      change.source_last_seen = r.lastSeenAt;
    if (existing.os_version !== r.osVersion) {
      change.os_version = r.osVersion;
      // An OS update can make an unsupported device migratable: readiness is re-decided.
      const owner = existing.person_id ? ws.people.get(existing.person_id) : undefined;
      const verdict = decidePath({
        device: {
          ...(existing as unknown as { platform: Platform; mode: EnrollmentMode; ownership: Ownership }),
          osVersion: r.osVersion,
        },
        ownerInDirectory: owner?.directory_id != null,
      });
      change.path = verdict.path;
      change.path_why = verdict.why;
    }
    if (Object.keys(change).length > 0) ws.updateDevice(existing, change);
  }
  for (const d of ws.devices.values()) {
    if (!trusted) break;
    if (d.source_id && d.source_presence !== "absent" && !seen.has(d.source_id)) {
      ws.updateDevice(d, { source_presence: "absent", source_left_at: ws.now });
      ws.note({
        kind: "source-left",
        deviceId: d.id,
        personId: d.person_id,
        message: "no longer in the source (verified by inventory)",
      });
    }
  }
}

function newDeviceFromSource(r: SourceDeviceRecord, people: Map<string, PersonRow>, now: number): DeviceRow {
  const owner = r.ownerUpn ? people.get(r.ownerUpn.toLowerCase()) : undefined;
  const verdict = decidePath({ device: r, ownerInDirectory: owner?.directory_id != null });
  const why =
    r.ownerUpn && !owner ? `owner ${r.ownerUpn} is not in the directory: assign one first` : verdict.why;
  return {
    ...blankDevice(`s-${r.sourceId}`, now),
    person_id: owner?.id ?? null,
    origin: "source",
    platform: r.platform,
    mode: r.mode,
    ownership: r.ownership,
    os_version: r.osVersion,
    model: r.model,
    manufacturer: r.manufacturer,
    ...identifierColumns(r.identifiers),
    path: verdict.path,
    path_why: why,
    source_id: r.sourceId,
    source_presence: r.enrollment,
    source_last_seen: r.lastSeenAt ?? null,
  };
}

function applyTarget(
  ws: WorkingSet,
  records: TargetDeviceRecord[],
  people: Map<string, PersonRow>,
  byTargetId: ReadonlyMap<string, DeviceRow>,
  seen: ReadonlySet<string>,
  trusted: boolean,
): void {
  const unknown: TargetDeviceRecord[] = [];
  for (const r of records) {
    const existing = byTargetId.get(r.targetId);
    if (existing) {
      if (existing.target_compliance !== r.compliance)
        ws.updateDevice(existing, { target_compliance: r.compliance });
    } else unknown.push(r);
  }
  for (const d of ws.devices.values()) {
    if (!trusted) break;
    if (d.target_id && !seen.has(d.target_id)) {
      ws.note({
        kind: "target-left",
        deviceId: d.id,
        personId: d.person_id,
        message: `Intune record ${d.target_id} is gone`,
      });
      ws.updateDevice(d, { target_id: null, target_compliance: null, target_enrolled_at: null });
    }
  }
  if (unknown.length === 0) return;
  const matcher = new DeviceMatcher(
    [...ws.devices.values()]
      .filter((d) => !d.target_id && !d.retired_reason)
      .map((d) => ({
        id: d.id,
        platform: d.platform as Platform,
        personId: d.person_id ?? undefined,
        model: d.model,
        identifiers: identifiersOf(d),
      })),
  );
  for (const r of unknown) {
    const owner = r.userPrincipalName ? people.get(r.userPrincipalName.toLowerCase()) : undefined;
    const match = matcher.take({
      platform: r.platform,
      personId: owner?.id,
      model: r.model,
      identifiers: r.identifiers,
    });
    const enrolled = {
      target_id: r.targetId,
      target_compliance: r.compliance,
      target_enrolled_at: r.enrolledAt,
    };
    if (match) {
      const device = ws.devices.get(match.deviceId)!;
      ws.updateDevice(device, { ...enrolled, match_rule: match.rule, os_version: r.osVersion });
      ws.note({
        kind: "target-matched",
        deviceId: device.id,
        personId: device.person_id,
        message: `enrolled in Intune as ${r.targetId}, matched by ${match.rule}`,
      });
      continue;
    }
    const id = `t-${r.targetId}`;
    ws.addDevice({
      ...blankDevice(id, ws.now),
      ...enrolled,
      person_id: owner?.id ?? null,
      origin: "target",
      platform: r.platform,
      mode: "unknown",
      ownership: "personal",
      os_version: r.osVersion,
      model: r.model,
      manufacturer: r.manufacturer,
      ...identifierColumns(r.identifiers),
      path: "self-service",
      path_why: "appeared in Intune without a matching source device (new or replacement device)",
      source_presence: "absent",
    });
    ws.note({
      kind: "target-new",
      deviceId: id,
      personId: owner?.id ?? null,
      message: `new Intune device ${r.model}`,
    });
  }
}

function applyAccess(ws: WorkingSet, obs: Observations, policy: PolicyView): void {
  for (const p of ws.people.values()) {
    const change: Partial<PersonRow> = {};
    const excluded = obs.sourceExcluded.has(p.upn.toLowerCase());
    if (excluded !== (p.source_excluded === 1)) {
      change.source_excluded = excluded ? 1 : 0;
      change.source_excluded_since = excluded ? ws.now : null;
    }
    const exempt = p.directory_id !== null && obs.targetExempt.has(p.directory_id);
    if (exempt !== (p.target_exempt === 1)) {
      change.target_exempt = exempt ? 1 : 0;
      change.target_exempt_since = exempt ? ws.now : null;
    }
    const governance = deriveGovernance({
      sourcePolicyEnabled: obs.sourcePolicyEnabled,
      sourceExcluded: excluded,
      targetPolicyEnabled: policy.targetPolicyEnabled,
      targetExempt: exempt,
      breakGlass: p.break_glass === 1,
    });
    if (governance !== p.ca_governance) {
      change.ca_governance = governance;
      change.ca_since = ws.now;
      ws.note({
        kind: governance === "both" ? "alert-both" : "ca-governance",
        personId: p.id,
        waveId: p.wave_id,
        message:
          governance === "both"
            ? "under both products' conditional access: repairing"
            : `conditional access now governed by ${governance}`,
      });
    }
    if (Object.keys(change).length > 0) ws.updatePerson(p, change);
  }
}

/** Exclusions that follow from facts: readiness, break-glass owners, staleness, abandonment. */
function applyExclusions(ws: WorkingSet, settings: EngineSettings): void {
  for (const d of ws.devices.values()) {
    if (d.excluded_reason === "abandoned-in-limbo" && d.target_id && !d.retired_reason) {
      // Given up on, then enrolled after all (a person back from leave): it is migrating
      // again, and counts as migrated once Intune has it, not as abandoned.
      ws.updateDevice(d, { excluded_reason: null });
      ws.note({
        kind: "device-returned",
        deviceId: d.id,
        personId: d.person_id,
        message: "back from limbo: enrolled in Intune after it was given up on",
      });
      continue;
    }
    if (d.excluded_reason || d.retired_reason || d.target_id) continue;
    let reason: ExclusionReason | undefined;
    const owner = d.person_id ? ws.people.get(d.person_id) : undefined;
    if (d.path === "unsupported-os" || d.path === "no-owner") reason = d.path;
    else if (owner?.break_glass === 1) reason = "break-glass";
    else if (
      d.source_presence !== "absent" &&
      d.source_last_seen !== null &&
      ws.now - d.source_last_seen > settings.staleAfter
    )
      reason = "stale";
    else if (d.state === "limbo" && ws.now - d.state_since > settings.limboGiveUpAfter)
      reason = "abandoned-in-limbo";
    if (reason) {
      ws.updateDevice(d, { excluded_reason: reason });
      ws.note({
        kind: "device-excluded",
        deviceId: d.id,
        personId: d.person_id,
        message: `excluded: ${reason}`,
      });
    }
  }
}

export function refreshState(
  ws: WorkingSet,
  d: DeviceRow,
  settings: Pick<EngineSettings, "staleAfter">,
): void {
  const facts: DeviceFacts = {
    sourceLeftover:
      d.source_presence === "retire-pending" &&
      d.source_last_seen !== null &&
      ws.now - d.source_last_seen > settings.staleAfter,
    source: d.source_presence as SourcePresence,
    target: d.target_id ? ((d.target_compliance ?? "unknown") as TargetCompliance) : undefined,
    unenrollRequested: d.unenroll_requested_at !== null,
    excluded: (d.excluded_reason ?? undefined) as ExclusionReason | undefined,
    retired: (d.retired_reason ?? undefined) as RetirementReason | undefined,
  };
  const state = deriveState(facts);
  if (state === d.state) return;
  ws.note({ kind: "device-state", deviceId: d.id, personId: d.person_id, message: `${d.state} → ${state}` });
  ws.updateDevice(d, { state, state_since: ws.now });
}

function identifierColumns(ids: ReturnType<typeof normaliseIdentifiers>) {
  return {
    serial: ids.serial ?? null,
    imei: ids.imei ?? null,
    meid: ids.meid ?? null,
    udid: ids.udid ?? null,
    wifi_mac: ids.wifiMac ?? null,
  };
}

export function identifiersOf(d: DeviceRow) {
  return normaliseIdentifiers({
    serial: d.serial,
    imei: d.imei,
    meid: d.meid,
    udid: d.udid,
    wifiMac: d.wifi_mac,
  });
}

export function blankDevice(id: string, now: number): DeviceRow {
  return {
    id,
    person_id: null,
    origin: "source",
    platform: "ios",
    mode: "apple-device",
    ownership: "personal",
    os_version: "",
    model: "",
    manufacturer: "",
    serial: null,
    imei: null,
    meid: null,
    udid: null,
    wifi_mac: null,
    path: "self-service",
    path_why: "",
    source_id: null,
    source_presence: "absent",
    source_last_seen: null,
    source_left_at: null,
    target_id: null,
    target_compliance: null,
    target_enrolled_at: null,
    match_rule: null,
    unenroll_requested_at: null,
    reset_notice_at: null,
    apple_deadline_at: null,
    excluded_reason: null,
    retired_reason: null,
    state: "in-source",
    state_since: now,
    action_id: null,
    retire_requested_at: null,
    retire_requested_by: null,
    limbo_escalated_at: null,
  };
}
