/** The Jamf Pro connector against its emulator: ≤ 5 connections, version fallback, retire idempotency, tokens, sticky sessions, errors, `ferry connect`. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  checkJamfConnection,
  createJamfClient,
  isJamfAccessError,
  JamfConfigError,
  JamfInventory,
  jamfPorts,
  parseJamfConfig,
} from "../../../src/connectors/jamf/index.ts";
import { HOUR, MINUTE } from "../../../src/core/time.ts";
import {
  ALL_JAMF_PRIVILEGES,
  JAMF_PRIVILEGES,
  jamfConnectorSettings,
} from "../../../src/emulators/jamf/index.ts";
import { collect, jamfIdOf, jamfRig, jamfView } from "./harness.ts";

const LONG_TOKENS = { tokenTtlSeconds: 7 * 24 * 3600, oauthTokenTtlSeconds: 7 * 24 * 3600 };

function enrolledApple(rig: Awaited<ReturnType<typeof jamfRig>>, kind: "computer" | "mobile") {
  return jamfView(rig.world)
    .devices()
    .filter((d) => d.source === "enrolled" && !d.lost && d.sourceId.startsWith(`${kind}:`));
}

describe("Jamf connector: at most 5 connections", () => {
  test("a listing asking for 12 pages at once never has more than 5 requests at the server", async () => {
    const rig = await jamfRig({ people: 300, settings: { latency: { baseMs: 15 } } });
    try {
      const client = createJamfClient(rig.config, rig.deps);
      const inventory = new JamfInventory(client.http, { pageSize: 10, parallelPages: 12 });
      const got = await collect(inventory.listDevices());
      assert.equal(
        got.length,
        jamfView(rig.world)
          .devices()
          .filter((d) => d.source !== "absent").length,
      );
      assert.ok(rig.emu.concurrency.peak <= 5, `peak ${rig.emu.concurrency.peak}`);
      assert.ok(
        rig.emu.concurrency.peak >= 4,
        `pages were fetched in parallel (peak ${rig.emu.concurrency.peak})`,
      );
      rig.emu.concurrency.reset();
      const victims = enrolledApple(rig, "mobile").slice(0, 12);
      await Promise.all(victims.map((v) => rig.ports.sourceOffboarding.retire(v.sourceId)));
      assert.ok(rig.emu.concurrency.peak <= 5, `retires: peak ${rig.emu.concurrency.peak}`);
      assert.equal(rig.emu.commands.length, 12);
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: computers-inventory versions", () => {
  test("v3 preferred; a server with only v4 is found after a 404, and v4's paths and fields are used", async () => {
    const rig = await jamfRig({ people: 80, settings: { computerInventoryVersions: [4] } });
    try {
      const got = await collect(rig.ports.sourceInventory.listDevices());
      const macs = got.filter((r) => r.platform === "macos");
      assert.ok(macs.length > 0 && macs.every((r) => r.lastSeenAt !== undefined), "v4's lastContact read");
      assert.equal(rig.emu.stats.byRoute.unmatched?.["404"], 1, "one 404 for v3, then v4 remembered");
      const mac = enrolledApple(rig, "computer")[0]!;
      await rig.ports.sourceOffboarding.retire(mac.sourceId);
      assert.equal(
        rig.emu.stats.byRoute["POST /api/v4/computers-inventory/:id/remove-mdm-profile"]?.["200"],
        1,
      );
    } finally {
      await rig.close();
    }
  });

  test("an older server with only v1 is found too, and uses the v1 remove path", async () => {
    const rig = await jamfRig({ people: 60, settings: { computerInventoryVersions: [1] } });
    try {
      const mac = enrolledApple(rig, "computer")[0]!;
      await rig.ports.sourceOffboarding.retire(mac.sourceId);
      assert.equal(
        rig.emu.stats.byRoute["POST /api/v1/computer-inventory/:id/remove-mdm-profile"]?.["200"],
        1,
      );
      const got = await collect(rig.ports.sourceInventory.listDevices());
      assert.equal(got.find((r) => r.sourceId === mac.sourceId)?.enrollment, "retire-pending");
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: retire", () => {
  for (const mobileUnmanage of ["immediately", "at-check-in"] as const) {
    test(`idempotent, one command per device (mobile unmanage ${mobileUnmanage})`, async () => {
      const rig = await jamfRig({ people: 80, settings: { mobileUnmanage, ...LONG_TOKENS } });
      try {
        const phone = enrolledApple(rig, "mobile")[0]!;
        const mac = enrolledApple(rig, "computer")[0]!;
        for (const v of [phone, mac]) {
          await rig.ports.sourceOffboarding.retire(v.sourceId);
          await rig.ports.sourceOffboarding.retire(v.sourceId);
        }
        assert.equal(rig.emu.commands.length, 2, "a pending command is not sent again");
        const listed = await collect(rig.ports.sourceInventory.listDevices());
        for (const v of [phone, mac])
          assert.equal(listed.find((r) => r.sourceId === v.sourceId)?.enrollment, "retire-pending");
        rig.world.advanceTo(rig.world.clock.now() + 12 * HOUR);
        const after = await collect(rig.ports.sourceInventory.listDevices());
        for (const v of [phone, mac]) {
          assert.equal(
            after.find((r) => r.sourceId === v.sourceId),
            undefined,
          );
          await rig.ports.sourceOffboarding.retire(v.sourceId); // gone: still fine
        }
        assert.equal(rig.emu.commands.length, 2);
      } finally {
        await rig.close();
      }
    });
  }

  test("unknown, mistyped and bare ids", async () => {
    const rig = await jamfRig({ people: 40 });
    try {
      const off = rig.ports.sourceOffboarding;
      await assert.rejects(off.retire("mobile:999999"), /no mobile device with id 999999/);
      await assert.rejects(off.retire("999999999"), /no computer or mobile device with id 999999999/);
      await assert.rejects(off.retire("iphone-12"), /"iphone-12"/);
      const phone = enrolledApple(rig, "mobile")[0]!;
      const bare = phone.sourceId.split(":")[1]!;
      await assert.rejects(off.retire(`computer:${bare}`), new RegExp(`no computer with id ${bare}`));
      await off.retire(bare); // a bare id is looked up as both kinds; Jamf has it as a mobile device only
      assert.equal(rig.emu.commands.length, 1);
      assert.equal(rig.emu.commands[0]!.clientType, "MOBILE_DEVICE");
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: lost responses", () => {
  test("an unmanage whose response was lost is not sent twice to a device already leaving", async () => {
    const rig = await jamfRig({ people: 80, faults: { rate: 0, afterEffect: { rate: 0.5, loss: "reset" } } });
    try {
      const victims = [
        ...enrolledApple(rig, "mobile").slice(0, 5),
        ...enrolledApple(rig, "computer").slice(0, 3),
      ];
      for (const v of victims) await rig.ports.sourceOffboarding.retire(v.sourceId);
      assert.ok((rig.emu.stats.faults["after-effect"] ?? 0) > 0, "responses were lost");
      const listed = await collect(rig.ports.sourceInventory.listDevices());
      for (const v of victims)
        assert.equal(listed.find((r) => r.sourceId === v.sourceId)?.enrollment, "retire-pending");
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: tokens and sessions", () => {
  test("an account's token is kept alive, and signed in again once it has expired", async () => {
    const rig = await jamfRig({ people: 30, auth: "basic", settings: { tokenTtlSeconds: 600 } });
    try {
      await collect(rig.ports.sourceInventory.listDevices());
      rig.world.advanceTo(rig.world.clock.now() + 6 * MINUTE); // past the half-life: refresh by keep-alive
      await collect(rig.ports.sourceInventory.listDevices());
      assert.equal(rig.emu.stats.byRoute["POST /api/v1/auth/keep-alive"]?.["200"], 1);
      rig.world.advanceTo(rig.world.clock.now() + 2 * HOUR); // expired: Basic again
      await collect(rig.ports.sourceInventory.listDevices());
      assert.equal(rig.emu.stats.byRoute["POST /api/v1/auth/token"]?.["200"], 2);
    } finally {
      await rig.close();
    }
  });

  test("an API client's token is fetched again after it expires", async () => {
    const rig = await jamfRig({ people: 30 });
    try {
      await collect(rig.ports.sourceInventory.listDevices());
      rig.world.advanceTo(rig.world.clock.now() + 20 * MINUTE);
      await collect(rig.ports.sourceInventory.listDevices());
      assert.equal(rig.emu.stats.byRoute["POST /api/oauth/token"]?.["200"], 2);
    } finally {
      await rig.close();
    }
  });

  test("the sticky-session cookie keeps a read after a write on the node that took the write", async () => {
    const rig = await jamfRig({ people: 120, settings: { staleReads: { share: 0.5 }, ...LONG_TOKENS } });
    try {
      for (const v of enrolledApple(rig, "mobile").slice(0, 6)) {
        await rig.ports.sourceOffboarding.retire(v.sourceId);
        const listed = await collect(rig.ports.sourceInventory.listDevices());
        assert.equal(listed.find((r) => r.sourceId === v.sourceId)?.enrollment, "retire-pending", v.sourceId);
      }
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: errors an administrator can act on", () => {
  test("a wrong account password names the account and the variable, never the password", async () => {
    const rig = await jamfRig({ people: 10, auth: "basic" });
    try {
      const ports = jamfPorts(rig.config, {
        ...rig.deps,
        env: { ...rig.env, JAMF_PASSWORD: "hunter2-wrong" },
      });
      await assert.rejects(collect(ports.sourceInventory.listDevices()), (e: Error) => {
        assert.ok(isJamfAccessError(e));
        assert.match(e.message, /account "ferry-api"/);
        assert.match(e.message, /JAMF_PASSWORD/);
        assert.ok(!e.message.includes("hunter2-wrong"));
        return true;
      });
    } finally {
      await rig.close();
    }
  });

  test("a wrong client secret, and a scope the client is not assigned", async () => {
    const rig = await jamfRig({ people: 10 });
    try {
      const wrong = jamfPorts(rig.config, { ...rig.deps, env: { ...rig.env, JAMF_CLIENT_SECRET: "nope" } });
      await assert.rejects(
        collect(wrong.sourceInventory.listDevices()),
        /API client ".*" \(invalid_client.*JAMF_CLIENT_SECRET.*API roles and clients/s,
      );
      const scoped = jamfPorts(
        {
          ...rig.config,
          auth: {
            ...(rig.config.auth as { method: "oauth"; clientId: string; clientSecretEnv: string }),
            scope: "api-role:9",
          },
        },
        rig.deps,
      );
      await assert.rejects(
        collect(scoped.sourceInventory.listDevices()),
        /invalid_scope.*not assigned the role/s,
      );
    } finally {
      await rig.close();
    }
  });

  test("a role without a privilege: 403 explained with the privileges Ferry needs", async () => {
    const rig = await jamfRig({
      people: 10,
      settings: {
        apiRoles: {
          "api-role:1": ALL_JAMF_PRIVILEGES.filter((p) => p !== JAMF_PRIVILEGES.readMobileDevices),
        },
      },
    });
    try {
      await assert.rejects(collect(rig.ports.sourceInventory.listDevices()), (e: Error) => {
        assert.match(e.message, /denied GET \/api\/v2\/mobile-devices\/detail/);
        assert.match(e.message, /Read Mobile Devices/);
        assert.match(e.message, /API role of client/);
        return true;
      });
    } finally {
      await rig.close();
    }
  });

  test("without the MDM-command privilege the listing still works, without pending retires", async () => {
    const rig = await jamfRig({
      people: 30,
      settings: {
        apiRoles: { "api-role:1": ALL_JAMF_PRIVILEGES.filter((p) => p !== JAMF_PRIVILEGES.viewMdmCommands) },
      },
    });
    try {
      const got = await collect(rig.ports.sourceInventory.listDevices());
      assert.ok(got.length > 0);
      assert.equal(rig.ports.sourceInventory.last?.pendingUnknown, true);
      const report = await checkJamfConnection(rig.config, rig.deps);
      assert.equal(report.ok, false);
      assert.equal(report.checks.find((c) => c.name.includes("View MDM command"))?.status, "failed");
    } finally {
      await rig.close();
    }
  });
});

describe("Jamf connector: configuration and ferry connect", () => {
  test("the configuration is validated, every problem at once", () => {
    assert.throws(
      () =>
        parseJamfConfig({
          kind: "jamf",
          url: "https://contoso.jamfcloud.com/api",
          auth: { method: "oauth", clientId: "x", clientSecretEnv: "my secret" },
          maxConcurrency: 8,
          inventoryVersions: [5],
        }),
      (e: Error) => {
        assert.ok(e instanceof JamfConfigError);
        assert.equal(e.problems.length, 4, e.problems.join("\n"));
        assert.match(e.message, /at most 5 concurrent/);
        return true;
      },
    );
    assert.equal(
      parseJamfConfig({
        kind: "jamf",
        url: "https://contoso.jamfcloud.com",
        auth: { method: "basic", username: "u", passwordEnv: "P" },
      }).kind,
      "jamf",
    );
  });

  test("the emulator hands out a configuration the connector accepts (for ferry emulate and the demo)", async () => {
    const rig = await jamfRig({ people: 20 });
    try {
      for (const auth of ["oauth", "basic"] as const) {
        const { config, env } = jamfConnectorSettings(rig.emu, auth);
        const ports = jamfPorts(parseJamfConfig(config), { ...rig.deps, env });
        const want = jamfView(rig.world)
          .devices()
          .filter((d) => d.source !== "absent").length;
        assert.equal((await collect(ports.sourceInventory.listDevices())).length, want);
      }
    } finally {
      await rig.close();
    }
  });

  test("connect: every privilege checked, nothing changed", async () => {
    const rig = await jamfRig({ people: 20 });
    try {
      const report = await checkJamfConnection(rig.config, rig.deps);
      assert.equal(report.ok, true, JSON.stringify(report, null, 2));
      assert.equal(report.checks.length, 6);
      assert.ok(report.checks.every((c) => c.status === "ok"));
      assert.equal(rig.emu.commands.length, 0);
    } finally {
      await rig.close();
    }
  });

  test("connect: missing unmanage privileges fail their checks only; a bad secret fails sign-in", async () => {
    const rig = await jamfRig({
      people: 20,
      auth: "basic",
      settings: {
        users: [
          {
            username: "ferry-api",
            password: "emulator-password",
            privileges: [
              JAMF_PRIVILEGES.readComputers,
              JAMF_PRIVILEGES.readMobileDevices,
              JAMF_PRIVILEGES.viewMdmCommands,
            ],
          },
        ],
      },
    });
    try {
      const report = await checkJamfConnection(rig.config, rig.deps);
      assert.deepEqual(
        report.checks.map((c) => c.status),
        ["ok", "ok", "ok", "ok", "failed", "failed"],
      );
      const bad = await checkJamfConnection(rig.config, { ...rig.deps, env: { JAMF_PASSWORD: "nope" } });
      assert.equal(bad.checks[0]!.status, "failed");
      assert.match(bad.checks[0]!.detail, /account "ferry-api"/);
    } finally {
      await rig.close();
    }
  });

  test("the connector's ids match the world's devices", async () => {
    const rig = await jamfRig({ people: 30 });
    try {
      const got = new Set((await collect(rig.ports.sourceInventory.listDevices())).map((r) => r.sourceId));
      const want = rig.world.scenario.devices
        .filter((d) => d.platform !== "android" && d.platform !== "windows")
        .map(jamfIdOf);
      for (const id of got) assert.ok(want.includes(id), id);
    } finally {
      await rig.close();
    }
  });
});
