import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManualClock, MINUTE } from "../../src/core/time.ts";
import {
  type Emulator,
  EmulatorError,
  type FaultKind,
  json,
  noContent,
  oauthTokenRoute,
  type Route,
  requireBasic,
  requireBearer,
  type StartEmulatorOptions,
  startEmulator,
  TokenIssuer,
} from "../../src/emulators/kit/index.ts";
import { Rng } from "../../src/world/rng.ts";

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

async function withEmulator(
  options: Partial<StartEmulatorOptions> & { routes: Route[] },
  body: (emu: Emulator, clock: ManualClock) => Promise<void>,
): Promise<void> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(START);
  const rng = new Rng(42);
  const emu = await startEmulator({ clock, random: () => rng.next(), ...options });
  try {
    await body(emu, clock);
  } finally {
    await emu.close();
  }
}

/** fetch that turns a transport failure into `{ failed: code }` instead of throwing. */
async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; text: string } | { failed: string }> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    return { failed: (e as Error).name === "TimeoutError" ? "timeout" : (e as Error).message };
  }
}

function ok(r: Awaited<ReturnType<typeof call>>): { status: number; headers: Headers; text: string } {
  if ("failed" in r) assert.fail(`request failed: ${r.failed}`);
  return r;
}

const echo: Route = {
  method: "POST",
  path: "/api/v2/devices/:id/actions/:action",
  handler: (req) => json({ params: req.params, query: Object.fromEntries(req.query), body: req.body }),
};

describe("emulator kit: routing", () => {
  test("params, query, JSON and form bodies reach the handler", async () => {
    await withEmulator({ routes: [echo] }, async (emu) => {
      const r = ok(
        await call(`${emu.url}/api/v2/devices/a%20b/actions/retire?adminDeviceSpaceId=1&note=x`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ deviceUuids: ["u1"] }),
        }),
      );
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.text), {
        params: { id: "a b", action: "retire" },
        query: { adminDeviceSpaceId: "1", note: "x" },
        body: { deviceUuids: ["u1"] },
      });
      const form = ok(
        await call(`${emu.url}/api/v2/devices/1/actions/retire/`, {
          method: "POST",
          body: new URLSearchParams({ ids: "7" }),
        }),
      );
      assert.deepEqual(JSON.parse(form.text).body, { ids: "7" }, "form parsed; trailing slash ignored");
    });
  });

  test("404, 405, 400 and 413 in the vendor's error shape; request ids; stats by route and status", async () => {
    const errorBody = (status: number, code: string, message: string) => ({
      httpStatus: status,
      errors: [{ code, description: message }],
    });
    await withEmulator({ routes: [echo], errorBody, maxBodyBytes: 64 }, async (emu) => {
      const missing = ok(await call(`${emu.url}/nope`, { headers: { "client-request-id": "c-1" } }));
      assert.equal(missing.status, 404);
      assert.deepEqual(JSON.parse(missing.text), {
        httpStatus: 404,
        errors: [{ code: "NotFound", description: "No route for GET /nope" }],
      });
      assert.equal(missing.headers.get("client-request-id"), "c-1");
      assert.match(missing.headers.get("request-id") ?? "", /^00000000-0000-4000-8000-0{11}1$/);

      const wrong = ok(await call(`${emu.url}/api/v2/devices/1/actions/retire`));
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get("allow"), "POST");

      const bad = ok(
        await call(`${emu.url}/api/v2/devices/1/actions/retire`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{nope",
        }),
      );
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.text).errors[0].code, "BadRequest");

      const big = ok(
        await call(`${emu.url}/api/v2/devices/1/actions/retire`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ x: "y".repeat(100) }),
        }),
      );
      assert.equal(big.status, 413);

      assert.deepEqual(emu.stats.byRoute, {
        unmatched: { "404": 1, "405": 1 },
        "POST /api/v2/devices/:id/actions/:action": { "400": 1, "413": 1 },
      });
      assert.equal(emu.stats.requests, 4);
      assert.equal(emu.stats.handled, 0);
    });
  });

  test("a handler's EmulatorError uses the error hook; a crash is a 500, not a hung socket", async () => {
    const routes: Route[] = [
      {
        method: "GET",
        path: "/gone",
        handler: () => {
          throw new EmulatorError(404, "Request_ResourceNotFound", "Resource 'x' does not exist");
        },
      },
      {
        method: "GET",
        path: "/crash",
        handler: () => {
          throw new Error("boom");
        },
      },
      { method: "DELETE", path: "/x/:id", handler: () => noContent() },
    ];
    await withEmulator({ routes }, async (emu) => {
      const gone = ok(await call(`${emu.url}/gone`));
      assert.deepEqual(
        [gone.status, JSON.parse(gone.text)],
        [404, { error: { code: "Request_ResourceNotFound", message: "Resource 'x' does not exist" } }],
      );
      const crash = ok(await call(`${emu.url}/crash`));
      assert.equal(crash.status, 500);
      assert.match(crash.text, /boom/);
      const del = ok(await call(`${emu.url}/x/1`, { method: "DELETE" }));
      assert.deepEqual([del.status, del.text], [204, ""]);
    });
  });
});

describe("emulator kit: faults", () => {
  let ran = 0;
  const counted: Route = {
    method: "GET",
    path: "/items/:id",
    handler: (req) => {
      ran++;
      return json({ id: req.params.id });
    },
  };

  test("the fault rate is roughly honoured over many requests, and a faulted request never reaches its route", async () => {
    ran = 0;
    await withEmulator({ routes: [counted], faults: { rate: 0.3 } }, async (emu) => {
      const N = 600;
      for (let i = 0; i < N; i++) await call(`${emu.url}/items/${i}`);
      assert.equal(emu.stats.requests, N);
      const faulted = emu.stats.faulted;
      assert.ok(faulted > N * 0.24 && faulted < N * 0.36, `${faulted} faults in ${N}`);
      assert.equal(ran, N - faulted);
      assert.equal(emu.stats.handled, N - faulted);
      const kinds = Object.keys(emu.stats.faults).sort();
      assert.deepEqual(kinds, ["429", "429-bare", "500", "503", "malformed-json", "reset", "truncate"]);
      for (const k of kinds)
        assert.ok(emu.stats.faults[k]! > faulted / 7 / 2, `${k}: ${emu.stats.faults[k]}`);
    });
  });

  const only = (kind: FaultKind, extra: object = {}) => ({
    rate: 1,
    weights: {
      "500": 0,
      "503": 0,
      "429": 0,
      "429-bare": 0,
      reset: 0,
      truncate: 0,
      "malformed-json": 0,
      [kind]: 1,
    },
    ...extra,
  });

  test("each kind looks as it should on the wire", async () => {
    const cases: Array<[FaultKind, (r: Awaited<ReturnType<typeof call>>) => void]> = [
      ["500", (r) => assert.equal(ok(r).status, 500)],
      ["503", (r) => assert.deepEqual([ok(r).status, ok(r).headers.get("retry-after")], [503, null])],
      ["429", (r) => assert.deepEqual([ok(r).status, ok(r).headers.get("retry-after")], [429, "3"])],
      ["429-bare", (r) => assert.deepEqual([ok(r).status, ok(r).headers.get("retry-after")], [429, null])],
      ["malformed-json", (r) => assert.throws(() => JSON.parse(ok(r).text))],
      ["reset", (r) => assert.ok("failed" in r)],
      ["truncate", (r) => assert.ok("failed" in r)],
    ];
    for (const [kind, check] of cases) {
      ran = 0;
      await withEmulator({ routes: [counted], faults: only(kind, { retryAfterSeconds: 3 }) }, async (emu) => {
        check(await call(`${emu.url}/items/1`));
        assert.equal(ran, 0, `${kind} must not run the route`);
        assert.equal(emu.stats.faults[kind], 1);
      });
    }
  });

  test("timeout holds past the client's patience then drops; slow delays but answers", async () => {
    ran = 0;
    await withEmulator({ routes: [counted], faults: only("timeout", { holdMs: 300 }) }, async (emu) => {
      const r = await call(`${emu.url}/items/1`, { signal: AbortSignal.timeout(50) });
      assert.deepEqual(r, { failed: "timeout" });
      assert.equal(ran, 0);
    });
    await withEmulator({ routes: [counted], faults: only("slow", { slowMs: 60 }) }, async (emu) => {
      const t0 = performance.now();
      const r = ok(await call(`${emu.url}/items/1`));
      assert.equal(r.status, 200);
      assert.ok(performance.now() - t0 >= 55);
      assert.equal(ran, 1);
    });
  });

  test("routes marked faults:false and requests outside appliesTo are never faulted", async () => {
    const quiet: Route = { ...counted, path: "/quiet/:id", faults: false };
    await withEmulator(
      {
        routes: [counted, quiet, { ...counted, path: "/token/:id" }],
        faults: { rate: 1, appliesTo: (req) => !req.path.startsWith("/token") },
      },
      async (emu) => {
        assert.equal(ok(await call(`${emu.url}/quiet/1`)).status, 200);
        assert.equal(ok(await call(`${emu.url}/token/1`)).status, 200);
        assert.equal(emu.stats.faulted, 0);
      },
    );
  });

  describe("after-effect", () => {
    let counter = 0;
    const increment: Route = { method: "POST", path: "/counter", handler: () => json({ value: ++counter }) };
    const read: Route = { method: "GET", path: "/counter", handler: () => json({ value: counter }) };

    test("is off by default: a faulted write never changes state", async () => {
      counter = 0;
      await withEmulator({ routes: [increment], faults: { rate: 1 } }, async (emu) => {
        for (let i = 0; i < 20; i++) await call(`${emu.url}/counter`, { method: "POST" });
        assert.equal(counter, 0);
        assert.equal(emu.stats.faults["after-effect"], undefined);
      });
    });

    test("when enabled, the write happens and its response is lost", async () => {
      counter = 0;
      await withEmulator(
        { routes: [increment, read], faults: { rate: 0, afterEffect: { rate: 1 } } },
        async (emu) => {
          const r = await call(`${emu.url}/counter`, { method: "POST" });
          assert.ok("failed" in r, "the client saw the connection drop");
          assert.equal(counter, 1, "…but the state changed");
          assert.equal(
            JSON.parse(ok(await call(`${emu.url}/counter`)).text).value,
            1,
            "reads are not affected",
          );
          assert.deepEqual(emu.stats.faults, { "after-effect": 1 });
          assert.equal(emu.stats.byRoute["POST /counter"]!.dropped, 1);
        },
      );
      await withEmulator(
        { routes: [increment], faults: { rate: 0, afterEffect: { rate: 1, loss: "500" } } },
        async (emu) => {
          assert.equal(ok(await call(`${emu.url}/counter`, { method: "POST" })).status, 500);
          assert.equal(counter, 2);
        },
      );
    });
  });
});

describe("emulator kit: throttling", () => {
  const routes: Route[] = [
    { method: "GET", path: "/devices", scope: "intune-devices", handler: () => json({ value: [] }) },
    { method: "POST", path: "/devices/:id/retire", scope: "intune-devices", handler: () => noContent() },
    { method: "GET", path: "/policies", scope: "ca-policy", handler: () => json({ value: [] }) },
  ];
  const throttles = [
    {
      scope: "intune-devices",
      requests: 3,
      writes: 1,
      windowMs: 2_000,
      retryAfter: true,
      headers: { "x-ms-throttle-scope": "Tenant_Application/ReadWrite/x" },
    },
    { scope: "ca-policy", requests: 1, windowMs: 1_000, retryAfter: false },
  ];

  test("429 with Retry-After until a token refills on the injected clock", async () => {
    await withEmulator({ routes, throttles }, async (emu, clock) => {
      for (let i = 0; i < 3; i++) assert.equal(ok(await call(`${emu.url}/devices`)).status, 200);
      const refused = ok(await call(`${emu.url}/devices`));
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), "1");
      assert.equal(refused.headers.get("x-ms-throttle-scope"), "Tenant_Application/ReadWrite/x");
      assert.equal(JSON.parse(refused.text).error.code, "TooManyRequests");
      clock.advance(700);
      assert.equal(ok(await call(`${emu.url}/devices`)).status, 200);
      assert.equal(emu.stats.throttled, 1);
      assert.deepEqual(emu.stats.throttledByScope, { "intune-devices": 1 });
    });
  });

  test("writes have their own, smaller allowance", async () => {
    await withEmulator({ routes, throttles }, async (emu) => {
      assert.equal(ok(await call(`${emu.url}/devices/1/retire`, { method: "POST" })).status, 204);
      assert.equal(ok(await call(`${emu.url}/devices/2/retire`, { method: "POST" })).status, 429);
      assert.equal(ok(await call(`${emu.url}/devices`)).status, 200, "reads still pass");
    });
  });

  test("conditional access: 1 request/s and never a Retry-After", async () => {
    await withEmulator({ routes, throttles }, async (emu, clock) => {
      assert.equal(ok(await call(`${emu.url}/policies`)).status, 200);
      const refused = ok(await call(`${emu.url}/policies`));
      assert.deepEqual([refused.status, refused.headers.get("retry-after")], [429, null]);
      clock.advance(1_000);
      assert.equal(ok(await call(`${emu.url}/policies`)).status, 200);
    });
  });

  test("keyOf gives each caller its own bucket", async () => {
    const perTenant = [
      {
        scope: "ca-policy",
        requests: 1,
        windowMs: 1_000,
        retryAfter: false,
        keyOf: (r: { headers: Record<string, unknown> }) => String(r.headers["x-tenant"]),
      },
    ];
    await withEmulator({ routes, throttles: perTenant }, async (emu) => {
      assert.equal(ok(await call(`${emu.url}/policies`, { headers: { "x-tenant": "a" } })).status, 200);
      assert.equal(ok(await call(`${emu.url}/policies`, { headers: { "x-tenant": "b" } })).status, 200);
      assert.equal(ok(await call(`${emu.url}/policies`, { headers: { "x-tenant": "a" } })).status, 429);
    });
  });
});

describe("emulator kit: auth", () => {
  function authRoutes(issuer: TokenIssuer): Route[] {
    return [
      oauthTokenRoute({
        path: "/tenant-1/oauth2/v2.0/token",
        issuer,
        clients: { "app-1": { secret: "s3cret" } },
        ttlSeconds: 3599,
        checkScope: (s) =>
          s?.endsWith("/.default") ? undefined : "AADSTS1002012: The provided value for scope is not valid.",
        decorateError: (b) => ({ ...b, error_codes: [7000215] }),
      }),
      { method: "GET", path: "/me", handler: (req) => json({ subject: req.principal }) },
      {
        method: "GET",
        path: "/basic",
        public: true,
        handler: (req) => json({ user: requireBasic(req, { admin: "pw" }) }),
      },
    ];
  }
  const token = (emu: Emulator, form: Record<string, string>) =>
    call(`${emu.url}/tenant-1/oauth2/v2.0/token`, { method: "POST", body: new URLSearchParams(form) });
  const good = {
    grant_type: "client_credentials",
    client_id: "app-1",
    client_secret: "s3cret",
    scope: "https://graph.microsoft.com/.default",
  };

  test("issued tokens work until they expire on the injected clock, then a consistent 401", async () => {
    const clock = new ManualClock(START);
    const issuer = new TokenIssuer({ clock, random: () => 0.5 });
    const authenticate = (req: Parameters<NonNullable<StartEmulatorOptions["authenticate"]>>[0]) => {
      req.principal = requireBearer(issuer, req).subject;
    };
    await withEmulator({ clock, routes: authRoutes(issuer), authenticate }, async (emu) => {
      const issued = JSON.parse(ok(await token(emu, good)).text);
      assert.equal(issued.token_type, "Bearer");
      assert.equal(issued.expires_in, 3599);
      const auth = { authorization: `Bearer ${issued.access_token}` };
      assert.deepEqual(JSON.parse(ok(await call(`${emu.url}/me`, { headers: auth })).text), {
        subject: "app-1",
      });
      clock.advance(59 * MINUTE);
      assert.equal(ok(await call(`${emu.url}/me`, { headers: auth })).status, 200);
      clock.advance(1 * MINUTE);
      const expired = ok(await call(`${emu.url}/me`, { headers: auth }));
      assert.equal(expired.status, 401);
      assert.equal(JSON.parse(expired.text).error.code, "InvalidAuthenticationToken");
      assert.match(expired.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
      assert.equal(ok(await call(`${emu.url}/me`)).status, 401, "no token at all");
    });
  });

  test("the token route refuses bad clients, grants and scopes the OAuth way", async () => {
    const clock = new ManualClock(START);
    const issuer = new TokenIssuer({ clock, random: () => 0.5 });
    await withEmulator({ clock, routes: authRoutes(issuer) }, async (emu) => {
      const badSecret = ok(await token(emu, { ...good, client_secret: "nope" }));
      assert.equal(badSecret.status, 401);
      assert.deepEqual(JSON.parse(badSecret.text), {
        error: "invalid_client",
        error_description: "Invalid client secret provided.",
        error_codes: [7000215],
      });
      assert.equal(ok(await token(emu, { ...good, grant_type: "password" })).status, 400);
      const badScope = ok(await token(emu, { ...good, scope: "https://graph.microsoft.com/User.Read" }));
      assert.deepEqual([badScope.status, JSON.parse(badScope.text).error], [400, "invalid_scope"]);
    });
  });

  test("Basic credentials are checked, with a Basic challenge on failure", async () => {
    const clock = new ManualClock(START);
    await withEmulator(
      { clock, routes: authRoutes(new TokenIssuer({ clock, random: () => 0.5 })) },
      async (emu) => {
        const basic = (u: string, p: string) => ({
          authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`,
        });
        assert.deepEqual(
          JSON.parse(ok(await call(`${emu.url}/basic`, { headers: basic("admin", "pw") })).text),
          { user: "admin" },
        );
        const refused = ok(await call(`${emu.url}/basic`, { headers: basic("admin", "wrong") }));
        assert.equal(refused.status, 401);
        assert.match(refused.headers.get("www-authenticate") ?? "", /^Basic/);
      },
    );
  });
});
