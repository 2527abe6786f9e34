/**
 * Ivanti device records → Ferry's SourceDeviceRecord. Pure functions, one per flavour:
 * Core's flat dotted rows (`common.platform`, `ios.iPhone UDID`, …) and Neurons for MDM's
 * flat objects (`platformType`, `registrationState`, …), vendor-apis.md §D and §F.
 *
 * The enrollment mode comes from the mode fields when the server reports them, and is
 * otherwise inferred from documented facts: a User Enrollment iPhone reports neither serial
 * nor UDID; a supervised iPhone is treated as ADE; an Android device without Android
 * Enterprise flags is a device-administrator one when it says so, else decided by ownership.
 */
import { type DeviceIdentifiers, normaliseIdentifiers } from "../../core/identifiers.ts";
import {
  type EnrollmentMode,
  isDeviceOwnerMode,
  type Ownership,
  type Platform,
} from "../../core/platform.ts";
import type { SourceDeviceRecord } from "../../core/ports/source.ts";
import type { Millis } from "../../core/time.ts";
import { type CoreModeFieldNames, DEFAULT_CORE_MODE_FIELDS } from "./config.ts";

export type MapResult =
  | { ok: true; record: SourceDeviceRecord }
  /** not a device Ferry handles (retired, unknown platform, no id): `reason` says why */
  | { ok: false; sourceId: string | undefined; reason: string };

type Row = Record<string, unknown>;

/** Text, or undefined for null, "", and values hidden by a GDPR profile ("*****"). */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  if (s === "" || /^\*+$/.test(s)) return undefined;
  return s;
}

/** true / false from a boolean, "true"/"false", 1/0; undefined when absent or unreadable. */
export function flag(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === "1") return true;
  if (v === 0 || v === "0") return false;
  if (typeof v === "string") {
    const s = v.trim().toLowerCase();
    if (s === "true" || s === "yes") return true;
    if (s === "false" || s === "no") return false;
  }
  return undefined;
}

/** A time as epoch ms (a number) or an ISO-8601 string. */
export function millis(v: unknown): Millis | undefined {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return v;
  const s = text(v);
  if (s === undefined) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** The platform from the vendor's platform name, iPads told apart by model. */
export function platformOf(name: string | undefined, model: string | undefined): Platform | undefined {
  const n = (name ?? "").toLowerCase().replace(/[\s_-]/g, "");
  if (n.startsWith("ios") || n.startsWith("iphone") || n.startsWith("ipad")) {
    return /^ipad/i.test(model ?? "") || n.startsWith("ipad") ? "ipados" : "ios";
  }
  if (n.startsWith("android")) return "android";
  if (n.startsWith("mac") || n.startsWith("osx")) return "macos";
  if (n.startsWith("windows")) return "windows";
  return undefined;
}

export function ownershipOf(value: string | undefined): Ownership | undefined {
  const v = (value ?? "").toUpperCase();
  if (/COMPANY|CORPORATE/.test(v)) return "corporate";
  if (/EMPLOYEE|PERSONAL|BYOD|USER/.test(v)) return "personal";
  return undefined;
}

export interface ModeHints {
  platform: Platform;
  identifiers: DeviceIdentifiers;
  ownership: Ownership | undefined;
  /** Apple */
  supervised?: boolean | undefined;
  dep?: boolean | undefined;
  /** Android Enterprise */
  deviceOwner?: boolean | undefined;
  workProfile?: boolean | undefined;
  workProfileOnCompanyOwned?: boolean | undefined;
  kiosk?: boolean | undefined;
  /** legacy device administrator */
  deviceAdmin?: boolean | undefined;
}

/** The enrollment mode from whatever hints the record carries (see the module comment). */
export function inferMode(h: ModeHints): EnrollmentMode {
  switch (h.platform) {
    case "windows":
      return "windows";
    case "macos":
      return h.dep === true || (h.dep === undefined && h.supervised === true) ? "macos-ade" : "macos-profile";
    case "ios":
    case "ipados":
      if (h.dep === true || (h.dep === undefined && h.supervised === true)) return "apple-ade";
      // §F: account-driven User Enrollment reports no serial, IMEI or UDID.
      if (!h.identifiers.serial && !h.identifiers.udid) return "apple-user-enrollment";
      return "apple-device";
    case "android":
      if (h.kiosk === true) return "android-dedicated";
      if (h.deviceOwner === true) {
        return h.workProfile === true || h.workProfileOnCompanyOwned === true
          ? "android-cope"
          : "android-fully-managed";
      }
      if (h.workProfile === true) return "android-work-profile";
      if (h.deviceAdmin === true) return "android-device-admin";
      // Android Enterprise flags present and all false: the legacy device administrator.
      if (h.deviceOwner === false && h.workProfile === false) return "android-device-admin";
      return h.ownership === "corporate" ? "android-fully-managed" : "android-work-profile";
  }
}

function finish(
  sourceId: string,
  state: string | undefined,
  platformName: string | undefined,
  fields: {
    model: string | undefined;
    manufacturer: string | undefined;
    osVersion: string | undefined;
    owner: string | undefined;
    ownership: string | undefined;
    lastSeen: unknown;
    identifiers: Record<"serial" | "imei" | "meid" | "udid" | "wifiMac", unknown>;
  },
  hints: Omit<ModeHints, "platform" | "identifiers" | "ownership">,
): MapResult {
  const status = (state ?? "").toUpperCase();
  if (status !== "ACTIVE" && status !== "RETIRE_PENDING") {
    return { ok: false, sourceId, reason: `not managed (status ${status || "missing"})` };
  }
  const platform = platformOf(platformName, fields.model);
  if (!platform)
    return { ok: false, sourceId, reason: `unknown platform ${JSON.stringify(platformName ?? null)}` };
  const ids = fields.identifiers;
  const identifiers = normaliseIdentifiers({
    serial: text(ids.serial),
    imei: text(ids.imei),
    meid: text(ids.meid),
    udid: text(ids.udid),
    wifiMac: text(ids.wifiMac),
  });
  const declared = ownershipOf(fields.ownership);
  const mode = inferMode({ platform, identifiers, ownership: declared, ...hints });
  return {
    ok: true,
    record: {
      sourceId,
      ownerUpn: fields.owner,
      platform,
      mode,
      ownership: declared ?? (isDeviceOwnerMode(mode) ? "corporate" : "personal"),
      osVersion: fields.osVersion ?? "",
      model: fields.model ?? "",
      manufacturer: fields.manufacturer ?? "",
      identifiers,
      enrollment: status === "RETIRE_PENDING" ? "retire-pending" : "enrolled",
      lastSeenAt: millis(fields.lastSeen),
    },
  };
}

function idOf(v: unknown): string | undefined {
  const s = text(v);
  return s !== undefined && /^\d+$/.test(s) ? s : undefined;
}

/** Core's verified fields the connector reads (vendor-apis.md §D, the v2 guide and integrations on it). */
export const CORE_FIELDS = [
  "common.id",
  "common.uuid",
  "common.status",
  "common.platform",
  "common.os_version",
  "common.model",
  "common.manufacturer",
  "common.owner",
  "common.SerialNumber",
  "common.imei",
  "common.wifi_mac_address",
  "common.last_connected_at",
  "common.device_admin_enabled",
  "user.user_id",
  "user.email_address",
  "ios.iPhone UDID",
  "ios.Supervised",
  "android.afw_capable",
] as const;

/** A Core v2 search row (dotted keys, only the requested ones). */
export function mapCoreDevice(
  row: Row,
  modeFields: CoreModeFieldNames = DEFAULT_CORE_MODE_FIELDS,
): MapResult {
  const sourceId = idOf(row["common.id"]);
  if (!sourceId) return { ok: false, sourceId: undefined, reason: "no common.id" };
  const afw = flag(row["android.afw_capable"]);
  const deviceAdmin = flag(row["common.device_admin_enabled"]);
  return finish(
    sourceId,
    text(row["common.status"]),
    text(row["common.platform"]),
    {
      model: text(row["common.model"]),
      manufacturer: text(row["common.manufacturer"]),
      osVersion: text(row["common.os_version"]),
      owner: text(row["user.email_address"]) ?? text(row["user.user_id"]),
      ownership: text(row["common.owner"]),
      lastSeen: row["common.last_connected_at"],
      identifiers: {
        serial: row["common.SerialNumber"],
        imei: row["common.imei"],
        meid: undefined,
        udid: row["ios.iPhone UDID"],
        wifiMac: row["common.wifi_mac_address"],
      },
    },
    {
      supervised: flag(row["ios.Supervised"]),
      dep: flag(row[modeFields.dep]),
      deviceOwner: flag(row[modeFields.deviceOwner]),
      workProfile: flag(row[modeFields.workProfile]),
      kiosk: flag(row[modeFields.kiosk]),
      deviceAdmin: deviceAdmin === true && afw !== true ? true : undefined,
    },
  );
}

/** A Neurons for MDM device (a search result or `GET /api/v1/device/{id}`'s `result`). */
export function mapCloudDevice(row: Row): MapResult {
  const sourceId = idOf(row.id);
  if (!sourceId) return { ok: false, sourceId: undefined, reason: "no id" };
  const kioskState = text(row.kioskState)?.toUpperCase();
  return finish(
    sourceId,
    text(row.registrationState),
    text(row.platformType) === "WINDOWS_PHONE" && text(row.windowsDeviceType)
      ? "WINDOWS"
      : text(row.platformType),
    {
      model: text(row.prettyModel) ?? text(row.deviceModel),
      manufacturer: text(row.manufacturer),
      osVersion: text(row.platformVersion),
      owner: text(row.emailAddress) ?? text(row.uid),
      ownership: text(row.ownershipType),
      lastSeen: row.lastCheckin,
      identifiers: {
        serial: row.serialNumber,
        imei: row.imei,
        meid: row.meid,
        udid: row.udid,
        wifiMac: row.wifiMacAddress,
      },
    },
    {
      supervised: flag(row.supervised),
      dep: flag(row.depEnrolled),
      deviceOwner: flag(row.androidDeviceOwnerModeEnabled),
      workProfile: flag(row.androidWorkProfileEnabled),
      workProfileOnCompanyOwned: flag(row.androidWorkProfileOnCompanyOwnedDeviceEnabled),
      kiosk:
        kioskState === undefined
          ? undefined
          : !["NOT_CONFIGURED", "UNKNOWN", "DISABLED"].includes(kioskState),
    },
  );
}
