/**
 * A Workspace ONE v1 device record → Ferry's SourceDeviceRecord. Pure: no I/O, no clock.
 * Which mode a device is in comes from `Platform`, `Ownership` (C/E/S), `EnrolledViaDEP`, the
 * Android Enterprise management type and the User Enrollment flag ([U] fields whose names are
 * settings, §B); identifiers a mode cannot report are dropped (§F).
 */
import { type DeviceIdentifiers, normaliseIdentifiers } from "../../core/identifiers.ts";
import { type EnrollmentMode, majorVersion, type Ownership, type Platform } from "../../core/platform.ts";
import type { SourceDeviceRecord } from "../../core/ports/source.ts";
import type { Millis } from "../../core/time.ts";
import { WS1_DEFAULTS } from "./config.ts";

/** The fields of WS1's v1 device record Ferry reads (§B); everything is optional on the wire. */
export interface WorkspaceOneDevice {
  Id?: { Value?: number | string } | null;
  Uuid?: string | null;
  Udid?: string | null;
  SerialNumber?: string | null;
  MacAddress?: string | null;
  Imei?: string | null;
  UserName?: string | null;
  UserEmailAddress?: string | null;
  Ownership?: string | null;
  Platform?: string | null;
  PlatformId?: { Id?: { Value?: number }; Name?: string } | null;
  Model?: string | null;
  OperatingSystem?: string | null;
  OEMInfo?: string | null;
  EnrollmentStatus?: string | null;
  LastSeen?: string | null;
  IsSupervised?: boolean | null;
  EnrolledViaDEP?: boolean | null;
  [field: string]: unknown;
}

export interface WorkspaceOneMapperOptions {
  androidModeField?: string;
  userEnrollmentField?: string;
}

export type MapOutcome =
  | { ok: true; record: SourceDeviceRecord; warnings: string[] }
  | { ok: false; reason: "not-managed" | "unsupported-platform" | "no-id"; detail: string };

/** A replaceable mapper: receives the default one to delegate to. */
export type WorkspaceOneMapper = (
  device: WorkspaceOneDevice,
  options: WorkspaceOneMapperOptions,
) => MapOutcome;

/** Still managed (enrolled), or leaving after a wipe command the device has not processed yet. */
const ENROLLED = new Set(["enrolled"]);
const LEAVING = new Set(["enterprisewipepending", "devicewipepending", "unenrollmentinprogress"]);
/** Not (or no longer) managed: left out of the inventory. */
const NOT_MANAGED = new Set([
  "unenrolled",
  "retired",
  "discovered",
  "registered",
  "enrollmentinprogress",
  "awaitingenrollment",
  "blocked",
  "blacklisted",
  "deleted",
]);

function squash(v: unknown): string {
  return String(v ?? "")
    .toLowerCase()
    .replace(/[\s_\-()]/g, "");
}

function platformOf(d: WorkspaceOneDevice): Platform | undefined {
  const name = squash(d.Platform ?? d.PlatformId?.Name);
  if (name === "apple" || name === "ios" || name === "ipados") {
    return /^ipad/i.test(String(d.Model ?? "").trim()) ? "ipados" : "ios";
  }
  if (name === "appleosx" || name === "macos" || name === "osx") return "macos";
  if (name === "android") return "android";
  if (["winrt", "windowspc", "windowsdesktop", "windows", "windows10", "windows11"].includes(name))
    return "windows";
  return undefined;
}

const ANDROID_MODES: Record<string, EnrollmentMode | "work-managed"> = {
  workprofile: "android-work-profile",
  profileowner: "android-work-profile",
  byod: "android-work-profile",
  workmanaged: "work-managed",
  fullymanaged: "work-managed",
  deviceowner: "work-managed",
  cope: "android-cope",
  corporateownedpersonallyenabled: "android-cope",
  corporateownedworkprofile: "android-cope",
  workprofileoncorporateowneddevice: "android-cope",
  dedicated: "android-dedicated",
  corporateowneddedicated: "android-dedicated",
  kiosk: "android-dedicated",
  deviceadministrator: "android-device-admin",
  deviceadmin: "android-device-admin",
  legacy: "android-device-admin",
  androidlegacy: "android-device-admin",
};

/** Where WS1's ownership leaves no doubt; `undefined` for Undefined/missing. */
function ownershipFlag(d: WorkspaceOneDevice): "C" | "E" | "S" | undefined {
  const o = String(d.Ownership ?? "")
    .trim()
    .toUpperCase();
  if (o === "C" || o === "CORPORATEDEDICATED" || o === "CORPORATE_DEDICATED") return "C";
  if (o === "S" || o === "CORPORATESHARED" || o === "CORPORATE_SHARED") return "S";
  if (o === "E" || o === "EMPLOYEE" || o === "EMPLOYEEOWNED") return "E";
  return undefined;
}

function androidMode(d: WorkspaceOneDevice, field: string, warnings: string[]): EnrollmentMode {
  const flag = ownershipFlag(d);
  const raw = d[field];
  const known = ANDROID_MODES[squash(raw)];
  if (raw === undefined || raw === null || raw === "" || !known) {
    warnings.push(
      raw === undefined || raw === null || raw === ""
        ? `no ${field}: Android mode inferred from ownership ${flag ?? "Undefined"}`
        : `unknown ${field} "${String(raw)}": Android mode inferred from ownership ${flag ?? "Undefined"}`,
    );
    return flag === "E"
      ? "android-work-profile"
      : flag === "S"
        ? "android-dedicated"
        : "android-fully-managed";
  }
  // A Work Managed device shared by shifts (corporate-shared) is a dedicated device.
  if (known === "work-managed") return flag === "S" ? "android-dedicated" : "android-fully-managed";
  return known;
}

function appleMode(d: WorkspaceOneDevice, field: string): EnrollmentMode {
  if (d.EnrolledViaDEP === true) return "apple-ade";
  const flag = d[field];
  if (flag === true || squash(flag) === "true") return "apple-user-enrollment";
  if (flag === undefined || flag === null) {
    // Without the flag: a personal device reporting neither serial nor IMEI is a User Enrollment.
    const ids = normaliseIdentifiers({ serial: d.SerialNumber, imei: d.Imei });
    if (ownershipFlag(d) === "E" && !ids.serial && !ids.imei) return "apple-user-enrollment";
  }
  return "apple-device";
}

function modeOf(
  platform: Platform,
  d: WorkspaceOneDevice,
  o: Required<WorkspaceOneMapperOptions>,
  warnings: string[],
) {
  switch (platform) {
    case "ios":
    case "ipados":
      return appleMode(d, o.userEnrollmentField);
    case "macos":
      return d.EnrolledViaDEP === true ? "macos-ade" : "macos-profile";
    case "windows":
      return "windows";
    case "android":
      return androidMode(d, o.androidModeField, warnings);
  }
}

function ownershipOf(d: WorkspaceOneDevice, mode: EnrollmentMode, warnings: string[]): Ownership {
  const flag = ownershipFlag(d);
  if (flag === "E") return "personal";
  if (flag === "C" || flag === "S") return "corporate";
  const guess: Ownership =
    mode === "android-work-profile" || mode === "apple-user-enrollment" ? "personal" : "corporate";
  warnings.push(`ownership "${String(d.Ownership ?? "")}" is undefined: taken as ${guess} from the mode`);
  return guess;
}

/**
 * The identifiers the mode can really report (vendor-apis.md §F); anything else WS1 shows in
 * their place (an enrollment-specific id, a hash) would match the wrong device.
 */
export function withholdIdentifiers(
  mode: EnrollmentMode,
  osVersion: string,
  ids: DeviceIdentifiers,
): DeviceIdentifiers {
  const major = majorVersion(osVersion);
  switch (mode) {
    case "apple-user-enrollment":
      return {};
    case "android-work-profile":
      return major >= 12 ? keep(ids, ["wifiMac"]) : ids;
    case "android-device-admin":
      return major >= 10 ? keep(ids, ["wifiMac"]) : ids;
    case "windows":
      return keep(ids, ["serial", "udid", "wifiMac"]);
    default:
      return ids;
  }
}

function keep(ids: DeviceIdentifiers, kinds: (keyof DeviceIdentifiers)[]): DeviceIdentifiers {
  const out: DeviceIdentifiers = {};
  for (const k of kinds) if (ids[k] !== undefined) out[k] = ids[k];
  return out;
}

/** WS1 writes UTC without a zone ("2021-06-28T04:35:20.150"); "0001-01-01…" means never. */
export function parseWs1Time(raw: unknown): Millis | undefined {
  if (typeof raw !== "string" || raw.trim() === "" || raw.startsWith("0001-")) return undefined;
  const s = raw.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? undefined : t;
}

function ownerOf(d: WorkspaceOneDevice): string | undefined {
  for (const v of [d.UserEmailAddress, d.UserName]) {
    const s = typeof v === "string" ? v.trim() : "";
    if (s.includes("@")) return s;
  }
  return undefined;
}

/** The default mapping. */
export function mapWorkspaceOneDevice(
  device: WorkspaceOneDevice,
  options: WorkspaceOneMapperOptions = {},
): MapOutcome {
  const o = {
    androidModeField: options.androidModeField ?? WS1_DEFAULTS.androidModeField,
    userEnrollmentField: options.userEnrollmentField ?? WS1_DEFAULTS.userEnrollmentField,
  };
  const rawId = device.Id?.Value;
  const sourceId = rawId === undefined || rawId === null ? "" : String(rawId).trim();
  if (!/^\d+$/.test(sourceId))
    return { ok: false, reason: "no-id", detail: `a device without Id.Value (Uuid ${device.Uuid ?? "?"})` };
  const status = squash(device.EnrollmentStatus);
  if (NOT_MANAGED.has(status)) {
    return { ok: false, reason: "not-managed", detail: `device ${sourceId} is ${device.EnrollmentStatus}` };
  }
  const warnings: string[] = [];
  if (!ENROLLED.has(status) && !LEAVING.has(status)) {
    warnings.push(
      `device ${sourceId}: unknown EnrollmentStatus "${String(device.EnrollmentStatus ?? "")}", taken as enrolled`,
    );
  }
  const platform = platformOf(device);
  if (!platform) {
    return {
      ok: false,
      reason: "unsupported-platform",
      detail: `device ${sourceId} runs ${String(device.Platform ?? "an unknown platform")}, which Intune migration does not cover`,
    };
  }
  const mode = modeOf(platform, device, o, warnings);
  const ownership = ownershipOf(device, mode, warnings);
  const osVersion = String(device.OperatingSystem ?? "").trim();
  const apple = platform === "ios" || platform === "ipados" || platform === "macos";
  const identifiers = withholdIdentifiers(
    mode,
    osVersion,
    normaliseIdentifiers({
      serial: device.SerialNumber,
      imei: device.Imei,
      // WS1's Udid is Apple's UDID only on Apple platforms (§F).
      udid: apple ? device.Udid : undefined,
      wifiMac: device.MacAddress,
    }),
  );
  const model = String(device.Model ?? "").trim();
  const oem = typeof device.OEMInfo === "string" ? device.OEMInfo.trim() : "";
  return {
    ok: true,
    warnings: warnings.map((w) => (w.startsWith("device ") ? w : `device ${sourceId}: ${w}`)),
    record: {
      sourceId,
      ownerUpn: ownerOf(device),
      platform,
      mode,
      ownership,
      osVersion,
      model,
      manufacturer: apple ? "Apple" : oem,
      identifiers,
      enrollment: LEAVING.has(status) ? "retire-pending" : "enrolled",
      lastSeenAt: parseWs1Time(device.LastSeen),
    },
  };
}
