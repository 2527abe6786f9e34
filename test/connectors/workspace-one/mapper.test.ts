/** Workspace ONE v1 records → SourceDeviceRecord: every mode and ownership, identifiers per mode, skips. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type MapOutcome,
  mapWorkspaceOneDevice,
  parseWs1Time,
  type WorkspaceOneDevice,
} from "../../../src/connectors/workspace-one/index.ts";
import { ENROLLMENT_MODES } from "../../../src/core/platform.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";
import { v1Record } from "../../../src/emulators/workspace-one/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

function ok(out: MapOutcome): SourceDeviceRecord & { warnings: string[] } {
  if (!out.ok) assert.fail(`expected a record, got ${out.reason}: ${out.detail}`);
  return { ...out.record, warnings: out.warnings };
}

const base: WorkspaceOneDevice = {
  Id: { Value: 4711 },
  Uuid: "9c1d4a0e-0000-4000-8000-000000000001",
  Udid: "00008110-001A2B3C4D5E6F70",
  SerialNumber: "F2LX1234ABCD",
  MacAddress: "A483E7010203",
  Imei: "352099001761481",
  UserName: "ann.lee",
  UserEmailAddress: "Ann.Lee@contoso.example",
  Ownership: "E",
  Platform: "Apple",
  Model: "iPhone 15",
  OperatingSystem: "18.5",
  EnrollmentStatus: "Enrolled",
  LastSeen: "2027-01-04T07:55:20.150",
  IsSupervised: false,
  EnrolledViaDEP: false,
  IsUserEnrollment: false,
};

const dev = (over: Partial<WorkspaceOneDevice>): WorkspaceOneDevice => ({ ...base, ...over });

describe("Workspace ONE mapper: modes and ownership", () => {
  const cases: [string, Partial<WorkspaceOneDevice>, Partial<SourceDeviceRecord>][] = [
    ["personal iPhone", {}, { platform: "ios", mode: "apple-device", ownership: "personal" }],
    [
      "corporate iPhone (profile)",
      { Ownership: "C" },
      { platform: "ios", mode: "apple-device", ownership: "corporate" },
    ],
    ["iPad by model", { Model: "iPad Air 11-inch (M2)" }, { platform: "ipados", mode: "apple-device" }],
    [
      "ADE iPhone",
      { EnrolledViaDEP: true, IsSupervised: true, Ownership: "C" },
      { mode: "apple-ade", ownership: "corporate" },
    ],
    ["User Enrollment", { IsUserEnrollment: true }, { mode: "apple-user-enrollment", ownership: "personal" }],
    [
      "User Enrollment without the flag: personal and anonymous",
      { IsUserEnrollment: undefined, SerialNumber: "", Imei: "" },
      { mode: "apple-user-enrollment" },
    ],
    [
      "Mac through a profile, personal",
      { Platform: "AppleOsX", Model: "MacBook Air" },
      { platform: "macos", mode: "macos-profile", ownership: "personal" },
    ],
    [
      "Mac through ADE",
      { Platform: "AppleOsX", EnrolledViaDEP: true, Ownership: "C" },
      { platform: "macos", mode: "macos-ade", ownership: "corporate" },
    ],
    [
      "Windows, corporate",
      { Platform: "WinRT", Ownership: "C", OperatingSystem: "10.0.22631" },
      { platform: "windows", mode: "windows", ownership: "corporate" },
    ],
    [
      "Windows, personal",
      { Platform: "WinRT", Ownership: "E" },
      { platform: "windows", mode: "windows", ownership: "personal" },
    ],
    [
      "Android work profile",
      { Platform: "Android", AndroidManagementType: "WorkProfile" },
      { platform: "android", mode: "android-work-profile", ownership: "personal" },
    ],
    [
      "Android fully managed",
      { Platform: "Android", Ownership: "C", AndroidManagementType: "WorkManaged" },
      { mode: "android-fully-managed", ownership: "corporate" },
    ],
    [
      "Android dedicated: Work Managed, corporate-shared",
      { Platform: "Android", Ownership: "S", AndroidManagementType: "WorkManaged" },
      { mode: "android-dedicated", ownership: "corporate" },
    ],
    [
      "Android COPE",
      { Platform: "Android", Ownership: "C", AndroidManagementType: "COPE" },
      { mode: "android-cope", ownership: "corporate" },
    ],
    [
      "Android COPE, spelled out",
      { Platform: "Android", Ownership: "C", AndroidManagementType: "Corporate Owned Personally Enabled" },
      { mode: "android-cope" },
    ],
    [
      "Android device admin, personal",
      { Platform: "Android", AndroidManagementType: "DeviceAdministrator" },
      { mode: "android-device-admin", ownership: "personal" },
    ],
    [
      "Android device admin, corporate",
      { Platform: "Android", Ownership: "C", AndroidManagementType: "Device Administrator" },
      { mode: "android-device-admin", ownership: "corporate" },
    ],
  ];
  for (const [name, over, want] of cases) {
    test(name, () => {
      const r = ok(mapWorkspaceOneDevice(dev(over)));
      for (const [k, v] of Object.entries(want)) assert.equal(r[k as keyof SourceDeviceRecord], v, k);
    });
  }

  test("every mode is reachable", () => {
    const seen = new Set(cases.map(([, over]) => ok(mapWorkspaceOneDevice(dev(over))).mode));
    assert.deepEqual(
      [...ENROLLMENT_MODES].filter((m) => !seen.has(m)),
      [],
    );
  });

  test("without the Android field the mode is inferred from ownership, with a warning", () => {
    const field = undefined;
    const e = ok(
      mapWorkspaceOneDevice(dev({ Platform: "Android", Ownership: "E", AndroidManagementType: field })),
    );
    assert.equal(e.mode, "android-work-profile");
    assert.match(e.warnings[0]!, /inferred from ownership E/);
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ Platform: "Android", Ownership: "C", AndroidManagementType: field })))
        .mode,
      "android-fully-managed",
    );
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ Platform: "Android", Ownership: "S", AndroidManagementType: field })))
        .mode,
      "android-dedicated",
    );
    const odd = ok(
      mapWorkspaceOneDevice(dev({ Platform: "Android", Ownership: "C", AndroidManagementType: "Zebra" })),
    );
    assert.match(odd.warnings[0]!, /unknown AndroidManagementType "Zebra"/);
  });

  test("the [U] field names are settings", () => {
    const r = ok(
      mapWorkspaceOneDevice(dev({ Platform: "Android", Ownership: "C", EnterpriseMode: "COPE" }), {
        androidModeField: "EnterpriseMode",
      }),
    );
    assert.equal(r.mode, "android-cope");
    const u = ok(
      mapWorkspaceOneDevice(dev({ UE: true, IsUserEnrollment: false }), { userEnrollmentField: "UE" }),
    );
    assert.equal(u.mode, "apple-user-enrollment");
  });

  test("Undefined ownership is taken from the mode, with a warning", () => {
    const wp = ok(
      mapWorkspaceOneDevice(
        dev({ Platform: "Android", Ownership: "Undefined", AndroidManagementType: "WorkProfile" }),
      ),
    );
    assert.equal(wp.ownership, "personal");
    assert.match(wp.warnings.join(" "), /ownership "Undefined"/);
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ Platform: "WinRT", Ownership: "Undefined" }))).ownership,
      "corporate",
    );
  });
});

describe("Workspace ONE mapper: identifiers", () => {
  test("normalised: upper case, no separators; WS1's MacAddress kept", () => {
    const r = ok(
      mapWorkspaceOneDevice(dev({ Udid: "00008110-001a2b3c4d5e6f70", MacAddress: "a4:83:e7:01:02:03" })),
    );
    assert.deepEqual(r.identifiers, {
      serial: "F2LX1234ABCD",
      imei: "352099001761481",
      udid: "00008110001A2B3C4D5E6F70",
      wifiMac: "A483E7010203",
    });
  });

  test("absent per mode (§F), whatever WS1 shows in their place", () => {
    const ue = ok(mapWorkspaceOneDevice(dev({ IsUserEnrollment: true })));
    assert.deepEqual(ue.identifiers, {}, "User Enrollment: nothing, not even the enrollment-specific Udid");
    const wp12 = ok(
      mapWorkspaceOneDevice(
        dev({ Platform: "Android", AndroidManagementType: "WorkProfile", OperatingSystem: "13" }),
      ),
    );
    assert.deepEqual(wp12.identifiers, { wifiMac: "A483E7010203" }, "work profile on 12+: no serial, IMEI");
    const wp11 = ok(
      mapWorkspaceOneDevice(
        dev({ Platform: "Android", AndroidManagementType: "WorkProfile", OperatingSystem: "11" }),
      ),
    );
    assert.equal(wp11.identifiers.serial, "F2LX1234ABCD");
    assert.equal(wp11.identifiers.udid, undefined, "Android's Udid is WS1's, not Apple's");
    const da10 = ok(
      mapWorkspaceOneDevice(
        dev({ Platform: "Android", AndroidManagementType: "DeviceAdministrator", OperatingSystem: "10" }),
      ),
    );
    assert.deepEqual(da10.identifiers, { wifiMac: "A483E7010203" });
    const da9 = ok(
      mapWorkspaceOneDevice(
        dev({ Platform: "Android", AndroidManagementType: "DeviceAdministrator", OperatingSystem: "9" }),
      ),
    );
    assert.equal(da9.identifiers.imei, "352099001761481");
    const win = ok(mapWorkspaceOneDevice(dev({ Platform: "WinRT" })));
    assert.deepEqual(
      Object.keys(win.identifiers).sort(),
      ["serial", "wifiMac"],
      "Windows: no IMEI, no Apple UDID",
    );
    const placeholders = ok(
      mapWorkspaceOneDevice(dev({ SerialNumber: "Unknown", Imei: "0", MacAddress: "000000000000" })),
    );
    assert.deepEqual(Object.keys(placeholders.identifiers), ["udid"]);
  });
});

describe("Workspace ONE mapper: state, owner, time, skips", () => {
  test("EnterpriseWipePending is retire-pending; Unenrolled and similar are left out", () => {
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ EnrollmentStatus: "EnterpriseWipePending" }))).enrollment,
      "retire-pending",
    );
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ EnrollmentStatus: "DeviceWipePending" }))).enrollment,
      "retire-pending",
    );
    for (const status of ["Unenrolled", "Retired", "EnrollmentInProgress", "Discovered"]) {
      const out = mapWorkspaceOneDevice(dev({ EnrollmentStatus: status }));
      assert.equal(out.ok ? "ok" : out.reason, "not-managed", status);
    }
    const odd = ok(mapWorkspaceOneDevice(dev({ EnrollmentStatus: "Quarantined" })));
    assert.equal(odd.enrollment, "enrolled");
    assert.match(odd.warnings[0]!, /unknown EnrollmentStatus "Quarantined"/);
  });

  test("platforms Intune migration does not cover, and records without an id, are left out", () => {
    for (const Platform of ["AppleTv", "WindowsMobile", "ChromeOS", "Linux", "Symbian"]) {
      const out = mapWorkspaceOneDevice(dev({ Platform }));
      assert.equal(out.ok ? "ok" : out.reason, "unsupported-platform", Platform);
    }
    const noId = mapWorkspaceOneDevice(dev({ Id: null }));
    assert.equal(noId.ok ? "ok" : noId.reason, "no-id");
  });

  test("owner: the e-mail address, else a UPN-like user name, else nobody", () => {
    assert.equal(ok(mapWorkspaceOneDevice(dev({}))).ownerUpn, "Ann.Lee@contoso.example");
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ UserEmailAddress: "", UserName: "ann@contoso.example" }))).ownerUpn,
      "ann@contoso.example",
    );
    assert.equal(
      ok(mapWorkspaceOneDevice(dev({ UserEmailAddress: "", UserName: "staging" }))).ownerUpn,
      undefined,
    );
  });

  test("LastSeen has no zone and is UTC; 0001-01-01 means never", () => {
    assert.equal(parseWs1Time("2027-01-04T07:55:20.150"), Date.UTC(2027, 0, 4, 7, 55, 20, 150));
    assert.equal(parseWs1Time("2027-01-04T07:55:20Z"), Date.UTC(2027, 0, 4, 7, 55, 20));
    assert.equal(parseWs1Time("0001-01-01T00:00:00.000"), undefined);
    assert.equal(parseWs1Time(""), undefined);
    assert.equal(ok(mapWorkspaceOneDevice(dev({}))).lastSeenAt, Date.UTC(2027, 0, 4, 7, 55, 20, 150));
  });

  test("a whole simulated organisation round-trips through the emulator's records", () => {
    const world = new SimulatedOrganisation({ seed: 3, people: 400, start: Date.UTC(2027, 0, 4, 8) });
    const modes = new Set<string>();
    for (const d of world.scenario.devices) {
      const record = { enrollment: "enrolled" } as SourceDeviceRecord;
      const r = ok(
        mapWorkspaceOneDevice(
          v1Record(
            { device: d, record, lastSeenAt: d.checkIn.anchor },
            {
              androidModeField: "AndroidManagementType",
              userEnrollmentField: "IsUserEnrollment",
            },
          ) as WorkspaceOneDevice,
        ),
      );
      modes.add(r.mode);
      assert.deepEqual(
        {
          platform: r.platform,
          mode: r.mode,
          ownership: r.ownership,
          os: r.osVersion,
          owner: r.ownerUpn?.toLowerCase(),
        },
        {
          platform: d.platform,
          mode: d.mode,
          ownership: d.ownership,
          os: d.osVersion,
          owner: d.sourceOwner?.toLowerCase(),
        },
        d.sourceId,
      );
      const { meid: _meid, ...ids } = d.sourceIdentifiers; // WS1 has no MEID field (§F)
      assert.deepEqual(r.identifiers, ids, d.sourceId);
      assert.equal(r.lastSeenAt, d.checkIn.anchor);
    }
    assert.equal(modes.size, ENROLLMENT_MODES.length);
  });
});
