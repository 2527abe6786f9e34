/**
 * A `managedDevice` (vendor-apis.md §A3) as Ferry's `TargetDeviceRecord`: pure functions.
 * `operatingSystem` is free text; `complianceState` is accepted in either casing
 * (`noncompliant` per the metadata, `nonCompliant` as `complianceStatus` spells it);
 * identifiers are normalised, and Intune's empty strings and placeholders mean "not reported".
 */
import { normaliseIdentifiers } from "../../core/identifiers.ts";
import type { Platform } from "../../core/platform.ts";
import type { TargetDeviceRecord } from "../../core/ports/index.ts";

/** The properties the connector reads (its `$select`). */
export const MANAGED_DEVICE_SELECT = [
  "id",
  "userPrincipalName",
  "operatingSystem",
  "osVersion",
  "model",
  "manufacturer",
  "serialNumber",
  "imei",
  "meid",
  "udid",
  "wiFiMacAddress",
  "complianceState",
  "enrolledDateTime",
  "deviceEnrollmentType",
] as const;

export type ManagedDeviceJson = Partial<Record<(typeof MANAGED_DEVICE_SELECT)[number], unknown>> &
  Record<string, unknown>;

export type MappedDevice =
  | {
      kind: "record";
      record: TargetDeviceRecord;
      /** Apple, no serial, and an enrollment that can report a UDID: fetch it with `GET …/{id}?$select=udid`. */
      needsUdid: boolean;
    }
  | { kind: "skip"; id: string; reason: string };

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
}

/** The platform from Intune's free-text `operatingSystem` (and the model, for iPads reported as "iOS"). */
export function platformOf(operatingSystem: unknown, model: unknown): Platform | undefined {
  const os = text(operatingSystem).toLowerCase().replace(/\s+/g, "");
  const m = text(model).toLowerCase();
  if (os.startsWith("ipados")) return "ipados";
  if (os.startsWith("ios") || os.startsWith("iphone")) return m.includes("ipad") ? "ipados" : "ios";
  if (os.startsWith("macos") || os.startsWith("macosx") || os.startsWith("osx") || os === "mac")
    return "macos";
  if (
    os.startsWith("windows") &&
    !os.includes("phone") &&
    !os.includes("mobile") &&
    !os.includes("holographic")
  ) {
    return "windows";
  }
  if (os.startsWith("android")) return "android";
  return undefined;
}

const COMPLIANCE_NUMBERS: Record<string, string> = {
  "0": "unknown",
  "1": "compliant",
  "2": "noncompliant",
  "3": "conflict",
  "4": "error",
  "254": "ingraceperiod",
  "255": "configmanager",
};

/**
 * Ferry's three-valued compliance from `complianceState`, in any casing. `inGracePeriod` is a
 * noncompliant device whose block is deferred: Ferry counts it as noncompliant, so the person
 * is still nudged to fix it before the grace period ends. conflict, error and configManager
 * say nothing Ferry can rely on: unknown.
 */
export function complianceOf(state: unknown): TargetDeviceRecord["compliance"] {
  const raw = text(state).toLowerCase();
  const s = COMPLIANCE_NUMBERS[raw] ?? raw;
  if (s === "compliant") return "compliant";
  if (s === "noncompliant" || s === "ingraceperiod") return "noncompliant";
  return "unknown";
}

const APPLE: ReadonlySet<Platform> = new Set(["ios", "ipados", "macos"]);
/** Account-driven User Enrollment reports no serial, IMEI or UDID at all (§F): nothing to fetch. */
const NO_HARDWARE_IDS = new Set(["appleuserenrollment", "appleuserenrollmentwithserviceaccount"]);

export function mapManagedDevice(d: ManagedDeviceJson): MappedDevice {
  const id = text(d.id);
  if (!id) return { kind: "skip", id: "", reason: "the record has no id" };
  const platform = platformOf(d.operatingSystem, d.model);
  if (!platform) {
    return {
      kind: "skip",
      id,
      reason: `operating system ${JSON.stringify(text(d.operatingSystem))} is not one Ferry migrates`,
    };
  }
  const identifiers = normaliseIdentifiers({
    serial: text(d.serialNumber),
    imei: text(d.imei),
    meid: text(d.meid),
    udid: text(d.udid),
    wifiMac: text(d.wiFiMacAddress),
  });
  const enrolledAt = Date.parse(text(d.enrolledDateTime));
  const upn = text(d.userPrincipalName);
  const needsUdid =
    APPLE.has(platform) &&
    !identifiers.serial &&
    !identifiers.udid &&
    !NO_HARDWARE_IDS.has(text(d.deviceEnrollmentType).toLowerCase());
  return {
    kind: "record",
    needsUdid,
    record: {
      targetId: id,
      userPrincipalName: upn === "" ? undefined : upn,
      platform,
      osVersion: text(d.osVersion),
      model: text(d.model),
      manufacturer: text(d.manufacturer),
      identifiers,
      compliance: complianceOf(d.complianceState),
      enrolledAt: Number.isNaN(enrolledAt) || enrolledAt < 0 ? 0 : enrolledAt,
    },
  };
}

/** Adds a UDID fetched by a single GET to a mapped record (normalised; empty = still none). */
export function withUdid(record: TargetDeviceRecord, udid: unknown): TargetDeviceRecord {
  const { udid: normalised } = normaliseIdentifiers({ udid: text(udid) });
  return normalised ? { ...record, identifiers: { ...record.identifiers, udid: normalised } } : record;
}
