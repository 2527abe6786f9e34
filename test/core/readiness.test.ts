import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ReadinessPath } from "../../src/core/model.ts";
import {
  compareVersions,
  type EnrollmentMode,
  INTUNE_SUPPORTED_OS,
  type Ownership,
  type Platform,
} from "../../src/core/platform.ts";
import { decidePath } from "../../src/core/readiness.ts";

type Row = [Platform, EnrollmentMode, Ownership, string, boolean, ReadinessPath];

// The readiness table, as an administrator would read it: platform, mode, ownership, OS,
// owner in directory → path.
const TABLE: Row[] = [
  ["ios", "apple-device", "personal", "18.1", true, "self-service"],
  ["ios", "apple-device", "corporate", "18.1", true, "admin-retire"],
  ["ios", "apple-user-enrollment", "personal", "17.0", true, "self-service"],
  ["ios", "apple-ade", "corporate", "18.5", true, "factory-reset"],
  ["ios", "apple-ade", "corporate", "26.0", true, "apple-migration-deadline"],
  ["ipados", "apple-ade", "corporate", "26.1", true, "apple-migration-deadline"],
  ["ios", "apple-device", "personal", "16.7.10", true, "unsupported-os"],
  ["android", "android-work-profile", "personal", "14", true, "self-service"],
  ["android", "android-fully-managed", "corporate", "14", true, "factory-reset"],
  ["android", "android-cope", "corporate", "13", true, "factory-reset"],
  ["android", "android-dedicated", "corporate", "9", true, "factory-reset"], // userless: 8+ supported
  ["android", "android-dedicated", "corporate", "7.1", true, "unsupported-os"],
  ["android", "android-work-profile", "personal", "9", true, "unsupported-os"],
  ["android", "android-device-admin", "personal", "11", true, "self-service"],
  ["macos", "macos-profile", "personal", "15.2", true, "self-service"],
  ["macos", "macos-profile", "corporate", "14.0", true, "admin-retire"],
  ["macos", "macos-ade", "corporate", "15.0", true, "admin-retire"],
  ["macos", "macos-ade", "corporate", "26.0", true, "apple-migration-deadline"],
  ["macos", "macos-profile", "personal", "13.6", true, "unsupported-os"],
  ["windows", "windows", "corporate", "10.0.19045", true, "admin-retire"],
  ["windows", "windows", "personal", "10.0.22631", true, "self-service"],
  ["windows", "windows", "corporate", "10.0.15063", true, "unsupported-os"],
  ["ios", "apple-device", "personal", "18.1", false, "no-owner"],
  ["ios", "apple-device", "personal", "12.0", false, "no-owner"], // ownership first: nobody to update it
];

describe("readiness", () => {
  for (const [platform, mode, ownership, osVersion, owner, expected] of TABLE) {
    it(`${platform} ${mode} ${ownership} ${osVersion}${owner ? "" : " (no owner)"} → ${expected}`, () => {
      const verdict = decidePath({
        device: { platform, mode, ownership, osVersion },
        ownerInDirectory: owner,
      });
      assert.equal(verdict.path, expected);
      assert.ok(verdict.why.length > 10, "every verdict says why");
    });
  }

  it("names the minimum in the unsupported verdict", () => {
    const v = decidePath({
      device: { platform: "macos", mode: "macos-profile", ownership: "personal", osVersion: "13.6" },
      ownerInDirectory: true,
    });
    assert.match(v.why, new RegExp(INTUNE_SUPPORTED_OS.minimum.macos.replace(".", "\\.")));
  });

  it("compares versions numerically", () => {
    assert.equal(compareVersions("17.10", "17.4.1"), 1);
    assert.equal(compareVersions("17", "17.0.0"), 0);
    assert.equal(compareVersions("10.0.16299", "10.0.19045"), -1);
    assert.equal(compareVersions("iOS 18.2", "18.2"), 0);
  });

  it("keeps the Intune table dated", () => {
    assert.match(INTUNE_SUPPORTED_OS.asOf, /^\d{4}-\d{2}-\d{2}$/);
  });
});
