/**
 * The Workspace ONE emulator's checklist (vendor-apis.md §B "Emulator:"), item by item, with
 * raw fetch over loopback HTTP against a simulated organisation.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HOUR } from "../../../src/core/time.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import {
  startWorkspaceOneEmulator,
  type WorkspaceOneEmulator,
  type WorkspaceOneEmulatorSettings,
} from "../../../src/emulators/workspace-one/index.ts";
import { Rng } from "../../../src/world/rng.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

const START = Date.UTC(2027, 0, 4, 8);

interface Env {
  world: SimulatedOrganisation;
  emu: WorkspaceOneEmulator;
  basic: Record<string, string>;
}

async function start(
  o: { people?: number; settings?: WorkspaceOneEmulatorSettings; faults?: FaultOptions; seed?: number } = {},
): Promise<Env> {
  const world = new SimulatedOrganisation({ seed: o.seed ?? 5, people: o.people ?? 60, start: START });
  const rng = new Rng(5, "ws1-emulator-test");
  const emu = await startWorkspaceOneEmulator({
    world,
    random: () => rng.next(),
    ...(o.settings ? { options: o.settings } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
  });
  const { username, password } = emu.config.basic;
  const basic = {
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
    "aw-tenant-code": emu.config.tenantCode,
    accept: "application/json;version=1",
  };
  return { world, emu, basic };
}

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, text, body: body as Record<string, unknown> };
}

type Device = Record<string, unknown> & { Id: { Value: number }; EnrollmentStatus: string };

function withBody(headers: Record<string, string>, body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

describe("Workspace ONE emulator: auth", () => {
  let e: Env;
  before(async () => {
    e = await start();
  });
  after(() => e.emu.close());
  const search = () => `${e.emu.config.apiUrl}/mdm/devices/search?pagesize=1`;

  test("Basic with the right aw-tenant-code is accepted", async () => {
    const r = await call(search(), { headers: e.basic });
    assert.equal(r.status, 200);
  });

  test("no credentials, a wrong password, a missing or wrong tenant code: 401 in WS1's error shape", async () => {
    const none = await call(search());
    assert.equal(none.status, 401);
    assert.equal(none.body.errorCode, 1005);
    assert.match(String(none.body.activityId), /^[0-9a-f-]{36}$/);
    const wrong = await call(search(), {
      headers: { ...e.basic, authorization: `Basic ${Buffer.from("ferry-api:nope").toString("base64")}` },
    });
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.body.message), /user not found : ferry-api/);
    const { "aw-tenant-code": _omit, ...noTenant } = e.basic;
    const missing = await call(search(), { headers: noTenant });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.errorCode, 1013);
    const badTenant = await call(search(), { headers: { ...e.basic, "aw-tenant-code": "XYZ" } });
    assert.equal(badTenant.status, 401);
    assert.equal(badTenant.body.message, "Tenant code XYZ does not identify an Organization Group.");
  });

  test("OAuth client credentials: a bearer token that expires on the world's clock", async () => {
    const { tokenUrl, clientId, clientSecret } = e.emu.config.oauth;
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    const t = await call(tokenUrl, { method: "POST", body: form });
    assert.equal(t.status, 200);
    assert.equal(t.body.token_type, "Bearer");
    assert.equal(t.body.expires_in, 3600);
    const bearer = { authorization: `Bearer ${t.body.access_token}`, accept: "application/json;version=1" };
    assert.equal((await call(search(), { headers: bearer })).status, 200, "no tenant code needed");
    e.world.advanceTo(e.world.clock.now() + 3601_000);
    const expired = await call(search(), { headers: bearer });
    assert.equal(expired.status, 401);
    assert.match(String(expired.body.message), /expired/);
    form.set("client_secret", "wrong");
    const refused = await call(tokenUrl, { method: "POST", body: form });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, "invalid_client");
  });

  test("the version header picks the schema; unsupported versions and XML are refused", async () => {
    const list = await call(`${e.emu.config.apiUrl}/mdm/devices/search?pagesize=1`, { headers: e.basic });
    const d = (list.body.Devices as Device[])[0]!;
    const byUuid = (v: number) =>
      call(`${e.emu.config.apiUrl}/mdm/devices/${d.Uuid}`, {
        headers: { ...e.basic, accept: `application/json;version=${v}` },
      });
    const v2 = await byUuid(2);
    assert.equal(v2.status, 200);
    assert.equal(v2.body.serialNumber, d.SerialNumber);
    assert.ok((v2.body.enrollmentInfo as Record<string, unknown>).enrollmentStatus);
    const v3 = await byUuid(3);
    assert.equal(v3.body.serial_number, d.SerialNumber);
    assert.ok((v3.body.enrollment_info as Record<string, unknown>).enrollment_status);
    const v1 = await byUuid(1);
    assert.deepEqual(v1.body.Id, d.Id);
    assert.equal(
      (await call(search(), { headers: { ...e.basic, accept: "application/json;version=2" } })).status,
      406,
    );
    assert.equal((await call(search(), { headers: { ...e.basic, accept: "application/xml" } })).status, 406);
    assert.equal(
      (await call(`${e.emu.url}/api/mdm/devices/search?pagesize=1`, { headers: e.basic })).status,
      200,
      "/api too",
    );
  });

  test("a role without a permission gets 403 naming it", async () => {
    const ro = await start({
      settings: { admins: [{ username: "reader", password: "pw", permissions: ["devices:read"] }] },
    });
    try {
      const headers = {
        authorization: `Basic ${Buffer.from("reader:pw").toString("base64")}`,
        "aw-tenant-code": ro.emu.config.tenantCode,
      };
      const id = ro.world.scenario.devices[0]!.sourceId;
      const r = await call(`${ro.emu.config.apiUrl}/mdm/devices/${id}/commands?command=EnterpriseWipe`, {
        method: "POST",
        headers,
      });
      assert.equal(r.status, 403);
      assert.match(String(r.body.message), /Enterprise Wipe/);
      assert.equal(ro.emu.commands.length, 0);
    } finally {
      await ro.emu.close();
    }
  });
});

describe("Workspace ONE emulator: device search", () => {
  let e: Env;
  before(async () => {
    e = await start({ people: 420 });
  });
  after(() => e.emu.close());

  test("0-based pages, at most 500 whatever pagesize says, with Total; past the end is empty", async () => {
    const total = e.world.scenario.devices.length;
    assert.ok(total > 500, `need more than 500 devices, have ${total}`);
    const p0 = await call(`${e.emu.config.apiUrl}/mdm/devices/search?page=0&pagesize=1000`, {
      headers: e.basic,
    });
    assert.equal(p0.body.PageSize, 500);
    assert.equal(p0.body.Page, 0);
    assert.equal(p0.body.Total, total);
    assert.equal((p0.body.Devices as Device[]).length, 500);
    const p1 = await call(`${e.emu.config.apiUrl}/mdm/devices/search?page=1&pagesize=1000`, {
      headers: e.basic,
    });
    assert.equal((p1.body.Devices as Device[]).length, total - 500);
    const ids = [...(p0.body.Devices as Device[]), ...(p1.body.Devices as Device[])].map((d) => d.Id.Value);
    assert.equal(new Set(ids).size, total);
    const past = await call(`${e.emu.config.apiUrl}/mdm/devices/search?page=9&pagesize=500`, {
      headers: e.basic,
    });
    assert.deepEqual(past.body.Devices, []);
    const bad = await call(`${e.emu.config.apiUrl}/mdm/devices/search?page=-1`, { headers: e.basic });
    assert.equal(bad.status, 400);
  });

  test("field shapes: nested Id.Value, MacAddress without separators, LastSeen without a zone, C/E/S", async () => {
    const r = await call(`${e.emu.config.apiUrl}/mdm/devices/search?pagesize=500`, { headers: e.basic });
    const devices = r.body.Devices as Device[];
    for (const d of devices) {
      assert.equal(typeof d.Id.Value, "number");
      assert.match(String(d.MacAddress), /^([0-9A-F]{12})?$/);
      assert.match(String(d.LastSeen), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
      assert.ok(["C", "E", "S"].includes(String(d.Ownership)));
      assert.ok(["Apple", "AppleOsX", "Android", "WinRT"].includes(String(d.Platform)));
    }
    const byId = new Map(e.world.scenario.devices.map((s) => [s.sourceId, s]));
    for (const d of devices) {
      const s = byId.get(String(d.Id.Value))!;
      assert.equal(d.EnrolledViaDEP, s.mode === "apple-ade" || s.mode === "macos-ade");
      if (s.platform === "android") assert.ok(d.AndroidManagementType, "Android mode field present");
      if (s.mode === "android-dedicated") assert.equal(d.Ownership, "S");
      if (s.platform === "ios") assert.equal(d.IsUserEnrollment, s.mode === "apple-user-enrollment");
    }
  });

  test("filters: platform, ownership, user", async () => {
    const android = await call(`${e.emu.config.apiUrl}/mdm/devices/search?platform=Android`, {
      headers: e.basic,
    });
    const want = e.world.scenario.devices.filter((d) => d.platform === "android").length;
    assert.equal(android.body.Total, want);
    const personal = await call(`${e.emu.config.apiUrl}/mdm/devices/search?Ownership=E`, {
      headers: e.basic,
    });
    assert.equal(
      personal.body.Total,
      e.world.scenario.devices.filter((d) => d.ownership === "personal").length,
    );
    const owner = e.world.scenario.devices.find((d) => d.sourceOwner)!.sourceOwner!;
    const mine = await call(`${e.emu.config.apiUrl}/mdm/devices/search?user=${encodeURIComponent(owner)}`, {
      headers: e.basic,
    });
    assert.ok((mine.body.Total as number) >= 1);
  });

  test("an empty result is 204, or an empty body when so configured", async () => {
    const none = await call(`${e.emu.config.apiUrl}/mdm/devices/search?platform=Symbian`, {
      headers: e.basic,
    });
    assert.equal(none.status, 204);
    assert.equal(none.text, "");
    const other = await start({ settings: { emptyResult: "empty-body" } });
    try {
      const r = await call(`${other.emu.config.apiUrl}/mdm/devices/search?platform=Symbian`, {
        headers: other.basic,
      });
      assert.equal(r.status, 200);
      assert.equal(r.text, "");
    } finally {
      await other.emu.close();
    }
  });

  test("the Android mode and User Enrollment fields can be renamed or left out [U]", async () => {
    const other = await start({
      settings: { androidModeField: null, userEnrollmentField: "EnrollmentType" },
    });
    try {
      const r = await call(`${other.emu.config.apiUrl}/mdm/devices/search?pagesize=500`, {
        headers: other.basic,
      });
      for (const d of r.body.Devices as Device[]) {
        assert.equal(d.AndroidManagementType, undefined);
        assert.equal(d.IsUserEnrollment, undefined);
        if (d.Platform === "Apple") assert.equal(typeof d.EnrollmentType, "boolean");
      }
    } finally {
      await other.emu.close();
    }
  });

  test("lookup by alternate id", async () => {
    const s = e.world.scenario.devices.find((d) => d.sourceIdentifiers.serial)!;
    const r = await call(`${e.emu.config.apiUrl}/mdm/devices?searchby=Serialnumber&id=${s.hardware.serial}`, {
      headers: e.basic,
    });
    assert.equal(r.status, 200);
    assert.equal((r.body as Device).Id.Value, Number(s.sourceId));
    const none = await call(`${e.emu.config.apiUrl}/mdm/devices?searchby=Serialnumber&id=NOPE`, {
      headers: e.basic,
    });
    assert.equal(none.status, 404);
    assert.equal(none.body.message, "Device not found for this request.");
  });
});

describe("Workspace ONE emulator: commands and SEG", () => {
  let e: Env;
  before(async () => {
    e = await start({ people: 80 });
  });
  after(() => e.emu.close());
  const device = async (id: string) =>
    (await call(`${e.emu.config.apiUrl}/mdm/devices/${id}`, { headers: e.basic })).body as Device;

  test("EnterpriseWipe: 202, EnterpriseWipePending at once, Unenrolled once the device checks in", async () => {
    const victim = e.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
    assert.equal((await device(victim.sourceId)).EnrollmentStatus, "Enrolled");
    assert.equal(await e.emu.seg.access(victim.sourceId), "allowed");
    const r = await call(
      `${e.emu.config.apiUrl}/mdm/devices/${victim.sourceId}/commands?command=EnterpriseWipe`,
      {
        method: "POST",
        headers: e.basic,
      },
    );
    assert.equal(r.status, 202);
    assert.equal(r.text, "");
    assert.equal((await device(victim.sourceId)).EnrollmentStatus, "EnterpriseWipePending");
    const again = await call(
      `${e.emu.config.apiUrl}/mdm/devices/${victim.sourceId}/commands?command=EnterpriseWipe`,
      {
        method: "POST",
        headers: e.basic,
      },
    );
    assert.equal(again.status, 202, "a pending wipe may be sent again");
    e.world.advanceTo(e.world.clock.now() + 12 * HOUR);
    assert.equal((await device(victim.sourceId)).EnrollmentStatus, "Unenrolled");
    const search = await call(`${e.emu.config.apiUrl}/mdm/devices/search?pagesize=500`, { headers: e.basic });
    assert.ok(
      (search.body.Devices as Device[]).some((d) => String(d.Id.Value) === victim.sourceId),
      "unenrolled records stay",
    );
    const late = await call(
      `${e.emu.config.apiUrl}/mdm/devices/${victim.sourceId}/commands?command=EnterpriseWipe`,
      {
        method: "POST",
        headers: e.basic,
      },
    );
    assert.equal(late.status, 400, "an unenrolled device cannot be wiped again (wipeUnenrolled: reject)");
    // SEG: the wiped device is blocked unless whitelisted
    assert.equal(await e.emu.seg.access(victim.sourceId), "blocked");
    const put = await call(`${e.emu.url}/_emulator/seg/${victim.sourceId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "whitelist" }),
    });
    assert.equal(put.body.mail, "allowed");
    const get = await call(`${e.emu.url}/_emulator/seg/${victim.sourceId}`);
    assert.deepEqual(get.body, { deviceId: victim.sourceId, action: "whitelist", mail: "allowed" });
  });

  test("SEG blacklist blocks an enrolled device", async () => {
    const d = e.world.devices().find((x) => x.source === "enrolled")!;
    e.emu.seg.set(d.sourceId, "blacklist");
    assert.equal(await e.emu.seg.access(d.sourceId), "blocked");
    e.emu.seg.set(d.sourceId, "default");
    assert.equal(await e.emu.seg.access(d.sourceId), "allowed");
  });

  test("unknown device 404, unknown command 400, by serial, and bulk", async () => {
    const unknown = await call(
      `${e.emu.config.apiUrl}/mdm/devices/999999999/commands?command=EnterpriseWipe`,
      {
        method: "POST",
        headers: e.basic,
      },
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errorCode, 5061);
    const enrolled = e.world.devices().filter((d) => d.source === "enrolled" && !d.lost);
    const bad = await call(
      `${e.emu.config.apiUrl}/mdm/devices/${enrolled[0]!.sourceId}/commands?command=Explode`,
      {
        method: "POST",
        headers: e.basic,
      },
    );
    assert.equal(bad.status, 400);
    const s = e.world.scenario.devices.find((d) => d.sourceId === enrolled[1]!.sourceId)!;
    if (s.sourceIdentifiers.serial) {
      const bySerial = await call(
        `${e.emu.config.apiUrl}/mdm/devices/commands?command=EnterpriseWipe&searchBy=Serialnumber&id=${s.hardware.serial}`,
        { method: "POST", headers: e.basic },
      );
      assert.equal(bySerial.status, 202);
    }
    const bulk = await call(
      `${e.emu.config.apiUrl}/mdm/devices/commands/bulk?command=enterprisewipe&searchby=deviceid`,
      withBody(e.basic, { BulkValues: { Value: [enrolled[2]!.sourceId, "999999999"] } }),
    );
    assert.equal(bulk.status, 200);
    assert.equal(bulk.body.AcceptedItems, 1);
    assert.equal(bulk.body.FailedItems, 1);
    assert.equal((await device(enrolled[2]!.sourceId)).EnrollmentStatus, "EnterpriseWipePending");
  });

  test("wipeUnenrolled: accept answers 202 for a device already gone", async () => {
    const other = await start({ settings: { wipeUnenrolled: "accept" } });
    try {
      const v = other.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
      const url = `${other.emu.config.apiUrl}/mdm/devices/${v.sourceId}/commands?command=EnterpriseWipe`;
      assert.equal((await call(url, { method: "POST", headers: other.basic })).status, 202);
      other.world.advanceTo(other.world.clock.now() + 12 * HOUR);
      assert.equal((await call(url, { method: "POST", headers: other.basic })).status, 202);
    } finally {
      await other.emu.close();
    }
  });
});

describe("Workspace ONE emulator: throttling and faults", () => {
  test("a tenant quota answers 429 with Retry-After, or without it when so configured", async () => {
    for (const retryAfter of [true, false]) {
      const e = await start({ settings: { throttle: { requests: 2, windowMs: 10_000, retryAfter } } });
      try {
        const url = `${e.emu.config.apiUrl}/mdm/devices/search?pagesize=1`;
        assert.equal((await call(url, { headers: e.basic })).status, 200);
        assert.equal((await call(url, { headers: e.basic })).status, 200);
        const third = await call(url, { headers: e.basic });
        assert.equal(third.status, 429);
        assert.equal(third.body.errorCode, 429);
        assert.equal(third.headers.get("retry-after") !== null, retryAfter);
        e.world.advanceTo(e.world.clock.now() + 5_000);
        assert.equal((await call(url, { headers: e.basic })).status, 200, "tokens refill on the world clock");
      } finally {
        await e.emu.close();
      }
    }
  });

  test("kit fault injection answers in WS1's error shape", async () => {
    const e = await start({
      faults: {
        rate: 1,
        weights: { "500": 1, "503": 0, "429": 0, "429-bare": 0, reset: 0, truncate: 0, "malformed-json": 0 },
      },
    });
    try {
      const r = await call(`${e.emu.config.apiUrl}/mdm/devices/search`, { headers: e.basic });
      assert.equal(r.status, 500);
      assert.equal(r.body.errorCode, 500);
      assert.ok(r.body.activityId);
      assert.equal(e.emu.stats.faults["500"], 1);
    } finally {
      await e.emu.close();
    }
  });
});
