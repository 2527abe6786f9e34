/**
 * Jamf Pro records → Ferry's SourceDeviceRecord. Pure: no I/O, no clock.
 *
 * Jamf numbers computers and mobile devices separately (computer 12 and mobile device 12 are
 * different devices), so Ferry's source id says which: `computer:12`, `mobile:12`.
 *
 * Modes: a Mac is `macos-ade` when `general.enrolledViaAutomatedDeviceEnrollment`, else
 * `macos-profile`; an iPhone/iPad is `apple-user-enrollment` when `deviceOwnershipType` is a
 * User Enrollment, `apple-ade` when it came through a PreStage (`enrollmentMethodPrestage`),
 * else `apple-device`. Ownership: `deviceOwnershipType` for mobile devices; for Macs Jamf has
 * no ownership field, so an extension attribute is read [U] (ADE Macs are corporate).
 * A record is in the inventory while it is managed, or while an unmanage command for it is
 * still pending (then it is `retire-pending`).
 */
import { type DeviceIdentifiers, normaliseIdentifiers } from "../../core/identifiers.ts";
import type { EnrollmentMode, Ownership, Platform } from "../../core/platform.ts";
import type { SourceDeviceRecord } from "../../core/ports/source.ts";
import type { Millis } from "../../core/time.ts";
import { JAMF_DEFAULTS } from "./config.ts";

export type JamfKind = "computer" | "mobile";

/** `computer:12` / `mobile:12`; a bare number is accepted on input (its kind then unknown). */
export function formatJamfSourceId(kind: JamfKind, id: string | number): string {
  return `${kind}:${id}`;
}

export function parseJamfSourceId(sourceId: string): { kind: JamfKind | undefined; id: string } | undefined {
  const m = /^\s*(?:(computer|mobile)\s*:\s*)?(\d+)\s*$/i.exec(sourceId);
  if (!m) return undefined;
  return { kind: m[1] ? (m[1].toLowerCase() as JamfKind) : undefined, id: m[2]! };
}

interface ExtensionAttribute {
  name?: string | null;
  values?: (string | null)[] | null;
}

/** The fields of `/api/vN/computers-inventory` Ferry reads (sections GENERAL, HARDWARE, USER_AND_LOCATION, OPERATING_SYSTEM). */
export interface JamfComputer {
  id?: string | number | null;
  udid?: string | null;
  general?: {
    name?: string | null;
    remoteManagement?: { managed?: boolean | null } | null;
    supervised?: boolean | null;
    enrolledViaAutomatedDeviceEnrollment?: boolean | null;
    userApprovedMdm?: boolean | null;
    lastContactTime?: string | null;
    /** v4's name for lastContactTime */
    lastContact?: string | null;
    reportDate?: string | null;
    managementId?: string | null;
    extensionAttributes?: ExtensionAttribute[] | null;
  } | null;
  hardware?: { serialNumber?: string | null; macAddress?: string | null; model?: string | null } | null;
  userAndLocation?: { username?: string | null; email?: string | null } | null;
  operatingSystem?: { name?: string | null; version?: string | null } | null;
}

/** The fields of `/api/v2/mobile-devices/detail` Ferry reads (sections GENERAL, HARDWARE, USER_AND_LOCATION, NETWORK). */
export interface JamfMobileDevice {
  mobileDeviceId?: string | number | null;
  id?: string | number | null;
  deviceType?: string | null;
  general?: {
    udid?: string | null;
    osVersion?: string | null;
    managed?: boolean | null;
    supervised?: boolean | null;
    deviceOwnershipType?: string | null;
    enrollmentMethodPrestage?: {
      mobileDevicePrestageId?: string | number | null;
      profileName?: string | null;
    } | null;
    lastInventoryUpdateDate?: string | null;
    managementId?: string | null;
  } | null;
  hardware?: {
    serialNumber?: string | null;
    wifiMacAddress?: string | null;
    model?: string | null;
    modelIdentifier?: string | null;
  } | null;
  userAndLocation?: { username?: string | null; emailAddress?: string | null; email?: string | null } | null;
  network?: { imei?: string | null; meid?: string | null } | null;
}

export interface JamfMapperOptions {
  /** managementIds with an unmanage command still pending. */
  pendingRemoval?: ReadonlySet<string>;
  computerOwnership?: { attribute?: string; personalValues?: readonly string[] };
}

export type MapOutcome =
  | { ok: true; record: SourceDeviceRecord; warnings: string[] }
  | { ok: false; reason: "not-managed" | "unsupported-platform" | "no-id"; detail: string };

export type JamfComputerMapper = (c: JamfComputer, options: JamfMapperOptions) => MapOutcome;
export type JamfMobileMapper = (m: JamfMobileDevice, options: JamfMapperOptions) => MapOutcome;

export function parseJamfTime(raw: unknown): Millis | undefined {
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const t = Date.parse(raw.trim());
  return Number.isNaN(t) ? undefined : t;
}

function ownerOf(...candidates: unknown[]): string | undefined {
  for (const v of candidates) {
    const s = typeof v === "string" ? v.trim() : "";
    if (s.includes("@")) return s;
  }
  return undefined;
}

/** Identifiers a mode cannot report (vendor-apis.md §F) are dropped, whatever Jamf shows in their place. */
export function withholdIdentifiers(mode: EnrollmentMode, ids: DeviceIdentifiers): DeviceIdentifiers {
  return mode === "apple-user-enrollment" ? {} : ids;
}

function enrollment(managed: boolean, pending: boolean): SourceDeviceRecord["enrollment"] | undefined {
  if (pending) return "retire-pending";
  return managed ? "enrolled" : undefined;
}

export function mapJamfComputer(c: JamfComputer, options: JamfMapperOptions = {}): MapOutcome {
  const id = c.id === undefined || c.id === null ? "" : String(c.id).trim();
  if (!/^\d+$/.test(id)) return { ok: false, reason: "no-id", detail: "a computer without an id" };
  const sourceId = formatJamfSourceId("computer", id);
  const g = c.general ?? {};
  const managementId = g.managementId ?? "";
  const pending = managementId !== "" && (options.pendingRemoval?.has(managementId) ?? false);
  const state = enrollment(g.remoteManagement?.managed === true, pending);
  if (!state) return { ok: false, reason: "not-managed", detail: `${sourceId} is not managed` };
  const warnings: string[] = [];
  const ade = g.enrolledViaAutomatedDeviceEnrollment === true;
  const mode: EnrollmentMode = ade ? "macos-ade" : "macos-profile";
  const attribute = options.computerOwnership?.attribute ?? JAMF_DEFAULTS.ownershipAttribute;
  const personal = (options.computerOwnership?.personalValues ?? JAMF_DEFAULTS.personalValues).map((v) =>
    v.toLowerCase(),
  );
  const ea = (g.extensionAttributes ?? []).find(
    (x) => (x.name ?? "").toLowerCase() === attribute.toLowerCase(),
  );
  const eaValue = (ea?.values ?? []).find((v) => typeof v === "string" && v.trim() !== "")?.trim();
  let ownership: Ownership = "corporate";
  if (!ade && eaValue !== undefined)
    ownership = personal.includes(eaValue.toLowerCase()) ? "personal" : "corporate";
  else if (!ade && ea === undefined)
    warnings.push(`${sourceId}: no "${attribute}" extension attribute, taken as corporate`);
  const osVersion = String(c.operatingSystem?.version ?? "").trim();
  const identifiers = withholdIdentifiers(
    mode,
    normaliseIdentifiers({ serial: c.hardware?.serialNumber, udid: c.udid, wifiMac: c.hardware?.macAddress }),
  );
  return {
    ok: true,
    warnings,
    record: {
      sourceId,
      ownerUpn: ownerOf(c.userAndLocation?.email, c.userAndLocation?.username),
      platform: "macos",
      mode,
      ownership,
      osVersion,
      model: String(c.hardware?.model ?? "").trim(),
      manufacturer: "Apple",
      identifiers,
      enrollment: state,
      lastSeenAt: parseJamfTime(g.lastContactTime ?? g.lastContact ?? g.reportDate),
    },
  };
}

const USER_ENROLLMENT = new Set(["userenrollment", "accountdrivenuserenrollment"]);
const PERSONAL = new Set(["personaldeviceprofile", "userenrollment", "accountdrivenuserenrollment"]);

function mobilePlatform(m: JamfMobileDevice): Platform | undefined {
  const type = (m.deviceType ?? "ios").toLowerCase();
  if (type !== "ios" && type !== "ipados") return undefined; // tvOS, watchOS, visionOS: not migrated to Intune
  const model = `${m.hardware?.model ?? ""} ${m.hardware?.modelIdentifier ?? ""}`;
  return /\bipad/i.test(model) ? "ipados" : "ios";
}

export function mapJamfMobileDevice(m: JamfMobileDevice, options: JamfMapperOptions = {}): MapOutcome {
  const rawId = m.mobileDeviceId ?? m.id;
  const id = rawId === undefined || rawId === null ? "" : String(rawId).trim();
  if (!/^\d+$/.test(id)) return { ok: false, reason: "no-id", detail: "a mobile device without an id" };
  const sourceId = formatJamfSourceId("mobile", id);
  const g = m.general ?? {};
  const managementId = g.managementId ?? "";
  const pending = managementId !== "" && (options.pendingRemoval?.has(managementId) ?? false);
  const state = enrollment(g.managed === true, pending);
  if (!state) return { ok: false, reason: "not-managed", detail: `${sourceId} is not managed` };
  const platform = mobilePlatform(m);
  if (!platform) {
    return {
      ok: false,
      reason: "unsupported-platform",
      detail: `${sourceId} is a ${m.deviceType ?? "device"}, not an iPhone or iPad`,
    };
  }
  const ownershipType = (g.deviceOwnershipType ?? "").replace(/[\s_-]/g, "").toLowerCase();
  const prestage = g.enrollmentMethodPrestage;
  const viaPrestage =
    !!prestage && (prestage.mobileDevicePrestageId ?? "") !== "" && prestage.mobileDevicePrestageId !== "-1";
  const mode: EnrollmentMode = USER_ENROLLMENT.has(ownershipType)
    ? "apple-user-enrollment"
    : viaPrestage
      ? "apple-ade"
      : "apple-device";
  const ownership: Ownership =
    mode === "apple-ade" ? "corporate" : PERSONAL.has(ownershipType) ? "personal" : "corporate";
  const osVersion = String(g.osVersion ?? "").trim();
  const identifiers = withholdIdentifiers(
    mode,
    normaliseIdentifiers({
      serial: m.hardware?.serialNumber,
      imei: m.network?.imei,
      meid: m.network?.meid,
      udid: g.udid,
      wifiMac: m.hardware?.wifiMacAddress,
    }),
  );
  return {
    ok: true,
    warnings: [],
    record: {
      sourceId,
      ownerUpn: ownerOf(
        m.userAndLocation?.emailAddress,
        m.userAndLocation?.email,
        m.userAndLocation?.username,
      ),
      platform,
      mode,
      ownership,
      osVersion,
      model: String(m.hardware?.model ?? "").trim(),
      manufacturer: "Apple",
      identifiers,
      enrollment: state,
      lastSeenAt: parseJamfTime(g.lastInventoryUpdateDate),
    },
  };
}
