/** The Graph emulator's conditional access policies, throttling (with and without Retry-After) and mail. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MINUTE, SECOND } from "../../../src/core/time.ts";
import { defaultGraphThrottles } from "../../../src/emulators/graph/index.ts";
import { withHarness } from "./helpers.ts";

const POLICIES = "/identity/conditionalAccess/policies";

describe("graph emulator: conditional access policies", () => {
  test("the Intune and legacy policies exclude their groups and break-glass; the legacy one is the world's", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const list = await h.api(POLICIES);
      assert.equal(list.status, 200);
      const [intune, legacy] = list.body.value;
      assert.equal(intune.id, c.targetPolicyId);
      assert.equal(intune.state, "enabled");
      assert.deepEqual(intune.conditions.users.includeUsers, ["All"]);
      assert.deepEqual(intune.conditions.users.excludeGroups, [c.notYetMigratedGroupId, c.breakGlassGroupId]);
      assert.deepEqual(intune.grantControls.builtInControls, ["compliantDevice"]);
      assert.deepEqual(legacy.conditions.users.excludeGroups, [
        c.legacy.excludedGroupId,
        c.breakGlassGroupId,
      ]);

      h.advance(SECOND);
      const off = await h.api(`${POLICIES}/${c.legacy.policyId}`, {
        method: "PATCH",
        body: { state: "disabled" },
      });
      assert.equal(off.status, 204);
      assert.equal(await h.world.ports.sourceAccess.policyEnabled(), false);
      h.advance(20 * MINUTE);
      assert.equal(h.world.truth().sourceEnforced.size, 0);
      const read = await h.api(`${POLICIES}/${c.legacy.policyId}`);
      assert.equal(read.body.state, "disabled");
      h.advance(SECOND);
      const on = await h.api(`${POLICIES}/${c.legacy.policyId}`, {
        method: "PATCH",
        body: { state: "enabled" },
      });
      assert.equal(on.status, 400);
    });
  });

  test("POST 201 with every collection filled in; PATCH 204 replaces what it names; DELETE 204", async () => {
    await withHarness({ throttles: [] }, async (h) => {
      const created = await h.api(POLICIES, {
        method: "POST",
        body: {
          displayName: "Block legacy auth",
          state: "enabledForReportingButNotEnforced",
          conditions: {
            users: { includeUsers: ["All"] },
            applications: { includeApplications: ["All"] },
            clientAppTypes: ["exchangeActiveSync", "other"],
          },
          grantControls: { operator: "OR", builtInControls: ["block"] },
        },
      });
      assert.equal(created.status, 201);
      const p = created.body;
      assert.deepEqual(p.conditions.users.excludeGroups, []);
      assert.deepEqual(p.conditions.applications.excludeApplications, []);
      assert.deepEqual(p.conditions.clientAppTypes, ["exchangeActiveSync", "other"]);
      assert.deepEqual(p.grantControls.termsOfUse, []);
      const patched = await h.api(`${POLICIES}/${p.id}`, {
        method: "PATCH",
        body: { conditions: { users: { includeUsers: ["None"] } } },
      });
      assert.equal(patched.status, 204);
      const after = (await h.api(`${POLICIES}/${p.id}`)).body;
      assert.deepEqual(after.conditions.users.includeUsers, ["None"]);
      assert.deepEqual(after.conditions.applications.includeApplications, ["All"], "other conditions kept");
      assert.equal(
        (await h.api(`${POLICIES}/${p.id}`, { method: "PATCH", body: { state: "on" } })).status,
        400,
      );
      assert.equal(
        (await h.api(POLICIES, { method: "POST", body: { displayName: "x", state: "disabled" } })).status,
        400,
      );
      assert.equal((await h.api(`${POLICIES}/${p.id}`, { method: "DELETE" })).status, 204);
      assert.equal((await h.api(`${POLICIES}/${p.id}`)).status, 404);
    });
  });
});

describe("graph emulator: throttling", () => {
  test("CA policies: one request per second per tenant, 429 without Retry-After", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      await h.token();
      assert.equal((await h.api(`${POLICIES}/${c.targetPolicyId}`)).status, 200);
      const bounced = await h.api(`${POLICIES}/${c.targetPolicyId}`);
      assert.equal(bounced.status, 429);
      assert.equal(bounced.body.error.code, "TooManyRequests");
      assert.equal(bounced.headers.get("retry-after"), null);
      h.advance(SECOND);
      assert.equal((await h.api(`${POLICIES}/${c.targetPolicyId}`)).status, 200);
      assert.equal(h.emu.stats.throttledByScope["ca-policy"], 1);
    });
  });

  test("Intune devices with Retry-After, or without when set so; identity with its throttle headers", async () => {
    const tight = defaultGraphThrottles().map((r) =>
      r.scope === "intune-devices"
        ? { ...r, requests: 2 }
        : r.scope === "identity"
          ? { ...r, requests: 1 }
          : r,
    );
    await withHarness({ throttles: tight }, async (h) => {
      await h.api("/deviceManagement/managedDevices");
      await h.api("/deviceManagement/managedDevices");
      const bounced = await h.api("/deviceManagement/managedDevices");
      assert.equal(bounced.status, 429);
      assert.equal(bounced.headers.get("retry-after"), "10", "one token back in 20 s / 2");
      await h.api("/users");
      const users = await h.api("/users");
      assert.equal(users.status, 429);
      assert.equal(users.headers.get("x-ms-throttle-scope"), "Tenant_Application/ReadWrite");
      assert.ok(Number(users.headers.get("retry-after")) >= 1);
    });
    await withHarness(
      { throttles: defaultGraphThrottles({ intuneRetryAfter: false }).map((r) => ({ ...r, requests: 1 })) },
      async (h) => {
        await h.api("/deviceManagement/managedDevices");
        const bounced = await h.api("/deviceManagement/managedDevices");
        assert.equal(bounced.status, 429);
        assert.equal(bounced.headers.get("retry-after"), null);
      },
    );
  });

  test("kit faults: a 503 in Graph's error shape; the token endpoint is never faulted", async () => {
    await withHarness(
      {
        faults: {
          rate: 1,
          weights: { "500": 0, "429": 0, "429-bare": 0, reset: 0, truncate: 0, "malformed-json": 0 },
        },
      },
      async (h) => {
        const token = await h.token();
        const r = await h.api("/users", { token });
        assert.equal(r.status, 503);
        assert.equal(r.body.error.code, "ServiceUnavailable");
        assert.ok(r.body.error.innerError["request-id"]);
      },
    );
  });
});

describe("graph emulator: mail", () => {
  test("sendMail: 202, delivered to the world's mailbox with the template from X-Ferry-Template", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const p = h.world.scenario.people[2]!;
      const message = (to: string) => ({
        message: {
          subject: "Your devices",
          body: { contentType: "Text", content: "Please enroll." },
          toRecipients: [{ emailAddress: { address: to } }],
          internetMessageHeaders: [
            { name: "X-Ferry-Template", value: "announcement" },
            { name: "X-Ferry-Idempotency-Key", value: "k1" },
          ],
        },
        saveToSentItems: false,
      });
      const sent = await h.api(`/users/${c.mailSender}/sendMail`, { method: "POST", body: message(p.mail) });
      assert.equal(sent.status, 202);
      assert.equal(sent.body, undefined);
      const box = h.world.mailbox(p.upn);
      assert.equal(box.at(-1)?.template, "announcement");
      assert.equal(box.at(-1)?.subject, "Your devices");
      const stranger = await h.api(`/users/${c.mailSender}/sendMail`, {
        method: "POST",
        body: message("someone@elsewhere.example"),
      });
      assert.equal(stranger.status, 202, "accepted; Exchange bounces it later");
      assert.deepEqual(h.emu.state.mail.undeliverable, ["someone@elsewhere.example"]);
      const badSender = await h.api("/users/ghost@contoso.example/sendMail", {
        method: "POST",
        body: message(p.mail),
      });
      assert.equal(badSender.status, 404);
      const noRecipient = await h.api(`/users/${c.mailSender}/sendMail`, {
        method: "POST",
        body: { message: { subject: "x", body: { contentType: "Text", content: "y" }, toRecipients: [] } },
      });
      assert.equal(noRecipient.status, 400);
      assert.equal(noRecipient.body.error.code, "ErrorInvalidRecipients");
    });
  });
});
