/**
 * The domain's records. These are plain data: rules live in the modules named after them
 * (readiness, matching, device-state, planner), storage in src/store.
 */
import type { DeviceIdentifiers } from "./identifiers.ts";
import type { EnrollmentMode, Ownership, Platform } from "./platform.ts";
import type { Millis } from "./time.ts";

/** Who governs a person's access right now: the old product, nobody (grace window), or Intune. */
export const CA_GOVERNANCES = ["source", "none", "target"] as const;
export type CaGovernance = (typeof CA_GOVERNANCES)[number];

export interface Person {
  id: string;
  upn: string;
  email: string;
  displayName: string;
  department: string;
  location: string;
  timeZone: string;
  locale: string;
  vip: boolean;
  /** Emergency accounts: never placed in a wave, never put under conditional access by Ferry. */
  breakGlass: boolean;
  /** The directory (Entra ID) object id, once the person is matched; undefined = not in the directory. */
  directoryId: string | undefined;
  waveId: string | undefined;
}

export const READINESS_PATHS = [
  "self-service",
  "admin-retire",
  "factory-reset",
  "apple-migration-deadline",
  "unsupported-os",
  "no-owner",
] as const;
export type ReadinessPath = (typeof READINESS_PATHS)[number];

export const DEVICE_STATES = [
  "in-source",
  "unenroll-requested",
  "limbo",
  "in-target",
  "compliant",
  "noncompliant",
  "in-both",
  "excluded",
  "retired",
] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** Why a device is left out of the migration. Every excluded device carries one. */
export const EXCLUSION_REASONS = [
  "unsupported-os",
  "no-owner",
  "break-glass",
  "stale", // not seen by the source for too long: lost or abandoned
  "abandoned-in-limbo", // left the old product and never reached Intune despite escalation
  "admin",
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const RETIREMENT_REASONS = ["lost", "replaced", "decommissioned"] as const;
export type RetirementReason = (typeof RETIREMENT_REASONS)[number];

/** What the source reports for a device. */
export type SourcePresence = "enrolled" | "retire-pending" | "absent";

export interface Device {
  id: string;
  personId: string | undefined;
  platform: Platform;
  mode: EnrollmentMode;
  ownership: Ownership;
  osVersion: string;
  model: string;
  manufacturer: string;
  identifiers: DeviceIdentifiers;
  path: ReadinessPath;
}

export const WAVE_STATUSES = [
  "draft",
  "scheduled",
  "announced",
  "handover",
  "enforced",
  "complete",
  "rolled-back",
] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export const CA_MODES = ["immediate", "grace"] as const;
export type CaMode = (typeof CA_MODES)[number];

/** How a wave is run. Durations are milliseconds; absolute times are set when a step happens. */
export interface WaveSettings {
  caMode: CaMode;
  /** grace mode: from confirmed source exclusion to Intune enforcement. */
  gracePeriod: Millis;
  /** from the announcement to the handover (source CA exclusion). */
  announceLead: Millis;
  /** from enforcement to the self-service deadline, after which Ferry retires remotely. */
  unenrollDeadline: Millis;
  reminderEvery: Millis;
  maxReminders: number;
  /** share (0..1) of the wave's migratable devices that must be migrated before the next wave starts. */
  successThreshold: number;
  /** Apple ADE on OS 26+: days given in Apple Business Manager (at most 90). */
  appleDeadline: Millis;
}

export interface Wave {
  id: string;
  name: string;
  ordinal: number;
  pilot: boolean;
  status: WaveStatus;
  settings: WaveSettings;
  /** planned announcement; the wave starts at this time or when the gate opens, whichever is later. */
  announceAt: Millis;
  announcedAt: Millis | undefined;
  handoverAt: Millis | undefined;
  enforcedAt: Millis | undefined;
  completedAt: Millis | undefined;
  rolledBackAt: Millis | undefined;
}
