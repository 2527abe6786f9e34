/**
 * The world's source devices in Workspace ONE UEM's shapes (vendor-apis.md §B): the v1 search
 * record (PascalCase, nested `Id.Value`, `MacAddress` without separators, times without a
 * zone), and the v2 (camelCase) and v3 (snake_case) single-device shapes.
 */
import type { EnrollmentMode } from "../../core/platform.ts";
import { DAY, type Millis } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import { localPart, type SourceView, stableUuid } from "./world-source.ts";

/** The [U] fields that carry what §B does not pin down; see WorkspaceOneEmulatorSettings. */
export interface RecordFields {
  /** Where the Android Enterprise management type goes; null = left out. */
  androidModeField: string | null;
  /** Where Apple User Enrollment is flagged; null = left out. */
  userEnrollmentField: string | null;
}

/** The one organization group the emulated devices are in (`LocationGroupId.Id.Value`). */
export const ORGANIZATION_GROUP_ID = 570;

/** WS1's platform names and PlatformId values (Apple 2, Android 5, AppleOsX 10, WinRT 12). */
const PLATFORM: Record<ScenarioDevice["platform"], { name: string; id: number }> = {
  ios: { name: "Apple", id: 2 },
  ipados: { name: "Apple", id: 2 },
  macos: { name: "AppleOsX", id: 10 },
  android: { name: "Android", id: 5 },
  windows: { name: "WinRT", id: 12 },
};

/** The Android Enterprise management type per mode [U]; dedicated devices are Work Managed, corporate-shared. */
const ANDROID_MODE: Partial<Record<EnrollmentMode, string>> = {
  "android-work-profile": "WorkProfile",
  "android-fully-managed": "WorkManaged",
  "android-dedicated": "WorkManaged",
  "android-cope": "COPE",
  "android-device-admin": "DeviceAdministrator",
};

export type Ws1Status = "Enrolled" | "EnterpriseWipePending" | "Unenrolled";

export function statusOf(view: SourceView): Ws1Status {
  if (!view.record) return "Unenrolled";
  return view.record.enrollment === "retire-pending" ? "EnterpriseWipePending" : "Enrolled";
}

/** Ownership: E employee-owned, C corporate-dedicated, S corporate-shared (dedicated Android devices). */
export function ownershipOf(d: ScenarioDevice): "C" | "E" | "S" {
  if (d.ownership === "personal") return "E";
  return d.mode === "android-dedicated" ? "S" : "C";
}

/** "2026-01-05T08:00:00.000" — WS1 writes UTC without a zone suffix. */
export function ws1Time(t: Millis | undefined): string {
  if (t === undefined) return "0001-01-01T00:00:00.000";
  return new Date(t).toISOString().slice(0, 23);
}

function enrolledOn(d: ScenarioDevice): Millis {
  return d.checkIn.anchor - (30 + (d.index % 400)) * DAY;
}

const APPLE = new Set(["ios", "ipados", "macos"]);

/** Raw hardware values, only for the identifiers the device's mode lets the source see. */
function visible(d: ScenarioDevice) {
  const ids = d.sourceIdentifiers;
  const apple = APPLE.has(d.platform);
  return {
    serial: ids.serial ? d.hardware.serial : "",
    imei: ids.imei ? (d.hardware.imei ?? "") : "",
    mac: ids.wifiMac ? d.hardware.wifiMac.replace(/[:-]/g, "").toUpperCase() : "",
    // WS1 keeps an Udid for every device: Apple's UDID, an enrollment-specific id for User
    // Enrollment, and its own hash for Android and Windows (not Apple's UDID, §F).
    udid:
      apple && ids.udid
        ? (d.hardware.udid ?? "")
        : stableUuid(`udid:${d.worldId}`).replace(/-/g, "").toUpperCase(),
  };
}

function compliant(d: ScenarioDevice): boolean {
  return d.supported;
}

/** The v1 device record of `GET /API/mdm/devices/search` and `GET /API/mdm/devices/{id}`. */
export function v1Record(view: SourceView, fields: RecordFields): Record<string, unknown> {
  const d = view.device;
  const id = Number(d.sourceId);
  const owner = d.sourceOwner;
  const user = owner ? localPart(owner) : "staging";
  const platform = PLATFORM[d.platform];
  const ids = visible(d);
  const ade = d.mode === "apple-ade" || d.mode === "macos-ade";
  const status = statusOf(view);
  const record: Record<string, unknown> = {
    EasIds: {},
    TimeZone: "",
    Udid: ids.udid,
    SerialNumber: ids.serial,
    MacAddress: ids.mac,
    Imei: ids.imei,
    EasId: "",
    AssetNumber: "",
    DeviceFriendlyName: `${user} ${d.model} ${platform.name} ${d.osVersion}`,
    DeviceReportedName: `${user}'s ${d.model}`,
    LocationGroupId: {
      Id: { Value: ORGANIZATION_GROUP_ID },
      Name: "Contoso",
      Uuid: stableUuid("og:contoso"),
    },
    LocationGroupName: "Contoso",
    UserId: { Id: { Value: 20000 + d.index }, Name: user, Uuid: stableUuid(`user:${user}`) },
    UserName: user,
    DataProtectionStatus: 0,
    UserEmailAddress: owner ?? "",
    Ownership: ownershipOf(d),
    PlatformId: { Id: { Value: platform.id }, Name: platform.name },
    Platform: platform.name,
    ModelId: { Id: { Value: 1 }, Name: d.model },
    Model: d.model,
    OperatingSystem: d.osVersion,
    PhoneNumber: "",
    LastSeen: ws1Time(view.lastSeenAt),
    EnrollmentStatus: status,
    ComplianceStatus: status === "Unenrolled" ? "NotAvailable" : compliant(d) ? "Compliant" : "NonCompliant",
    CompromisedStatus: false,
    LastEnrolledOn: ws1Time(enrolledOn(d)),
    LastComplianceCheckOn: ws1Time(view.lastSeenAt),
    LastCompromisedCheckOn: ws1Time(view.lastSeenAt),
    IsSupervised: ade,
    OEMInfo: d.manufacturer,
    UserApprovedEnrollment: d.platform === "macos",
    EnrolledViaDEP: ade,
    ManagedBy: 1,
    DepTokenSource: ade ? 1 : 0,
    Id: { Value: id },
    Uuid: stableUuid(`ws1:${d.sourceId}`),
  };
  const android = ANDROID_MODE[d.mode];
  if (android && fields.androidModeField) record[fields.androidModeField] = android;
  if ((d.platform === "ios" || d.platform === "ipados") && fields.userEnrollmentField) {
    record[fields.userEnrollmentField] = d.mode === "apple-user-enrollment";
  }
  return record;
}

const V2_OWNERSHIP = { C: "CORPORATE_DEDICATED", E: "EMPLOYEE", S: "CORPORATE_SHARED" } as const;

/** `GET /API/mdm/devices/{uuid}` with `version=2` (camelCase). */
export function v2Record(view: SourceView): Record<string, unknown> {
  const d = view.device;
  const v1 = v1Record(view, { androidModeField: null, userEnrollmentField: null });
  const status = statusOf(view);
  return {
    udid: v1.Udid,
    serialNumber: v1.SerialNumber,
    macAddress: v1.MacAddress,
    imei: v1.Imei,
    friendlyName: v1.DeviceFriendlyName,
    organizationGroupName: v1.LocationGroupName,
    supervised: v1.IsSupervised,
    platformInfo: {
      deviceType: v1.Platform,
      platformName: v1.Platform,
      modelName: d.model,
      osVersion: d.osVersion,
    },
    enrollmentInfo: {
      enrollmentStatus:
        status === "Enrolled"
          ? "ENROLLED"
          : status === "Unenrolled"
            ? "UNENROLLED"
            : "ENTERPRISE_WIPE_PENDING",
      compliant: v1.ComplianceStatus === "Compliant",
      enrollmentTimestamp: `${v1.LastEnrolledOn}Z`,
      lastSeenTimestamp: `${v1.LastSeen}Z`,
      ownership: V2_OWNERSHIP[ownershipOf(d)],
      organizationGroupName: v1.LocationGroupName,
      userName: v1.UserName,
      userEmailAddress: v1.UserEmailAddress,
      managedBy: "MDM",
    },
    uuid: v1.Uuid,
  };
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snake(k), snakeKeys(v)]));
}

/** `GET /API/mdm/devices/{uuid}` with `version=3` (snake_case of the v2 shape). */
export function v3Record(view: SourceView): Record<string, unknown> {
  return snakeKeys(v2Record(view)) as Record<string, unknown>;
}
