/** The Graph emulator's managedDevices: entities, paging, $select/$filter/$top, udid, casings, actions. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { normaliseIdentifier } from "../../../src/core/identifiers.ts";
import { MINUTE } from "../../../src/core/time.ts";
import { GRAPH_PERMISSIONS, MANAGED_DEVICE_PROPERTIES } from "../../../src/emulators/graph/index.ts";
import { withHarness } from "./helpers.ts";

const METADATA = resolve(import.meta.dirname, "../../fixtures/graph-metadata.json");
const DEVICES = "/deviceManagement/managedDevices";

describe("graph emulator: managedDevice entities", () => {
  test("every property of the v1.0 metadata, and enum values from its enums", async () => {
    await withHarness({ enrolled: true }, async (h) => {
      const r = await h.api(DEVICES);
      assert.equal(r.status, 200);
      assert.ok(r.body.value.length > 10);
      const d = r.body.value[0];
      assert.deepEqual(Object.keys(d).sort(), [...MANAGED_DEVICE_PROPERTIES].sort());
      const meta = JSON.parse(readFileSync(METADATA, "utf8"));
      assert.deepEqual(
        [...MANAGED_DEVICE_PROPERTIES].sort(),
        Object.keys(meta.entities.managedDevice.properties).sort(),
      );
      const enums: Record<string, string[]> = meta.enums;
      for (const dev of r.body.value) {
        assert.ok(enums.complianceState!.includes(dev.complianceState), dev.complianceState);
        assert.ok(enums.managementState!.includes(dev.managementState));
        assert.ok(enums.managedDeviceOwnerType!.includes(dev.managedDeviceOwnerType));
        assert.ok(enums.managementAgentType!.includes(dev.managementAgent));
        assert.ok(enums.deviceEnrollmentType!.includes(dev.deviceEnrollmentType), dev.deviceEnrollmentType);
      }
    });
  });

  test("serves the world's Intune records, one entity each, identifiers as the device reports them", async () => {
    await withHarness({ enrolled: true }, async (h) => {
      const truth = [];
      for await (const t of h.world.ports.targetInventory.listDevices()) truth.push(t);
      const listed = (await h.api(DEVICES)).body.value;
      assert.equal(listed.length, truth.length);
      const byId = new Map(listed.map((d: { id: string }) => [d.id, d]));
      for (const t of truth) {
        const d = byId.get(t.targetId) as Record<string, string>;
        assert.ok(d, t.targetId);
        assert.equal(d.userPrincipalName, t.userPrincipalName ?? "");
        assert.equal(d.osVersion, t.osVersion);
        assert.equal(d.complianceState, t.compliance);
        assert.equal(normaliseIdentifier(d.serialNumber), t.identifiers.serial);
        assert.equal(normaliseIdentifier(d.imei), t.identifiers.imei);
        assert.equal(normaliseIdentifier(d.wiFiMacAddress), t.identifiers.wifiMac);
        assert.equal(Date.parse(d.enrolledDateTime!), Math.floor(t.enrolledAt / 1000) * 1000);
      }
    });
  });

  test("udid (like iccid) is empty in lists, even when selected; a single GET with $select returns it", async () => {
    await withHarness({ enrolled: true }, async (h) => {
      const truth = [];
      for await (const t of h.world.ports.targetInventory.listDevices())
        if (t.identifiers.udid) truth.push(t);
      assert.ok(truth.length > 0);
      const listed = (await h.api(`${DEVICES}?$select=id,udid,serialNumber`)).body.value;
      assert.ok(listed.every((d: { udid: string }) => d.udid === ""));
      const t = truth[0]!;
      const plain = await h.api(`${DEVICES}/${t.targetId}`);
      assert.equal(plain.body.udid, "");
      const single = await h.api(`${DEVICES}/${t.targetId}?$select=id,udid`);
      assert.deepEqual(
        Object.keys(single.body).filter((k) => !k.startsWith("@")),
        ["id", "udid"],
      );
      assert.equal(normaliseIdentifier(single.body.udid), t.identifiers.udid);
    });
  });

  test("complianceState spells noncompliant as the metadata does, or nonCompliant when set; policy states always nonCompliant", async () => {
    const hook = (d: Record<string, unknown>) => ({ ...d, complianceState: "noncompliant" });
    await withHarness({ enrolled: true, options: { deviceHook: hook } }, async (h) => {
      const [d] = (await h.api(`${DEVICES}?$top=1`)).body.value;
      assert.equal(d.complianceState, "noncompliant");
    });
    // Enough people that one of their devices fails its compliance evaluation.
    await withHarness(
      { enrolled: true, people: 120, options: { nonCompliantSpelling: "nonCompliant" } },
      async (h) => {
        const truth = [];
        for await (const t of h.world.ports.targetInventory.listDevices()) truth.push(t);
        const bad = truth.find((t) => t.compliance === "noncompliant");
        assert.ok(bad, "the world has a noncompliant device");
        const d = (await h.api(`${DEVICES}/${bad.targetId}`)).body;
        assert.equal(d.complianceState, "nonCompliant");
        const states = await h.api(`${DEVICES}/${bad.targetId}/deviceCompliancePolicyStates`);
        assert.equal(states.status, 200);
        assert.equal(states.body.value[0].state, "nonCompliant");
      },
    );
  });
});

describe("graph emulator: listing managedDevices", () => {
  test("1000 per page behind an opaque $skiptoken; the same link twice gives the same page", async () => {
    await withHarness({ options: { benchmarkFixture: { syntheticManagedDevices: 2_500 } } }, async (h) => {
      const pages: number[] = [];
      const ids = new Set<string>();
      let link: string | undefined = `${DEVICES}?$select=id,deviceName`;
      let second: string | undefined;
      while (link) {
        const r = await h.api(link);
        assert.equal(r.status, 200);
        pages.push(r.body.value.length);
        for (const d of r.body.value) ids.add(d.id);
        link = r.body["@odata.nextLink"];
        if (link) {
          const token = new URL(link).searchParams.get("$skiptoken")!;
          assert.ok(token.length > 10 && !/\d{3,}/.test(token), `opaque: ${token}`);
          second ??= link;
        }
      }
      assert.deepEqual(pages, [1000, 1000, 500]);
      assert.equal(ids.size, 2500);
      const a = await h.api(second!);
      const b = await h.api(second!);
      assert.deepEqual(a.body.value, b.body.value);
      // Five pages served (the second one twice) where three were the fewest possible.
      assert.deepEqual(h.emu.stats.listings["deviceManagement/managedDevices"], {
        listings: 1,
        pages: 5,
        minimumPages: 3,
      });
      const bogus = await h.api(`${DEVICES}?$skiptoken=bm9wZQ`);
      assert.equal(bogus.status, 400);
    });
  });

  test("$top sets the page size (1000 at most); $select cuts the entity; an unknown property is refused", async () => {
    await withHarness({ options: { benchmarkFixture: { syntheticManagedDevices: 1_500 } } }, async (h) => {
      const ten = await h.api(`${DEVICES}?$top=10&$select=id,serialNumber`);
      assert.equal(ten.body.value.length, 10);
      assert.deepEqual(Object.keys(ten.body.value[0]), ["id", "serialNumber"]);
      assert.match(ten.body["@odata.nextLink"], /\$top=10/);
      assert.equal((await h.api(`${DEVICES}?$top=5000`)).body.value.length, 1000);
      const bad = await h.api(`${DEVICES}?$select=id,nonsense`);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /Could not find a property named 'nonsense'/);
    });
  });

  test("$filter on the documented properties; undocumented ones refused, or silently ignored when set so", async () => {
    const fixture = { benchmarkFixture: { syntheticManagedDevices: 200 } };
    await withHarness({ options: fixture }, async (h) => {
      const one = await h.api(`${DEVICES}?$filter=serialNumber eq 'BENCH0000005'`);
      assert.deepEqual(
        one.body.value.map((d: { deviceName: string }) => d.deviceName),
        ["BENCH-000005"],
      );
      const ios = await h.api(
        `${DEVICES}?$filter=operatingSystem eq 'iOS' or operatingSystem eq 'macOS'&$select=operatingSystem`,
      );
      assert.ok(ios.body.value.length > 0);
      assert.ok(
        ios.body.value.every((d: { operatingSystem: string }) =>
          ["iOS", "macOS"].includes(d.operatingSystem),
        ),
      );
      const bad = await h.api(`${DEVICES}?$filter=complianceState eq 'noncompliant'&$select=complianceState`);
      assert.equal(bad.body.value.length, 8);
      const phones = await h.api(`${DEVICES}?$filter=contains(model,'iphone')&$select=model`);
      assert.ok(
        phones.body.value.length > 0 &&
          phones.body.value.every((d: { model: string }) => d.model === "iPhone 16"),
      );
      const recent = await h.api(`${DEVICES}?$filter=enrolledDateTime gt 2026-03-01T00:00:00Z&$select=id`);
      assert.ok(recent.body.value.length > 0 && recent.body.value.length < 200);
      const mac = await h.api(`${DEVICES}?$filter=wiFiMacAddress eq '02be00000001'`);
      assert.equal(mac.status, 400);
      assert.match(JSON.parse(mac.body.error.message).Message, /wiFiMacAddress/);
      const broken = await h.api(`${DEVICES}?$filter=serialNumber eq`);
      assert.equal(broken.status, 400);
    });
    await withHarness({ options: { ...fixture, unsupportedFilters: "ignore" } }, async (h) => {
      const mac = await h.api(`${DEVICES}?$filter=wiFiMacAddress eq '02be00000001'&$select=id`);
      assert.equal(mac.status, 200);
      assert.equal(mac.body.value.length, 200, "everything comes back");
    });
  });
});

describe("graph emulator: device actions", () => {
  test("retire: 204, managed → retirePending, gone after the check-in delay; syncDevice: 204, synced now", async () => {
    await withHarness({ enrolled: true }, async (h) => {
      const [a, b] = (await h.api(`${DEVICES}?$top=2&$select=id,managementState`)).body.value;
      assert.equal(a.managementState, "managed");
      assert.equal((await h.api(`${DEVICES}/${a.id}/retire`, { method: "POST" })).status, 204);
      const pending = (await h.api(`${DEVICES}/${a.id}`)).body;
      assert.equal(pending.managementState, "retirePending");
      assert.equal(pending.deviceActionResults[0].actionName, "retire");
      assert.equal(pending.deviceActionResults[0].actionState, "pending");
      h.advance(16 * MINUTE);
      const gone = await h.api(`${DEVICES}/${a.id}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.error.code, "ResourceNotFound");
      assert.ok(
        !(await h.api(`${DEVICES}?$select=id`)).body.value.some((d: { id: string }) => d.id === a.id),
      );

      assert.equal((await h.api(`${DEVICES}/${b.id}/syncDevice`, { method: "POST" })).status, 204);
      const synced = (await h.api(`${DEVICES}/${b.id}?$select=lastSyncDateTime,managementState`)).body;
      assert.equal(Date.parse(synced.lastSyncDateTime), Math.floor(h.world.clock.now() / 1000) * 1000);
      assert.equal(synced.managementState, "managed");
      assert.equal(
        (await h.api(`${DEVICES}/00000000-0000-0000-0000-000000000000/retire`, { method: "POST" })).status,
        404,
      );
    });
  });

  test("actions need PrivilegedOperations.All", async () => {
    await withHarness({ enrolled: true, permissions: [GRAPH_PERMISSIONS.managedDevicesRead] }, async (h) => {
      const [a] = (await h.api(`${DEVICES}?$top=1&$select=id`)).body.value;
      const r = await h.api(`${DEVICES}/${a.id}/retire`, { method: "POST" });
      assert.equal(r.status, 403);
      assert.match(JSON.parse(r.body.error.message).Message, /PrivilegedOperations\.All/);
    });
  });
});
