/**
 * The MaaS360 connector against its emulator over real HTTP: sign-in refusals naming the
 * errorCode, the token renewed after it expires, paging edge cases (the last page as one
 * object, `count` per page, empty pages, a server that clamps), retire idempotency, and the
 * connection check behind `ferry connect`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeSleep, isAuthError, seededRandom } from "../../../src/connectors/http/index.ts";
import {
  checkMaas360Connection,
  type Maas360Config,
  Maas360ConfigError,
  type Maas360Ports,
  maas360Ports,
  parseMaas360Config,
} from "../../../src/connectors/maas360/index.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";
import { HOUR, ManualClock } from "../../../src/core/time.ts";
import {
  type Maas360Emulator,
  type Maas360EmulatorSettings,
  startMaas360Emulator,
} from "../../../src/emulators/maas360/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

const PW = "FERRY_MAAS360_PASSWORD";
const KEY = "FERRY_MAAS360_ACCESS_KEY";

async function harness(settings: Maas360EmulatorSettings = {}, config: Record<string, unknown> = {}) {
  const world = new SimulatedOrganisation({ seed: 12, people: 30, start: Date.UTC(2027, 0, 4, 8) });
  const emu = await startMaas360Emulator({ world, random: seededRandom(6), options: settings });
  const clock = new ManualClock(world.clock.now());
  const deps = {
    clock,
    sleep: new FakeSleep(clock).sleep,
    random: seededRandom(1),
    env: { [PW]: emu.config.password, [KEY]: emu.config.appAccessKey } as Record<string, string | undefined>,
  };
  const parsed: Maas360Config = parseMaas360Config({
    billingId: emu.config.billingId,
    baseUrl: emu.url,
    appId: emu.config.appId,
    username: emu.config.username,
    passwordEnv: PW,
    appAccessKeyEnv: KEY,
    ...config,
  });
  const advance = (ms: number) => {
    world.advanceTo(world.clock.now() + ms);
    clock.set(world.clock.now());
  };
  return { world, emu, clock, deps, config: parsed, ports: maas360Ports(parsed, deps), advance };
}

async function list(ports: Maas360Ports): Promise<SourceDeviceRecord[]> {
  const out: SourceDeviceRecord[] = [];
  for await (const r of ports.sourceInventory.listDevices()) out.push(r);
  return out;
}

const managedIds = (world: SimulatedOrganisation) =>
  world
    .devices()
    .filter((d) => d.source !== "absent")
    .map((d) => d.sourceId)
    .sort();

const sends = (emu: Maas360Emulator, route: string) =>
  Object.values(emu.stats.byRoute[route] ?? {}).reduce((a, b) => a + b, 0);

const SEARCH = "GET /device-apis/devices/2.0/search/customer/:billingId";
const WIPE = "POST /device-apis/devices/1.0/selectiveWipeDevice/:billingId";

describe("MaaS360 connector", () => {
  it("names the errorCode of a refused sign-in and what to check; a missing secret names its variable", async () => {
    const h = await harness();
    try {
      const wrong = maas360Ports(h.config, { ...h.deps, env: { ...h.deps.env, [PW]: "nope" } });
      await assert.rejects(list(wrong), (e: Error) => {
        assert.ok(isAuthError(e));
        assert.match(e.message, /errorCode 1003/);
        assert.match(e.message, /administrator "ferry-api" of account 30012345/);
        assert.ok(e.message.includes(PW) && e.message.includes(KEY));
        return true;
      });
      const badKey = maas360Ports(h.config, { ...h.deps, env: { ...h.deps.env, [KEY]: "nope" } });
      await assert.rejects(list(badKey), /errorCode 1002/);
      assert.throws(
        () => maas360Ports(h.config, { ...h.deps, env: {} }),
        (e: Error) => e instanceof Maas360ConfigError && e.message.includes(PW) && e.message.includes(KEY),
      );
    } finally {
      await h.emu.close();
    }
  });

  it("signs in once, renews the token with the refresh token after it expires, and signs in again if that is refused", async () => {
    const h = await harness({ tokenTtlSeconds: 3600, refreshTtlSeconds: 5 * 3600 });
    try {
      await list(h.ports);
      await list(h.ports);
      assert.equal(h.emu.tokensIssued, 1);
      h.advance(2 * HOUR);
      await list(h.ports);
      assert.equal(sends(h.emu, "POST /auth-apis/auth/2.0/refreshToken/customer/:billingId"), 1);
      h.advance(10 * HOUR); // the refresh token is expired too
      await list(h.ports);
      assert.equal(sends(h.emu, "POST /auth-apis/auth/2.0/authenticate/customer/:billingId"), 2);
      assert.equal(h.emu.tokensIssued, 3);
    } finally {
      await h.emu.close();
    }
  });

  it("lists everything when the last page holds one device (an object), with count per page, and a clamping server", async () => {
    const h = await harness();
    try {
      const expected = managedIds(h.world);
      for (const pageSize of [expected.length - 1, 1, 5, 250]) {
        const ports = maas360Ports({ ...h.config, pageSize }, h.deps);
        assert.deepEqual((await list(ports)).map((r) => r.sourceId).sort(), expected, `pageSize ${pageSize}`);
      }
    } finally {
      await h.emu.close();
    }
    const clamping = await harness({ maxPageSize: 7 }, { pageSize: 250 });
    try {
      assert.deepEqual(
        (await list(clamping.ports)).map((r) => r.sourceId).sort(),
        managedIds(clamping.world),
      );
    } finally {
      await clamping.emu.close();
    }
    for (const settings of [
      { countMeaning: "page" as const },
      { emptyDevice: "null" as const },
      { emptyDevice: "array" as const },
    ]) {
      const h2 = await harness(settings, { pageSize: 4 });
      try {
        const before = sends(h2.emu, SEARCH);
        assert.deepEqual(
          (await list(h2.ports)).map((r) => r.sourceId).sort(),
          managedIds(h2.world),
          JSON.stringify(settings),
        );
        const pages = Math.ceil(managedIds(h2.world).length / 4) + 1;
        assert.equal(sends(h2.emu, SEARCH) - before, pages, "one reading, ending on an empty page");
      } finally {
        await h2.emu.close();
      }
    }
  });

  it("retiring is idempotent — pending or removed is success without a second wipe; an unknown id is an error naming it", async () => {
    const h = await harness();
    try {
      const id = h.world.devices().find((d) => d.source === "enrolled" && !d.lost)!.sourceId;
      await h.ports.sourceOffboarding.retire(id);
      assert.equal(sends(h.emu, WIPE), 1);
      const pending = (await list(h.ports)).find((r) => r.sourceId === id);
      assert.equal(pending?.enrollment, "retire-pending");
      await h.ports.sourceOffboarding.retire(id);
      h.advance(12 * HOUR);
      assert.equal(
        (await list(h.ports)).find((r) => r.sourceId === id),
        undefined,
      );
      await h.ports.sourceOffboarding.retire(id);
      assert.equal(sends(h.emu, WIPE), 1, "no second wipe was sent");
      await assert.rejects(
        h.ports.sourceOffboarding.retire("no-such-device"),
        /no device with id no-such-device/,
      );
      await assert.rejects(h.ports.sourceOffboarding.retire("a b"), /not a MaaS360 device id/);
    } finally {
      await h.emu.close();
    }
  });

  it("names the missing right when the administrator may search but not wipe", async () => {
    const h = await harness(
      { admins: { viewer: { password: "pw", roles: ["view"] } } },
      { username: "viewer" },
    );
    try {
      const ports = maas360Ports(h.config, { ...h.deps, env: { ...h.deps.env, [PW]: "pw" } });
      const id = (await list(ports))[0]!.sourceId;
      await assert.rejects(
        ports.sourceOffboarding.retire(id),
        /does not let administrator "viewer".*selectively wipe devices \(403\)/,
      );
      const report = await checkMaas360Connection(h.config, {
        ...h.deps,
        env: { ...h.deps.env, [PW]: "pw" },
      });
      assert.deepEqual(
        report.checks.map((c) => c.ok),
        [true, true, false],
      );
    } finally {
      await h.emu.close();
    }
  });

  it("the connection check reports each permission and wipes nothing", async () => {
    const h = await harness();
    try {
      const good = await checkMaas360Connection(h.config, h.deps);
      assert.equal(good.ok, true, JSON.stringify(good));
      assert.equal(good.checks.length, 3);
      assert.equal(h.world.devices().filter((d) => d.source === "retire-pending").length, 0);
      const refused = await checkMaas360Connection(h.config, {
        ...h.deps,
        env: { ...h.deps.env, [PW]: "nope" },
      });
      assert.equal(refused.ok, false);
      assert.equal(refused.checks.length, 1);
      assert.match(refused.checks[0]!.detail, /errorCode 1003/);
    } finally {
      await h.emu.close();
    }
  });
});
