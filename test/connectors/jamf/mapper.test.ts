/** Jamf Pro computers and mobile devices → SourceDeviceRecord: modes, ownership, identifiers, ids, skips. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  formatJamfSourceId,
  type JamfComputer,
  type JamfMobileDevice,
  type MapOutcome,
  mapJamfComputer,
  mapJamfMobileDevice,
  parseJamfSourceId,
} from "../../../src/connectors/jamf/index.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";
import { computerRecord, jamfManages, mobileDetail } from "../../../src/emulators/jamf/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";
import { jamfIdOf } from "./harness.ts";

function ok(out: MapOutcome): SourceDeviceRecord & { warnings: string[] } {
  if (!out.ok) assert.fail(`expected a record, got ${out.reason}: ${out.detail}`);
  return { ...out.record, warnings: out.warnings };
}

const mac = (over: { general?: object; hardware?: object; other?: object } = {}): JamfComputer => ({
  id: "12",
  udid: "55E1D2C8-1B6A-4F0E-9C7D-3E2A1B0C9D8E",
  general: {
    remoteManagement: { managed: true },
    supervised: false,
    enrolledViaAutomatedDeviceEnrollment: false,
    userApprovedMdm: true,
    lastContactTime: "2027-01-04T07:00:00.000Z",
    managementId: "m-12",
    extensionAttributes: [{ name: "Ownership", values: ["Company"] }],
    ...over.general,
  },
  hardware: {
    serialNumber: "C02XYZ12ABCD",
    macAddress: "a4:83:e7:01:02:03",
    model: "MacBook Pro",
    ...over.hardware,
  },
  userAndLocation: { username: "ann.lee", email: "ann.lee@contoso.example" },
  operatingSystem: { name: "macOS", version: "15.1" },
  ...over.other,
});

const phone = (general: object = {}, extra: Partial<JamfMobileDevice> = {}): JamfMobileDevice => ({
  mobileDeviceId: "40",
  deviceType: "iOS",
  general: {
    udid: "00008110-001a2b3c4d5e6f70",
    osVersion: "18.5",
    managed: true,
    supervised: false,
    deviceOwnershipType: "Institutional",
    enrollmentMethodPrestage: null,
    lastInventoryUpdateDate: "2027-01-04T06:00:00.000Z",
    managementId: "m-40",
    ...general,
  },
  hardware: { serialNumber: "F2LX1234ABCD", wifiMacAddress: "3C:22:FB:C1:D2:FB", model: "iPhone 16" },
  userAndLocation: { username: "ann.lee", emailAddress: "ann.lee@contoso.example" },
  network: { imei: "35 209900 176148 1", meid: "35209900176148" },
  ...extra,
});

describe("Jamf mapper: ids", () => {
  test("computer:N and mobile:N, because Jamf numbers the two kinds separately", () => {
    assert.equal(formatJamfSourceId("computer", 12), "computer:12");
    assert.deepEqual(parseJamfSourceId("mobile:40"), { kind: "mobile", id: "40" });
    assert.deepEqual(parseJamfSourceId(" Computer : 7 "), { kind: "computer", id: "7" });
    assert.deepEqual(parseJamfSourceId("99"), { kind: undefined, id: "99" });
    assert.equal(parseJamfSourceId("tv:3"), undefined);
    assert.equal(parseJamfSourceId("abc"), undefined);
  });
});

describe("Jamf mapper: computers", () => {
  test("profile Mac, company-owned by extension attribute", () => {
    const r = ok(mapJamfComputer(mac()));
    assert.equal(r.sourceId, "computer:12");
    assert.equal(r.platform, "macos");
    assert.equal(r.mode, "macos-profile");
    assert.equal(r.ownership, "corporate");
    assert.equal(r.enrollment, "enrolled");
    assert.deepEqual(r.identifiers, {
      serial: "C02XYZ12ABCD",
      udid: "55E1D2C81B6A4F0E9C7D3E2A1B0C9D8E",
      wifiMac: "A483E7010203",
    });
    assert.equal(r.lastSeenAt, Date.UTC(2027, 0, 4, 7));
  });

  test("personal Mac by extension attribute (configurable name and values)", () => {
    assert.equal(
      ok(
        mapJamfComputer(
          mac({ general: { extensionAttributes: [{ name: "Ownership", values: ["Personal"] }] } }),
        ),
      ).ownership,
      "personal",
    );
    const custom = mac({ general: { extensionAttributes: [{ name: "Device Owner", values: ["Staff"] }] } });
    assert.equal(
      ok(
        mapJamfComputer(custom, {
          computerOwnership: { attribute: "device owner", personalValues: ["staff"] },
        }),
      ).ownership,
      "personal",
    );
  });

  test("no ownership attribute: corporate, with a warning; ADE Macs are corporate whatever the attribute says", () => {
    const none = ok(mapJamfComputer(mac({ general: { extensionAttributes: [] } })));
    assert.equal(none.ownership, "corporate");
    assert.match(none.warnings[0]!, /no "Ownership" extension attribute/);
    const ade = ok(
      mapJamfComputer(
        mac({
          general: {
            enrolledViaAutomatedDeviceEnrollment: true,
            supervised: true,
            extensionAttributes: [{ name: "Ownership", values: ["Personal"] }],
          },
        }),
      ),
    );
    assert.equal(ade.mode, "macos-ade");
    assert.equal(ade.ownership, "corporate");
  });

  test("v4's lastContact is read too", () => {
    const r = ok(
      mapJamfComputer(mac({ general: { lastContactTime: undefined, lastContact: "2027-01-03T00:00:00Z" } })),
    );
    assert.equal(r.lastSeenAt, Date.UTC(2027, 0, 3));
  });

  test("unmanaged: left out, unless an unmanage command is pending (then retire-pending)", () => {
    const gone = mac({ general: { remoteManagement: { managed: false } } });
    const out = mapJamfComputer(gone);
    assert.equal(out.ok ? "ok" : out.reason, "not-managed");
    assert.equal(
      ok(mapJamfComputer(gone, { pendingRemoval: new Set(["m-12"]) })).enrollment,
      "retire-pending",
    );
    assert.equal(
      ok(mapJamfComputer(mac(), { pendingRemoval: new Set(["m-12"]) })).enrollment,
      "retire-pending",
    );
  });
});

describe("Jamf mapper: mobile devices", () => {
  const cases: [string, object, Partial<JamfMobileDevice>, Partial<SourceDeviceRecord>][] = [
    [
      "corporate iPhone by profile",
      {},
      {},
      { platform: "ios", mode: "apple-device", ownership: "corporate" },
    ],
    [
      "personal iPhone",
      { deviceOwnershipType: "PersonalDeviceProfile" },
      {},
      { mode: "apple-device", ownership: "personal" },
    ],
    [
      "ADE iPhone: PreStage and supervised",
      { supervised: true, enrollmentMethodPrestage: { mobileDevicePrestageId: "3", profileName: "Corp" } },
      {},
      { mode: "apple-ade", ownership: "corporate" },
    ],
    ["supervised by Configurator, no PreStage", { supervised: true }, {}, { mode: "apple-device" }],
    [
      "account-driven User Enrollment",
      { deviceOwnershipType: "AccountDrivenUserEnrollment" },
      {},
      { mode: "apple-user-enrollment", ownership: "personal" },
    ],
    [
      "profile User Enrollment",
      { deviceOwnershipType: "UserEnrollment" },
      {},
      { mode: "apple-user-enrollment", ownership: "personal" },
    ],
    [
      "iPad",
      {},
      { hardware: { model: "iPad Air 11-inch (M2)", serialNumber: "X", wifiMacAddress: null } },
      { platform: "ipados" },
    ],
    [
      "iPad by model identifier",
      {},
      { hardware: { model: "", modelIdentifier: "iPad13,1" } },
      { platform: "ipados" },
    ],
  ];
  for (const [name, general, extra, want] of cases) {
    test(name, () => {
      const r = ok(mapJamfMobileDevice(phone(general, extra)));
      for (const [k, v] of Object.entries(want)) assert.equal(r[k as keyof SourceDeviceRecord], v, k);
      assert.equal(r.sourceId, "mobile:40");
    });
  }

  test("identifiers normalised; User Enrollment reports none (its udid is an enrollment id)", () => {
    assert.deepEqual(ok(mapJamfMobileDevice(phone())).identifiers, {
      serial: "F2LX1234ABCD",
      imei: "352099001761481",
      meid: "35209900176148",
      udid: "00008110001A2B3C4D5E6F70",
      wifiMac: "3C22FBC1D2FB",
    });
    assert.deepEqual(
      ok(mapJamfMobileDevice(phone({ deviceOwnershipType: "AccountDrivenUserEnrollment" }))).identifiers,
      {},
    );
  });

  test("tvOS and watchOS are left out; so are unmanaged devices without a pending command", () => {
    const tv = mapJamfMobileDevice(phone({}, { deviceType: "tvOS" }));
    assert.equal(tv.ok ? "ok" : tv.reason, "unsupported-platform");
    const unmanaged = phone({ managed: false });
    const out = mapJamfMobileDevice(unmanaged);
    assert.equal(out.ok ? "ok" : out.reason, "not-managed");
    assert.equal(
      ok(mapJamfMobileDevice(unmanaged, { pendingRemoval: new Set(["m-40"]) })).enrollment,
      "retire-pending",
    );
  });

  test("a whole simulated organisation's Apple devices round-trip through the emulator's records", () => {
    const world = new SimulatedOrganisation({ seed: 3, people: 400, start: Date.UTC(2027, 0, 4, 8) });
    const modes = new Set<string>();
    const record = { enrollment: "enrolled" } as SourceDeviceRecord;
    for (const d of world.scenario.devices.filter(jamfManages)) {
      const view = { device: d, record, lastSeenAt: d.checkIn.anchor };
      const out =
        d.platform === "macos"
          ? mapJamfComputer(
              computerRecord(view, true, 3, { ownershipAttribute: "Ownership" }) as JamfComputer,
            )
          : mapJamfMobileDevice(mobileDetail(view, true) as JamfMobileDevice);
      const r = ok(out);
      modes.add(r.mode);
      assert.equal(r.sourceId, jamfIdOf(d));
      assert.deepEqual(
        {
          platform: r.platform,
          mode: r.mode,
          ownership: r.ownership,
          os: r.osVersion,
          owner: r.ownerUpn?.toLowerCase(),
          ids: r.identifiers,
        },
        {
          platform: d.platform,
          mode: d.mode,
          ownership: d.ownership,
          os: d.osVersion,
          owner: d.sourceOwner?.toLowerCase(),
          ids: d.sourceIdentifiers,
        },
        d.sourceId,
      );
    }
    assert.deepEqual([...modes].sort(), [
      "apple-ade",
      "apple-device",
      "apple-user-enrollment",
      "macos-ade",
      "macos-profile",
    ]);
  });
});
