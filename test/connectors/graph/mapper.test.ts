/** The managedDevice → TargetDeviceRecord mapping: pure, so tested without any server. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  complianceOf,
  type ManagedDeviceJson,
  mapManagedDevice,
  platformOf,
  withUdid,
} from "../../../src/connectors/graph/index.ts";

function device(over: Partial<ManagedDeviceJson> = {}): ManagedDeviceJson {
  return {
    id: "6f1c2b0e-0000-4000-8000-000000000001",
    userPrincipalName: "ann.lee@contoso.example",
    operatingSystem: "iOS",
    osVersion: "18.6.2",
    model: "iPhone 15",
    manufacturer: "Apple",
    serialNumber: "F2LX1234ABCD",
    imei: "35 209900 176148 1",
    meid: "",
    udid: "",
    wiFiMacAddress: "a4c3f0e1d2b3",
    complianceState: "compliant",
    enrolledDateTime: "2026-01-05T08:00:00Z",
    deviceEnrollmentType: "userEnrollment",
    ...over,
  };
}

function record(over: Partial<ManagedDeviceJson> = {}) {
  const m = mapManagedDevice(device(over));
  assert.equal(m.kind, "record");
  return m as Extract<typeof m, { kind: "record" }>;
}

describe("graph mapper", () => {
  test("a whole record: identifiers normalised, dates parsed", () => {
    const { record: r, needsUdid } = record();
    assert.deepEqual(r, {
      targetId: "6f1c2b0e-0000-4000-8000-000000000001",
      userPrincipalName: "ann.lee@contoso.example",
      platform: "ios",
      osVersion: "18.6.2",
      model: "iPhone 15",
      manufacturer: "Apple",
      identifiers: { serial: "F2LX1234ABCD", imei: "352099001761481", wifiMac: "A4C3F0E1D2B3" },
      compliance: "compliant",
      enrolledAt: Date.UTC(2026, 0, 5, 8),
    });
    assert.equal(needsUdid, false, "it has a serial");
  });

  test("compliance in both casings, as numbers, and the states Ferry cannot rely on", () => {
    for (const s of ["noncompliant", "nonCompliant", "NONCOMPLIANT", "2", "inGracePeriod"]) {
      assert.equal(complianceOf(s), "noncompliant", s);
    }
    for (const s of ["compliant", "Compliant", "1"]) assert.equal(complianceOf(s), "compliant", s);
    for (const s of ["unknown", "conflict", "error", "configManager", "", undefined, null, 7]) {
      assert.equal(complianceOf(s), "unknown", String(s));
    }
  });

  test("platform from free text: iPads reported as iOS, old spellings, and what Ferry skips", () => {
    assert.equal(platformOf("iOS", "iPad Air (5th generation)"), "ipados");
    assert.equal(platformOf("iPadOS", "iPad Pro"), "ipados");
    assert.equal(platformOf("IOS", "iPhone 16"), "ios");
    assert.equal(platformOf("macOS", "MacBook Pro"), "macos");
    assert.equal(platformOf("Mac OS X", "iMac"), "macos");
    assert.equal(platformOf("Windows", "Latitude 7450"), "windows");
    assert.equal(platformOf("Windows 10", "Surface Pro"), "windows");
    assert.equal(platformOf("Android", "Pixel 9"), "android");
    assert.equal(platformOf("AndroidForWork", "Galaxy S24"), "android");
    assert.equal(platformOf("AndroidEnterprise", "TC52"), "android");
    assert.equal(platformOf("Linux", "ThinkPad"), undefined);
    assert.equal(platformOf("Windows Mobile", "Lumia"), undefined);
    const skipped = mapManagedDevice(device({ operatingSystem: "ChromeOS" }));
    assert.equal(skipped.kind, "skip");
    assert.match((skipped as { reason: string }).reason, /ChromeOS/);
  });

  test("missing identifiers per mode: User Enrollment, Android 12+ work profile, Windows without IMEI", () => {
    const ue = record({
      serialNumber: "",
      imei: "",
      wiFiMacAddress: "",
      deviceEnrollmentType: "appleUserEnrollment",
    });
    assert.deepEqual(ue.record.identifiers, {});
    assert.equal(ue.needsUdid, false, "User Enrollment never reports a UDID: nothing to fetch");

    const wp = record({
      operatingSystem: "Android",
      model: "Pixel 8",
      manufacturer: "Google",
      serialNumber: "",
      imei: "",
      wiFiMacAddress: "02:00:5E:10:20:30",
    });
    assert.deepEqual(wp.record.identifiers, { wifiMac: "02005E102030" });
    assert.equal(wp.needsUdid, false);

    const win = record({
      operatingSystem: "Windows",
      model: "Latitude 7450",
      manufacturer: "Dell Inc.",
      serialNumber: "5CG1234XYZ",
      imei: "",
      wiFiMacAddress: "",
    });
    assert.deepEqual(win.record.identifiers, { serial: "5CG1234XYZ" });
    assert.ok(!("imei" in win.record.identifiers), "Windows reports no IMEI");
  });

  test("placeholders and blanks are absent identifiers; a userless device has no UPN", () => {
    const r = record({ serialNumber: "Unknown", imei: "0", meid: "000000000000", userPrincipalName: "" });
    assert.deepEqual(r.record.identifiers, { wifiMac: "A4C3F0E1D2B3" });
    assert.equal(r.record.userPrincipalName, undefined);
    const undated = record({ enrolledDateTime: "not a date" });
    assert.equal(undated.record.enrolledAt, 0);
  });

  test("an Apple record listing no serial (not User Enrollment) asks for its UDID, which the single GET adds", () => {
    const m = record({ serialNumber: "", deviceEnrollmentType: "appleBulkWithUser" });
    assert.equal(m.needsUdid, true);
    const r = withUdid(m.record, "00008110-000A1B2C3D4E5F6A");
    assert.equal(r.identifiers.udid, "00008110000A1B2C3D4E5F6A");
    assert.deepEqual(withUdid(m.record, ""), m.record);
    assert.equal(
      record({ operatingSystem: "Android", serialNumber: "" }).needsUdid,
      false,
      "Android has no UDID",
    );
  });

  test("a record without an id is skipped", () => {
    assert.equal(mapManagedDevice(device({ id: "" })).kind, "skip");
  });
});
