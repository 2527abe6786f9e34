/**
 * The Jamf Pro emulator's checklist (vendor-apis.md §C "Emulator:"), item by item, with raw
 * fetch over loopback HTTP against a simulated organisation.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HOUR } from "../../../src/core/time.ts";
import {
  type JamfEmulator,
  type JamfEmulatorSettings,
  jamfManages,
  startJamfEmulator,
} from "../../../src/emulators/jamf/index.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import { Rng } from "../../../src/world/rng.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

const START = Date.UTC(2027, 0, 4, 8);

interface Env {
  world: SimulatedOrganisation;
  emu: JamfEmulator;
  token: string;
  auth: Record<string, string>;
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
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: body as Record<string, unknown> & { results?: Rec[] },
  };
}

type Rec = Record<string, unknown> & { id?: string; general?: Record<string, unknown> | null };

async function start(
  o: { people?: number; settings?: JamfEmulatorSettings; faults?: FaultOptions } = {},
): Promise<Env> {
  const world = new SimulatedOrganisation({ seed: 9, people: o.people ?? 60, start: START });
  const rng = new Rng(9, "jamf-emulator-test");
  const emu = await startJamfEmulator({
    world,
    random: () => rng.next(),
    ...(o.settings ? { options: o.settings } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
  });
  const { username, password } = emu.config.basic;
  const t = await call(`${emu.url}/api/v1/auth/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
  });
  const token = String(t.body.token);
  return { world, emu, token, auth: { authorization: `Bearer ${token}` } };
}

const apple = (w: SimulatedOrganisation) => w.scenario.devices.filter(jamfManages);

describe("Jamf emulator: tokens", () => {
  let e: Env;
  before(async () => {
    e = await start({ settings: { tokenTtlSeconds: 300 } });
  });
  after(() => e.emu.close());

  test("Basic → {token, expires}; the token works, expires on the world clock", async () => {
    const me = await call(`${e.emu.url}/api/v1/auth`, { headers: e.auth });
    assert.equal(me.status, 200);
    assert.ok((me.body.account as { privileges: string[] }).privileges.includes("Read Computers"));
    const wrong = await call(`${e.emu.url}/api/v1/auth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("ferry-api:nope").toString("base64")}` },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(Object.keys(wrong.body), ["httpStatus", "errors"]);
    assert.deepEqual(Object.keys((wrong.body.errors as object[])[0]!), [
      "code",
      "field",
      "description",
      "id",
    ]);
  });

  test("keep-alive issues a new token and retires the old; invalidate-token; expiry", async () => {
    const kept = await call(`${e.emu.url}/api/v1/auth/keep-alive`, { method: "POST", headers: e.auth });
    assert.equal(kept.status, 200);
    assert.notEqual(kept.body.token, e.token);
    assert.equal(Date.parse(String(kept.body.expires)), e.world.clock.now() + 300_000);
    assert.equal(
      (await call(`${e.emu.url}/api/v1/auth`, { headers: e.auth })).status,
      401,
      "old token retired",
    );
    const fresh = { authorization: `Bearer ${kept.body.token}` };
    assert.equal((await call(`${e.emu.url}/api/v1/auth`, { headers: fresh })).status, 200);
    e.world.advanceTo(e.world.clock.now() + 301_000);
    const expired = await call(`${e.emu.url}/api/v2/mobile-devices?page-size=1`, { headers: fresh });
    assert.equal(expired.status, 401);
    assert.equal((expired.body.errors as { code: string }[])[0]!.code, "INVALID_TOKEN");
    const other = await start();
    try {
      assert.equal(
        (await call(`${other.emu.url}/api/v1/auth/invalidate-token`, { method: "POST", headers: other.auth }))
          .status,
        204,
      );
      assert.equal((await call(`${other.emu.url}/api/v1/auth`, { headers: other.auth })).status, 401);
    } finally {
      await other.emu.close();
    }
  });

  test("OAuth client credentials with api-role scopes; invalid_scope and invalid_client", async () => {
    const { tokenUrl, clientId, clientSecret } = e.emu.config.oauth;
    const form = (extra: Record<string, string>) =>
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        ...extra,
      });
    const t = await call(tokenUrl, { method: "POST", body: form({}) });
    assert.equal(t.status, 200);
    assert.equal(t.body.scope, "api-role:1");
    assert.equal(t.body.token_type, "Bearer");
    assert.equal(t.body.expires_in, 599);
    const r = await call(`${e.emu.url}/api/v3/computers-inventory?page-size=1`, {
      headers: { authorization: `Bearer ${t.body.access_token}` },
    });
    assert.equal(r.status, 200);
    assert.equal(
      (await call(tokenUrl, { method: "POST", body: form({ scope: "api-role:7" }) })).body.error,
      "invalid_scope",
    );
    const bad = await call(tokenUrl, { method: "POST", body: form({ client_secret: "x" }) });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error, "invalid_client");
  });

  test("a role without a privilege: 403 INVALID_PRIVILEGE", async () => {
    const other = await start({
      settings: {
        apiClients: [{ clientId: "c1", clientSecret: "s1", roles: ["api-role:2"] }],
        apiRoles: { "api-role:2": ["Read Computers"] },
      },
    });
    try {
      const t = await call(other.emu.config.oauth.tokenUrl, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: "c1", client_secret: "s1" }),
      });
      const headers = { authorization: `Bearer ${t.body.access_token}` };
      assert.equal((await call(`${other.emu.url}/api/v3/computers-inventory`, { headers })).status, 200);
      const denied = await call(`${other.emu.url}/api/v2/mobile-devices/detail`, { headers });
      assert.equal(denied.status, 403);
      assert.equal((denied.body.errors as { code: string }[])[0]!.code, "INVALID_PRIVILEGE");
    } finally {
      await other.emu.close();
    }
  });
});

describe("Jamf emulator: inventory", () => {
  let e: Env;
  before(async () => {
    e = await start({ people: 150 });
  });
  after(() => e.emu.close());

  test("only Apple devices: Macs as computers, iPhones and iPads as mobile devices; totalCount and paging", async () => {
    const macs = apple(e.world).filter((d) => d.platform === "macos");
    const mobiles = apple(e.world).filter((d) => d.platform !== "macos");
    const ids: string[] = [];
    for (let page = 0; ; page++) {
      const r = await call(`${e.emu.url}/api/v3/computers-inventory?page=${page}&page-size=7&sort=id:asc`, {
        headers: e.auth,
      });
      assert.equal(r.body.totalCount, macs.length);
      if (r.body.results!.length === 0) break;
      ids.push(...r.body.results!.map((x) => String(x.id)));
    }
    assert.deepEqual(
      ids,
      macs.map((d) => d.sourceId).sort((a, b) => Number(a) - Number(b)),
    );
    const m = await call(`${e.emu.url}/api/v2/mobile-devices/detail?page-size=2000`, { headers: e.auth });
    assert.equal(m.body.totalCount, mobiles.length);
    const list = await call(`${e.emu.url}/api/v2/mobile-devices?page=0&page-size=5`, { headers: e.auth });
    assert.equal(list.body.totalCount, mobiles.length);
    assert.equal(list.body.results!.length, 5);
    assert.equal((list.body.results![0] as { type: string }).type, "ios");
  });

  test("sections: only the requested ones are filled; GENERAL by default", async () => {
    const r = await call(
      `${e.emu.url}/api/v3/computers-inventory?page-size=1&section=HARDWARE&section=OPERATING_SYSTEM`,
      {
        headers: e.auth,
      },
    );
    const c = r.body.results![0]!;
    assert.equal(c.general, null);
    assert.ok(c.hardware && c.operatingSystem);
    assert.match(String((c.hardware as { macAddress: string }).macAddress), /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
    const d = await call(`${e.emu.url}/api/v3/computers-inventory?page-size=1`, { headers: e.auth });
    assert.ok(d.body.results![0]!.general);
    assert.equal(d.body.results![0]!.hardware, null);
    const bad = await call(`${e.emu.url}/api/v3/computers-inventory?section=NOPE`, { headers: e.auth });
    assert.equal(bad.status, 400);
  });

  test("version aliases v1–v4; v4 renames lastContactTime to lastContact and drops PLUGINS", async () => {
    for (const v of [1, 2, 3]) {
      const r = await call(`${e.emu.url}/api/v${v}/computers-inventory?page-size=1`, { headers: e.auth });
      assert.ok("lastContactTime" in r.body.results![0]!.general!, `v${v}`);
    }
    const v4 = await call(`${e.emu.url}/api/v4/computers-inventory?page-size=1`, { headers: e.auth });
    assert.ok("lastContact" in v4.body.results![0]!.general!);
    assert.ok(!("lastContactTime" in v4.body.results![0]!.general!));
    assert.equal(
      (await call(`${e.emu.url}/api/v4/computers-inventory?section=PLUGINS`, { headers: e.auth })).status,
      400,
    );
    assert.equal(
      (await call(`${e.emu.url}/api/v3/computers-inventory?section=PLUGINS`, { headers: e.auth })).status,
      200,
    );
    const only4 = await start({ settings: { computerInventoryVersions: [4] } });
    try {
      const gone = await call(`${only4.emu.url}/api/v3/computers-inventory`, { headers: only4.auth });
      assert.equal(gone.status, 404);
      assert.equal(gone.body.httpStatus, 404);
    } finally {
      await only4.emu.close();
    }
  });

  test("RSQL filter: ==, =in=, ; and , on computers and mobile devices; unknown fields refused", async () => {
    const mac = apple(e.world).find((d) => d.platform === "macos" && d.sourceIdentifiers.serial)!;
    const f = (q: string) =>
      `${e.emu.url}/api/v3/computers-inventory?section=HARDWARE&filter=${encodeURIComponent(q)}`;
    const one = await call(f(`hardware.serialNumber=="${mac.hardware.serial}"`), { headers: e.auth });
    assert.deepEqual(
      one.body.results!.map((x) => x.id),
      [mac.sourceId],
    );
    const two = apple(e.world)
      .filter((d) => d.platform === "macos")
      .slice(0, 2);
    const inList = await call(f(`id=in=(${two.map((d) => d.sourceId).join(",")})`), { headers: e.auth });
    assert.equal(inList.body.totalCount, 2);
    const or = await call(
      f(`id==${two[0]!.sourceId},id==${two[1]!.sourceId};general.remoteManagement.managed==true`),
      {
        headers: e.auth,
      },
    );
    assert.equal(or.body.totalCount, 2);
    const bad = await call(f("general.nonsense==1"), { headers: e.auth });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.errors as { field: string }[])[0]!.field, "filter");
    const phone = apple(e.world).find((d) => d.platform === "ios" && d.sourceIdentifiers.serial)!;
    const m = await call(
      `${e.emu.url}/api/v2/mobile-devices/detail?section=HARDWARE&filter=${encodeURIComponent(`serialNumber=="${phone.hardware.serial}"`)}`,
      { headers: e.auth },
    );
    assert.deepEqual(
      m.body.results!.map((x) => x.mobileDeviceId),
      [phone.sourceId],
    );
  });

  test("mobile fields carry mode and ownership: supervised, deviceOwnershipType, enrollmentMethodPrestage", async () => {
    const r = await call(`${e.emu.url}/api/v2/mobile-devices/detail?page-size=2000&section=GENERAL`, {
      headers: e.auth,
    });
    const byId = new Map(e.world.scenario.devices.map((d) => [d.sourceId, d]));
    for (const m of r.body.results!) {
      const d = byId.get(String(m.mobileDeviceId))!;
      const g = m.general!;
      assert.equal(g.supervised, d.mode === "apple-ade");
      assert.equal(g.enrollmentMethodPrestage !== null, d.mode === "apple-ade");
      const type = String(g.deviceOwnershipType);
      if (d.mode === "apple-user-enrollment") assert.equal(type, "AccountDrivenUserEnrollment");
      else if (d.ownership === "personal") assert.equal(type, "PersonalDeviceProfile");
      else assert.equal(type, "Institutional");
    }
  });
});

describe("Jamf emulator: unmanage", () => {
  let e: Env;
  before(async () => {
    e = await start({ people: 120, settings: { tokenTtlSeconds: 7 * 24 * 3600 } });
  });
  after(() => e.emu.close());
  const enrolled = (platform: "macos" | "ios") =>
    e.world
      .devices()
      .filter((t) => t.source === "enrolled" && !t.lost)
      .map((t) => e.world.scenario.devices.find((d) => d.worldId === t.worldId)!)
      .filter(
        (d) =>
          d && (platform === "macos" ? d.platform === "macos" : d.platform !== "macos" && jamfManages(d)),
      );

  test("remove-mdm-profile returns a commandUuid; managed turns false only after the device checks in", async () => {
    const mac = enrolled("macos")[0]!;
    const r = await call(`${e.emu.url}/api/v1/computer-inventory/${mac.sourceId}/remove-mdm-profile`, {
      method: "POST",
      headers: e.auth,
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.deviceId, mac.sourceId);
    assert.match(String(r.body.commandUuid), /^[0-9a-f-]{36}$/);
    const state = async () =>
      (await call(`${e.emu.url}/api/v3/computers-inventory/${mac.sourceId}`, { headers: e.auth })).body
        .general as {
        remoteManagement: { managed: boolean };
        managementId: string;
      };
    assert.equal((await state()).remoteManagement.managed, true);
    const cmd = async () =>
      (
        await call(
          `${e.emu.url}/api/v2/mdm/commands?filter=${encodeURIComponent(`uuid=="${r.body.commandUuid}"`)}`,
          { headers: e.auth },
        )
      ).body.results![0] as { commandState: string; commandType: string; client: { managementId: string } };
    assert.equal((await cmd()).commandState, "PENDING");
    assert.equal((await cmd()).client.managementId, (await state()).managementId);
    e.world.advanceTo(e.world.clock.now() + 12 * HOUR);
    assert.equal((await state()).remoteManagement.managed, false);
    assert.equal((await cmd()).commandState, "ACKNOWLEDGED");
    const again = await call(`${e.emu.url}/api/v1/computer-inventory/${mac.sourceId}/remove-mdm-profile`, {
      method: "POST",
      headers: e.auth,
    });
    assert.equal(again.status, 400);
    const missing = await call(`${e.emu.url}/api/v1/computer-inventory/999999/remove-mdm-profile`, {
      method: "POST",
      headers: e.auth,
    });
    assert.equal(missing.status, 404);
    assert.equal(
      (await call(`${e.emu.url}/api/v2/mdm/commands`, { headers: e.auth })).status,
      400,
      "a filter is required",
    );
  });

  test("mobile unmanage: managed false at once by default, or at check-in; the command stays pending until then", async () => {
    const phone = enrolled("ios")[0]!;
    const r = await call(`${e.emu.url}/api/v2/mobile-devices/${phone.sourceId}/unmanage`, {
      method: "POST",
      headers: e.auth,
    });
    assert.equal(r.status, 202);
    const detail = await call(`${e.emu.url}/api/v2/mobile-devices/${phone.sourceId}/detail`, {
      headers: e.auth,
    });
    assert.equal((detail.body.general as { managed: boolean }).managed, false);
    const pending = await call(
      `${e.emu.url}/api/v2/mdm/commands?filter=${encodeURIComponent("status==Pending;command=in=(UNMANAGE_DEVICE)")}`,
      {
        headers: e.auth,
      },
    );
    assert.equal(pending.body.totalCount, 1);
    const other = await start({
      settings: { mobileUnmanage: "at-check-in", tokenTtlSeconds: 7 * 24 * 3600 },
    });
    try {
      const p = other.world.devices().find((t) => {
        const d = other.world.scenario.devices.find((x) => x.worldId === t.worldId)!;
        return t.source === "enrolled" && !t.lost && (d.platform === "ios" || d.platform === "ipados");
      })!;
      await call(`${other.emu.url}/api/v2/mobile-devices/${p.sourceId}/unmanage`, {
        method: "POST",
        headers: other.auth,
      });
      const still = await call(`${other.emu.url}/api/v2/mobile-devices/${p.sourceId}/detail`, {
        headers: other.auth,
      });
      assert.equal((still.body.general as { managed: boolean }).managed, true);
      other.world.advanceTo(other.world.clock.now() + 12 * HOUR);
      const gone = await call(`${other.emu.url}/api/v2/mobile-devices/${p.sourceId}/detail`, {
        headers: other.auth,
      });
      assert.equal((gone.body.general as { managed: boolean }).managed, false);
    } finally {
      await other.emu.close();
    }
  });

  test("v4 servers take remove-mdm-profile under /api/v4/computers-inventory", async () => {
    const only4 = await start({ settings: { computerInventoryVersions: [4] } });
    try {
      const mac = only4.world.devices().find((t) => {
        const d = only4.world.scenario.devices.find((x) => x.worldId === t.worldId)!;
        return t.source === "enrolled" && d.platform === "macos";
      })!;
      const v1 = await call(`${only4.emu.url}/api/v1/computer-inventory/${mac.sourceId}/remove-mdm-profile`, {
        method: "POST",
        headers: only4.auth,
      });
      assert.equal(v1.status, 404);
      const v4 = await call(
        `${only4.emu.url}/api/v4/computers-inventory/${mac.sourceId}/remove-mdm-profile`,
        {
          method: "POST",
          headers: only4.auth,
        },
      );
      assert.equal(v4.status, 200);
    } finally {
      await only4.emu.close();
    }
  });
});

describe("Jamf emulator: load, clustering and faults", () => {
  test("latency grows with concurrent connections instead of 429s, and the emulator counts them", async () => {
    const e = await start({
      settings: { latency: { baseMs: 150, perExtraConnectionMs: 60, comfortable: 2 } },
    });
    try {
      const url = `${e.emu.url}/api/v2/mobile-devices?page-size=1`;
      const t0 = performance.now();
      await call(url, { headers: e.auth });
      const alone = performance.now() - t0;
      const t1 = performance.now();
      const all = await Promise.all(Array.from({ length: 8 }, () => call(url, { headers: e.auth })));
      const crowded = performance.now() - t1;
      assert.ok(
        all.every((r) => r.status === 200),
        "never 429",
      );
      assert.ok(e.emu.concurrency.peak >= 5, `peak ${e.emu.concurrency.peak}`);
      assert.ok(crowded > alone + 60, `8 at once took ${crowded} ms, one alone ${alone} ms`);
    } finally {
      await e.emu.close();
    }
  });

  test("the other node serves reads up to a minute stale unless the sticky cookie pins the client", async () => {
    const e = await start({ settings: { staleReads: { share: 1, refreshMs: 60_000 } } });
    try {
      const node1 = { ...e.auth, cookie: "jpro-ingress=node1" };
      const phone = e.world.devices().find((t) => {
        const d = e.world.scenario.devices.find((x) => x.worldId === t.worldId)!;
        return t.source === "enrolled" && !t.lost && (d.platform === "ios" || d.platform === "ipados");
      })!;
      const detail = (headers: Record<string, string>) =>
        call(`${e.emu.url}/api/v2/mobile-devices/${phone.sourceId}/detail`, { headers });
      const warm = await detail(e.auth); // the other node caches what it sees now
      assert.match(String(warm.headers.get("set-cookie")), /^jpro-ingress=node2/);
      const un = await call(`${e.emu.url}/api/v2/mobile-devices/${phone.sourceId}/unmanage`, {
        method: "POST",
        headers: node1,
      });
      assert.equal(un.status, 202);
      assert.equal(
        ((await detail(node1)).body.general as { managed: boolean }).managed,
        false,
        "the node that took the write",
      );
      assert.equal(
        ((await detail(e.auth)).body.general as { managed: boolean }).managed,
        true,
        "the other node: stale",
      );
      e.world.advanceTo(e.world.clock.now() + 61_000);
      assert.equal(((await detail(e.auth)).body.general as { managed: boolean }).managed, false, "refreshed");
    } finally {
      await e.emu.close();
    }
  });

  test("kit fault injection answers in Jamf's error shape", async () => {
    const e = await start({
      faults: {
        rate: 1,
        weights: { "500": 1, "503": 0, "429": 0, "429-bare": 0, reset: 0, truncate: 0, "malformed-json": 0 },
      },
    });
    try {
      const r = await call(`${e.emu.url}/api/v3/computers-inventory`, { headers: e.auth });
      assert.equal(r.status, 500);
      assert.equal(r.body.httpStatus, 500);
      assert.ok(Array.isArray(r.body.errors));
    } finally {
      await e.emu.close();
    }
  });
});
