/**
 * Readiness: every device gets a path out of the old product before any wave is planned.
 * The rules follow the platform facts in vendor-apis.md §G.
 */
import type { Device, ReadinessPath } from "./model.ts";
import { compareVersions, majorVersion, minimumOsFor } from "./platform.ts";

export interface ReadinessInput {
  device: Pick<Device, "platform" | "mode" | "ownership" | "osVersion">;
  /** false when the device has no owner, or its owner is not in the directory. */
  ownerInDirectory: boolean;
}

export interface ReadinessVerdict {
  path: ReadinessPath;
  /** one line an administrator can act on */
  why: string;
}

/** Apple allows ABM reassignment with a deadline (no erase) from OS 26. */
export const APPLE_MIGRATION_MIN_MAJOR = 26;

export function decidePath({ device, ownerInDirectory }: ReadinessInput): ReadinessVerdict {
  if (!ownerInDirectory) {
    return { path: "no-owner", why: "no owner, or the owner is not in the directory: assign one first" };
  }
  const minimum = minimumOsFor(device.platform, device.mode);
  if (compareVersions(device.osVersion, minimum) < 0) {
    return {
      path: "unsupported-os",
      why: `${device.platform} ${device.osVersion} is below Intune's minimum ${minimum}: update or replace`,
    };
  }
  switch (device.mode) {
    case "apple-ade":
    case "macos-ade":
      if (majorVersion(device.osVersion) >= APPLE_MIGRATION_MIN_MAJOR) {
        return {
          path: "apple-migration-deadline",
          why: "ADE on OS 26+: reassign in Apple Business Manager with a deadline, no erase",
        };
      }
      if (device.mode === "macos-ade") {
        return { path: "admin-retire", why: "ADE Mac below 26: retire remotely, then re-enroll from ABM" };
      }
      return { path: "factory-reset", why: "ADE below OS 26: erase and re-run Setup Assistant" };
    case "android-fully-managed":
    case "android-cope":
    case "android-dedicated":
      return { path: "factory-reset", why: "Android device owner: only one EMM can own it, reset needed" };
    default:
      if (device.ownership === "corporate") {
        return { path: "admin-retire", why: "corporate device: Ferry retires it remotely" };
      }
      return { path: "self-service", why: "personal device: the owner leaves the old product themselves" };
  }
}
