/**
 * How people and devices look in API answers, and the plain-language next step for a device,
 * shared by the helpdesk page, the lists and the portal.
 */

import { Type } from "typebox";
import { isMigrated } from "../core/device-state.ts";
import { DEVICE_STATES, type DeviceState, READINESS_PATHS } from "../core/model.ts";
import { PLATFORMS } from "../core/platform.ts";
import { isReleased, unenrollDeadline } from "../engine/decide-devices.ts";
import { stepsFor } from "../engine/messages.ts";
import type { EngineSettings } from "../engine/settings.ts";
import { waveSettings } from "../engine/wave-view.ts";
import type { DeviceRow, PersonRow, WaveRow } from "../store/schema.ts";
import { Iso, IsoOrNull, iso, isoOrNull, StringEnum, StrOrNull } from "./schemas.ts";

export const DeviceStateSchema = StringEnum(DEVICE_STATES);
export const PathSchema = StringEnum(READINESS_PATHS);
export const PlatformSchema = StringEnum(PLATFORMS);
export const GovernanceSchema = StringEnum(["source", "none", "target", "both"] as const);

export const OwnerSchema = Type.Union([
  Type.Object({ id: Type.String(), displayName: Type.String(), upn: Type.String() }),
  Type.Null(),
]);

export const DeviceSchema = Type.Object({
  id: Type.String(),
  owner: OwnerSchema,
  origin: Type.String({
    description:
      '"source" when first seen in the old product, "target" when it appeared in Intune unannounced',
  }),
  platform: Type.String(),
  mode: Type.String(),
  ownership: Type.String(),
  osVersion: Type.String(),
  model: Type.String(),
  manufacturer: Type.String(),
  serial: StrOrNull,
  imei: StrOrNull,
  state: Type.String(),
  stateSince: Iso,
  stateAgeMs: Type.Number({ description: "time in the current state" }),
  path: Type.String(),
  pathWhy: Type.String(),
  sourcePresence: Type.String(),
  targetCompliance: StrOrNull,
  excludedReason: StrOrNull,
  retiredReason: StrOrNull,
  retireRequestedAt: IsoOrNull,
  retireRequestedBy: StrOrNull,
});

export interface OwnerColumns {
  owner_id: string | null;
  owner_name: string | null;
  owner_upn: string | null;
}

export function deviceView(d: DeviceRow & Partial<OwnerColumns>, now: number) {
  return {
    id: d.id,
    owner:
      d.owner_id && d.owner_name !== null && d.owner_name !== undefined
        ? { id: d.owner_id, displayName: d.owner_name, upn: d.owner_upn ?? "" }
        : null,
    origin: d.origin,
    platform: d.platform,
    mode: d.mode,
    ownership: d.ownership,
    osVersion: d.os_version,
    model: d.model,
    manufacturer: d.manufacturer,
    serial: d.serial,
    imei: d.imei,
    state: d.state,
    stateSince: iso(d.state_since),
    stateAgeMs: Math.max(0, now - d.state_since),
    path: d.path,
    pathWhy: d.path_why,
    sourcePresence: d.source_presence,
    targetCompliance: d.target_compliance,
    excludedReason: d.excluded_reason,
    retiredReason: d.retired_reason,
    retireRequestedAt: isoOrNull(d.retire_requested_at),
    retireRequestedBy: d.retire_requested_by,
  };
}

export const PersonSummarySchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  upn: Type.String(),
  email: Type.String(),
  department: Type.String(),
  location: Type.String(),
  vip: Type.Boolean(),
  breakGlass: Type.Boolean(),
  waveId: StrOrNull,
  governance: Type.String({
    description: "whose conditional access applies now: source | none | target | both",
  }),
  governanceSince: Iso,
});

export function personSummary(p: PersonRow) {
  return {
    id: p.id,
    displayName: p.display_name,
    upn: p.upn,
    email: p.email,
    department: p.department,
    location: p.location,
    vip: p.vip === 1,
    breakGlass: p.break_glass === 1,
    waveId: p.wave_id,
    governance: p.ca_governance,
    governanceSince: iso(p.ca_since),
  };
}

export const NextStepSchema = Type.Object({
  who: StringEnum(["person", "ferry", "nobody"] as const, {
    description: "who acts next: the person, Ferry (automatically, or IT through Ferry), or nobody",
  }),
  text: Type.String(),
});
export type NextStep = { who: "person" | "ferry" | "nobody"; text: string };

/** The next step for one device, in words for the helpdesk and the person alike. */
export function nextStep(d: DeviceRow, released: boolean): NextStep {
  const state = d.state as DeviceState;
  switch (state) {
    case "retired":
      return {
        who: "nobody",
        text: `Nothing: the device is marked ${d.retired_reason ?? "retired"} and has left the move.`,
      };
    case "excluded":
      return {
        who: "nobody",
        text: `Nothing for now: this device is not part of the move (${d.excluded_reason ?? "excluded"}). ${d.path_why}`.trim(),
      };
    case "compliant":
      return { who: "nobody", text: "Nothing: managed by Microsoft Intune and compliant." };
    case "in-target":
      return {
        who: "nobody",
        text: "Nothing: enrolled in Microsoft Intune; its compliance is being checked.",
      };
    case "noncompliant":
      return {
        who: "person",
        text: "Open Company Portal on the device and fix what it lists: the device is in Intune but not compliant.",
      };
    case "in-both":
      return {
        who: "ferry",
        text: "Nothing for the person: the device is in both systems and Ferry removes the old record once their access has moved.",
      };
    case "unenroll-requested":
      return { who: "ferry", text: `The old management is being removed remotely. Then: ${stepsFor(d)}` };
    case "limbo":
      return { who: "person", text: `The old management is gone; finish the move now: ${stepsFor(d)}` };
    default:
      if (!released)
        return {
          who: "nobody",
          text: "No action yet: step-by-step instructions arrive by e-mail when this person's wave starts its handover.",
        };
      if (d.path === "admin-retire" || d.retire_requested_at !== null)
        return { who: "ferry", text: stepsFor({ ...d, path: "admin-retire" }) };
      return { who: "person", text: stepsFor(d) };
  }
}

export function isOpen(d: DeviceRow): boolean {
  const s = d.state as DeviceState;
  return !isMigrated(s) && s !== "excluded" && s !== "retired";
}

/** The person's self-service deadline (after it, Ferry retires remotely), when it is known. */
export function deadlineOf(p: PersonRow, wave: WaveRow | undefined): number | undefined {
  if (!wave) return undefined;
  return unenrollDeadline(p, { settings: waveSettings(wave) });
}

export function released(p: PersonRow, now: number, settings: EngineSettings): boolean {
  return isReleased(p, now, settings);
}
