/**
 * A synthetic installation for benchmarks: N devices, ~N/1.5 people, seven waves, in the
 * middle of a migration. Everything is a pure function of an index, so the store rows
 * (seeded here) and the inventories the synthetic ports report (synthetic-ports.ts) are
 * computed by the same code and agree exactly: a pass over the seeded store sees nothing
 * it did not expect, and does only the work the snapshot calls for.
 *
 * The snapshot (shares of people; devices follow their owner):
 *   w1 Pilot   1%  complete   — devices migrated (Intune only, gone from the source)
 *   w2 Wave 2  24% complete   — same
 *   w3 Wave 3  8%  enforced   — 85% of devices migrated; the rest in the source, reminders due for some
 *   w4 Wave 4  10% handover   — 60% of people released (source CA excluded, settled): instructions,
 *                               retires, Apple reassignments, reset notices are decided; 30% of their
 *                               devices just enrolled in Intune and are unknown to the store (matching);
 *                               the other 40% still under the source's CA (source-exclude batches)
 *   w5 Wave 5  5%  announced  — nothing to do yet
 *   w6 Wave 6  5%  scheduled  — due now: announced during the pass (one mail per person)
 *   w7 Wave 7  47% draft
 * plus two break-glass accounts (no wave, no devices). Across waves: unsupported OS (excluded),
 * 0.5% of devices without an owner (excluded), 1% stale outside finished waves (excluded).
 * About 31% of devices are enrolled in Intune; the source lists the other ~69%.
 */
import SQLite from "better-sqlite3";
import { deriveState } from "../src/core/device-state.ts";
import type { ExclusionReason, ReadinessPath, WaveSettings, WaveStatus } from "../src/core/model.ts";
import type { EnrollmentMode, Ownership, Platform } from "../src/core/platform.ts";
import type { SourceDeviceRecord, TargetDeviceRecord } from "../src/core/ports/index.ts";
import { decidePath } from "../src/core/readiness.ts";
import { DAY, HOUR, MINUTE } from "../src/core/time.ts";
import { DEMO_PILOT_MODE, DEMO_WAVE_SETTINGS } from "../src/demo/settings.ts";
import { blankDevice } from "../src/engine/apply-observations.ts";
import type { DeviceRow, PersonRow, WaveRow } from "../src/store/schema.ts";

/** The benchmark's fixed "now" (a ManualClock is set to it): Monday 1 March 2027, 08:00 UTC. */
export const BENCH_NOW = Date.UTC(2027, 2, 1, 8, 0, 0);

const BREAK_GLASS_ACCOUNTS = 2;

// --- deterministic hashing -------------------------------------------------------------

/** A 32-bit integer hash of (namespace, index). */
function mix(ns: number, i: number): number {
  let h = Math.imul(ns ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A number in [0, 1) from (namespace, index). */
function unit(ns: number, i: number): number {
  return mix(ns, i) / 0x1_0000_0000;
}

const NS = {
  profile: 1,
  model: 2,
  migrated: 3,
  compliance: 4,
  seen: 5,
  stale: 6,
  released: 7,
  enrolledNow: 8,
  reminder: 9,
  vip: 10,
  sourceGuid: 11,
  targetGuid: 12,
  directoryGuid: 13,
} as const;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0").slice(-width);
}

/** A GUID-shaped id, unique per (namespace, index): vendor ids look like this. */
function guid(ns: number, i: number): string {
  const a = mix(ns, i);
  const b = mix(ns + 100, i);
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b & 0xfff, 3)}-8${hex(ns, 3)}-${hex(i, 12)}`;
}

// --- the organisation -------------------------------------------------------------------

export interface WaveDef {
  id: string;
  name: string;
  ordinal: number;
  /** share of (non-break-glass) people */
  share: number;
  status: WaveStatus;
  pilot: boolean;
}

export const WAVES: readonly WaveDef[] = [
  { id: "w1", name: "Pilot", ordinal: 1, share: 0.01, status: "complete", pilot: true },
  { id: "w2", name: "Wave 2", ordinal: 2, share: 0.24, status: "complete", pilot: false },
  { id: "w3", name: "Wave 3", ordinal: 3, share: 0.08, status: "enforced", pilot: false },
  { id: "w4", name: "Wave 4", ordinal: 4, share: 0.1, status: "handover", pilot: false },
  { id: "w5", name: "Wave 5", ordinal: 5, share: 0.05, status: "announced", pilot: false },
  { id: "w6", name: "Wave 6", ordinal: 6, share: 0.05, status: "scheduled", pilot: false },
  { id: "w7", name: "Wave 7", ordinal: 7, share: 0.47, status: "draft", pilot: false },
];

interface Profile {
  platform: Platform;
  mode: EnrollmentMode;
  ownership: Ownership;
  os: string;
  manufacturer: string;
  models: readonly string[];
  ids: readonly ("serial" | "imei" | "udid" | "wifiMac")[];
  weight: number;
  path: ReadinessPath;
  why: string;
}

const PROFILES: Profile[] = (
  [
    // personal iPhones: the owner leaves the old product themselves
    [
      "ios",
      "apple-device",
      "personal",
      "18.5",
      "Apple",
      ["iPhone 15", "iPhone 14", "iPhone 16"],
      ["serial", "imei", "udid", "wifiMac"],
      35,
    ],
    // Android 12+ personal work profile: no hardware identifiers at all (matched by person + model)
    [
      "android",
      "android-work-profile",
      "personal",
      "14",
      "Samsung",
      ["Galaxy S23", "Galaxy A54", "Pixel 8"],
      [],
      15,
    ],
    // corporate devices Ferry retires remotely
    [
      "ios",
      "apple-device",
      "corporate",
      "18.1",
      "Apple",
      ["iPhone 13", "iPhone 15"],
      ["serial", "imei", "udid", "wifiMac"],
      10,
    ],
    [
      "windows",
      "windows",
      "corporate",
      "10.0.22631",
      "Dell",
      ["Latitude 5440", "Latitude 7440"],
      ["serial", "wifiMac"],
      12,
    ],
    [
      "macos",
      "macos-profile",
      "corporate",
      "15.2",
      "Apple",
      ["MacBook Air", "MacBook Pro"],
      ["serial", "udid", "wifiMac"],
      5,
    ],
    // Apple ADE on 26: reassigned in Apple Business Manager with a deadline
    [
      "ios",
      "apple-ade",
      "corporate",
      "26.1",
      "Apple",
      ["iPhone 16", "iPad Air"],
      ["serial", "imei", "udid", "wifiMac"],
      8,
    ],
    // factory resets
    [
      "ios",
      "apple-ade",
      "corporate",
      "17.6",
      "Apple",
      ["iPhone 12", "iPad"],
      ["serial", "imei", "udid", "wifiMac"],
      4,
    ],
    [
      "android",
      "android-fully-managed",
      "corporate",
      "13",
      "Zebra",
      ["TC52", "TC57"],
      ["serial", "imei", "wifiMac"],
      5,
    ],
    // below Intune's minimum: excluded
    [
      "ios",
      "apple-device",
      "personal",
      "16.7",
      "Apple",
      ["iPhone 8", "iPhone X"],
      ["serial", "imei", "udid"],
      4,
    ],
    // Apple User Enrollment: no hardware identifiers
    ["ios", "apple-user-enrollment", "personal", "18.3", "Apple", ["iPhone 15", "iPhone 14"], [], 2],
  ] as const
).map(([platform, mode, ownership, os, manufacturer, models, ids, weight]) => {
  const verdict = decidePath({
    device: { platform, mode, ownership, osVersion: os },
    ownerInDirectory: true,
  });
  return {
    platform,
    mode,
    ownership,
    os,
    manufacturer,
    models,
    ids,
    weight,
    path: verdict.path,
    why: verdict.why,
  };
});

const PROFILE_CUMULATIVE = (() => {
  const total = PROFILES.reduce((s, p) => s + p.weight, 0);
  let acc = 0;
  return PROFILES.map((p) => {
    acc += p.weight / total;
    return acc;
  });
})();

const NO_OWNER = decidePath({
  device: { platform: "ios", mode: "apple-device", ownership: "personal", osVersion: "18.5" },
  ownerInDirectory: false,
});

const DEPARTMENTS = ["Sales", "Finance", "Engineering", "Support", "Marketing", "Legal", "HR", "Operations"];
const LOCATIONS = ["London", "Berlin", "Paris", "Madrid", "Warsaw", "Dublin", "Lisbon"];

export type DeviceStage = "migrated" | "in-source" | "retire-pending" | "excluded" | "enrolled-now";

export interface DeviceFacts {
  index: number;
  owner: number | undefined;
  profile: Profile;
  model: string;
  stage: DeviceStage;
  excluded: ExclusionReason | undefined;
}

export interface PersonFacts {
  index: number;
  wave: WaveDef | undefined;
  breakGlass: boolean;
  /** w4 only: out of the source's CA (settled), so devices are decided */
  released: boolean;
  /** w3 only: a reminder falls due in this pass */
  reminderDue: boolean;
}

/**
 * The installation of one size. Device j belongs to person floor(2j/3) (people own one or two
 * devices), except every 200th device, which has no owner.
 */
export class Installation {
  readonly devices: number;
  /** people who own devices (break-glass accounts come after them) */
  readonly owners: number;
  readonly people: number;
  readonly now: number;
  readonly #waveEnds: number[];

  constructor(devices: number, now = BENCH_NOW) {
    if (!Number.isInteger(devices) || devices < 1)
      throw new RangeError(`devices must be >= 1, got ${devices}`);
    this.devices = devices;
    this.owners = Math.floor((2 * (devices - 1)) / 3) + 1;
    this.people = this.owners + BREAK_GLASS_ACCOUNTS;
    this.now = now;
    let acc = 0;
    this.#waveEnds = WAVES.map((w) => {
      acc += w.share;
      return Math.round(acc * this.owners);
    });
    this.#waveEnds[this.#waveEnds.length - 1] = this.owners;
  }

  // --- people ---------------------------------------------------------------------------

  directoryId(k: number): string {
    return guid(NS.directoryGuid, k);
  }

  personId(k: number): string {
    return `p-${this.directoryId(k)}`;
  }

  upn(k: number): string {
    return k >= this.owners ? `breakglass${k - this.owners + 1}@contoso.example` : `user${k}@contoso.example`;
  }

  /** The person index behind a UPN or e-mail address this installation made, or undefined. */
  personIndexOf(address: string): number | undefined {
    const m = /^(user|first\.last|breakglass)(\d+)@contoso\.example$/i.exec(address);
    if (!m) return undefined;
    const k = m[1]!.toLowerCase() === "breakglass" ? this.owners + Number(m[2]) - 1 : Number(m[2]);
    return k < this.people ? k : undefined;
  }

  person(k: number): PersonFacts {
    if (k >= this.owners)
      return { index: k, wave: undefined, breakGlass: true, released: false, reminderDue: false };
    let w = 0;
    while (k >= this.#waveEnds[w]!) w++;
    const wave = WAVES[w]!;
    return {
      index: k,
      wave,
      breakGlass: false,
      released: wave.status === "handover" && unit(NS.released, k) < 0.6,
      reminderDue: wave.status === "enforced" && unit(NS.reminder, k) < 0.25,
    };
  }

  /** What the source's CA exclusion list and Intune's not-yet-migrated group say of a person. */
  access(p: PersonFacts): { sourceExcluded: boolean; targetExempt: boolean } {
    const status = p.wave?.status;
    if (status === "complete" || status === "enforced") return { sourceExcluded: true, targetExempt: false };
    if (p.released) return { sourceExcluded: true, targetExempt: true };
    return { sourceExcluded: false, targetExempt: true };
  }

  personRow(k: number): PersonRow {
    const p = this.person(k);
    const now = this.now;
    const t = waveTimes(p.wave, now);
    const { sourceExcluded, targetExempt } = this.access(p);
    const governance = sourceExcluded ? (targetExempt ? "none" : "target") : "source";
    const excludedSince = !sourceExcluded
      ? null
      : p.released
        ? now - 100 * MINUTE
        : t.handoverAt! + 40 * MINUTE;
    const status = p.wave?.status;
    const decided = status === "complete" || status === "enforced";
    return {
      id: this.personId(k),
      upn: this.upn(k),
      email: p.breakGlass ? this.upn(k) : `first.last${k}@contoso.example`,
      display_name: p.breakGlass ? `Break glass ${k - this.owners + 1}` : `User ${k}`,
      department: DEPARTMENTS[k % DEPARTMENTS.length]!,
      location: LOCATIONS[(k * 7) % LOCATIONS.length]!,
      time_zone: "Europe/London",
      locale: "en-GB",
      vip: unit(NS.vip, k) < 0.002 ? 1 : 0,
      break_glass: p.breakGlass ? 1 : 0,
      directory_id: this.directoryId(k),
      wave_id: p.wave ? p.wave.id : null,
      source_excluded: sourceExcluded ? 1 : 0,
      source_excluded_since: excludedSince,
      target_exempt: targetExempt ? 1 : 0,
      target_exempt_since: targetExempt ? now - 20 * DAY : null,
      ca_governance: governance,
      ca_since: governance === "source" ? now - 20 * DAY : excludedSince!,
      ca_action_id: null,
      ca_seq: governance === "target" ? 2 : governance === "none" ? 1 : 0,
      instructions_at: decided ? t.handoverAt! + HOUR : null,
      reminders_sent: status === "enforced" ? 2 : 0,
      last_reminder_at: status === "enforced" ? (p.reminderDue ? now - 2 * DAY - HOUR : now - DAY) : null,
      deadline_notice_at: decided ? now - DAY : null,
      blocked_notice_at: decided ? t.enforcedAt! : null,
      done_notice_at: status === "complete" ? t.completedAt! : null,
      deadline_extension: 0,
    };
  }

  waveRow(w: WaveDef): WaveRow {
    const t = waveTimes(w, this.now);
    const settings: WaveSettings = w.pilot
      ? { ...DEMO_WAVE_SETTINGS, caMode: DEMO_PILOT_MODE, successThreshold: 0.9 }
      : DEMO_WAVE_SETTINGS;
    const first = w.ordinal - 1;
    return {
      id: w.id,
      name: w.name,
      ordinal: w.ordinal,
      pilot: w.pilot ? 1 : 0,
      status: w.status,
      settings: JSON.stringify(settings),
      groups: JSON.stringify([
        `${DEPARTMENTS[first % DEPARTMENTS.length]} / ${LOCATIONS[first % LOCATIONS.length]}`,
      ]),
      announce_at: t.announceAt,
      announced_at: t.announcedAt,
      handover_at: t.handoverAt,
      enforced_at: t.enforcedAt,
      completed_at: t.completedAt,
      rolled_back_at: null,
      rollbacks: 0,
    };
  }

  // --- devices --------------------------------------------------------------------------

  device(j: number): DeviceFacts {
    const owner = j % 200 === 199 ? undefined : Math.floor((2 * j) / 3);
    const r = unit(NS.profile, j);
    let pi = 0;
    while (pi < PROFILE_CUMULATIVE.length - 1 && r >= PROFILE_CUMULATIVE[pi]!) pi++;
    const profile = PROFILES[pi]!;
    const model = profile.models[mix(NS.model, j) % profile.models.length]!;
    const base = { index: j, owner, profile, model };
    if (owner === undefined) return { ...base, stage: "excluded", excluded: "no-owner" };
    if (profile.path === "unsupported-os") return { ...base, stage: "excluded", excluded: "unsupported-os" };
    const p = this.person(owner);
    const status = p.wave?.status;
    if (status === "complete") return { ...base, stage: "migrated", excluded: undefined };
    if (unit(NS.stale, j) < 0.01) return { ...base, stage: "excluded", excluded: "stale" };
    if (status === "enforced") {
      if (unit(NS.migrated, j) < 0.85) return { ...base, stage: "migrated", excluded: undefined };
      const stage = profile.path === "admin-retire" ? "retire-pending" : "in-source";
      return { ...base, stage, excluded: undefined };
    }
    if (p.released && unit(NS.enrolledNow, j) < 0.3)
      return { ...base, stage: "enrolled-now", excluded: undefined };
    return { ...base, stage: "in-source", excluded: undefined };
  }

  sourceId(j: number): string {
    return guid(NS.sourceGuid, j);
  }

  targetId(j: number): string {
    return guid(NS.targetGuid, j);
  }

  identifiers(f: DeviceFacts): { serial?: string; imei?: string; udid?: string; wifiMac?: string } {
    const j = f.index;
    const out: { serial?: string; imei?: string; udid?: string; wifiMac?: string } = {};
    for (const kind of f.profile.ids) {
      if (kind === "serial") out.serial = `C${j.toString(36).toUpperCase().padStart(11, "0")}`;
      else if (kind === "imei") out.imei = `35${String(j).padStart(13, "0")}`;
      else if (kind === "udid")
        out.udid = `00008110${hex(mix(NS.sourceGuid + 50, j), 8).toUpperCase()}${hex(j, 16).toUpperCase()}`;
      else out.wifiMac = `F0${hex(j, 10).toUpperCase()}`;
    }
    return out;
  }

  /** When the source last saw the device. */
  lastSeen(f: DeviceFacts): number {
    if (f.excluded === "stale") return this.now - 40 * DAY;
    if (f.stage === "retire-pending") return this.now - 2 * DAY - HOUR;
    if (f.stage === "migrated") return this.migratedAt(f) - HOUR;
    return this.now - Math.floor(unit(NS.seen, f.index) * 3 * DAY);
  }

  migratedAt(f: DeviceFacts): number {
    const status = f.owner === undefined ? undefined : this.person(f.owner).wave?.status;
    return this.now - (status === "complete" ? 30 * DAY : 5 * DAY) + (f.index % 10) * HOUR;
  }

  inSource(f: DeviceFacts): boolean {
    return f.stage !== "migrated";
  }

  /** Known to Intune: migrated, or enrolled just now (then unknown to the store). */
  inTarget(f: DeviceFacts): boolean {
    return f.stage === "migrated" || f.stage === "enrolled-now";
  }

  compliance(f: DeviceFacts): "unknown" | "compliant" | "noncompliant" {
    if (f.stage === "enrolled-now") return "unknown";
    return unit(NS.compliance, f.index) < 0.93 ? "compliant" : "noncompliant";
  }

  sourceRecord(f: DeviceFacts): SourceDeviceRecord {
    return {
      sourceId: this.sourceId(f.index),
      ownerUpn: f.owner === undefined ? undefined : this.upn(f.owner),
      platform: f.profile.platform,
      mode: f.profile.mode,
      ownership: f.profile.ownership,
      osVersion: f.profile.os,
      model: f.model,
      manufacturer: f.profile.manufacturer,
      identifiers: this.identifiers(f),
      enrollment: f.stage === "retire-pending" ? "retire-pending" : "enrolled",
      lastSeenAt: this.lastSeen(f),
    };
  }

  targetRecord(f: DeviceFacts): TargetDeviceRecord {
    return {
      targetId: this.targetId(f.index),
      userPrincipalName: f.owner === undefined ? undefined : this.upn(f.owner),
      platform: f.profile.platform,
      osVersion: f.profile.os,
      model: f.model,
      manufacturer: f.profile.manufacturer,
      identifiers: this.identifiers(f),
      compliance: this.compliance(f),
      enrolledAt: f.stage === "enrolled-now" ? this.now - 30 * MINUTE : this.migratedAt(f) - HOUR,
    };
  }

  deviceRow(j: number): DeviceRow {
    const f = this.device(j);
    const ids = this.identifiers(f);
    const now = this.now;
    const path = f.owner === undefined ? NO_OWNER : { path: f.profile.path, why: f.profile.why };
    const migrated = f.stage === "migrated";
    const at = migrated ? this.migratedAt(f) : 0;
    const ownerStatus = f.owner === undefined ? undefined : this.person(f.owner).wave?.status;
    const enforcedWave = ownerStatus === "enforced";
    const sourcePresence = migrated ? "absent" : f.stage === "retire-pending" ? "retire-pending" : "enrolled";
    const unenrollAt =
      f.stage === "retire-pending"
        ? now - 2 * DAY
        : migrated && path.path === "admin-retire"
          ? at - 2 * HOUR
          : null;
    const targetCompliance = migrated ? this.compliance(f) : null;
    const state = deriveState({
      source: sourcePresence,
      target: migrated ? (targetCompliance ?? "unknown") : undefined,
      unenrollRequested: unenrollAt !== null,
      excluded: f.excluded,
      retired: undefined,
    });
    const id = `s-${this.sourceId(j)}`;
    return {
      // the engine's own blank row first: columns added to the schema later keep their defaults
      ...blankDevice(id, now),
      id,
      person_id: f.owner === undefined ? null : this.personId(f.owner),
      origin: "source",
      platform: f.profile.platform,
      mode: f.profile.mode,
      ownership: f.profile.ownership,
      os_version: f.profile.os,
      model: f.model,
      manufacturer: f.profile.manufacturer,
      serial: ids.serial ?? null,
      imei: ids.imei ?? null,
      meid: null,
      udid: ids.udid ?? null,
      wifi_mac: ids.wifiMac ?? null,
      path: path.path,
      path_why: path.why,
      source_id: this.sourceId(j),
      source_presence: sourcePresence,
      source_last_seen: this.lastSeen(f),
      source_left_at: migrated ? at : null,
      target_id: migrated ? this.targetId(j) : null,
      target_compliance: targetCompliance,
      target_enrolled_at: migrated ? at - HOUR : null,
      match_rule: migrated ? (ids.serial ? "serial" : "person-model") : null,
      unenroll_requested_at: unenrollAt,
      reset_notice_at: path.path === "factory-reset" && (migrated || enforcedWave) ? now - 8 * DAY : null,
      apple_deadline_at:
        path.path === "apple-migration-deadline" && (migrated || enforcedWave) ? now + 20 * DAY : null,
      excluded_reason: f.excluded ?? null,
      retired_reason: null,
      state,
      state_since: migrated ? at : now - 20 * DAY,
      action_id: null,
    };
  }
}

interface WaveTimes {
  announceAt: number;
  announcedAt: number | null;
  handoverAt: number | null;
  enforcedAt: number | null;
  completedAt: number | null;
}

function waveTimes(w: WaveDef | undefined, now: number): WaveTimes {
  const none = { announcedAt: null, handoverAt: null, enforcedAt: null, completedAt: null };
  switch (w?.id) {
    case "w1":
      return {
        announceAt: now - 60 * DAY,
        announcedAt: now - 60 * DAY,
        handoverAt: now - 57 * DAY,
        enforcedAt: now - 57 * DAY,
        completedAt: now - 45 * DAY,
      };
    case "w2":
      return {
        announceAt: now - 45 * DAY,
        announcedAt: now - 45 * DAY,
        handoverAt: now - 42 * DAY,
        enforcedAt: now - 39 * DAY,
        completedAt: now - 25 * DAY,
      };
    case "w3":
      return {
        announceAt: now - 13 * DAY,
        announcedAt: now - 13 * DAY,
        handoverAt: now - 10 * DAY,
        enforcedAt: now - 7 * DAY,
        completedAt: null,
      };
    case "w4":
      return {
        ...none,
        announceAt: now - 3 * DAY - 2 * HOUR,
        announcedAt: now - 3 * DAY - 2 * HOUR,
        handoverAt: now - 2 * HOUR,
      };
    case "w5":
      return { ...none, announceAt: now - DAY, announcedAt: now - DAY };
    case "w6":
      return { ...none, announceAt: now - MINUTE };
    default:
      return { ...none, announceAt: now + 14 * DAY };
  }
}

// --- seeding ----------------------------------------------------------------------------

export interface SeedStats {
  people: number;
  devices: number;
  waves: number;
  /** inserting every row (one transaction, prepared statements) */
  insertMs: number;
  /** PRAGMA wal_checkpoint(TRUNCATE) afterwards, so the pass starts with an empty WAL */
  checkpointMs: number;
  dbBytes: number;
}

/**
 * Writes the installation into a store that `openSqliteStore` created (and migrated) at
 * `path`. It uses its own better-sqlite3 connection and prepared INSERT statements in one
 * transaction: the fastest way in (Kysely's per-statement compile and 500-row batches are
 * several times slower at 1M rows). Foreign keys are checked as the store checks them.
 */
export function seedStore(path: string, inst: Installation, options: { devices?: boolean } = {}): SeedStats {
  const withDevices = options.devices ?? true;
  const t0 = performance.now();
  const db = new SQLite(path);
  try {
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("cache_size = -262144"); // 256 MiB for this connection only: index builds are the slow part
    const insert = <T extends object>(table: string, sample: T) => {
      const cols = Object.keys(sample);
      const stmt = db.prepare(
        `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`,
      );
      return (row: T) => stmt.run(...cols.map((c) => (row as Record<string, unknown>)[c]));
    };
    db.transaction(() => {
      const wave = insert("waves", inst.waveRow(WAVES[0]!));
      for (const w of WAVES) wave(inst.waveRow(w));
      const person = insert("people", inst.personRow(0));
      for (let k = 0; k < inst.people; k++) person(inst.personRow(k));
      if (withDevices) {
        const device = insert("devices", inst.deviceRow(0));
        for (let j = 0; j < inst.devices; j++) device(inst.deviceRow(j));
      }
    })();
    const t1 = performance.now();
    db.pragma("wal_checkpoint(TRUNCATE)");
    const t2 = performance.now();
    const pages = db.pragma("page_count", { simple: true }) as number;
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    return {
      people: inst.people,
      devices: withDevices ? inst.devices : 0,
      waves: WAVES.length,
      insertMs: t1 - t0,
      checkpointMs: t2 - t1,
      dbBytes: pages * pageSize,
    };
  } finally {
    db.close();
  }
}

/** Rows per INSERT when seeding PostgreSQL: one array parameter per column, so any count fits. */
const PG_ROWS_PER_INSERT = 10_000;

/**
 * Writes the installation into a PostgreSQL store that `openPostgresStore` created (and
 * migrated) in `schema`, through its own connection, in one transaction. `pg` has no COPY
 * without pg-copy-streams (not a dependency), so each statement inserts 10,000 rows from one
 * array per column — `insert … select * from unnest($1::text[], $2::bigint[], …)` — which
 * PostgreSQL parses as one statement with ~35 parameters rather than 350,000. Then ANALYZE, as
 * autovacuum would have done in a real installation long before a pass (*checkpoint* in
 * SeedStats; `dbBytes` is the schema's tables and indexes).
 */
export async function seedPostgres(url: string, schema: string, inst: Installation): Promise<SeedStats> {
  const pg = (await import("pg")).default;
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const types = new Map<string, Map<string, string>>();
    for (const r of (
      await client.query<{ table_name: string; column_name: string; data_type: string }>(
        "select table_name, column_name, data_type from information_schema.columns where table_schema = $1",
        [schema],
      )
    ).rows) {
      const t = types.get(r.table_name) ?? new Map<string, string>();
      t.set(r.column_name, r.data_type);
      types.set(r.table_name, t);
    }
    const insert = async (table: string, count: number, row: (i: number) => object) => {
      const cols = Object.keys(row(0));
      const casts = cols.map((c, k) => `$${k + 1}::${types.get(table)?.get(c) ?? "text"}[]`);
      const text = `insert into ${table} (${cols.join(", ")}) select * from unnest(${casts.join(", ")})`;
      for (let start = 0; start < count; start += PG_ROWS_PER_INSERT) {
        const end = Math.min(count, start + PG_ROWS_PER_INSERT);
        const columns: unknown[][] = cols.map(() => new Array(end - start));
        for (let i = start; i < end; i++) {
          const r = row(i) as Record<string, unknown>;
          for (let k = 0; k < cols.length; k++) columns[k]![i - start] = r[cols[k]!];
        }
        await client.query(text, columns);
      }
    };
    await client.query("begin");
    await insert("waves", WAVES.length, (i) => inst.waveRow(WAVES[i]!));
    await insert("people", inst.people, (k) => inst.personRow(k));
    await insert("devices", inst.devices, (j) => inst.deviceRow(j));
    await client.query("commit");
    const t1 = performance.now();
    await client.query("analyze waves, people, devices");
    const t2 = performance.now();
    const size = await client.query<{ bytes: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relkind = 'r'`,
      [schema],
    );
    return {
      people: inst.people,
      devices: inst.devices,
      waves: WAVES.length,
      insertMs: t1 - t0,
      checkpointMs: t2 - t1,
      dbBytes: Number(size.rows[0]?.bytes ?? 0),
    };
  } finally {
    await client.end();
  }
}
