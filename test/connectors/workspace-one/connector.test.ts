/** The Workspace ONE connector against its emulator: paging edge cases, 429s, retire idempotency, errors for an admin, `ferry connect`. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkWorkspaceOneConnection,
  isWorkspaceOneAccessError,
  mapWorkspaceOneDevice,
  parseWorkspaceOneConfig,
  WorkspaceOneConfigError,
  workspaceOnePorts,
} from "../../../src/connectors/workspace-one/index.ts";
import { HOUR } from "../../../src/core/time.ts";
import { workspaceOneConnectorSettings } from "../../../src/emulators/workspace-one/index.ts";
import { collect, ws1Rig } from "./harness.ts";

describe("Workspace ONE connector: listing", () => {
  test("more than one page of 500, with a short page in the middle not ending it", async () => {
    const rig = await ws1Rig({ people: 420, settings: { maxPageSize: 200 } });
    try {
      const got = await collect(rig.ports.sourceInventory.listDevices());
      const want = await collect(rig.world.ports.sourceInventory.listDevices());
      assert.ok(want.length > 500);
      assert.equal(got.length, want.length);
      // The server cut pagesize=500 to 200: the connector followed Total, not the short pages.
      assert.equal(
        rig.emu.stats.byRoute["GET /API/mdm/devices/search"]?.["200"],
        Math.ceil(want.length / 200),
      );
    } finally {
      await rig.close();
    }
  });

  test("an empty result, as 204 or as 200 with an empty body, is an empty inventory", async () => {
    for (const emptyResult of ["204", "empty-body"] as const) {
      const rig = await ws1Rig({
        people: 30,
        settings: { emptyResult },
        config: { organizationGroupId: 999 },
      });
      try {
        assert.deepEqual(await collect(rig.ports.sourceInventory.listDevices()), []);
        const status = emptyResult === "204" ? "204" : "200";
        assert.equal(rig.emu.stats.byRoute["GET /API/mdm/devices/search"]?.[status], 1);
        // The organization group the emulator's devices are in:
        const mine = workspaceOnePorts({ ...rig.config, organizationGroupId: 570 }, rig.deps);
        assert.equal(
          (await collect(mine.sourceInventory.listDevices())).length,
          rig.world.truth().devicesInSource,
        );
      } finally {
        await rig.close();
      }
    }
  });

  test("unenrolled records stay in WS1 and are left out; the summary counts them", async () => {
    const rig = await ws1Rig({ people: 60 });
    try {
      const victim = rig.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
      await rig.ports.sourceOffboarding.retire(victim.sourceId);
      rig.world.advanceTo(rig.world.clock.now() + 12 * HOUR);
      const got = await collect(rig.ports.sourceInventory.listDevices());
      assert.ok(!got.some((r) => r.sourceId === victim.sourceId));
      assert.ok((rig.ports.sourceInventory.last?.skipped["not-managed"] ?? 0) >= 1);
      assert.equal(got.length, rig.world.truth().devicesInSource);
    } finally {
      await rig.close();
    }
  });

  test("429s are waited out: with Retry-After as asked, without it by backoff", async () => {
    for (const retryAfter of [true, false]) {
      const rig = await ws1Rig({
        people: 420,
        settings: { maxPageSize: 100, throttle: { requests: 2, windowMs: 4_000, retryAfter } },
      });
      try {
        const got = await collect(rig.ports.sourceInventory.listDevices());
        assert.equal(got.length, rig.world.truth().devicesInSource);
        assert.ok(rig.emu.stats.throttled > 0, "the quota was hit");
        if (retryAfter)
          assert.ok(
            rig.sleep.calls.some((ms) => ms >= 1000),
            `waits: ${rig.sleep.calls.join(", ")}`,
          );
      } finally {
        await rig.close();
      }
    }
  });

  test("the mapping can be replaced, delegating to the default", async () => {
    const rig = await ws1Rig({
      people: 30,
      deps: {
        mapper: (d, o) => {
          const out = mapWorkspaceOneDevice(d, o);
          return out.ok ? { ...out, record: { ...out.record, model: `custom ${out.record.model}` } } : out;
        },
      },
    });
    try {
      const ports = workspaceOnePorts(rig.config, rig.deps);
      const got = await collect(ports.sourceInventory.listDevices());
      assert.ok(got.length > 0 && got.every((r) => r.model.startsWith("custom ")));
    } finally {
      await rig.close();
    }
  });
});

describe("Workspace ONE connector: retire", () => {
  test("idempotent: twice at once, again once gone; an unknown or malformed id is an error naming it", async () => {
    for (const wipeUnenrolled of ["reject", "accept"] as const) {
      const rig = await ws1Rig({ people: 40, settings: { wipeUnenrolled } });
      try {
        const victim = rig.world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
        await rig.ports.sourceOffboarding.retire(victim.sourceId);
        await rig.ports.sourceOffboarding.retire(victim.sourceId);
        rig.world.advanceTo(rig.world.clock.now() + 12 * HOUR);
        assert.equal(rig.world.devices().find((d) => d.sourceId === victim.sourceId)?.source, "absent");
        await rig.ports.sourceOffboarding.retire(victim.sourceId);
        await assert.rejects(rig.ports.sourceOffboarding.retire("999999999"), /no device with id 999999999/);
        await assert.rejects(rig.ports.sourceOffboarding.retire("R5CT-1234"), /"R5CT-1234"/);
      } finally {
        await rig.close();
      }
    }
  });
});

describe("Workspace ONE connector: lost responses", () => {
  test("a wipe whose response was lost is sent again harmlessly", async () => {
    const rig = await ws1Rig({ people: 60, faults: { rate: 0, afterEffect: { rate: 0.5, loss: "reset" } } });
    try {
      const victims = rig.world
        .devices()
        .filter((d) => d.source === "enrolled" && !d.lost)
        .slice(0, 10);
      for (const v of victims) await rig.ports.sourceOffboarding.retire(v.sourceId);
      assert.ok((rig.emu.stats.faults["after-effect"] ?? 0) > 0, "responses were lost");
      for (const v of victims)
        assert.equal(rig.world.devices().find((d) => d.worldId === v.worldId)?.source, "retire-pending");
    } finally {
      await rig.close();
    }
  });
});

describe("Workspace ONE connector: errors an administrator can act on", () => {
  const secretFree = (e: unknown, secret: string) => {
    assert.ok(!(e as Error).message.includes(secret), "never the secret itself");
    return true;
  };

  test("a wrong REST API key names the setting and the environment variable", async () => {
    const rig = await ws1Rig({ people: 10 });
    try {
      const ports = workspaceOnePorts(rig.config, {
        ...rig.deps,
        env: { ...rig.env, WS1_API_KEY: "XYZ-wrong-key" },
      });
      await assert.rejects(collect(ports.sourceInventory.listDevices()), (e: Error) => {
        assert.ok(isWorkspaceOneAccessError(e));
        assert.match(e.message, /REST API key sent as aw-tenant-code/);
        assert.match(e.message, /WS1_API_KEY/);
        assert.match(e.message, /Tenant code XYZ-wrong-key does not identify/); // WS1's own words
        return true;
      });
    } finally {
      await rig.close();
    }
  });

  test("a wrong password names the account and the variable, not the password", async () => {
    const rig = await ws1Rig({ people: 10 });
    try {
      const ports = workspaceOnePorts(rig.config, {
        ...rig.deps,
        env: { ...rig.env, WS1_PASSWORD: "hunter2-wrong" },
      });
      await assert.rejects(collect(ports.sourceInventory.listDevices()), (e: Error) => {
        assert.match(e.message, /admin account "ferry-api"/);
        assert.match(e.message, /WS1_PASSWORD/);
        return secretFree(e, "hunter2-wrong");
      });
    } finally {
      await rig.close();
    }
  });

  test("a wrong OAuth secret names the client and where clients are managed", async () => {
    const rig = await ws1Rig({ people: 10, auth: "oauth" });
    try {
      const ports = workspaceOnePorts(rig.config, {
        ...rig.deps,
        env: { ...rig.env, WS1_CLIENT_SECRET: "s3cret-wrong" },
      });
      await assert.rejects(collect(ports.sourceInventory.listDevices()), (e: Error) => {
        assert.match(e.message, /OAuth client "ferry-oauth-client"/);
        assert.match(e.message, /invalid_client/);
        assert.match(e.message, /OAuth Client Management/);
        return secretFree(e, "s3cret-wrong");
      });
    } finally {
      await rig.close();
    }
  });

  test("a role without Enterprise Wipe: 403 explained with the permissions Ferry needs", async () => {
    const rig = await ws1Rig({
      people: 10,
      settings: {
        admins: [{ username: "ferry-api", password: "emulator-password", permissions: ["devices:read"] }],
      },
    });
    try {
      const id = rig.world.devices().find((d) => d.source === "enrolled")!.sourceId;
      await assert.rejects(
        rig.ports.sourceOffboarding.retire(id),
        /Enterprise Wipe \(retire\)|Enterprise Wipe/,
      );
    } finally {
      await rig.close();
    }
  });

  test("a secret missing from the environment is named before any request", async () => {
    const rig = await ws1Rig({ people: 10 });
    try {
      assert.throws(
        () => workspaceOnePorts(rig.config, { ...rig.deps, env: {} }),
        (e: Error) => {
          assert.ok(e instanceof WorkspaceOneConfigError);
          assert.match(e.message, /WS1_PASSWORD is not set/);
          assert.match(e.message, /WS1_API_KEY is not set/);
          return true;
        },
      );
    } finally {
      await rig.close();
    }
  });
});

describe("Workspace ONE connector: configuration and ferry connect", () => {
  test("the configuration is validated, every problem at once", () => {
    assert.throws(
      () =>
        parseWorkspaceOneConfig({
          kind: "workspace-one",
          apiUrl: "https://as1234.awmdm.com",
          auth: {
            method: "basic",
            username: "",
            passwordEnv: "hunter2 literally",
            tenantCodeEnv: "WS1_API_KEY",
          },
          pageSize: 1000,
        }),
      (e: Error) => {
        const problems = (e as WorkspaceOneConfigError).problems;
        assert.equal(problems.length, 4, problems.join("\n"));
        assert.match(e.message, /must end in \/API/);
        assert.match(e.message, /pageSize.*at most 500|returns at most 500/);
        return true;
      },
    );
    const good = parseWorkspaceOneConfig({
      kind: "workspace-one",
      apiUrl: "https://as1234.awmdm.com/API",
      auth: {
        method: "oauth",
        tokenUrl: "https://na.uemauth.vmwservices.com/connect/token",
        clientId: "c",
        clientSecretEnv: "WS1_SECRET",
      },
    });
    assert.equal(good.auth.method, "oauth");
  });

  test("the emulator hands out a configuration the connector accepts (for ferry emulate and the demo)", async () => {
    const rig = await ws1Rig({ people: 20 });
    try {
      for (const auth of ["basic", "oauth"] as const) {
        const { config, env } = workspaceOneConnectorSettings(rig.emu, auth);
        const ports = workspaceOnePorts(parseWorkspaceOneConfig(config), { ...rig.deps, env });
        assert.equal(
          (await collect(ports.sourceInventory.listDevices())).length,
          rig.world.truth().devicesInSource,
        );
      }
    } finally {
      await rig.close();
    }
  });

  test("connect reports each permission: all fine", async () => {
    const rig = await ws1Rig({ people: 20 });
    try {
      const report = await checkWorkspaceOneConnection(rig.config, rig.deps);
      assert.equal(report.ok, true, JSON.stringify(report, null, 2));
      assert.deepEqual(
        report.checks.map((c) => c.status),
        ["ok", "ok", "ok"],
      );
      assert.equal(rig.emu.commands.length, 0, "the probe wiped nothing");
    } finally {
      await rig.close();
    }
  });

  test("connect: a read-only role fails the wipe check only; a bad key fails sign-in", async () => {
    const rig = await ws1Rig({
      people: 20,
      settings: {
        admins: [{ username: "ferry-api", password: "emulator-password", permissions: ["devices:read"] }],
      },
    });
    try {
      const report = await checkWorkspaceOneConnection(rig.config, rig.deps);
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.checks.map((c) => c.status),
        ["ok", "ok", "failed"],
      );
      assert.match(report.checks[2]!.detail, /denied/);
      const bad = await checkWorkspaceOneConnection(rig.config, {
        ...rig.deps,
        env: { ...rig.env, WS1_API_KEY: "nope" },
      });
      assert.deepEqual(
        bad.checks.map((c) => c.status),
        ["failed", "unverified", "unverified"],
      );
      assert.match(bad.checks[0]!.detail, /aw-tenant-code/);
    } finally {
      await rig.close();
    }
  });
});
