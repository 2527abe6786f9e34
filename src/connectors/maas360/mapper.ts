/**
 * A MaaS360 device search record → Ferry's SourceDeviceRecord (pure; vendor-apis.md §E, §F).
 *
 * MaaS360 is read tolerantly: `osVersion` and `imeiEsn` may be JSON numbers; `ownership` and
 * `enrollmentMode` are read by keyword, because their exact values are unconfirmed [U]. When
 * `enrollmentMode` is absent, the mode is inferred: a supervised Apple device is ADE; an
 * iPhone with neither serial nor UDID is a User Enrollment (§F); an Android device follows
 * its ownership (corporate → fully managed, personal → work profile).
 */
import { normaliseIdentifiers } from "../../core/identifiers.ts";
import {
  type EnrollmentMode,
  isDeviceOwnerMode,
  type Ownership,
  type Platform,
} from "../../core/platform.ts";
import type { SourceDeviceRecord } from "../../core/ports/source.ts";
import type { Millis } from "../../core/time.ts";

export type MapResult =
  | { ok: true; record: SourceDeviceRecord }
  | { ok: false; sourceId: string | undefined; reason: string };

type Row = Record<string, unknown>;

/** `maas360ManagedStatus` values of a device MaaS360 still manages. */
export const MANAGED_STATUSES = new Set(["enrolled", "activated", "pending control removed"]);

/** Text (numbers included), or undefined for null, "" and GDPR-style masks ("*****"). */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : undefined;
  const s = String(v).trim();
  return s === "" || /^\*+$/.test(s) ? undefined : s;
}

export function flag(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  const s = text(v)?.toLowerCase();
  if (s === "true" || s === "yes" || s === "1") return true;
  if (s === "false" || s === "no" || s === "0") return false;
  return undefined;
}

function millis(v: unknown): Millis | undefined {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
  const s = text(v);
  if (s === undefined) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** `platformName` (iOS, Android, Windows, Mac), iPads told apart by model or device type. */
export function maas360Platform(row: Row): Platform | undefined {
  const name = (text(row.platformName) ?? "").toLowerCase();
  const model = text(row.modelId) ?? text(row.model) ?? "";
  if (name.startsWith("ios") || name.startsWith("ipados")) {
    return /^ipad/i.test(model) || /tablet/i.test(text(row.deviceType) ?? "") || name.startsWith("ipados")
      ? "ipados"
      : "ios";
  }
  if (name.startsWith("android")) return "android";
  if (name.startsWith("mac") || name.startsWith("os x") || name.startsWith("osx")) return "macos";
  if (name.startsWith("windows")) return "windows";
  return undefined;
}

/** [U] `ownership` by keyword: "Corporate Owned", "Employee Owned", "Personal", "BYOD", … */
export function maas360Ownership(v: unknown): Ownership | undefined {
  const s = (text(v) ?? "").toLowerCase();
  if (/corporate|company|organi[sz]ation/.test(s)) return "corporate";
  if (/employee|personal|byod|user/.test(s)) return "personal";
  return undefined;
}

/** [U] The mode from `enrollmentMode` by keyword, or undefined when it says nothing known. */
export function modeFromEnrollmentMode(
  value: string | undefined,
  platform: Platform,
): EnrollmentMode | undefined {
  const v = (value ?? "").toLowerCase();
  if (v === "") return undefined;
  if (platform === "android") {
    if (/kiosk|dedicated|single.?(app|purpose)|cosu/.test(v)) return "android-dedicated";
    if (
      /cope|wpcod|(work ?profile|profile owner).*(corporate|company)|(corporate|company).*(work ?profile)/.test(
        v,
      )
    ) {
      return "android-cope";
    }
    if (/device ?owner|fully ?managed|\bdo\b/.test(v)) return "android-fully-managed";
    if (/profile ?owner|work ?profile|byod|\bpo\b/.test(v)) return "android-work-profile";
    if (/device ?admin|legacy/.test(v)) return "android-device-admin";
    return undefined;
  }
  const ade = /automated|\bdep\b|\bade\b|apple business|apple school/.test(v);
  if (platform === "macos")
    return ade ? "macos-ade" : /device|profile|manual|mdm/.test(v) ? "macos-profile" : undefined;
  if (platform === "ios" || platform === "ipados") {
    if (ade) return "apple-ade";
    if (/user ?enrol/.test(v)) return "apple-user-enrollment";
    if (/device|profile|manual|ota|mdm/.test(v)) return "apple-device";
    return undefined;
  }
  return undefined;
}

export function mapMaas360Device(row: Row): MapResult {
  const sourceId = text(row.maas360DeviceID) ?? text(row.maas360DeviceId);
  if (!sourceId) return { ok: false, sourceId: undefined, reason: "no maas360DeviceID" };
  const managed = (text(row.maas360ManagedStatus) ?? "").toLowerCase();
  const deviceStatus = (text(row.deviceStatus) ?? "active").toLowerCase();
  if (deviceStatus !== "active" || !MANAGED_STATUSES.has(managed)) {
    return {
      ok: false,
      sourceId,
      reason: `not managed (${text(row.deviceStatus) ?? "?"}, ${text(row.maas360ManagedStatus) ?? "no status"})`,
    };
  }
  const platform = maas360Platform(row);
  if (!platform)
    return { ok: false, sourceId, reason: `unknown platform ${JSON.stringify(row.platformName ?? null)}` };
  const identifiers = normaliseIdentifiers({
    serial: text(row.platformSerialNumber),
    imei: text(row.imeiEsn),
    udid: text(row.udid),
    wifiMac: text(row.wifiMacAddress),
  });
  const declared = maas360Ownership(row.ownership);
  const supervised = flag(row.isSupervisedDevice);
  const mode: EnrollmentMode =
    modeFromEnrollmentMode(text(row.enrollmentMode), platform) ??
    (platform === "windows"
      ? "windows"
      : platform === "macos"
        ? supervised
          ? "macos-ade"
          : "macos-profile"
        : platform === "android"
          ? declared === "corporate"
            ? "android-fully-managed"
            : "android-work-profile"
          : supervised
            ? "apple-ade"
            : !identifiers.serial && !identifiers.udid
              ? "apple-user-enrollment"
              : "apple-device");
  return {
    ok: true,
    record: {
      sourceId,
      ownerUpn: text(row.emailAddress) ?? text(row.username),
      platform,
      mode,
      ownership: declared ?? (isDeviceOwnerMode(mode) ? "corporate" : "personal"),
      osVersion: text(row.osVersion) ?? "",
      model: text(row.modelId) ?? text(row.model) ?? "",
      manufacturer: text(row.manufacturer) ?? "",
      identifiers,
      enrollment: managed === "pending control removed" ? "retire-pending" : "enrolled",
      lastSeenAt: millis(row.lastReportedInEpochms) ?? millis(row.lastReported),
    },
  };
}
