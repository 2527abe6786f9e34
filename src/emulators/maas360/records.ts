/**
 * A device in MaaS360's search shape (vendor-apis.md §E, and the field list of a public Go
 * client of the API). Verified names: `maas360DeviceID, deviceName, username, emailAddress,
 * platformName, osVersion, platformSerialNumber, imeiEsn, udid, wifiMacAddress, ownership,
 * deviceStatus, maas360ManagedStatus, isSupervisedDevice, policyComplianceState`, plus
 * `enrollmentMode`, `modelId`, `manufacturer`, `deviceType`, `lastReportedInEpochms` from that
 * client. [U]: the values of `ownership` and `enrollmentMode` (settings below), and that
 * `osVersion` and `imeiEsn` may arrive as JSON numbers (that client reads both flexibly).
 */
import { iso } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import { deviceStatusOf, type Maas360Device } from "./world-view.ts";

export interface Maas360RecordOptions {
  /** Send `osVersion` and `imeiEsn` as JSON numbers when that loses nothing ("16", "18.5") [U]. Default true. */
  numbersAsNumbers: boolean;
  /** Include `enrollmentMode` [U]. Default true. */
  enrollmentModeField: boolean;
  /** [U] `ownership` values. Default "Corporate Owned" / "Employee Owned". */
  ownership: { corporate: string; personal: string };
}

/** [U] `enrollmentMode` per Ferry mode: the emulator's vocabulary (the connector reads them by keyword). */
export const ENROLLMENT_MODE_VALUES: Record<ScenarioDevice["mode"], string> = {
  "apple-device": "Device Enrollment",
  "apple-user-enrollment": "User Enrollment",
  "apple-ade": "Automated Device Enrollment",
  "macos-profile": "Device Enrollment",
  "macos-ade": "Automated Device Enrollment",
  "android-work-profile": "Profile Owner",
  "android-fully-managed": "Device Owner",
  "android-cope": "Work Profile on Corporate Owned",
  "android-dedicated": "Device Owner (Kiosk)",
  "android-device-admin": "Device Admin",
  windows: "MDM",
};

function platformName(s: ScenarioDevice): string {
  switch (s.platform) {
    case "ios":
    case "ipados":
      return "iOS";
    case "android":
      return "Android";
    case "macos":
      return "Mac";
    case "windows":
      return "Windows";
  }
}

function deviceType(s: ScenarioDevice): string {
  if (s.platform === "ipados" || (s.platform === "android" && /tab/i.test(s.model))) return "Tablet";
  if (s.platform === "ios" || s.platform === "android") return "Smartphone";
  return "Laptop";
}

function visible(
  s: ScenarioDevice,
  kind: "serial" | "imei" | "meid" | "udid" | "wifiMac",
): string | undefined {
  return s.sourceIdentifiers[kind] === undefined ? undefined : (s.hardware[kind] ?? undefined);
}

/** A number when `String(Number(v)) === v`, else the text. */
function maybeNumber(v: string, allowed: boolean): string | number {
  if (!allowed) return v;
  const n = Number(v);
  return v !== "" && Number.isSafeInteger(Math.trunc(n)) && String(n) === v ? n : v;
}

export function maas360Row(d: Maas360Device, o: Maas360RecordOptions) {
  const s = d.s;
  const owner = s.sourceOwner;
  const user = owner ? (owner.split("@")[0] ?? owner) : "";
  const imei = visible(s, "imei");
  const status = deviceStatusOf(d);
  return {
    maas360DeviceID: s.sourceId,
    deviceName: `${user || "shared"}-${s.model}`,
    customAssetNumber: "",
    username: user,
    emailAddress: owner ?? "",
    userDomain: owner ? (owner.split("@")[1] ?? "") : "",
    platformName: platformName(s),
    osName: `${platformName(s)} ${s.osVersion}`,
    osVersion: maybeNumber(s.osVersion, o.numbersAsNumbers),
    platformSerialNumber: visible(s, "serial") ?? "",
    imeiEsn: imei ? maybeNumber(imei, o.numbersAsNumbers) : "",
    udid: visible(s, "udid") ?? "",
    wifiMacAddress: visible(s, "wifiMac") ?? "",
    manufacturer: s.manufacturer,
    modelId: s.model,
    deviceType: deviceType(s),
    ownership: s.ownership === "corporate" ? o.ownership.corporate : o.ownership.personal,
    deviceOwner: owner ?? "",
    deviceStatus: status,
    maas360ManagedStatus: d.status,
    isSupervisedDevice: s.mode === "apple-ade" || s.mode === "macos-ade",
    ...(o.enrollmentModeField ? { enrollmentMode: ENROLLMENT_MODE_VALUES[s.mode] } : {}),
    policyComplianceState: "Compliant",
    selectiveWipeStatus:
      d.wipeRequestedAt === undefined ? "Not Applicable" : status === "Active" ? "Pending" : "Executed",
    mailboxDeviceId: "",
    testDevice: false,
    lastReported: iso(d.lastSeenAt),
    lastReportedInEpochms: d.lastSeenAt,
    firstRegisteredInEpochms: d.registeredAt,
  };
}
