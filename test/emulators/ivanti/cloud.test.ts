/**
 * The Ivanti Neurons for MDM (Cloud) emulator with raw fetch: partition discovery,
 * rows/start paging and the documented 400 above 500 rows, `fq` filtering, a device by id,
 * retire by form `ids` → {errors:null, result:1}, RETIRE_PENDING → RETIRED, and the Sentry
 * table that refreshes every 5 minutes (vendor-apis.md §D).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seededRandom } from "../../../src/connectors/http/index.ts";
import { HOUR, MINUTE } from "../../../src/core/time.ts";
import { SENTRY_PATH, startIvantiEmulator } from "../../../src/emulators/ivanti/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

type Row = Record<string, unknown>;

async function setup() {
  const world = new SimulatedOrganisation({ seed: 6, people: 40, start: Date.UTC(2027, 0, 4, 8) });
  const emu = await startIvantiEmulator({ world, flavour: "cloud", random: seededRandom(4) });
  const auth = (password = emu.config.password) =>
    `Basic ${Buffer.from(`${emu.config.username}:${password}`).toString("base64")}`;
  const get = async (path: string, params: Record<string, string | number> = {}, password?: string) => {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${emu.url}${path}?${qs}`, { headers: { authorization: auth(password) } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const search = (params: Record<string, string | number>) =>
    get("/api/v1/device", { dmPartitionId: emu.config.partitionId, ...params });
  const retire = async (ids: string) => {
    const res = await fetch(`${emu.url}/api/v1/device/retire`, {
      method: "PUT",
      headers: { authorization: auth(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ids }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { world, emu, get, search, retire };
}

describe("Ivanti Neurons for MDM emulator", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    t = await setup();
  });
  after(() => t.emu.close());

  it("lists the tenant's partitions with the default one marked; other partitions hold no devices", async () => {
    const { status, body } = await t.get("/api/v1/tenant/partition/device");
    assert.equal(status, 200);
    assert.equal(body.errors, null);
    const spaces = (body.result as { searchResults: Row[] }).searchResults;
    const def = spaces.find((p) => p.defaultPartition === true)!;
    assert.equal(def.id, t.emu.config.partitionId);
    const other = spaces.find((p) => p.defaultPartition === false)!;
    const empty = await t.get("/api/v1/device", { dmPartitionId: String(other.id), rows: 10 });
    assert.equal((empty.body.result as { totalCount: number }).totalCount, 0);
    const unknown = await t.get("/api/v1/device", { dmPartitionId: 1, rows: 10 });
    assert.equal(unknown.status, 400);
  });

  it("pages with rows and start (an entry index) and refuses more than 500 rows with the documented body", async () => {
    const all = (await t.search({ rows: 500, start: 0 })).body.result as {
      totalCount: number;
      searchResults: Row[];
    };
    assert.equal(all.searchResults.length, all.totalCount);
    const ids: unknown[] = [];
    for (let start = 0; start < all.totalCount; start += 9) {
      const page = (await t.search({ rows: 9, start })).body.result as {
        offset: number;
        limit: number;
        searchResults: Row[];
      };
      assert.equal(page.offset, start);
      assert.equal(page.limit, 9);
      ids.push(...page.searchResults.map((r) => r.id));
    }
    assert.deepEqual(
      ids,
      all.searchResults.map((r) => r.id),
    );
    for (const rows of [501, 0]) {
      const refused = await t.search({ rows });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        errors: {
          globalErrors: null,
          fieldErrors: [{ code: "Range", message: "must be between 1 and 500", field: "rows" }],
        },
        result: null,
      });
    }
  });

  it("reports rows in Cloud's shape and filters them with fq", async () => {
    const { body } = await t.search({
      rows: 500,
      fq: "registrationState=ACTIVE and (platformType=ANDROID or platformType=IOS)",
    });
    const rows = (body.result as { searchResults: Row[] }).searchResults;
    assert.ok(rows.length > 0);
    for (const r of rows) {
      assert.ok(["ANDROID", "IOS"].includes(String(r.platformType)));
      for (const k of [
        "id",
        "guid",
        "serialNumber",
        "udid",
        "imei",
        "meid",
        "wifiMacAddress",
        "uid",
        "emailAddress",
        "registrationState",
        "complianceState",
        "quarantined",
        "ownershipType",
        "lastCheckin",
      ]) {
        assert.ok(k in r, k);
      }
      assert.equal(typeof r.lastCheckin, "number");
    }
    assert.equal((await t.search({ fq: "registrationState=" })).status, 400);
  });

  it("returns one device by id, and 404 for an id it does not know", async () => {
    const id = t.world.scenario.devices.find((d) => d.sourceId)!.sourceId;
    const one = await t.get(`/api/v1/device/${id}`, { dmPartitionId: t.emu.config.partitionId });
    assert.equal(one.status, 200);
    assert.equal((one.body.result as Row).id, Number(id));
    assert.equal((await t.get("/api/v1/device/999999999")).status, 404);
  });

  it("retires by form ids: result 1, RETIRE_PENDING at once, RETIRED after check-in; 0 for an unknown id", async () => {
    const victim = t.world.devices().find((d) => d.source === "enrolled" && !d.lost && d.ownerUpn)!;
    assert.deepEqual((await t.retire(victim.sourceId)).body, { errors: null, result: 1 });
    const state = async () =>
      ((await t.get(`/api/v1/device/${victim.sourceId}`)).body.result as Row).registrationState;
    assert.equal(await state(), "RETIRE_PENDING");
    t.world.advanceTo(t.world.clock.now() + 12 * HOUR);
    assert.equal(await state(), "RETIRED");
    assert.deepEqual((await t.retire("999999999")).body, { errors: null, result: 0 });
    assert.equal(
      (await t.retire(victim.sourceId)).body.result,
      0,
      "a RETIRED device: failure by default [U]",
    );
  });

  it("shows Sentry's table as the Unmanaged Devices page does: refreshed every 5 minutes", async () => {
    const d = t.world.devices().find((x) => x.source === "enrolled" && !x.lost && x.ownerUpn)!;
    // align to just after a 5-minute boundary, so the next refresh is almost 5 minutes away
    const now = t.world.clock.now();
    t.world.advanceTo(Math.ceil(now / (5 * MINUTE)) * 5 * MINUTE + 1000);
    await t.retire(d.sourceId);
    // the device checks in and is RETIRED; the emulator notices at its next request
    let goneAt = 0;
    for (let i = 0; i < 200 && !goneAt; i++) {
      t.world.advanceTo(t.world.clock.now() + 10_000);
      if (t.world.devices().find((x) => x.sourceId === d.sourceId)!.source === "absent")
        goneAt = t.world.clock.now();
    }
    assert.ok(goneAt > 0, "the device checked in");
    const entry = async () => {
      const res = await fetch(`${t.emu.url}${SENTRY_PATH}`);
      const list = ((await res.json()) as { entries: { deviceId: number; state: string }[] }).entries;
      return list.find((e) => String(e.deviceId) === d.sourceId)!;
    };
    const boundary = Math.ceil(goneAt / (5 * MINUTE)) * 5 * MINUTE;
    if (boundary > goneAt) assert.equal((await entry()).state, "ALLOWED", "not yet refreshed");
    t.world.advanceTo(boundary + 1000);
    assert.equal((await entry()).state, "BLOCKED");
  });

  it("answers a wrong password with 401 in Cloud's error body", async () => {
    const bad = await t.get("/api/v1/tenant/partition/device", {}, "wrong");
    assert.equal(bad.status, 401);
    assert.ok((bad.body.errors as { globalErrors: unknown[] }).globalErrors.length > 0);
  });
});
