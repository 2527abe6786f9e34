/** The Graph emulator's Entra side: the token endpoint, tokens, expiry, permissions and error bodies. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GRAPH_PERMISSIONS } from "../../../src/emulators/graph/index.ts";
import { withHarness } from "./helpers.ts";

const DEFAULT = "https://graph.microsoft.com/.default";

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
}

describe("graph emulator: token endpoint", () => {
  test("a client-credentials form gets a JWT-shaped token with the granted roles, for 3599 s", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const r = await h.tokenRequest({
        grant_type: "client_credentials",
        client_id: c.clientId,
        client_secret: c.clientSecret,
        scope: DEFAULT,
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.token_type, "Bearer");
      assert.equal(r.body.expires_in, 3599);
      assert.equal(r.body.ext_expires_in, 3599);
      const jwt = claims(r.body.access_token);
      assert.equal(jwt.tid, c.tenantId);
      assert.equal(jwt.appid, c.clientId);
      assert.ok((jwt.roles as string[]).includes(GRAPH_PERMISSIONS.managedDevicesRead));
      assert.equal(jwt.exp, (jwt.iat as number) + 3599);
      // The tenant's domain works as well as its id.
      const byDomain = await h.tokenRequest(
        {
          grant_type: "client_credentials",
          client_id: c.clientId,
          client_secret: c.clientSecret,
          scope: DEFAULT,
        },
        "contoso.example",
      );
      assert.equal(byDomain.status, 200);
    });
  });

  test("Entra's refusals: AADSTS codes, status and the full error body", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const base = { grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret };
      const cases: [Record<string, string>, string | undefined, number, string, number][] = [
        [
          { ...base, scope: "https://graph.microsoft.com/User.Read.All" },
          undefined,
          400,
          "invalid_scope",
          1002012,
        ],
        [{ ...base, client_secret: "wrong", scope: DEFAULT }, undefined, 401, "invalid_client", 7000215],
        [
          { ...base, client_id: "00000000-0000-0000-0000-000000000001", scope: DEFAULT },
          undefined,
          400,
          "unauthorized_client",
          700016,
        ],
        [{ ...base, scope: DEFAULT }, "11111111-2222-3333-4444-555555555555", 400, "invalid_request", 90002],
        [{ ...base }, undefined, 400, "invalid_request", 900144],
        [
          { ...base, grant_type: "password", scope: DEFAULT },
          undefined,
          400,
          "unsupported_grant_type",
          70003,
        ],
      ];
      for (const [form, tenant, status, error, code] of cases) {
        const r = await h.tokenRequest(form, tenant);
        assert.equal(r.status, status, `${error} ${code}`);
        assert.equal(r.body.error, error);
        assert.deepEqual(r.body.error_codes, [code]);
        assert.match(r.body.error_description, new RegExp(`^AADSTS${code}: `));
        assert.match(r.body.error_description, /Trace ID: .* Correlation ID: .* Timestamp: /);
        for (const k of ["timestamp", "trace_id", "correlation_id", "error_uri"]) assert.ok(r.body[k], k);
      }
    });
  });

  test("a JSON body is not a form: the grant type is missing", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const res = await fetch(`${c.authorityBaseUrl}/${c.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials", client_id: c.clientId }),
      });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error_description: string }).error_description, /^AADSTS900144/);
    });
  });

  test("no token, a garbled one, and an expired one: 401 InvalidAuthenticationToken", async () => {
    await withHarness({}, async (h) => {
      const res = await fetch(`${h.emu.config.graphBaseUrl}/users`);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      const garbled = await h.api("/users", { token: "abc" });
      assert.equal(garbled.status, 401);
      assert.equal(garbled.body.error.code, "InvalidAuthenticationToken");

      const token = await h.token();
      assert.equal((await h.api("/users", { token })).status, 200);
      h.advance(3598 * 1000);
      assert.equal((await h.api("/users", { token })).status, 200);
      h.advance(1000);
      const expired = await h.api("/users", { token });
      assert.equal(expired.status, 401);
      assert.equal(expired.body.error.code, "InvalidAuthenticationToken");
      assert.match(expired.body.error.message, /Lifetime validation failed, the token is expired/);
    });
  });
});

describe("graph emulator: permissions and error bodies", () => {
  test("a missing Intune permission: 403 whose message is Intune's nested JSON naming the scopes", async () => {
    await withHarness({ permissions: [GRAPH_PERMISSIONS.userRead] }, async (h) => {
      const r = await h.api("/deviceManagement/managedDevices");
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, "Forbidden");
      const nested = JSON.parse(r.body.error.message);
      assert.equal(nested._version, 3);
      assert.match(
        nested.Message,
        /^Application is not authorized to perform this operation\. Application must have one of the following scopes: DeviceManagementManagedDevices\.Read\.All, DeviceManagementManagedDevices\.ReadWrite\.All - Operation ID \(for customer support\): .* - Activity ID: .* - Url: https:\/\/fef\./,
      );
      assert.equal(nested.RetryAfter, null);
      assert.equal(nested.HttpHeaders, "{}");
    });
  });

  test("the UnknownError wrapping some Intune endpoints use", async () => {
    await withHarness(
      { permissions: [GRAPH_PERMISSIONS.userRead], options: { intuneErrorStyle: "unknown-error" } },
      async (h) => {
        const r = await h.api("/deviceManagement/managedDevices");
        assert.equal(r.status, 403);
        assert.equal(r.body.error.code, "UnknownError");
        const outer = JSON.parse(r.body.error.message);
        assert.equal(outer.ErrorCode, "Forbidden");
        assert.match(JSON.parse(outer.Message).Message, /must have one of the following scopes/);
      },
    );
  });

  test("each product words its refusal: directory, conditional access, mail", async () => {
    await withHarness({ permissions: [GRAPH_PERMISSIONS.policyRead] }, async (h) => {
      const c = h.emu.config;
      const users = await h.api("/users");
      assert.equal(users.status, 403);
      assert.equal(users.body.error.code, "Authorization_RequestDenied");
      assert.equal((await h.api(`/identity/conditionalAccess/policies/${c.targetPolicyId}`)).status, 200);
      h.advance(1000);
      const write = await h.api(`/identity/conditionalAccess/policies/${c.legacy.policyId}`, {
        method: "PATCH",
        body: { state: "disabled" },
      });
      assert.equal(write.status, 403);
      assert.equal(write.body.error.code, "AccessDenied");
      assert.equal(await h.world.ports.sourceAccess.policyEnabled(), true);
      const mail = await h.api(`/users/${c.mailSender}/sendMail`, { method: "POST", body: { message: {} } });
      assert.equal(mail.status, 403);
      assert.equal(mail.body.error.code, "ErrorAccessDenied");
    });
  });

  test("permissions are read when a token is issued, as Entra does", async () => {
    await withHarness({}, async (h) => {
      const before = await h.token();
      h.emu.setPermissions([GRAPH_PERMISSIONS.policyRead]);
      assert.equal((await h.api("/users", { token: before })).status, 200);
      assert.equal((await h.api("/users", { token: await h.token() })).status, 403);
    });
  });

  test("every error: {error:{code, message, innerError:{date, request-id, client-request-id}}} and a request-id header", async () => {
    await withHarness({}, async (h) => {
      const r = await h.api("/users/nobody@contoso.example", { headers: { "client-request-id": "my-id-1" } });
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, "Request_ResourceNotFound");
      const inner = r.body.error.innerError;
      assert.match(inner.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      assert.equal(inner["request-id"], r.headers.get("request-id"));
      assert.equal(inner["client-request-id"], "my-id-1");
      assert.equal(r.headers.get("client-request-id"), "my-id-1");
    });
  });
});
