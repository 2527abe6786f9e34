/**
 * The MaaS360 mapper, pure: every enrollment mode and ownership, read by keyword [U]; the
 * inference without `enrollmentMode`; identifiers each mode hides (§F); numbers where text
 * was expected; the host chosen by the billing ID.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Maas360ConfigError,
  maas360Host,
  mapMaas360Device,
  parseMaas360Config,
} from "../../../src/connectors/maas360/index.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";

type Row = Record<string, unknown>;

function row(over: Row): Row {
  return {
    maas360DeviceID: "Appl00012345",
    deviceName: "anna-iPhone 15",
    username: "anna.berg",
    emailAddress: "anna.berg@contoso.example",
    platformName: "iOS",
    osVersion: "18.5",
    platformSerialNumber: "F2LXK0ABC123",
    imeiEsn: 358088633992899,
    udid: "00008110-0011223344556677",
    wifiMacAddress: "A4:83:E7:4E:62:D2",
    manufacturer: "Apple",
    modelId: "iPhone 15",
    deviceType: "Smartphone",
    ownership: "Employee Owned",
    deviceStatus: "Active",
    maas360ManagedStatus: "Enrolled",
    isSupervisedDevice: false,
    enrollmentMode: "Device Enrollment",
    lastReportedInEpochms: 1799000000000,
    ...over,
  };
}

function ok(r: Row): SourceDeviceRecord {
  const m = mapMaas360Device(r);
  assert.ok(m.ok, m.ok ? "" : m.reason);
  return m.record;
}

const android = (over: Row) =>
  row({
    platformName: "Android",
    modelId: "Galaxy S24",
    manufacturer: "Samsung",
    udid: "",
    osVersion: 14,
    ...over,
  });

describe("MaaS360 mapper", () => {
  it("reads a device: owner, platform, numeric OS and IMEI, normalised identifiers, last report", () => {
    assert.deepEqual(ok(row({ osVersion: 18.5 })), {
      sourceId: "Appl00012345",
      ownerUpn: "anna.berg@contoso.example",
      platform: "ios",
      mode: "apple-device",
      ownership: "personal",
      osVersion: "18.5",
      model: "iPhone 15",
      manufacturer: "Apple",
      identifiers: {
        serial: "F2LXK0ABC123",
        imei: "358088633992899",
        udid: "000081100011223344556677",
        wifiMac: "A483E74E62D2",
      },
      enrollment: "enrolled",
      lastSeenAt: 1799000000000,
    });
  });

  it("tells every mode apart from enrollmentMode, with ownership", () => {
    const corp = { ownership: "Corporate Owned" };
    const cases: [Row, string, string, string][] = [
      [row({}), "ios", "apple-device", "personal"],
      [row({ ...corp }), "ios", "apple-device", "corporate"],
      [
        row({ ...corp, enrollmentMode: "Automated Device Enrollment", isSupervisedDevice: true }),
        "ios",
        "apple-ade",
        "corporate",
      ],
      [
        row({ enrollmentMode: "User Enrollment", platformSerialNumber: "", imeiEsn: "", udid: "" }),
        "ios",
        "apple-user-enrollment",
        "personal",
      ],
      [
        row({ modelId: "iPad Air (5th generation)", deviceType: "Tablet" }),
        "ipados",
        "apple-device",
        "personal",
      ],
      [
        row({ platformName: "Mac", modelId: "MacBook Air", imeiEsn: "" }),
        "macos",
        "macos-profile",
        "personal",
      ],
      [
        row({ ...corp, platformName: "Mac", enrollmentMode: "Automated Device Enrollment" }),
        "macos",
        "macos-ade",
        "corporate",
      ],
      [android({ enrollmentMode: "Profile Owner" }), "android", "android-work-profile", "personal"],
      [android({ ...corp, enrollmentMode: "Device Owner" }), "android", "android-fully-managed", "corporate"],
      [
        android({ ...corp, enrollmentMode: "Work Profile on Corporate Owned" }),
        "android",
        "android-cope",
        "corporate",
      ],
      [
        android({ ...corp, enrollmentMode: "Device Owner (Kiosk)" }),
        "android",
        "android-dedicated",
        "corporate",
      ],
      [android({ enrollmentMode: "Device Admin" }), "android", "android-device-admin", "personal"],
      [android({ ...corp, enrollmentMode: "Device Admin" }), "android", "android-device-admin", "corporate"],
      [
        row({ ...corp, platformName: "Windows", enrollmentMode: "MDM", imeiEsn: "", udid: "" }),
        "windows",
        "windows",
        "corporate",
      ],
    ];
    for (const [r, platform, mode, ownership] of cases) {
      const m = ok(r);
      assert.deepEqual(
        [m.platform, m.mode, m.ownership],
        [platform, mode, ownership],
        JSON.stringify(r.enrollmentMode),
      );
    }
  });

  it("reads other wordings of the [U] values by keyword", () => {
    assert.equal(
      ok(android({ enrollmentMode: "Android Enterprise - Fully Managed" })).mode,
      "android-fully-managed",
    );
    assert.equal(
      ok(android({ enrollmentMode: "Android Enterprise Work Profile (BYOD)" })).mode,
      "android-work-profile",
    );
    assert.equal(ok(android({ enrollmentMode: "COPE" })).mode, "android-cope");
    assert.equal(ok(row({ enrollmentMode: "DEP" })).mode, "apple-ade");
    assert.equal(ok(row({ ownership: "Corporate" })).ownership, "corporate");
    assert.equal(ok(row({ ownership: "BYOD" })).ownership, "personal");
  });

  it("infers the mode without enrollmentMode: supervision, missing identifiers, ownership", () => {
    const none = { enrollmentMode: undefined };
    assert.equal(ok(row({ ...none, isSupervisedDevice: true })).mode, "apple-ade");
    assert.equal(ok(row({ ...none, isSupervisedDevice: "true", platformName: "Mac" })).mode, "macos-ade");
    assert.equal(
      ok(row({ ...none, platformSerialNumber: "", udid: "", imeiEsn: "" })).mode,
      "apple-user-enrollment",
    );
    assert.equal(ok(row({ ...none })).mode, "apple-device");
    assert.equal(ok(android({ ...none, ownership: "Corporate Owned" })).mode, "android-fully-managed");
    assert.equal(ok(android({ ...none })).mode, "android-work-profile");
    assert.equal(ok(android({ ...none, ownership: "Not Available" })).ownership, "personal");
  });

  it("leaves out what each mode hides: User Enrollment, Android 12+ work profile, Windows IMEI", () => {
    assert.deepEqual(
      ok(row({ enrollmentMode: "User Enrollment", platformSerialNumber: "", imeiEsn: "", udid: "" }))
        .identifiers,
      { wifiMac: "A483E74E62D2" },
    );
    assert.deepEqual(
      ok(android({ enrollmentMode: "Profile Owner", platformSerialNumber: null, imeiEsn: null })).identifiers,
      { wifiMac: "A483E74E62D2" },
    );
    assert.equal(ok(row({ platformName: "Windows", imeiEsn: "" })).identifiers.imei, undefined);
  });

  it("reports Pending Control Removed as retire-pending; leaves out devices MaaS360 no longer manages", () => {
    assert.equal(ok(row({ maas360ManagedStatus: "Pending Control Removed" })).enrollment, "retire-pending");
    assert.equal(ok(row({ maas360ManagedStatus: "Activated" })).enrollment, "enrolled");
    for (const [deviceStatus, status] of [
      ["Inactive", "Control Removed"],
      ["Inactive", "User Removed Control"],
      ["Active", "Not Enrolled"],
      ["Active", "Inactive"],
    ]) {
      const m = mapMaas360Device(row({ deviceStatus, maas360ManagedStatus: status }));
      assert.equal(m.ok, false, status);
    }
    assert.equal(mapMaas360Device(row({ platformName: "Symbian" })).ok, false);
  });

  it("owner: the e-mail address, else the user name; none for a device without a user", () => {
    assert.equal(ok(row({ emailAddress: "" })).ownerUpn, "anna.berg");
    assert.equal(ok(row({ emailAddress: "", username: "" })).ownerUpn, undefined);
  });
});

describe("MaaS360 configuration", () => {
  it("picks the host from the billing ID's first digit; a base URL overrides it", () => {
    assert.equal(maas360Host("10012345"), "https://services.fiberlink.com");
    for (const n of [2, 3, 4, 6])
      assert.equal(maas360Host(`${n}0012345`), `https://services.m${n}.maas360.com`);
    assert.throws(() => maas360Host("50012345"), /starts with "5".*baseUrl/);
    const base = { appId: "a", username: "u", passwordEnv: "P", appAccessKeyEnv: "K" };
    assert.equal(
      parseMaas360Config({ ...base, billingId: "30012345" }).baseUrl,
      "https://services.m3.maas360.com",
    );
    assert.equal(
      parseMaas360Config({ ...base, billingId: "90012345", baseUrl: "http://127.0.0.1:9/" }).baseUrl,
      "http://127.0.0.1:9",
    );
  });

  it("names every problem, and refuses secrets in the file", () => {
    assert.throws(
      () => parseMaas360Config({ billingId: "x", password: "p", appAccessKey: "k" }),
      (e: Error) =>
        e instanceof Maas360ConfigError &&
        [
          "billingId",
          "appId",
          "username",
          "passwordEnv",
          "appAccessKeyEnv",
          '"password" must not',
          '"appAccessKey" must not',
        ].every((w) => e.message.includes(w)),
    );
  });
});
