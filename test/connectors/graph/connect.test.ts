/**
 * What an admin reads when something is wrong: refused credentials, missing permissions
 * (`checkGraphConnection` and a 403 in use), a misconfigured policy. Plus the mailer and
 * transient failures on writes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkGraphConnection, graphMessageId } from "../../../src/connectors/graph/index.ts";
import { isAuthError } from "../../../src/connectors/http/index.ts";
import { DEFAULT_GRANTED_PERMISSIONS, GRAPH_PERMISSIONS } from "../../../src/emulators/graph/index.ts";
import { collect, withRig } from "./harness.ts";

describe("graph connector: credentials", () => {
  test("a wrong secret, tenant or client id: the AADSTS code, and what to change", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { clientSecret: "nope" },
        /invalid_client: AADSTS7000215: Invalid client secret.* — the client secret is wrong or has expired: create a new one in Entra ID › App registrations/,
      ],
      [
        { tenantId: "11111111-2222-3333-4444-555555555555" },
        /AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found.* — tenant 11111111-2222-3333-4444-555555555555 does not exist: check tenantId/,
      ],
      [
        { clientId: "99999999-0000-4000-8000-000000000000" },
        /unauthorized_client: AADSTS700016: .* — there is no app with client id 99999999-0000-4000-8000-000000000000/,
      ],
    ];
    for (const [config, message] of cases) {
      await withRig({ config }, async ({ graph, emu }) => {
        await assert.rejects(collect(graph.directory.listUsers()), (e) => {
          assert.ok(isAuthError(e), String(e));
          assert.match((e as Error).message, message);
          assert.doesNotMatch((e as Error).message, /Trace ID/);
          return true;
        });
        assert.equal(emu.stats.byRoute["POST /:tenant/oauth2/v2.0/token"]?.["200"], undefined);
        assert.equal(emu.stats.handled, 1, "a refused credential is not retried");
      });
    }
  });

  test("checkGraphConnection: roles from the token, one probe per readable permission, a missing one named", async () => {
    const permissions = DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== GRAPH_PERMISSIONS.userRead);
    await withRig({ permissions }, async ({ world, emu, fake }) => {
      const report = await checkGraphConnection(emu.config, { clock: world.clock, sleep: fake.sleep });
      assert.equal(report.ok, false);
      assert.ok(report.token.ok && report.token.roles.includes(GRAPH_PERMISSIONS.mailSend));
      const byName = new Map(report.permissions.map((p) => [p.permission, p]));
      assert.deepEqual(
        [...byName.keys()],
        [
          "DeviceManagementManagedDevices.Read.All",
          "GroupMember.ReadWrite.All",
          "User.Read.All",
          "Policy.Read.All",
          "Policy.ReadWrite.ConditionalAccess",
          "Mail.Send",
        ],
      );
      const users = byName.get("User.Read.All")!;
      assert.equal(users.granted, false);
      assert.equal(users.probe?.status, 403);
      assert.match(users.probe!.detail, /Insufficient privileges/);
      assert.ok(byName.get("DeviceManagementManagedDevices.Read.All")!.probe!.ok);
      assert.ok(byName.get("GroupMember.ReadWrite.All")!.granted);
      assert.equal(byName.get("Mail.Send")!.probe, undefined, "sending cannot be probed harmlessly");
      assert.deepEqual(report.problems, [
        `The app lacks User.Read.All, needed to read the directory and look people up: add it under Entra ID › App registrations › ${emu.config.clientId} › API permissions (Microsoft Graph, Application) and grant admin consent`,
      ]);
    });
  });

  test("checkGraphConnection: all good; and a refused secret reported, not thrown", async () => {
    await withRig({}, async ({ world, emu, fake }) => {
      const ok = await checkGraphConnection(emu.config, { clock: world.clock, sleep: fake.sleep });
      assert.deepEqual(ok.problems, []);
      assert.equal(ok.ok, true);
      const bad = await checkGraphConnection(
        { ...emu.config, clientSecret: "x" },
        { clock: world.clock, sleep: fake.sleep },
      );
      assert.equal(bad.ok, false);
      assert.equal(bad.token.ok, false);
      assert.match(bad.problems[0]!, /AADSTS7000215/);
    });
  });

  test("a 403 in use names the permission to grant", async () => {
    const permissions = DEFAULT_GRANTED_PERMISSIONS.filter((p) => p !== GRAPH_PERMISSIONS.managedDevicesRead);
    await withRig({ permissions }, async ({ graph }) => {
      await assert.rejects(collect(graph.targetInventory.listDevices()), (e) => {
        const m = (e as Error).message;
        assert.match(
          m,
          /^Microsoft Graph returned 403 Forbidden for GET \/deviceManagement\/managedDevices: Application is not authorized/,
        );
        assert.match(m, /grant the app the application permission DeviceManagementManagedDevices\.Read\.All/);
        return true;
      });
    });
  });
});

describe("graph connector: policy verification", () => {
  test("a misconfigured Intune policy: each problem in an admin's words, and handover unsafe", async () => {
    await withRig({ throttles: [] }, async ({ world, emu, graph }) => {
      const c = emu.config;
      const patch = (body: unknown) =>
        graph.client.request({
          method: "PATCH",
          path: `/identity/conditionalAccess/policies/${c.targetPolicyId}`,
          body,
          scope: "ca-policy",
        });
      await patch({
        state: "enabledForReportingButNotEnforced",
        conditions: { users: { includeUsers: ["All"], excludeGroups: [] } },
      });
      const check = await graph.targetAccess.verifyPolicy();
      assert.equal(check.enabled, false);
      assert.equal(check.excludesNotYetMigrated, false);
      assert.equal(check.excludesBreakGlass, false);
      assert.equal(check.problems.length, 4);
      assert.match(check.problems[0]!, /is in report-only mode/);
      assert.match(check.problems[1]!, /does not exclude the not-yet-migrated group/);
      assert.match(
        check.problems[2]!,
        new RegExp(`does not exclude the break-glass account ${world.breakGlassUpns[0]}`),
      );

      // Break-glass excluded directly by user id counts too.
      const ids = world.scenario.people.filter((p) => p.breakGlass).map((p) => p.id);
      await patch({
        state: "enabled",
        conditions: {
          users: { includeUsers: ["All"], excludeGroups: [c.notYetMigratedGroupId], excludeUsers: ids },
        },
      });
      assert.deepEqual(await graph.targetAccess.verifyPolicy(), {
        enabled: true,
        excludesNotYetMigrated: true,
        excludesBreakGlass: true,
        problems: [],
      });
    });
  });

  test("a policy id that does not exist: unsafe, and says so (and enforcement is assumed, not denied)", async () => {
    await withRig(
      { config: { targetPolicyId: "00000000-0000-4000-8000-000000000000" } },
      async ({ graph }) => {
        const check = await graph.targetAccess.verifyPolicy();
        assert.equal(check.enabled, true);
        assert.equal(check.excludesNotYetMigrated, false);
        assert.match(check.problems[0]!, /does not exist in Entra ID: check the policy id/);
      },
    );
  });
});

describe("graph connector: mail and transient failures", () => {
  test("the message id comes from the idempotency key; the template reaches the mailbox", async () => {
    await withRig({}, async ({ world, graph, hits }) => {
      const p = world.scenario.people[5]!;
      const mail = {
        to: p.mail,
        personId: p.id,
        template: "reminder",
        subject: "Reminder",
        text: "Please enroll.",
        idempotencyKey: "wave-1/reminder/42",
      };
      const { messageId } = await graph.mailer!.send(mail);
      assert.equal(messageId, graphMessageId("wave-1/reminder/42"));
      assert.match(messageId, /^<[0-9a-f]{64}@ferry\.graph>$/);
      assert.equal(world.mailbox(p.upn).at(-1)?.template, "reminder");
      assert.equal(hits("POST /v1.0/users/:id/sendMail"), 1);
    });
  });

  test("500s and dropped connections on group writes are retried: the writes are idempotent", async () => {
    const faults = {
      rate: 0.4,
      weights: { "500": 1, reset: 1, "429": 0, "429-bare": 0, truncate: 0, "malformed-json": 0 },
    };
    await withRig({ faults }, async ({ world, graph, emu }) => {
      const ids = world.scenario.people
        .filter((p) => !p.breakGlass)
        .slice(0, 45)
        .map((p) => p.id);
      await graph.targetAccess.enforce(ids);
      await graph.targetAccess.exempt(ids);
      await graph.targetAccess.enforce(ids);
      assert.ok(emu.stats.faulted >= 3, `${emu.stats.faulted} faults`);
      assert.equal((await world.ports.targetAccess.listExempt()).size, 15);
      assert.equal(graph.client.http.stats.total.failures, 0);
    });
  });
});
