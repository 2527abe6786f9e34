/**
 * The Ivanti mappers, pure: every enrollment mode and ownership each flavour reports, the
 * identifiers each mode hides (§F), IMEIs with spaces, what the [U] mode fields' absence
 * costs, and the records Ferry leaves out.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inferMode, mapCloudDevice, mapCoreDevice } from "../../../src/connectors/ivanti/index.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";

type Row = Record<string, unknown>;

function ok(m: ReturnType<typeof mapCoreDevice>): SourceDeviceRecord {
  assert.ok(m.ok, m.ok ? "" : m.reason);
  return m.record;
}

/** A Core row with every field the connector asks for. */
function core(over: Row): Row {
  return {
    "common.id": 10001,
    "common.uuid": "8b0da853-0000-4000-8000-f4b5457299cf",
    "common.status": "ACTIVE",
    "common.platform": "iOS",
    "common.os_version": "18.5",
    "common.model": "iPhone 15",
    "common.manufacturer": "Apple",
    "common.owner": "EMPLOYEE",
    "common.SerialNumber": "F2LXK0ABC123",
    "common.imei": "35 808863 399289 9",
    "common.wifi_mac_address": "a4:83:e7:4e:62:d2",
    "common.last_connected_at": "2027-01-04T07:38:22.000Z",
    "user.user_id": "anna.berg",
    "user.email_address": "Anna.Berg@contoso.example",
    "ios.iPhone UDID": "00008110-0011223344556677",
    "ios.Supervised": false,
    "ios.DEPEnrolled": false,
    ...over,
  };
}

const android = (over: Row) =>
  core({
    "common.platform": "Android",
    "common.os_version": "14",
    "common.model": "Galaxy S24",
    "common.manufacturer": "Samsung",
    "ios.iPhone UDID": undefined,
    "ios.Supervised": undefined,
    "ios.DEPEnrolled": undefined,
    "common.device_admin_enabled": false,
    "android.afw_capable": true,
    "android.device_owner_mode_enabled": false,
    "android.work_profile_enabled": false,
    "android.kiosk_enabled": false,
    ...over,
  });

describe("Ivanti Core mapper", () => {
  it("reads an iPhone: owner, platform, OS, model, normalised identifiers (IMEI with spaces), last check-in", () => {
    const r = ok(mapCoreDevice(core({})));
    assert.deepEqual(r, {
      sourceId: "10001",
      ownerUpn: "Anna.Berg@contoso.example",
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
      lastSeenAt: Date.UTC(2027, 0, 4, 7, 38, 22),
    });
  });

  it("tells every Apple mode apart, iPads by model", () => {
    const cases: [Row, string, string, string][] = [
      [{}, "ios", "apple-device", "personal"],
      [{ "common.owner": "COMPANY" }, "ios", "apple-device", "corporate"],
      [
        { "ios.Supervised": true, "ios.DEPEnrolled": true, "common.owner": "COMPANY" },
        "ios",
        "apple-ade",
        "corporate",
      ],
      [{ "common.model": "iPad Air (5th generation)" }, "ipados", "apple-device", "personal"],
      [
        { "common.SerialNumber": "", "common.imei": "", "ios.iPhone UDID": "" },
        "ios",
        "apple-user-enrollment",
        "personal",
      ],
      [
        { "common.platform": "macOS", "common.model": "MacBook Air (M2)" },
        "macos",
        "macos-profile",
        "personal",
      ],
      [
        {
          "common.platform": "macOS",
          "ios.Supervised": true,
          "ios.DEPEnrolled": true,
          "common.owner": "COMPANY",
        },
        "macos",
        "macos-ade",
        "corporate",
      ],
    ];
    for (const [over, platform, mode, ownership] of cases) {
      const r = ok(mapCoreDevice(core(over)));
      assert.deepEqual([r.platform, r.mode, r.ownership], [platform, mode, ownership], JSON.stringify(over));
    }
  });

  it("leaves out what a User Enrollment does not report (no serial, IMEI or UDID)", () => {
    const r = ok(
      mapCoreDevice(core({ "common.SerialNumber": "", "common.imei": null, "ios.iPhone UDID": "" })),
    );
    assert.deepEqual(r.identifiers, { wifiMac: "A483E74E62D2" });
  });

  it("tells every Android mode apart from the mode fields", () => {
    const cases: [Row, string, string][] = [
      [{ "android.work_profile_enabled": true }, "android-work-profile", "personal"],
      [
        { "android.device_owner_mode_enabled": true, "common.owner": "COMPANY" },
        "android-fully-managed",
        "corporate",
      ],
      [
        {
          "android.device_owner_mode_enabled": true,
          "android.work_profile_enabled": true,
          "common.owner": "COMPANY",
        },
        "android-cope",
        "corporate",
      ],
      [
        {
          "android.device_owner_mode_enabled": true,
          "android.kiosk_enabled": true,
          "common.owner": "COMPANY",
        },
        "android-dedicated",
        "corporate",
      ],
      [
        { "common.device_admin_enabled": true, "android.afw_capable": false },
        "android-device-admin",
        "personal",
      ],
      [
        { "common.device_admin_enabled": true, "android.afw_capable": false, "common.owner": "COMPANY" },
        "android-device-admin",
        "corporate",
      ],
    ];
    for (const [over, mode, ownership] of cases) {
      const r = ok(mapCoreDevice(android(over)));
      assert.deepEqual([r.platform, r.mode, r.ownership], ["android", mode, ownership], JSON.stringify(over));
    }
  });

  it("leaves out what an Android 12+ work profile hides: serial and IMEI come as empty strings", () => {
    const r = ok(
      mapCoreDevice(
        android({ "android.work_profile_enabled": true, "common.SerialNumber": "", "common.imei": "" }),
      ),
    );
    assert.deepEqual(r.identifiers, { wifiMac: "A483E74E62D2" });
  });

  it("reads Windows: no IMEI, and the mode is always windows", () => {
    const r = ok(
      mapCoreDevice(
        core({
          "common.platform": "Windows",
          "common.imei": "",
          "ios.iPhone UDID": undefined,
          "common.owner": "COMPANY",
        }),
      ),
    );
    assert.deepEqual(
      [r.platform, r.mode, r.ownership, r.identifiers.imei],
      ["windows", "windows", "corporate", undefined],
    );
  });

  it("without the [U] mode fields: ADE from supervision, device admin from its flag, others by ownership", () => {
    const strip = (row: Row) => {
      const {
        "ios.DEPEnrolled": _d,
        "android.device_owner_mode_enabled": _o,
        "android.work_profile_enabled": _w,
        "android.kiosk_enabled": _k,
        ...rest
      } = row;
      return rest;
    };
    assert.equal(ok(mapCoreDevice(strip(core({ "ios.Supervised": true })))).mode, "apple-ade");
    assert.equal(ok(mapCoreDevice(strip(core({})))).mode, "apple-device");
    assert.equal(
      ok(mapCoreDevice(strip(android({ "common.device_admin_enabled": true, "android.afw_capable": false }))))
        .mode,
      "android-device-admin",
    );
    assert.equal(
      ok(mapCoreDevice(strip(android({ "common.owner": "COMPANY" })))).mode,
      "android-fully-managed",
    );
    assert.equal(
      ok(mapCoreDevice(strip(android({ "common.owner": "EMPLOYEE" })))).mode,
      "android-work-profile",
    );
  });

  it("reads the mode fields under the names the configuration gives", () => {
    const names = {
      dep: "ios.x_dep",
      deviceOwner: "android.x_do",
      workProfile: "android.x_wp",
      kiosk: "android.x_kiosk",
    };
    const r = ok(mapCoreDevice(android({ "android.x_do": "true", "android.x_kiosk": "true" }), names));
    assert.equal(r.mode, "android-dedicated");
  });

  it("derives ownership from the mode when Core says UNKNOWN", () => {
    assert.equal(
      ok(mapCoreDevice(core({ "common.owner": "UNKNOWN", "ios.DEPEnrolled": true }))).ownership,
      "corporate",
    );
    assert.equal(ok(mapCoreDevice(core({ "common.owner": "UNKNOWN" }))).ownership, "personal");
  });

  it("reports RETIRE_PENDING as retire-pending and leaves out retired, wiped and unknown-platform devices", () => {
    assert.equal(ok(mapCoreDevice(core({ "common.status": "RETIRE_PENDING" }))).enrollment, "retire-pending");
    for (const status of ["RETIRED", "WIPED", "EXPIRED", ""]) {
      const m = mapCoreDevice(core({ "common.status": status }));
      assert.equal(m.ok, false);
      assert.match(m.ok ? "" : m.reason, /not managed/);
    }
    const blackberry = mapCoreDevice(core({ "common.platform": "BlackBerry" }));
    assert.equal(blackberry.ok, false);
    assert.equal(mapCoreDevice(core({ "common.id": undefined })).ok, false);
  });

  it("treats values a GDPR profile hides (*****) as absent; falls back to user_id without an e-mail", () => {
    const r = ok(
      mapCoreDevice(
        core({ "common.SerialNumber": "*****", "common.imei": "*****", "user.email_address": "*****" }),
      ),
    );
    assert.equal(r.identifiers.serial, undefined);
    assert.equal(r.identifiers.imei, undefined);
    assert.equal(r.ownerUpn, "anna.berg");
    assert.equal(
      ok(mapCoreDevice(core({ "user.email_address": null, "user.user_id": null }))).ownerUpn,
      undefined,
    );
  });
});

/** A Neurons for MDM row (cf. vendor-apis.md §D). */
function cloud(over: Row): Row {
  return {
    id: 1000001,
    guid: "02fdc9d7-0000-4000-8000-1b3d96158fb9",
    deviceModel: "Pixel 8",
    prettyModel: "Pixel 8",
    platformType: "ANDROID",
    platformVersion: "15",
    lastCheckin: 1600797224252,
    registrationState: "ACTIVE",
    uid: "bo.ek@contoso.example",
    emailAddress: "bo.ek@contoso.example",
    manufacturer: "Google",
    imei: "358088633992899",
    meid: "",
    wifiMacAddress: "00:37:00:00:00:00",
    serialNumber: "38311FDL0001AB",
    udid: null,
    ownershipType: "EMPLOYEE",
    supervised: null,
    depEnrolled: false,
    androidDeviceOwnerModeEnabled: false,
    androidWorkProfileEnabled: true,
    androidWorkProfileOnCompanyOwnedDeviceEnabled: false,
    kioskState: "NOT_CONFIGURED",
    windowsDeviceType: null,
    ...over,
  };
}

describe("Ivanti Neurons for MDM mapper", () => {
  it("tells every mode apart, with ownership", () => {
    const apple = {
      platformType: "IOS",
      prettyModel: "iPhone 15",
      udid: "0000811000112233",
      androidWorkProfileEnabled: false,
    };
    const cases: [Row, string, string, string][] = [
      [{}, "android", "android-work-profile", "personal"],
      [
        { androidWorkProfileEnabled: false, androidDeviceOwnerModeEnabled: true, ownershipType: "COMPANY" },
        "android",
        "android-fully-managed",
        "corporate",
      ],
      [
        {
          androidDeviceOwnerModeEnabled: true,
          androidWorkProfileOnCompanyOwnedDeviceEnabled: true,
          ownershipType: "COMPANY",
        },
        "android",
        "android-cope",
        "corporate",
      ],
      [
        {
          androidWorkProfileEnabled: false,
          androidDeviceOwnerModeEnabled: true,
          kioskState: "CONFIGURED",
          ownershipType: "COMPANY",
        },
        "android",
        "android-dedicated",
        "corporate",
      ],
      [
        { androidWorkProfileEnabled: false, ownershipType: "COMPANY" },
        "android",
        "android-device-admin",
        "corporate",
      ],
      [{ ...apple }, "ios", "apple-device", "personal"],
      [
        { ...apple, supervised: true, depEnrolled: true, ownershipType: "COMPANY" },
        "ios",
        "apple-ade",
        "corporate",
      ],
      [{ ...apple, udid: null, serialNumber: null, imei: null }, "ios", "apple-user-enrollment", "personal"],
      [{ ...apple, prettyModel: "iPad Pro (M4)" }, "ipados", "apple-device", "personal"],
      [{ ...apple, platformType: "MACOS", prettyModel: "MacBook Pro" }, "macos", "macos-profile", "personal"],
      [
        { ...apple, platformType: "MACOS", depEnrolled: true, ownershipType: "COMPANY" },
        "macos",
        "macos-ade",
        "corporate",
      ],
      [
        {
          platformType: "WINDOWS_PHONE",
          windowsDeviceType: "WINDOWS_DESKTOP",
          imei: null,
          ownershipType: "COMPANY",
        },
        "windows",
        "windows",
        "corporate",
      ],
    ];
    for (const [over, platform, mode, ownership] of cases) {
      const m = mapCloudDevice(cloud(over));
      assert.ok(m.ok, JSON.stringify(over));
      assert.deepEqual(
        [m.record.platform, m.record.mode, m.record.ownership],
        [platform, mode, ownership],
        JSON.stringify(over),
      );
    }
  });

  it("maps identifiers (MEID too), the owner and the last check-in in epoch ms", () => {
    const m = mapCloudDevice(cloud({ meid: "35808863399289", imei: "35 808863 399289 9" }));
    assert.ok(m.ok);
    assert.deepEqual(m.record.identifiers, {
      serial: "38311FDL0001AB",
      imei: "358088633992899",
      meid: "35808863399289",
      wifiMac: "003700000000",
    });
    assert.equal(m.record.ownerUpn, "bo.ek@contoso.example");
    assert.equal(m.record.lastSeenAt, 1600797224252);
    assert.equal(m.record.sourceId, "1000001");
  });

  it("reports RETIRE_PENDING, and leaves RETIRED devices out", () => {
    const pending = mapCloudDevice(cloud({ registrationState: "RETIRE_PENDING" }));
    assert.ok(pending.ok && pending.record.enrollment === "retire-pending");
    assert.equal(mapCloudDevice(cloud({ registrationState: "RETIRED" })).ok, false);
  });

  it("infers without any hint: corporate Android is fully managed, personal is a work profile", () => {
    assert.equal(
      inferMode({ platform: "android", identifiers: {}, ownership: "corporate" }),
      "android-fully-managed",
    );
    assert.equal(
      inferMode({ platform: "android", identifiers: {}, ownership: undefined }),
      "android-work-profile",
    );
  });
});
