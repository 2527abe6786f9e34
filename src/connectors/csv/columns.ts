/**
 * The CSV inventory's documented columns (docs/csv-inventory.md), their header aliases, and
 * the spellings accepted for platform, ownership and enrollment values.
 */
import { ENROLLMENT_MODES, type EnrollmentMode, type Ownership, type Platform } from "../../core/platform.ts";

export const CSV_COLUMNS = [
  "source_id",
  "owner_upn",
  "platform",
  "mode",
  "ownership",
  "os_version",
  "model",
  "manufacturer",
  "serial",
  "imei",
  "meid",
  "udid",
  "wifi_mac",
  "last_seen",
  "enrollment",
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

export interface CsvColumnSpec {
  name: CsvColumn;
  aliases: readonly string[];
  /** the column must be in the header */
  requiredColumn: boolean;
  /** every row must have a value */
  requiredValue: boolean;
  description: string;
}

export const CSV_COLUMN_SPECS: readonly CsvColumnSpec[] = [
  {
    name: "source_id",
    aliases: ["id", "device_id"],
    requiredColumn: true,
    requiredValue: true,
    description: "the old product's id for the device; unique in the file",
  },
  {
    name: "owner_upn",
    aliases: ["upn", "user", "email", "owner"],
    // The column must be there so a forgotten column cannot make every device ownerless.
    requiredColumn: true,
    requiredValue: false,
    description: "the owner's user principal name or e-mail; empty = no owner",
  },
  {
    name: "platform",
    aliases: [],
    requiredColumn: true,
    requiredValue: true,
    description: "ios, ipados, android, macos or windows",
  },
  {
    name: "mode",
    aliases: [],
    requiredColumn: false,
    requiredValue: false,
    description: "enrollment mode; empty = derived from platform and ownership",
  },
  {
    name: "ownership",
    aliases: [],
    requiredColumn: true,
    requiredValue: true,
    description: "personal or corporate (Workspace ONE's C, E, S accepted)",
  },
  {
    name: "os_version",
    aliases: [],
    requiredColumn: true,
    requiredValue: true,
    description: "operating system version, e.g. 17.5.1",
  },
  { name: "model", aliases: [], requiredColumn: false, requiredValue: false, description: "device model" },
  {
    name: "manufacturer",
    aliases: [],
    requiredColumn: false,
    requiredValue: false,
    description: "manufacturer",
  },
  { name: "serial", aliases: [], requiredColumn: false, requiredValue: false, description: "serial number" },
  { name: "imei", aliases: [], requiredColumn: false, requiredValue: false, description: "IMEI" },
  { name: "meid", aliases: [], requiredColumn: false, requiredValue: false, description: "MEID" },
  { name: "udid", aliases: [], requiredColumn: false, requiredValue: false, description: "Apple UDID" },
  {
    name: "wifi_mac",
    aliases: [],
    requiredColumn: false,
    requiredValue: false,
    description: "Wi-Fi MAC address",
  },
  {
    name: "last_seen",
    aliases: [],
    requiredColumn: false,
    requiredValue: false,
    description: "last check-in, ISO-8601; no offset = UTC; empty = unknown",
  },
  {
    name: "enrollment",
    aliases: [],
    requiredColumn: false,
    requiredValue: false,
    description: "enrolled or retire-pending; empty = enrolled",
  },
];

/** Header text as compared: trimmed, lower case, inner runs of spaces and hyphens as "_". */
export function normaliseHeader(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

const HEADER_INDEX: ReadonlyMap<string, CsvColumn> = new Map(
  CSV_COLUMN_SPECS.flatMap((spec) => [spec.name, ...spec.aliases].map((h) => [h, spec.name] as const)),
);

/** The column a header cell names, or undefined for a column Ferry does not know. */
export function resolveHeader(raw: string): CsvColumn | undefined {
  return HEADER_INDEX.get(normaliseHeader(raw));
}

/** Lower case with spaces, hyphens, underscores, dots and slashes removed: "Mac OS X" → "macosx". */
function squash(value: string): string {
  return value.toLowerCase().replace(/[\s\-_./]+/g, "");
}

const PLATFORM_SPELLINGS: Record<string, Platform> = {
  ios: "ios",
  iphone: "ios",
  iphoneos: "ios",
  appleios: "ios",
  ipados: "ipados",
  ipad: "ipados",
  android: "android",
  androidenterprise: "android",
  macos: "macos",
  macosx: "macos",
  osx: "macos",
  mac: "macos",
  windows: "windows",
  win: "windows",
  windows10: "windows",
  windows11: "windows",
  win10: "windows",
  win11: "windows",
  windowsdesktop: "windows",
};

export function parsePlatform(value: string): Platform | undefined {
  const key = squash(value);
  return Object.hasOwn(PLATFORM_SPELLINGS, key) ? PLATFORM_SPELLINGS[key] : undefined;
}

/** Workspace ONE exports ownership as C (corporate-dedicated), E (employee-owned), S (corporate-shared). */
const OWNERSHIP_SPELLINGS: Record<string, Ownership> = {
  personal: "personal",
  employee: "personal",
  employeeowned: "personal",
  byod: "personal",
  e: "personal",
  corporate: "corporate",
  company: "corporate",
  corporateowned: "corporate",
  corporatededicated: "corporate",
  corporateshared: "corporate",
  shared: "corporate",
  c: "corporate",
  s: "corporate",
};

export function parseOwnership(value: string): Ownership | undefined {
  const key = squash(value);
  return Object.hasOwn(OWNERSHIP_SPELLINGS, key) ? OWNERSHIP_SPELLINGS[key] : undefined;
}

export function parseMode(value: string): EnrollmentMode | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");
  return (ENROLLMENT_MODES as readonly string[]).includes(key) ? (key as EnrollmentMode) : undefined;
}

/** The mode assumed when the file gives none. */
export function defaultMode(platform: Platform, ownership: Ownership): EnrollmentMode {
  switch (platform) {
    case "ios":
    case "ipados":
      return "apple-device";
    case "android":
      return ownership === "personal" ? "android-work-profile" : "android-fully-managed";
    case "macos":
      return "macos-profile";
    case "windows":
      return "windows";
  }
}

export function parseEnrollment(value: string): "enrolled" | "retire-pending" | undefined {
  const key = squash(value);
  if (key === "" || key === "enrolled") return "enrolled";
  if (key === "retirepending") return "retire-pending";
  return undefined;
}
