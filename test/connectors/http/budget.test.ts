import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RateLimiter, TokenBucket } from "../../../src/connectors/http/budget.ts";
import { GRAPH_SCOPES, VENDOR_LIMITS, withHeadroom } from "../../../src/connectors/http/limits.ts";
import { FakeSleep } from "../../../src/connectors/http/sleep.ts";
import { ManualClock } from "../../../src/core/time.ts";
import { json, rig, START, startServer, type TestServer } from "./harness.ts";

describe("token bucket", () => {
  test("starts full, refills continuously, and says how long a reservation must wait", () => {
    const b = new TokenBucket(2, 1_000, 0);
    assert.equal(b.reserve(1, 0), 0);
    assert.equal(b.reserve(1, 0), 0);
    assert.equal(b.reserve(1, 0), 500);
    assert.equal(b.reserve(1, 0), 1_000);
    assert.equal(b.reserve(1, 2_000), 0, "refilled to capacity, never beyond");
  });

  test("a limiter waits through the injected sleep, in order", async () => {
    const clock = new ManualClock(START);
    const fake = new FakeSleep(clock);
    const limiter = new RateLimiter(
      [{ scope: "ca-policy", requests: 1, windowMs: 1_000 }],
      clock,
      fake.sleep,
    );
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        await limiter.acquire("ca-policy", { write: false, cost: 1 });
        times.push(clock.now() - START);
      }),
    );
    assert.deepEqual(times, [0, 1_000, 2_000, 3_000]);
    assert.equal(
      await limiter.acquire("other", { write: false, cost: 1 }),
      3_000 - 3_000,
      "unbudgeted scopes pass",
    );
  });
});

describe("budgets in the client", () => {
  let server: TestServer;
  let throttleNext = 0;
  before(async () => {
    server = await startServer((_hit, res) => {
      if (throttleNext > 0) {
        throttleNext--;
        return json(res, 429, { error: { code: "TooManyRequests", message: "CA" } });
      }
      json(res, 200, {});
    });
  });
  after(() => server.close());

  test("CA policy budget: 5 requests at 1/s take 4 waits and 4 s of fake time", async () => {
    const { client, fake, clock } = rig(server.url, { budgets: VENDOR_LIMITS.graph.budgets });
    const before = server.hits.length;
    for (let i = 0; i < 5; i++) {
      await client.request({
        method: "GET",
        path: "/identity/conditionalAccess/policies/p",
        scope: GRAPH_SCOPES.conditionalAccess,
      });
    }
    assert.equal(server.hits.length - before, 5);
    assert.deepEqual(fake.calls, [1_000, 1_000, 1_000, 1_000]);
    assert.equal(clock.now(), START + 4_000);
    const s = client.stats.byScope[GRAPH_SCOPES.conditionalAccess]!;
    assert.deepEqual([s.requests, s.budgetWaits, s.budgetWaitMs], [5, 4, 4_000]);
  });

  test("writes draw on their own, smaller budget; reads do not", async () => {
    const { client, fake } = rig(server.url, {
      budgets: [{ scope: "intune-devices", requests: 100, writes: 2, windowMs: 20_000 }],
    });
    for (let i = 0; i < 4; i++) await client.request({ method: "GET", path: "/d", scope: "intune-devices" });
    assert.equal(fake.calls.length, 0);
    for (let i = 0; i < 4; i++)
      await client.request({ method: "POST", path: "/d/1/retire", scope: "intune-devices" });
    assert.deepEqual(
      fake.calls,
      [10_000, 10_000],
      "the third and fourth write wait for refills of 1 per 10 s",
    );
  });

  test("a request's cost draws that many units (Graph identity resource units)", async () => {
    const { client, fake } = rig(server.url, {
      budgets: [{ scope: "identity", requests: 4, windowMs: 10_000 }],
    });
    await client.request({ method: "GET", path: "/users", scope: "identity", cost: 2 });
    await client.request({ method: "GET", path: "/users", scope: "identity", cost: 2 });
    await client.request({ method: "GET", path: "/users", scope: "identity", cost: 2 });
    assert.deepEqual(fake.calls, [5_000]);
  });

  test("a 429 pauses the whole scope, so other requests wait instead of bouncing", async () => {
    let other: Promise<unknown> | undefined;
    const { client, fake, clock } = rig(server.url, {
      logger: {
        debug() {},
        info() {},
        error() {},
        // the moment the first request decides to retry, a second one in the same scope starts
        warn: () => {
          other ??= client.request({ method: "GET", path: "/p2", scope: "ca-policy" });
        },
      },
    });
    throttleNext = 1;
    const before = server.hits.length;
    await client.request({ method: "GET", path: "/p1", scope: "ca-policy" });
    await other;
    const urls = server.hits.slice(before).map((h) => h.url);
    assert.equal(urls.length, 3, "the second request was not sent into the throttle");
    assert.deepEqual([urls[0], ...urls.slice(1).sort()], ["/p1", "/p1", "/p2"]);
    assert.ok(fake.calls.length === 2 && fake.calls[0] === fake.calls[1], `${fake.calls}`);
    assert.equal(clock.now(), START + fake.calls[0]!);
    assert.equal(client.stats.byScope["ca-policy"]!.throttled, 1);
    assert.equal(client.stats.byScope["ca-policy"]!.budgetWaits, 1);
  });

  test("withHeadroom scales the documented limits", () => {
    const tight = withHeadroom(VENDOR_LIMITS.graph.budgets, 0.8);
    const devices = tight.find((b) => b.scope === GRAPH_SCOPES.intuneDevices)!;
    assert.deepEqual([devices.requests, devices.writes], [1_600, 160]);
    assert.equal(tight.find((b) => b.scope === GRAPH_SCOPES.conditionalAccess)!.requests, 1);
  });
});

describe("concurrency", () => {
  test("maxConcurrency caps requests in flight, as the server counts them", async () => {
    const server = await startServer((_hit, res) => {
      setTimeout(() => json(res, 200, {}), 15);
    });
    try {
      const { client } = rig(server.url, { maxConcurrency: VENDOR_LIMITS.jamf.maxConcurrency });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.request({ method: "GET", path: `/api/v2/mobile-devices/${i}` }),
        ),
      );
      assert.equal(server.hits.length, 20);
      assert.equal(server.maxInFlight, 5);
    } finally {
      await server.close();
    }
  });
});
