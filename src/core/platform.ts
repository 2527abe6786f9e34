/**
 * Platforms, enrollment modes and ownership, and Intune's supported operating systems.
 */
export const PLATFORMS = ["ios", "ipados", "android", "macos", "windows"] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * How a device is enrolled in the source. The mode decides which way it can leave the old
 * product (vendor-apis.md §G): only one device-owner EMM can exist on Android, and Apple ADE
 * devices are reassigned in Apple Business Manager.
 */
export const ENROLLMENT_MODES = [
  "apple-device", // iOS/iPadOS device enrollment through a profile (personal or corporate, not ADE)
  "apple-user-enrollment", // account-driven User Enrollment: no serial, IMEI or UDID reported
  "apple-ade", // Automated Device Enrollment, supervised
  "android-work-profile", // Android Enterprise personal work profile (12+: no serial or IMEI)
  "android-fully-managed",
  "android-cope", // corporate-owned with work profile
  "android-dedicated",
  "android-device-admin", // legacy; Intune ended support on GMS devices in Dec 2024
  "macos-profile", // user-approved MDM through a profile or the old agent
  "macos-ade",
  "windows",
] as const;
export type EnrollmentMode = (typeof ENROLLMENT_MODES)[number];

export const OWNERSHIPS = ["personal", "corporate"] as const;
export type Ownership = (typeof OWNERSHIPS)[number];

/** Which platforms each mode can exist on: imports reject any other pairing. */
export const MODE_PLATFORMS: Record<EnrollmentMode, readonly Platform[]> = {
  "apple-device": ["ios", "ipados"],
  "apple-user-enrollment": ["ios", "ipados"],
  "apple-ade": ["ios", "ipados"],
  "android-work-profile": ["android"],
  "android-fully-managed": ["android"],
  "android-cope": ["android"],
  "android-dedicated": ["android"],
  "android-device-admin": ["android"],
  "macos-profile": ["macos"],
  "macos-ade": ["macos"],
  windows: ["windows"],
};

/** Modes that make the device's management the company's: a full wipe is conceivable only here. */
export function isDeviceOwnerMode(mode: EnrollmentMode): boolean {
  return (
    mode === "android-fully-managed" ||
    mode === "android-cope" ||
    mode === "android-dedicated" ||
    mode === "apple-ade" ||
    mode === "macos-ade"
  );
}

/**
 * Intune's supported operating systems, in one place. A device below the minimum cannot be
 * migrated until it is updated or replaced.
 * Source: memdocs "Supported operating systems and browsers in Intune", dated 2025-09-22.
 * Re-check when Apple or Google ship a major release: Intune supports the last three majors.
 */
export const INTUNE_SUPPORTED_OS = {
  asOf: "2025-09-22",
  minimum: {
    ios: "17.0",
    ipados: "17.0",
    macos: "14.0",
    android: "10.0",
    windows: "10.0.16299", // Windows 10 1709
  } satisfies Record<Platform, string>,
  /** Userless Android (dedicated, AOSP) is supported from 8. */
  androidDedicatedMinimum: "8.0",
} as const;

export function minimumOsFor(platform: Platform, mode: EnrollmentMode): string {
  if (mode === "android-dedicated") return INTUNE_SUPPORTED_OS.androidDedicatedMinimum;
  return INTUNE_SUPPORTED_OS.minimum[platform];
}

/** Compares dotted version strings numerically ("17.4.1" vs "17.10"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  const length = Math.max(pa.length, pb.length);
  for (let i = 0; i < length; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

function parseVersion(v: string): number[] {
  const match = /\d+(?:\.\d+)*/.exec(v);
  if (!match) return [];
  return match[0].split(".").map((part) => Number.parseInt(part, 10));
}

/** The major version, or NaN when the string holds no number. */
export function majorVersion(v: string): number {
  return parseVersion(v)[0] ?? Number.NaN;
}
