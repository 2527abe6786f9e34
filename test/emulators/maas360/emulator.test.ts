/**
 * The MaaS360 emulator with raw fetch: the token with `errorCode`, the `MaaS token="…"`
 * header, expiry and refresh; device search with 1-based page numbers, page sizes and the
 * object-or-array `device`; selective wipe → Pending Control Removed → Control Removed;
 * roles, throttling and faults (vendor-apis.md §E).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { seededRandom } from "../../../src/connectors/http/index.ts";
import { HOUR } from "../../../src/core/time.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import { type Maas360EmulatorSettings, startMaas360Emulator } from "../../../src/emulators/maas360/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

type Row = Record<string, unknown>;

async function setup(options: Maas360EmulatorSettings = {}, faults?: FaultOptions) {
  const world = new SimulatedOrganisation({ seed: 8, people: 40, start: Date.UTC(2027, 0, 4, 8) });
  const emu = await startMaas360Emulator({
    world,
    random: seededRandom(5),
    options,
    ...(faults ? { faults } : {}),
  });
  const c = emu.config;
  const authBody = (over: Record<string, string> = {}) => ({
    authRequest: {
      maaS360AdminAuth: {
        billingID: c.billingId,
        platformID: c.platformId,
        appID: c.appId,
        appVersion: c.appVersion,
        appAccessKey: c.appAccessKey,
        userName: c.username,
        password: c.password,
        ...over,
      },
    },
  });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${emu.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { authResponse: Row } };
  };
  const signIn = (over: Record<string, string> = {}, billing = c.billingId) =>
    post(`/auth-apis/auth/2.0/authenticate/customer/${billing}`, authBody(over));
  const token = async () => String((await signIn()).body.authResponse.authToken);
  const search = async (params: Record<string, string | number>, header?: string) => {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${emu.url}/device-apis/devices/2.0/search/customer/${c.billingId}?${qs}`, {
      headers: { authorization: header ?? `MaaS token="${await token()}"` },
    });
    return { status: res.status, body: (await res.json()) as { devices: Row } & Row };
  };
  const wipe = async (deviceId: string, header?: string) => {
    const res = await fetch(`${emu.url}/device-apis/devices/1.0/selectiveWipeDevice/${c.billingId}`, {
      method: "POST",
      headers: {
        authorization: header ?? `MaaS token="${await token()}"`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ deviceId }),
    });
    return { status: res.status, body: (await res.json()) as { actionResponse: Row } };
  };
  return { world, emu, authBody, post, signIn, token, search, wipe };
}

describe("MaaS360 emulator", () => {
  let t: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    t = await setup();
  });
  after(() => t.emu.close());

  it("signs in with errorCode 0 and a token; refuses with a non-zero errorCode naming the problem", async () => {
    const ok = await t.signIn();
    assert.equal(ok.status, 200);
    assert.equal(ok.body.authResponse.errorCode, 0);
    assert.match(String(ok.body.authResponse.authToken), /^\w{20,}$/);
    assert.ok(ok.body.authResponse.refreshToken);
    const cases: [Record<string, string>, string, number][] = [
      [{ password: "wrong" }, t.emu.config.billingId, 1003],
      [{ appAccessKey: "wrong" }, t.emu.config.billingId, 1002],
      [{}, "40000000", 1001],
    ];
    for (const [over, billing, code] of cases) {
      const refused = await t.signIn(over, billing);
      assert.equal(refused.status, 200, "a refusal is a 200 with errorCode by default [U]");
      assert.equal(refused.body.authResponse.errorCode, code);
      assert.equal(refused.body.authResponse.authToken, undefined);
      assert.ok(String(refused.body.authResponse.errorDesc).length > 0);
    }
  });

  it('needs `Authorization: MaaS token="…"`; the token expires on the world clock and refreshes', async () => {
    const first = await t.signIn();
    const token = String(first.body.authResponse.authToken);
    assert.equal((await t.search({ pageSize: 1 }, `MaaS token="${token}"`)).status, 200);
    assert.equal((await t.search({ pageSize: 1 }, `Bearer ${token}`)).status, 401);
    assert.equal((await t.search({ pageSize: 1 }, 'MaaS token="nonsense"')).status, 401);
    t.world.advanceTo(t.world.clock.now() + 2 * HOUR);
    const expired = await t.search({ pageSize: 1 }, `MaaS token="${token}"`);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.errorCode, "TOKEN_EXPIRED");
    const refresh = (refreshToken: string) =>
      t.post(
        `/auth-apis/auth/2.0/refreshToken/customer/${t.emu.config.billingId}`,
        t.authBody({ password: "", refreshToken }),
      );
    const refreshed = await refresh(String(first.body.authResponse.refreshToken));
    assert.equal(refreshed.body.authResponse.errorCode, 0);
    assert.equal(
      (await t.search({ pageSize: 1 }, `MaaS token="${refreshed.body.authResponse.authToken}"`)).status,
      200,
    );
    const reused = await refresh(String(first.body.authResponse.refreshToken));
    assert.equal(reused.body.authResponse.errorCode, 1004, "a refresh token works once");
  });

  it("pages with 1-based pageNumber and pageSize; count is the total; one match is an object, not an array", async () => {
    const all = (await t.search({ pageSize: 250 })).body.devices;
    const total = all.count as number;
    assert.ok(Array.isArray(all.device));
    assert.equal((all.device as Row[]).length, total);
    const ids: unknown[] = [];
    for (let page = 1; ; page++) {
      const d = (await t.search({ pageSize: 6, pageNumber: page })).body.devices;
      assert.equal(d.pageNumber, page);
      assert.equal(d.pageSize, 6);
      assert.equal(d.count, total);
      if (d.device === undefined) break;
      ids.push(...(Array.isArray(d.device) ? d.device : [d.device]).map((x) => (x as Row).maas360DeviceID));
    }
    assert.deepEqual(
      ids,
      (all.device as Row[]).map((x) => x.maas360DeviceID),
    );
    const one = (await t.search({ pageSize: 250, maas360DeviceId: String(ids[3]) })).body.devices;
    assert.equal(one.count, 1);
    assert.equal(Array.isArray(one.device), false);
    assert.equal((one.device as Row).maas360DeviceID, ids[3]);
    const lastAlone = (await t.search({ pageSize: total - 1, pageNumber: 2 })).body.devices;
    assert.equal(Array.isArray(lastAlone.device), false, "a last page of one is an object too");
    assert.equal((await t.search({ pageSize: 0 })).status, 400);
    const clamped = (await t.search({ pageSize: 5000 })).body.devices;
    assert.equal(clamped.pageSize, 250);
  });

  it("offers the [U] shapes as settings: count per page, an empty page's device, numbers as text", async () => {
    const alt = await setup({
      countMeaning: "page",
      emptyDevice: "array",
      numbersAsNumbers: false,
      enrollmentModeField: false,
    });
    try {
      const page = (await alt.search({ pageSize: 4 })).body.devices;
      assert.equal(page.count, 4);
      for (const d of page.device as Row[]) {
        assert.equal(typeof d.osVersion, "string");
        assert.equal("enrollmentMode" in d, false);
      }
      assert.deepEqual((await alt.search({ pageSize: 4, pageNumber: 999 })).body.devices.device, []);
    } finally {
      await alt.emu.close();
    }
    const rows = (await t.search({ pageSize: 250 })).body.devices.device as Row[];
    assert.ok(
      rows.some((d) => typeof d.osVersion === "number"),
      "osVersion may be a number",
    );
    assert.ok(
      rows.some((d) => typeof d.imeiEsn === "number"),
      "imeiEsn may be a number",
    );
    for (const d of rows) {
      for (const k of [
        "maas360DeviceID",
        "platformName",
        "platformSerialNumber",
        "udid",
        "wifiMacAddress",
        "ownership",
        "deviceStatus",
        "maas360ManagedStatus",
        "isSupervisedDevice",
        "policyComplianceState",
      ]) {
        assert.ok(k in d, k);
      }
    }
  });

  it("selective wipe: Pending Control Removed at once, Control Removed (Inactive) after check-in", async () => {
    const victim = t.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
    const res = await t.wipe(victim.sourceId);
    assert.equal(res.status, 200);
    assert.equal(res.body.actionResponse.actionStatus, 0);
    const find = async (deviceStatus: string) =>
      (await t.search({ deviceStatus, maas360DeviceId: victim.sourceId })).body.devices.device as
        | Row
        | undefined;
    assert.equal((await find("Active"))?.maas360ManagedStatus, "Pending Control Removed");
    t.world.advanceTo(t.world.clock.now() + 12 * HOUR);
    assert.equal(await find("Active"), undefined, "no longer listed as active");
    const gone = (await find("InActive"))!;
    assert.deepEqual([gone.deviceStatus, gone.maas360ManagedStatus], ["Inactive", "Control Removed"]);
    assert.equal((await t.wipe(victim.sourceId)).body.actionResponse.actionStatus, 1, "already removed [U]");
    assert.equal((await t.wipe("no-such-device")).body.actionResponse.actionStatus, 1);
  });

  it("refuses an administrator without the wipe right (403), and throttles or faults only when told to", async () => {
    const limited = await setup({
      admins: { viewer: { password: "pw", roles: ["view"] } },
      throttle: { requests: 3, windowMs: 60_000 },
    });
    try {
      const tok = await limited.token();
      assert.equal((await limited.search({ pageSize: 1 }, `MaaS token="${tok}"`)).status, 200);
      assert.equal((await limited.wipe("x", `MaaS token="${tok}"`)).status, 403);
      assert.equal((await limited.search({ pageSize: 1 }, `MaaS token="${tok}"`)).status, 200);
      assert.equal((await limited.search({ pageSize: 1 }, `MaaS token="${tok}"`)).status, 429);
    } finally {
      await limited.emu.close();
    }
    const faulty = await setup(
      {},
      {
        rate: 1,
        weights: { "500": 1, "503": 0, "429": 0, "429-bare": 0, reset: 0, truncate: 0, "malformed-json": 0 },
      },
    );
    try {
      assert.equal((await faulty.signIn()).status, 500);
    } finally {
      await faulty.emu.close();
    }
  });
});
