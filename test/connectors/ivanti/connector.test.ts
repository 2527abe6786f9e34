/**
 * The Ivanti connector against its emulator over real HTTP: failures worded for an admin,
 * paging edge cases (tiny pages, exact multiples, a server that clamps, a list that changes
 * between pages), retire idempotency, the [U] mode fields' absence, partition discovery,
 * and the connection check behind `ferry connect`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeSleep, isHttpError, type Logger, seededRandom } from "../../../src/connectors/http/index.ts";
import {
  checkIvantiConnection,
  type IvantiConfig,
  IvantiConfigError,
  type IvantiPorts,
  ivantiPorts,
  parseIvantiConfig,
} from "../../../src/connectors/ivanti/index.ts";
import type { SourceDeviceRecord } from "../../../src/core/ports/source.ts";
import { HOUR, ManualClock } from "../../../src/core/time.ts";
import {
  type IvantiEmulator,
  type IvantiEmulatorSettings,
  type IvantiFlavour,
  startIvantiEmulator,
} from "../../../src/emulators/ivanti/index.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

const ENV = "FERRY_IVANTI_PASSWORD";

interface Harness {
  world: SimulatedOrganisation;
  emu: IvantiEmulator;
  config: IvantiConfig;
  ports: IvantiPorts;
  warnings: string[];
  deps: Parameters<typeof ivantiPorts>[1];
}

async function harness(
  flavour: IvantiFlavour,
  settings: IvantiEmulatorSettings = {},
  config: Record<string, unknown> = {},
  faults?: FaultOptions,
  people = 30,
): Promise<Harness> {
  const world = new SimulatedOrganisation({ seed: 11, people, start: Date.UTC(2027, 0, 4, 8) });
  const emu = await startIvantiEmulator({
    world,
    flavour,
    random: seededRandom(2),
    options: settings,
    ...(faults ? { faults } : {}),
  });
  const clock = new ManualClock(world.clock.now());
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (_o, msg) => void warnings.push(msg ?? ""),
    error() {},
  };
  const deps = {
    clock,
    sleep: new FakeSleep(clock).sleep,
    random: seededRandom(1),
    logger,
    env: { [ENV]: emu.config.password },
  };
  const parsed = parseIvantiConfig({
    flavour,
    baseUrl: emu.url,
    username: emu.config.username,
    passwordEnv: ENV,
    ...config,
  });
  return { world, emu, config: parsed, ports: ivantiPorts(parsed, deps), warnings, deps };
}

async function list(ports: IvantiPorts): Promise<SourceDeviceRecord[]> {
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

const sends = (emu: IvantiEmulator, route: string) =>
  Object.values(emu.stats.byRoute[route] ?? {}).reduce((a, b) => a + b, 0);

describe("Ivanti connector", () => {
  it("words a refused password for the admin: the user, the environment variable, the role", async () => {
    const h = await harness("core");
    try {
      const wrong = ivantiPorts(h.config, { ...h.deps, env: { [ENV]: "not-the-password" } });
      await assert.rejects(list(wrong), (e: Error) => {
        assert.ok(isHttpError(e));
        assert.match(e.message, /refused the credentials of API user "ferry-api" \(401\)/);
        assert.match(e.message, new RegExp(ENV));
        assert.match(e.message, /API role/);
        return true;
      });
      assert.throws(
        () => ivantiPorts(h.config, { ...h.deps, env: {} }),
        (e: Error) =>
          e instanceof IvantiConfigError && e.message.includes(ENV) && e.message.includes("ferry-api"),
      );
    } finally {
      await h.emu.close();
    }
  });

  it("names the missing role when the user may read but not retire", async () => {
    const h = await harness(
      "core",
      { users: { reader: { password: "pw", roles: ["api", "view"] } } },
      { username: "reader" },
    );
    try {
      const ports = ivantiPorts(h.config, { ...h.deps, env: { [ENV]: "pw" } });
      assert.ok((await list(ports)).length > 0);
      const id = h.world.devices().find((d) => d.source === "enrolled")!.sourceId;
      await assert.rejects(
        ports.sourceOffboarding.retire(id),
        /does not let API user "reader" retire devices.*Retire device/,
      );
    } finally {
      await h.emu.close();
    }
  });

  it("validates its configuration, naming every problem and refusing a password in the file", () => {
    assert.throws(
      () => parseIvantiConfig({ flavour: "neurons", baseUrl: "epmm", password: "x", pageSize: 501 }),
      (e: Error) =>
        e instanceof IvantiConfigError &&
        ["flavour", "baseUrl", "username", "passwordEnv", '"password" must not', "pageSize"].every((w) =>
          e.message.includes(w),
        ),
    );
    const c = parseIvantiConfig({
      flavour: "cloud",
      baseUrl: "https://eu1.mobileiron.com/",
      username: "u",
      passwordEnv: "P",
    });
    assert.deepEqual([c.baseUrl, c.pageSize, c.adminDeviceSpaceId], ["https://eu1.mobileiron.com", 500, 1]);
  });

  for (const flavour of ["core", "cloud"] as const) {
    it(`${flavour}: lists everything with tiny pages, pages that divide the total exactly, and a server that clamps`, async () => {
      const h = await harness(flavour, { maxLimit: 4 });
      try {
        const expected = managedIds(h.world);
        for (const pageSize of [1, expected.length, flavour === "core" ? 50 : 13]) {
          const ports = ivantiPorts({ ...h.config, pageSize }, h.deps);
          const got = (await list(ports)).map((r) => r.sourceId).sort();
          assert.deepEqual(got, expected, `pageSize ${pageSize}`);
        }
        assert.deepEqual(h.warnings, []);
      } finally {
        await h.emu.close();
      }
    });
  }

  it("reads the list again when it changed between pages, so no managed device is skipped", async () => {
    const h = await harness("core", {}, { pageSize: 10 }, undefined, 40);
    let searches = 0;
    // A hook before each request (the kit's fault filter): after the first page, devices near
    // the start of the list are retired and check in, moving every later entry up.
    const emu2 = await startIvantiEmulator({
      world: h.world,
      flavour: "core",
      random: seededRandom(2),
      faults: {
        rate: 0,
        appliesTo: (req) => {
          if (req.path === "/api/v2/devices" && req.query.get("offset") === "10" && ++searches === 1) {
            for (const d of h.world
              .devices()
              .filter((x) => x.source === "enrolled" && !x.lost)
              .slice(0, 3)) {
              void h.world.ports.sourceOffboarding.retire(d.sourceId);
            }
            h.world.advanceTo(h.world.clock.now() + 24 * HOUR);
          }
          return false;
        },
      },
    });
    try {
      const ports = ivantiPorts({ ...h.config, baseUrl: emu2.url }, h.deps);
      const got = new Set((await list(ports)).map((r) => r.sourceId));
      for (const id of managedIds(h.world)) assert.ok(got.has(id), `${id} is managed and must be listed`);
      assert.ok(h.warnings.some((w) => /changed while it was read/.test(w)));
    } finally {
      await emu2.close();
      await h.emu.close();
    }
  });

  for (const flavour of ["core", "cloud"] as const) {
    it(`${flavour}: retiring is idempotent — pending or retired is success without a second retire; an unknown id is an error naming it`, async () => {
      const h = await harness(flavour);
      const retireRoute = flavour === "core" ? "PUT /api/v2/devices/retire" : "PUT /api/v1/device/retire";
      try {
        const id = h.world.devices().find((d) => d.source === "enrolled" && !d.lost)!.sourceId;
        await h.ports.sourceOffboarding.retire(id);
        assert.equal(sends(h.emu, retireRoute), 1);
        await h.ports.sourceOffboarding.retire(id); // RETIRE_PENDING
        h.world.advanceTo(h.world.clock.now() + 12 * HOUR);
        await h.ports.sourceOffboarding.retire(id); // RETIRED
        assert.equal(sends(h.emu, retireRoute), 1, "no second retire was sent");
        assert.equal(h.world.devices().find((d) => d.sourceId === id)!.source, "absent");
        await assert.rejects(h.ports.sourceOffboarding.retire("424242"), /no device with id 424242/);
        await assert.rejects(
          h.ports.sourceOffboarding.retire('1 OR common.id > "0"'),
          /not an Ivanti device id/,
        );
        assert.equal(sends(h.emu, retireRoute), 1);
      } finally {
        await h.emu.close();
      }
    });
  }

  it("core: reads devices without the [U] mode fields when the server refuses them, and says so", async () => {
    const h = await harness("core", { uncertainFields: false });
    try {
      const records = await list(h.ports);
      assert.equal(records.length, managedIds(h.world).length);
      assert.ok(h.warnings.some((w) => /does not know the mode fields/.test(w)));
      const truth = new Map(h.world.scenario.devices.map((d) => [d.sourceId, d]));
      for (const r of records) {
        const mode = truth.get(r.sourceId)!.mode;
        // what inference can and cannot recover; either way the way out (reset) is the same
        const expected =
          mode === "android-cope" || mode === "android-dedicated" ? "android-fully-managed" : mode;
        if (
          mode === "android-device-admin" ||
          !mode.startsWith("android") ||
          truth.get(r.sourceId)!.ownership === "corporate"
        ) {
          assert.equal(r.mode, expected, r.sourceId);
        }
      }
      const report = await checkIvantiConnection(h.config, h.deps);
      assert.equal(report.ok, true);
      assert.match(report.checks[1]!.warning ?? "", /refuses the fields/);
    } finally {
      await h.emu.close();
    }
  });

  it("cloud: finds the default partition, or reads the one configured", async () => {
    const h = await harness("cloud");
    try {
      assert.equal((await list(h.ports)).length, managedIds(h.world).length);
      assert.equal(sends(h.emu, "GET /api/v1/tenant/partition/device"), 1);
      await list(h.ports);
      assert.equal(sends(h.emu, "GET /api/v1/tenant/partition/device"), 1, "remembered");
      const other = ivantiPorts({ ...h.config, partitionId: h.emu.config.partitionId + 1 }, h.deps);
      assert.deepEqual(await list(other), [], "the other partition holds no devices");
    } finally {
      await h.emu.close();
    }
  });

  for (const flavour of ["core", "cloud"] as const) {
    it(`${flavour}: the connection check reports each permission`, async () => {
      const h = await harness(flavour, {
        users: {
          "ferry-api": { password: "pw" },
          reader: { password: "pw", roles: ["api", "view"] },
        },
      });
      try {
        const deps = { ...h.deps, env: { [ENV]: "pw" } };
        const good = await checkIvantiConnection(h.config, deps);
        assert.equal(good.ok, true, JSON.stringify(good));
        assert.equal(good.checks.length, 3);
        assert.equal(
          h.world.devices().filter((d) => d.source === "retire-pending").length,
          0,
          "the probe retired nothing",
        );

        const reader = await checkIvantiConnection({ ...h.config, username: "reader" }, deps);
        assert.deepEqual(
          reader.checks.map((c) => c.ok),
          [true, true, false],
        );
        assert.match(reader.checks[2]!.detail, /reader/);

        const refused = await checkIvantiConnection(h.config, { ...deps, env: { [ENV]: "wrong" } });
        assert.equal(refused.ok, false);
        assert.equal(refused.checks.length, 1, "nothing else is tried after a refused sign-in");
        assert.match(refused.checks[0]!.detail, new RegExp(ENV));
      } finally {
        await h.emu.close();
      }
    });
  }
});
