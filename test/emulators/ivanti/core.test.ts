/**
 * The Ivanti EPMM (Core) emulator with raw fetch: dotted-field projection, offset/limit/
 * hasMore paging, query filtering, retire → RETIRE_PENDING → RETIRED, the Sentry table,
 * auth and roles, and the kit's throttling, faults and latency (vendor-apis.md §D).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seededRandom } from "../../../src/connectors/http/index.ts";
import { HOUR } from "../../../src/core/time.ts";
import {
  type IvantiEmulatorSettings,
  SENTRY_PATH,
  startIvantiEmulator,
} from "../../../src/emulators/ivanti/index.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

const START = Date.UTC(2027, 0, 4, 8);

async function setup(options: IvantiEmulatorSettings = {}, faults?: FaultOptions) {
  const world = new SimulatedOrganisation({ seed: 5, people: 40, start: START });
  const emu = await startIvantiEmulator({
    world,
    flavour: "core",
    random: seededRandom(3),
    options,
    ...(faults ? { faults } : {}),
  });
  const basic = (user = emu.config.username, password = emu.config.password) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const get = async (path: string, params: Record<string, string | number>, auth = basic()) => {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${emu.url}${path}?${qs}`, { headers: { authorization: auth } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const search = (params: Record<string, string | number>, auth?: string) =>
    get("/api/v2/devices", { adminDeviceSpaceId: 1, query: "", ...params }, auth);
  const retire = async (uuids: string[], auth = basic()) => {
    const res = await fetch(`${emu.url}/api/v2/devices/retire?adminDeviceSpaceId=1`, {
      method: "PUT",
      headers: { authorization: auth, "content-type": "application/json" },
      body: JSON.stringify({ deviceUuids: uuids, note: "test" }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { world, emu, basic, get, search, retire };
}

type Row = Record<string, unknown>;
type Setup = Awaited<ReturnType<typeof setup>>;

describe("Ivanti EPMM emulator", () => {
  let t: Setup;
  before(async () => {
    t = await setup();
  });
  after(() => t.emu.close());

  it("projects dotted fields: only the requested ones come back, in Core's formats", async () => {
    const { status, body } = await t.search({
      fields: "common.id,common.imei,common.wifi_mac_address,ios.iPhone UDID,common.platform",
      limit: 200,
    });
    assert.equal(status, 200);
    const rows = body.results as Row[];
    assert.equal(rows.length, t.world.scenario.devices.filter((d) => d.sourceId).length);
    for (const r of rows) {
      for (const k of Object.keys(r)) {
        assert.ok(
          [
            "common.id",
            "common.imei",
            "common.wifi_mac_address",
            "ios.iPhone UDID",
            "common.platform",
          ].includes(k),
        );
      }
      assert.equal("common.uuid" in r, false);
      if (r["common.platform"] !== "iOS" && r["common.platform"] !== "macOS")
        assert.equal("ios.iPhone UDID" in r, false);
    }
    assert.ok(
      rows.some((r) => / /.test(String(r["common.imei"]))),
      "IMEIs may contain spaces",
    );
    assert.ok(rows.some((r) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(String(r["common.wifi_mac_address"]))));
  });

  it("refuses a request without fields and unknown field names, in Core's error body", async () => {
    const none = await t.search({});
    assert.equal(none.status, 400);
    const unknown = await t.search({ fields: "common.id,common.nonsense" });
    assert.equal(unknown.status, 400);
    const messages = unknown.body.messages as { localizedMessage: string }[];
    assert.match(messages[0]!.localizedMessage, /common\.nonsense/);
    const missingQuery = await t.get("/api/v2/devices", { adminDeviceSpaceId: 1, fields: "common.id" });
    assert.equal(missingQuery.status, 400, "one of query or labelId is required");
  });

  it("pages by offset (an entry index) and limit, with hasMore until the last entry", async () => {
    const all = (await t.search({ fields: "common.id", limit: 200 })).body;
    const total = all.totalCount as number;
    const seen: unknown[] = [];
    let offset = 0;
    for (;;) {
      const { body } = await t.search({ fields: "common.id", limit: 7, offset });
      const rows = body.results as Row[];
      assert.equal(body.resultCount, rows.length);
      assert.equal(body.totalCount, total);
      seen.push(...rows.map((r) => r["common.id"]));
      offset += rows.length;
      assert.equal(body.hasMore, offset < total);
      if (!body.hasMore) break;
    }
    assert.deepEqual(
      seen,
      (all.results as Row[]).map((r) => r["common.id"]),
    );
    const past = (await t.search({ fields: "common.id", limit: 7, offset: total + 3 })).body;
    assert.deepEqual(past.results, []);
    assert.equal(past.hasMore, false);
  });

  it("clamps limit to its maximum, or refuses it when set to", async () => {
    const clamped = await t.search({ fields: "common.id", limit: 500 });
    assert.equal((clamped.body.results as Row[]).length, Math.min(200, clamped.body.totalCount as number));
    const strict = await setup({ maxLimit: 10, overLimit: "reject" });
    try {
      assert.equal((await strict.search({ fields: "common.id", limit: 11 })).status, 400);
      assert.equal((await strict.search({ fields: "common.id", limit: 10 })).status, 200);
    } finally {
      await strict.emu.close();
    }
  });

  it("filters with the query language; a malformed query is a 400", async () => {
    const android = await t.search({
      fields: "common.id,common.platform,common.status",
      query: 'common.status = "ACTIVE" AND (common.platform = "Android" OR common.platform = "Windows")',
      limit: 200,
    });
    const rows = android.body.results as Row[];
    assert.ok(rows.length > 0);
    for (const r of rows) assert.ok(["Android", "Windows"].includes(String(r["common.platform"])));
    const one = t.world.scenario.devices.find((d) => d.sourceId)!;
    const byId = await t.search({ fields: "common.id", query: `common.id = ${one.sourceId}` });
    assert.deepEqual(byId.body.results, [{ "common.id": Number(one.sourceId) }]);
    assert.equal(
      (await t.search({ fields: "common.id", query: 'common.status = "ACTIVE" AND' })).status,
      400,
    );
    assert.equal((await t.search({ fields: "common.id", query: 'common.bogus = "x"' })).status, 400);
  });

  it("retires by uuid: RETIRE_PENDING at once, RETIRED after the device checks in; per-uuid results", async () => {
    const victim = t.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
    const row = (
      await t.search({ fields: "common.uuid,common.status", query: `common.id = ${victim.sourceId}` })
    ).body.results as Row[];
    const uuid = String(row[0]!["common.uuid"]);
    const missing = "11111111-2222-4333-8444-555555555555";
    const res = await t.retire([uuid, missing]);
    assert.equal(res.status, 200);
    assert.equal(res.body.actionType, "RETIRE");
    assert.equal(res.body.successful, false, "one uuid failed");
    const results = res.body.deviceResults as Record<string, string>;
    assert.equal(results[uuid], "com.mobileiron.vsp.messages.device.action.successful");
    assert.notEqual(results[missing], "com.mobileiron.vsp.messages.device.action.successful");
    const status = async () =>
      (
        (await t.search({ fields: "common.status", query: `common.id = ${victim.sourceId}` })).body
          .results as Row[]
      )[0]!["common.status"];
    assert.equal(await status(), "RETIRE_PENDING");
    assert.equal(t.world.devices().find((d) => d.sourceId === victim.sourceId)!.source, "retire-pending");
    t.world.advanceTo(t.world.clock.now() + 12 * HOUR);
    assert.equal(await status(), "RETIRED");
    const again = await t.retire([uuid]);
    assert.equal(
      again.body.successful,
      false,
      "retiring a RETIRED device is reported as failed by default [U]",
    );
    const managed = (
      await t.search({
        fields: "common.id",
        query: 'common.status = "ACTIVE" OR common.status = "RETIRE_PENDING"',
        limit: 200,
      })
    ).body.results as Row[];
    assert.ok(
      !managed.some((r) => String(r["common.id"]) === victim.sourceId),
      "RETIRED devices are not managed",
    );
  });

  it("keeps Sentry's allow/block table: a retired device is blocked unless the admin allowed it", async () => {
    const entries = async () => {
      const res = await fetch(`${t.emu.url}${SENTRY_PATH}`);
      return ((await res.json()) as { entries: { deviceId: number; state: string; reason: string }[] })
        .entries;
    };
    const before = await entries();
    assert.ok(before.length > 0);
    const retired = before.filter((e) => e.state === "BLOCKED");
    assert.ok(retired.length >= 1, "the device retired above is blocked");
    for (const e of retired) assert.equal(e.reason, "UNREGISTERED_BLOCKED");
    t.emu.sentry.allow(String(retired[0]!.deviceId));
    const allowed = (await entries()).find((e) => e.deviceId === retired[0]!.deviceId)!;
    assert.deepEqual([allowed.state, allowed.reason], ["ALLOWED", "ADMIN_ALLOWED"]);

    const lenient = await setup({ sentry: { autoBlockUnregistered: false } });
    try {
      const d = lenient.world.devices().find((x) => x.source === "enrolled" && !x.lost && x.ownerUpn)!;
      const uuid = (
        (await lenient.search({ fields: "common.uuid", query: `common.id = ${d.sourceId}` })).body
          .results as Row[]
      )[0]!["common.uuid"] as string;
      await lenient.retire([uuid]);
      lenient.world.advanceTo(lenient.world.clock.now() + 12 * HOUR);
      const e = (await lenient.emu.sentry.entries()).find((x) => String(x.deviceId) === d.sourceId)!;
      assert.deepEqual([e.state, e.reason], ["ALLOWED", "UNREGISTERED_ALLOWED"]);
    } finally {
      await lenient.emu.close();
    }
  });

  it("answers a wrong password with 401 and a Basic challenge; roles and the device space with 403", async () => {
    const ping = await t.get("/api/v2/ping", {});
    assert.equal(ping.status, 200);
    const bad = await t.get("/api/v2/ping", {}, t.basic(t.emu.config.username, "wrong"));
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get("www-authenticate") ?? "", /^Basic/);
    assert.equal((await t.search({ fields: "common.id", adminDeviceSpaceId: 7 })).status, 403);
    const limited = await setup({
      users: {
        viewer: { password: "pw", roles: ["api", "view"] },
        nobody: { password: "pw", roles: ["view"] },
      },
    });
    try {
      assert.equal(
        (await limited.search({ fields: "common.id" }, limited.basic("viewer", "pw"))).status,
        200,
      );
      assert.equal((await limited.retire(["x"], limited.basic("viewer", "pw"))).status, 403);
      assert.equal(
        (await limited.search({ fields: "common.id" }, limited.basic("nobody", "pw"))).status,
        403,
      );
    } finally {
      await limited.emu.close();
    }
  });

  it("throttles only when told to, and injects the kit's faults and latency", async () => {
    const throttled = await setup({ throttle: { requests: 2, windowMs: 60_000 }, latencyMs: 30 });
    try {
      const began = performance.now();
      assert.equal((await throttled.get("/api/v2/ping", {})).status, 200);
      assert.ok(performance.now() - began >= 25, "latency is real time");
      assert.equal((await throttled.get("/api/v2/ping", {})).status, 200);
      const third = await throttled.get("/api/v2/ping", {});
      assert.equal(third.status, 429);
      assert.ok(Number(third.headers.get("retry-after")) >= 1);
    } finally {
      await throttled.emu.close();
    }
    const faulty = await setup(
      {},
      {
        rate: 1,
        weights: { "500": 0, "503": 1, "429": 0, "429-bare": 0, reset: 0, truncate: 0, "malformed-json": 0 },
      },
    );
    try {
      assert.equal((await faulty.get("/api/v2/ping", {})).status, 503);
      assert.equal(faulty.emu.stats.faulted, 1);
    } finally {
      await faulty.emu.close();
    }
  });
});
