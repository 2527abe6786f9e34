/**
 * A device in each Ivanti flavour's field shapes (vendor-apis.md §D):
 * - Core v2: flat dotted keys (`common.SerialNumber`, `ios.iPhone UDID`), of which a search
 *   returns only the requested ones ({@link CORE_FIELDS});
 * - Neurons for MDM (Cloud): one flat object per device ({@link cloudRow}).
 *
 * Facts marked [U] in the comments could not be confirmed from public material; they are
 * the emulator's choices, and the connector tolerates their absence.
 */
import { iso } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import type { EmulatedDevice } from "./world-view.ts";

export interface RecordOptions {
  /** Core: write IMEIs grouped with spaces, as Core may store them ("35 808863 399289 9"). Default true. */
  imeiWithSpaces: boolean;
}

type Visible = "serial" | "imei" | "meid" | "udid" | "wifiMac";

/** The raw hardware value, when the enrollment mode lets the MDM see it (world's `sourceIdentifiers`). */
function visible(s: ScenarioDevice, kind: Visible): string | undefined {
  if (s.sourceIdentifiers[kind] === undefined) return undefined;
  return s.hardware[kind] ?? undefined;
}

function spacedImei(imei: string): string {
  return imei.length === 15
    ? `${imei.slice(0, 2)} ${imei.slice(2, 8)} ${imei.slice(8, 14)} ${imei.slice(14)}`
    : imei;
}

function imeiOf(s: ScenarioDevice, options: RecordOptions): string | undefined {
  const imei = visible(s, "imei");
  return imei && options.imeiWithSpaces ? spacedImei(imei) : imei;
}

const isApple = (s: ScenarioDevice) =>
  s.platform === "ios" || s.platform === "ipados" || s.platform === "macos";
const isAde = (s: ScenarioDevice) => s.mode === "apple-ade" || s.mode === "macos-ade";

/** Core's `common.platform`: "iOS" for iPhones and iPads, "Android", "Windows", "macOS" [U]. */
function corePlatform(s: ScenarioDevice): string {
  switch (s.platform) {
    case "ios":
    case "ipados":
      return "iOS";
    case "android":
      return "Android";
    case "macos":
      return "macOS";
    case "windows":
      return "Windows";
  }
}

function ownerLocalPart(owner: string): string {
  return owner.split("@")[0] ?? owner;
}

function displayName(owner: string): string {
  return ownerLocalPart(owner)
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join(" ");
}

/** Android Enterprise flags, from the mode. */
function android(s: ScenarioDevice) {
  const m = s.mode;
  return {
    deviceOwner: m === "android-fully-managed" || m === "android-cope" || m === "android-dedicated",
    workProfile: m === "android-work-profile" || m === "android-cope",
    kiosk: m === "android-dedicated",
    deviceAdmin: m === "android-device-admin",
  };
}

/** A Core field: its value for a device, or `undefined` when the field does not apply (left out). */
export type CoreField = (d: EmulatedDevice, o: RecordOptions) => unknown;

/**
 * Core fields whose names were verified in public material (API v2 guide, integrations
 * built on it), plus the [U] mode fields below. `null` is an empty value; `undefined` means
 * the field does not apply to the device's platform and is left out of the row.
 */
export const CORE_VERIFIED_FIELDS: Record<string, CoreField> = {
  "common.id": (d) => d.id,
  "common.uuid": (d) => d.uuid,
  "common.SerialNumber": (d) => visible(d.s, "serial") ?? "",
  "common.imei": (d, o) => imeiOf(d.s, o) ?? "",
  "common.wifi_mac_address": (d) => visible(d.s, "wifiMac")?.toLowerCase() ?? "",
  "common.platform": (d) => corePlatform(d.s),
  "common.platform_name": (d) => `${corePlatform(d.s)} ${d.s.osVersion}`,
  "common.os_version": (d) => d.s.osVersion,
  "common.model": (d) => d.s.model,
  "common.manufacturer": (d) => d.s.manufacturer,
  "common.status": (d) => d.state,
  "common.compliant": () => true,
  "common.quarantined": () => false,
  "common.security_state": () => "Ok",
  "common.owner": (d) => (d.s.ownership === "corporate" ? "COMPANY" : "EMPLOYEE"),
  "common.registration_date": (d) => iso(d.registeredAt),
  "common.last_connected_at": (d) => iso(d.lastSeenAt),
  "common.mdm_managed": (d) => d.state !== "RETIRED",
  "common.retired": (d) => d.state === "RETIRED",
  "common.device_admin_enabled": (d) => (d.s.platform === "android" ? android(d.s).deviceAdmin : undefined),
  "user.user_id": (d) => (d.s.sourceOwner ? ownerLocalPart(d.s.sourceOwner) : null),
  "user.email_address": (d) => d.s.sourceOwner ?? null,
  "user.display_name": (d) => (d.s.sourceOwner ? displayName(d.s.sourceOwner) : null),
  // Apple's UDID; macOS devices report theirs here too [U].
  "ios.iPhone UDID": (d) => (isApple(d.s) ? (visible(d.s, "udid") ?? "") : undefined),
  "ios.Supervised": (d) => (isApple(d.s) ? isAde(d.s) : undefined),
  "ios.DeviceName": (d) =>
    isApple(d.s) ? `${d.s.sourceOwner ? displayName(d.s.sourceOwner) : "Shared"}'s ${d.s.model}` : undefined,
  "android.afw_capable": (d) => (d.s.platform === "android" ? !android(d.s).deviceAdmin : undefined),
};

/**
 * [U] Core mode fields whose names could not be verified (no public list of Core's
 * searchable fields was found). Served unless the emulator's `uncertainFields` is false, in
 * which case asking for them is an unknown-field error, as a Core without them would answer.
 */
export const CORE_UNCERTAIN_FIELDS: Record<string, CoreField> = {
  "ios.DEPEnrolled": (d) => (isApple(d.s) ? isAde(d.s) : undefined),
  "android.device_owner_mode_enabled": (d) =>
    d.s.platform === "android" ? android(d.s).deviceOwner : undefined,
  "android.work_profile_enabled": (d) => (d.s.platform === "android" ? android(d.s).workProfile : undefined),
  "android.kiosk_enabled": (d) => (d.s.platform === "android" ? android(d.s).kiosk : undefined),
};

/** Cloud's `platformType`: IOS, ANDROID, WINDOWS_PHONE (also for desktops, §D sample), MACOS [U]. */
function cloudPlatform(s: ScenarioDevice): string {
  switch (s.platform) {
    case "ios":
    case "ipados":
      return "IOS";
    case "android":
      return "ANDROID";
    case "macos":
      return "MACOS";
    case "windows":
      return "WINDOWS_PHONE";
  }
}

/**
 * A Neurons for MDM device row (the fields of the search results in vendor-apis.md §D and
 * the public sample it cites). `supervised`, `depEnrolled`, `androidDeviceOwnerModeEnabled`,
 * `kioskState` and `windowsDeviceType` appear in that sample; `androidWorkProfileEnabled` and
 * `androidWorkProfileOnCompanyOwnedDeviceEnabled` only as facet names there [U]; the kiosk
 * value for a dedicated device ("CONFIGURED") and `ownershipType` COMPANY/EMPLOYEE are [U].
 */
export function cloudRow(d: EmulatedDevice, partition: { id: number; name: string }) {
  const s = d.s;
  const a = android(s);
  const isAndroid = s.platform === "android";
  return {
    id: d.id,
    guid: d.uuid,
    deviceModel: s.model,
    prettyModel: s.model,
    deviceName: isApple(s) ? `${s.sourceOwner ? displayName(s.sourceOwner) : "Shared"}'s ${s.model}` : null,
    platformType: cloudPlatform(s),
    platformVersion: s.osVersion,
    lastCheckin: d.lastSeenAt,
    registrationState: d.state,
    displayName: s.sourceOwner ? displayName(s.sourceOwner) : null,
    uid: s.sourceOwner ?? null,
    emailAddress: s.sourceOwner ?? null,
    manufacturer: s.manufacturer,
    imei: visible(s, "imei") ?? null,
    imei2: null,
    meid: visible(s, "meid") ?? null,
    wifiMacAddress: visible(s, "wifiMac") ?? null,
    serialNumber: visible(s, "serial") ?? null,
    udid: visible(s, "udid") ?? null,
    ownershipType: s.ownership === "corporate" ? "COMPANY" : "EMPLOYEE",
    complianceState: true,
    quarantined: false,
    jailbroken: false,
    blocked: false,
    supervised: isApple(s) ? isAde(s) : null,
    depEnrolled: isApple(s) && isAde(s),
    androidDeviceOwnerModeEnabled: isAndroid && a.deviceOwner,
    androidWorkProfileEnabled: isAndroid && a.workProfile,
    androidWorkProfileOnCompanyOwnedDeviceEnabled: isAndroid && a.deviceOwner && a.workProfile,
    androidManagedByGoogle: isAndroid && !a.deviceAdmin,
    kioskState: isAndroid && a.kiosk ? "CONFIGURED" : "NOT_CONFIGURED",
    windowsDeviceType: s.platform === "windows" ? "WINDOWS_DESKTOP" : null,
    lastRegistrationTime: d.registeredAt,
    dmPartitionId: partition.id,
    dmPartitionName: partition.name,
    entityName: `${cloudPlatform(s)}-${s.model}`,
  };
}
