/** The Intune inventory through the connector: pages of 1000, UDIDs fetched only where they matter, the paging guard. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphClient, GraphTargetInventory } from "../../../src/connectors/graph/index.ts";
import { FakeSleep, isPagingError, seededRandom } from "../../../src/connectors/http/index.ts";
import { ManualClock } from "../../../src/core/time.ts";
import { json, oauthTokenRoute, startEmulator, TokenIssuer } from "../../../src/emulators/kit/index.ts";
import { collect, withRig } from "./harness.ts";

const LIST = "GET /v1.0/deviceManagement/managedDevices";

describe("graph connector: target inventory", () => {
  test("2 500 devices in 3 requests (the minimum), every one mapped", async () => {
    await withRig(
      { options: { benchmarkFixture: { syntheticManagedDevices: 2_500 } } },
      async ({ graph, hits }) => {
        const records = await collect(graph.targetInventory.listDevices());
        assert.equal(records.length, 2_500);
        assert.equal(new Set(records.map((r) => r.targetId)).size, 2_500);
        assert.equal(hits(LIST), 3);
        assert.equal(graph.targetInventory.udidLookups, 0, "every record lists a serial");
        const win = records.find((r) => r.platform === "windows")!;
        assert.equal(win.identifiers.imei, undefined);
        assert.match(win.identifiers.serial!, /^BENCH/);
        assert.ok(records.some((r) => r.compliance === "noncompliant"));
      },
    );
  });

  test("Apple records listing no serial get their UDID by single GET, 20 per $batch; User Enrollment never", async () => {
    // Even-numbered Apple records below 200 list no serial; those below 40 are User Enrollments.
    const deviceHook = (d: Record<string, unknown>) => {
      const n = Number(String(d.deviceName).slice(6));
      if (d.manufacturer !== "Apple" || n % 2 !== 0 || n >= 200) return d;
      return {
        ...d,
        serialNumber: "",
        deviceEnrollmentType: n < 40 ? "appleUserEnrollment" : "appleBulkWithUser",
      };
    };
    await withRig(
      { options: { benchmarkFixture: { syntheticManagedDevices: 400 }, deviceHook } },
      async ({ graph, hits }) => {
        const records = await collect(graph.targetInventory.listDevices());
        assert.equal(records.length, 400);
        const noSerial = records.filter((r) => !r.identifiers.serial);
        assert.ok(noSerial.length > 20, `${noSerial.length} without a serial`);
        const userEnrolled = noSerial.filter((r) => !r.identifiers.udid);
        assert.ok(userEnrolled.length > 0 && userEnrolled.length < noSerial.length);
        assert.ok(
          noSerial.filter((r) => r.identifiers.udid).every((r) => /^[0-9A-F]{40}$/.test(r.identifiers.udid!)),
        );
        const lookups = graph.targetInventory.udidLookups;
        assert.equal(lookups, noSerial.length - userEnrolled.length);
        assert.equal(hits("POST /v1.0/$batch"), Math.ceil(lookups / 20));
        assert.equal(hits("$batch GET /v1.0/deviceManagement/managedDevices/:id"), lookups);
      },
    );
  });

  test("a server that repeats its next link is refused with a PagingError, not followed for ever", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5));
    const issuer = new TokenIssuer({ clock, random: seededRandom(1) });
    const emu = await startEmulator({
      clock,
      random: seededRandom(2),
      routes: [
        oauthTokenRoute({
          path: "/t/oauth2/v2.0/token",
          issuer,
          clients: { app: { secret: "s" } },
          ttlSeconds: 3599,
        }),
        {
          method: "GET",
          path: "/v1.0/deviceManagement/managedDevices",
          handler: (req) =>
            json({
              value: [{ id: "a", operatingSystem: "Windows", serialNumber: "S1" }],
              "@odata.nextLink": `http://${req.headers.host}/v1.0/deviceManagement/managedDevices?$skiptoken=same`,
            }),
        },
      ],
    });
    try {
      const client = new GraphClient(
        {
          tenantId: "t",
          clientId: "app",
          clientSecret: "s",
          authorityBaseUrl: emu.url,
          graphBaseUrl: `${emu.url}/v1.0`,
          notYetMigratedGroupId: "g",
          targetPolicyId: "p",
        },
        { clock, sleep: new FakeSleep(clock).sleep },
      );
      const inventory = new GraphTargetInventory(client);
      await assert.rejects(collect(inventory.listDevices()), (e) => {
        assert.ok(isPagingError(e));
        assert.match((e as Error).message, /repeated a next link/);
        return true;
      });
      assert.equal(emu.stats.requests, 3, "token, page 1, page 2 (which repeats the link)");
    } finally {
      await emu.close();
    }
  });
});
