/**
 * The world's Apple devices in Jamf Pro's shapes (vendor-apis.md §C): computers of
 * `/api/vN/computers-inventory` (v4 renames `general.lastContactTime` to `general.lastContact`),
 * and mobile devices of `/api/v2/mobile-devices` and `/api/v2/mobile-devices/detail`.
 * Jamf manages Apple devices only: Android and Windows devices of the world are not here.
 */
import type { Platform } from "../../core/platform.ts";
import { DAY, type Millis } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import { localPart, type SourceView, stableUuid } from "../workspace-one/world-source.ts";

/** Which of the world's devices Jamf manages: Apple's (iOS, iPadOS, macOS). */
export function jamfManages(d: { platform: Platform }): boolean {
  return d.platform === "ios" || d.platform === "ipados" || d.platform === "macos";
}

export function isComputer(d: ScenarioDevice): boolean {
  return d.platform === "macos";
}

export function iso(t: Millis | undefined): string | null {
  return t === undefined ? null : new Date(t).toISOString();
}

export function managementIdOf(d: ScenarioDevice): string {
  return stableUuid(`jamf-management:${d.sourceId}`);
}

function colonMac(raw: string | undefined): string | null {
  if (!raw) return null;
  const hex = raw.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? null;
}

function enrolledOn(d: ScenarioDevice): Millis {
  return d.checkIn.anchor - (30 + (d.index % 400)) * DAY;
}

function modelIdentifier(d: ScenarioDevice): string {
  const n = 10 + (d.index % 7);
  if (d.platform === "ipados") return `iPad${n},${1 + (d.index % 4)}`;
  if (d.platform === "ios") return `iPhone${n},${1 + (d.index % 4)}`;
  return `Mac${n},${1 + (d.index % 9)}`;
}

export interface ComputerOptions {
  /** [U] The extension attribute carrying ownership; null = none. */
  ownershipAttribute: string | null;
}

/**
 * A computer with every emulated section (GENERAL, HARDWARE, USER_AND_LOCATION,
 * OPERATING_SYSTEM); `version` 4 names the last check-in `lastContact`.
 */
export function computerRecord(
  view: SourceView,
  managed: boolean,
  version: number,
  o: ComputerOptions,
): Record<string, unknown> {
  const d = view.device;
  const ids = d.sourceIdentifiers;
  const ade = d.mode === "macos-ade";
  const owner = d.sourceOwner;
  const user = owner ? localPart(owner) : "";
  const seen = iso(view.lastSeenAt);
  const general: Record<string, unknown> = {
    name: owner ? `${user}'s ${d.model}` : `${d.model} ${d.sourceId}`,
    lastIpAddress: null,
    lastReportedIp: null,
    jamfBinaryVersion: "11.14.0-t1738000000",
    platform: "Mac",
    barcode1: null,
    barcode2: null,
    assetTag: null,
    remoteManagement: { managed, managementUsername: managed ? "jamfadmin" : null },
    supervised: ade,
    mdmCapable: { capable: managed, capableUsers: user ? [user] : [] },
    reportDate: seen,
    lastCloudBackupDate: null,
    lastEnrolledDate: iso(enrolledOn(d)),
    mdmProfileExpiration: iso(enrolledOn(d) + 730 * DAY),
    initialEntryDate: iso(enrolledOn(d))?.slice(0, 10) ?? null,
    distributionPoint: null,
    enrollmentMethod: ade
      ? { id: "1", objectName: "Corporate Macs", objectType: "PreStage enrollment" }
      : { id: "2", objectName: user || "admin", objectType: "User-initiated - no invitation" },
    site: { id: "-1", name: "None" },
    itunesStoreAccountActive: false,
    enrolledViaAutomatedDeviceEnrollment: ade,
    userApprovedMdm: true,
    declarativeDeviceManagementEnabled: true,
    extensionAttributes: o.ownershipAttribute
      ? [
          {
            definitionId: "1",
            name: o.ownershipAttribute,
            description: "Who owns the Mac",
            enabled: true,
            multiValue: false,
            values: [d.ownership === "personal" ? "Personal" : "Company"],
            dataType: "STRING",
            options: ["Company", "Personal"],
            inputType: "POPUP",
          },
        ]
      : [],
    managementId: managementIdOf(d),
  };
  general[version >= 4 ? "lastContact" : "lastContactTime"] = seen;
  return {
    id: d.sourceId,
    udid: ids.udid ? (d.hardware.udid ?? "").toUpperCase() : null,
    general,
    hardware: {
      make: "Apple",
      model: d.model,
      modelIdentifier: modelIdentifier(d),
      serialNumber: ids.serial ? d.hardware.serial : "",
      // en0: the Wi-Fi interface on the laptops the world has.
      macAddress: ids.wifiMac ? colonMac(d.hardware.wifiMac) : null,
      altMacAddress: null,
      provisioningUdid: null,
      appleSilicon: /M\d/.test(d.model),
    },
    userAndLocation: {
      username: user,
      realname: "",
      email: owner ?? "",
      position: null,
      phone: null,
      departmentId: null,
      buildingId: null,
      room: null,
      extensionAttributes: [],
    },
    operatingSystem: {
      name: "macOS",
      version: d.osVersion,
      build: `${d.osVersion.split(".")[0]}A${100 + (d.index % 300)}`,
      activeDirectoryStatus: "Not Bound",
      fileVault2Status: "ALL_ENCRYPTED",
      extensionAttributes: [],
    },
  };
}

/** Jamf's `deviceOwnershipType` for an iOS/iPadOS mode and ownership. */
export function ownershipTypeOf(d: ScenarioDevice): string {
  if (d.mode === "apple-user-enrollment") return "AccountDrivenUserEnrollment";
  if (d.mode === "apple-device" && d.ownership === "personal") return "PersonalDeviceProfile";
  return "Institutional";
}

/** A mobile device with every emulated section of `/detail` (GENERAL, HARDWARE, USER_AND_LOCATION, NETWORK). */
export function mobileDetail(view: SourceView, managed: boolean): Record<string, unknown> {
  const d = view.device;
  const ids = d.sourceIdentifiers;
  const ade = d.mode === "apple-ade";
  const owner = d.sourceOwner;
  const user = owner ? localPart(owner) : "";
  const seen = iso(view.lastSeenAt);
  return {
    mobileDeviceId: d.sourceId,
    deviceType: "iOS",
    general: {
      // User Enrollment hands the MDM an enrollment-specific id, not the UDID.
      udid: ids.udid ? (d.hardware.udid ?? "") : stableUuid(`enrollment-id:${d.worldId}`).toUpperCase(),
      displayName: owner ? `${user}'s ${d.model}` : `${d.model} ${d.sourceId}`,
      assetTag: null,
      siteId: "-1",
      lastInventoryUpdateDate: seen,
      osVersion: d.osVersion,
      osBuild: `${d.osVersion.split(".")[0]}A${100 + (d.index % 300)}`,
      ipAddress: null,
      managed,
      supervised: ade,
      deviceOwnershipType: ownershipTypeOf(d),
      enrollmentMethodPrestage: ade
        ? {
            mobileDevicePrestageId: "1",
            profileName: d.platform === "ipados" ? "Corporate iPads" : "Corporate iPhones",
          }
        : null,
      enrollmentSessionTokenValid: false,
      lastEnrolledDate: iso(enrolledOn(d)),
      mdmProfileExpirationDate: iso(enrolledOn(d) + 730 * DAY),
      timeZone: null,
      declarativeDeviceManagementEnabled: true,
      managementId: managementIdOf(d),
      sharedIpad: false,
      exchangeDeviceId: null,
      extensionAttributes: [],
    },
    hardware: {
      capacityMb: 122_070,
      serialNumber: ids.serial ? d.hardware.serial : "",
      wifiMacAddress: ids.wifiMac ? colonMac(d.hardware.wifiMac) : null,
      bluetoothMacAddress: null,
      model: d.model,
      modelIdentifier: modelIdentifier(d),
      extensionAttributes: [],
    },
    userAndLocation: {
      username: user,
      realName: "",
      emailAddress: owner ?? "",
      position: null,
      phoneNumber: null,
      extensionAttributes: [],
    },
    network: {
      cellularTechnology: d.hardware.imei ? "GSM" : "Not Available",
      imei: ids.imei ? (d.hardware.imei ?? null) : null,
      meid: ids.meid ? (d.hardware.meid ?? null) : null,
      iccid: null,
      roaming: false,
      phoneNumber: null,
    },
  };
}

/** One row of `GET /api/v2/mobile-devices`. */
export function mobileListItem(view: SourceView, managed: boolean): Record<string, unknown> {
  const full = mobileDetail(view, managed) as {
    mobileDeviceId: string;
    general: Record<string, unknown>;
    hardware: Record<string, unknown>;
    userAndLocation: Record<string, unknown>;
  };
  return {
    id: full.mobileDeviceId,
    name: full.general.displayName,
    serialNumber: full.hardware.serialNumber,
    wifiMacAddress: full.hardware.wifiMacAddress,
    udid: full.general.udid,
    phoneNumber: null,
    model: full.hardware.model,
    modelIdentifier: full.hardware.modelIdentifier,
    username: full.userAndLocation.username,
    type: "ios",
    managementId: full.general.managementId,
  };
}
