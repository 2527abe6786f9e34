import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isHttpError } from "../../../src/connectors/http/errors.ts";
import { seededRandom } from "../../../src/connectors/http/random.ts";
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfter,
  retryPolicy,
} from "../../../src/connectors/http/retry.ts";
import { json, rejection, rig, START, startServer, type TestServer } from "./harness.ts";

describe("retry decisions (pure)", () => {
  test("Retry-After in seconds and as an HTTP-date, against the injected clock", () => {
    assert.equal(parseRetryAfter("7", START), 7_000);
    assert.equal(parseRetryAfter("0.5", START), 500);
    assert.equal(parseRetryAfter(new Date(START + 30_000).toUTCString(), START), 30_000);
    assert.equal(parseRetryAfter(new Date(START - 30_000).toUTCString(), START), 0);
    assert.equal(parseRetryAfter("soon", START), undefined);
    assert.equal(parseRetryAfter(null, START), undefined);
  });

  test("backoff is full jitter between minMs and a doubling, capped ceiling", () => {
    const p = DEFAULT_RETRY_POLICY;
    assert.equal(
      backoffMs(1, p, () => 0),
      p.minMs,
    );
    assert.equal(
      backoffMs(1, p, () => 0.999999),
      500,
    );
    assert.equal(
      backoffMs(3, p, () => 0.999999),
      2_000,
    );
    assert.equal(
      backoffMs(20, p, () => 0.999999),
      60_000,
    );
    const jitter = seededRandom(11);
    for (let i = 1; i < 30; i++) {
      const d = backoffMs(i, p, jitter);
      assert.ok(d >= p.minMs && d <= p.maxMs, `retry ${i}: ${d}`);
    }
  });

  const ctx = { attempt: 1, elapsedMs: 0, now: START, random: () => 0.5, policy: retryPolicy() };
  const status = (s: number, retryAfter: string | null = null) =>
    ({ kind: "status", status: s, retryAfter, body: undefined }) as const;
  const net = (code: string, notSent: boolean) =>
    ({ kind: "network", failure: { code, notSent, description: code } }) as const;

  test("a POST is retried only when the server clearly did not act", () => {
    const post = { ...ctx, idempotent: false };
    assert.equal(decideRetry(status(429), post).retry, true);
    assert.equal(decideRetry(status(503, "2"), post).retry, true);
    assert.equal(decideRetry(status(503), post).retry, false);
    assert.equal(decideRetry(status(504), post).retry, false);
    assert.equal(decideRetry(net("ECONNREFUSED", true), post).retry, true);
    assert.equal(decideRetry(net("ECONNRESET", false), post).retry, false);
    assert.equal(decideRetry(net("timeout", false), post).retry, false);
    assert.equal(decideRetry({ kind: "malformed", status: 200 }, post).retry, false);
  });

  test("an idempotent request is retried on 429/503/504, network errors and malformed bodies; not on 400/403/500", () => {
    const get = { ...ctx, idempotent: true };
    for (const s of [429, 503, 504]) assert.equal(decideRetry(status(s), get).retry, true, `${s}`);
    for (const s of [400, 401, 403, 404, 500]) assert.equal(decideRetry(status(s), get).retry, false, `${s}`);
    assert.equal(decideRetry(net("ECONNRESET", false), get).retry, true);
    assert.equal(decideRetry({ kind: "malformed", status: 200 }, get).retry, true);
    const transient = {
      ...get,
      policy: retryPolicy({ isTransient: (s, b) => s === 400 && b === "An error has occurred" }),
    };
    assert.equal(
      decideRetry({ kind: "status", status: 400, retryAfter: null, body: "An error has occurred" }, transient)
        .retry,
      true,
    );
  });

  test("stops at maxAttempts and when the wait would pass the retry budget", () => {
    const get = { ...ctx, idempotent: true };
    const last = decideRetry(status(503), { ...get, attempt: 6 });
    assert.deepEqual(last, { retry: false, why: "gave up after 6 attempts" });
    const far = decideRetry(status(429, "3600"), get);
    assert.equal(far.retry, false);
    assert.match((far as { why: string }).why, /asked to wait 3600 s, beyond the 300 s retry budget/);
    const zero = decideRetry(status(429, "0"), get);
    assert.deepEqual(zero, { retry: true, delayMs: 100, serverAsked: true }, "never a tight loop");
  });
});

describe("retries against a real server", () => {
  let server: TestServer;
  /** Per test: the responses to give, in order; the last one repeats. */
  let script: Array<(res: import("node:http").ServerResponse) => void> = [];
  let served = 0;

  before(async () => {
    server = await startServer((_hit, res) => {
      const step = script[Math.min(served++, script.length - 1)]!;
      step(res);
    });
  });
  after(() => server.close());

  function play(...steps: Array<(res: import("node:http").ServerResponse) => void>): void {
    script = steps;
    served = 0;
  }
  const ok = (res: import("node:http").ServerResponse) => json(res, 200, { ok: true });
  const code =
    (s: number, headers: Record<string, string> = {}) =>
    (res: import("node:http").ServerResponse) =>
      json(res, s, { error: { code: "TooManyRequests", message: "slow down" } }, headers);

  test("429 with Retry-After in seconds: one sleep of exactly that long", async () => {
    play(code(429, { "retry-after": "7" }), ok);
    const { client, fake, clock } = rig(server.url);
    const res = await client.request({ method: "GET", path: "/things", scope: "s" });
    assert.deepEqual(res.body, { ok: true });
    assert.equal(res.attempts, 2);
    assert.deepEqual(fake.calls, [7_000]);
    assert.equal(clock.now(), START + 7_000);
    assert.deepEqual(
      {
        requests: client.stats.byScope.s!.requests,
        retries: client.stats.byScope.s!.retries,
        throttled: client.stats.byScope.s!.throttled,
      },
      { requests: 2, retries: 1, throttled: 1 },
    );
  });

  test("429 with Retry-After as an HTTP-date, read against the injected clock", async () => {
    play(code(429, { "retry-after": new Date(START + 42_000).toUTCString() }), ok);
    const { client, fake } = rig(server.url);
    await client.request({ method: "GET", path: "/things" });
    assert.deepEqual(fake.calls, [42_000]);
  });

  test("429 without Retry-After backs off exponentially with jitter", async () => {
    play(code(429), code(429), code(429), ok);
    const { client, fake } = rig(server.url);
    await client.request({ method: "GET", path: "/things" });
    assert.equal(fake.calls.length, 3);
    for (const [i, d] of fake.calls.entries())
      assert.ok(d >= 100 && d <= 500 * 2 ** i, `retry ${i + 1} waited ${d}`);
    assert.equal(client.stats.total.throttled, 3);
  });

  test("503 then 504 then success", async () => {
    play(code(503), code(504), ok);
    const { client, fake } = rig(server.url);
    const res = await client.request({ method: "GET", path: "/things" });
    assert.equal(res.status, 200);
    assert.equal(fake.calls.length, 2);
    assert.equal(client.stats.total.requests, 3);
  });

  test("a connection reset mid-response is retried", async () => {
    play((res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"value":[1,2');
      setImmediate(() => res.socket?.destroy());
    }, ok);
    const { client } = rig(server.url);
    const res = await client.request({ method: "GET", path: "/things" });
    assert.deepEqual(res.body, { ok: true });
    assert.equal(res.attempts, 2);
  });

  test("a malformed JSON body on a 200 is retried; on a POST it is not", async () => {
    const broken = (res: import("node:http").ServerResponse) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"value": [');
    play(broken, ok);
    const { client } = rig(server.url);
    assert.deepEqual((await client.request({ method: "GET", path: "/things" })).body, { ok: true });

    play(broken, ok);
    const err = await rejection(client.request({ method: "POST", path: "/things", body: { a: 1 } }));
    assert.ok(isHttpError(err));
    assert.equal(err.code, "malformed_json");
    assert.equal(err.attempts, 1);
  });

  test("a response slower than the timeout is abandoned and retried", async () => {
    play((res) => setTimeout(() => ok(res), 400), ok);
    const { client } = rig(server.url, { timeoutMs: 80 });
    const res = await client.request({ method: "GET", path: "/things" });
    assert.equal(res.attempts, 2);
  });

  test("timeouts every time end in an HttpError with code timeout", async () => {
    play((res) => setTimeout(() => ok(res), 400));
    const { client } = rig(server.url, { timeoutMs: 50, retry: { maxAttempts: 2 } });
    const err = await rejection(client.request({ method: "GET", path: "/slow" }));
    assert.ok(isHttpError(err));
    assert.equal(err.code, "timeout");
    assert.equal(err.status, 0);
    assert.equal(err.attempts, 2);
    assert.match(err.message, /did not answer GET \/slow: timed out after 50 ms; gave up after 2 attempts/);
  });

  test("the caller's AbortSignal stops the request at once, without retrying", async () => {
    play((res) => setTimeout(() => ok(res), 400));
    const { client } = rig(server.url);
    const before = server.hits.length;
    const err = await rejection(
      client.request({ method: "GET", path: "/slow", signal: AbortSignal.timeout(50) }),
    );
    assert.equal(err.name, "TimeoutError");
    assert.equal(server.hits.length - before, 1);
  });

  test("after the last attempt: an HttpError a helpdesk can read", async () => {
    const intune = JSON.stringify({
      _version: 3,
      Message:
        "Application is not authorized to perform this operation. Application must have one of the following scopes: DeviceManagementManagedDevices.Read.All - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: 1 - Url: https://fef.msua06.manage.microsoft.com/x",
    });
    play((res) =>
      json(res, 403, { error: { code: "Forbidden", message: intune } }, { "request-id": "7d1c-req" }),
    );
    const { client } = rig(server.url, { service: "Intune" });
    const err = await rejection(
      client.request({ method: "GET", path: "/deviceManagement/managedDevices", query: { $top: 5 } }),
    );
    assert.ok(isHttpError(err));
    assert.equal(
      err.message,
      "Intune returned 403 Forbidden for GET /deviceManagement/managedDevices: Application is not authorized to perform this operation. Application must have one of the following scopes: DeviceManagementManagedDevices.Read.All (request-id 7d1c-req)",
    );
    assert.equal(err.code, "Forbidden");
    assert.equal(err.requestId, "7d1c-req");
    assert.equal(err.attempts, 1);
    assert.equal(client.stats.total.failures, 1);

    play(code(503));
    const gaveUp = await rejection(client.request({ method: "GET", path: "/x" }));
    assert.match(
      gaveUp.message,
      /^Intune returned 503 Service Unavailable for GET \/x: slow down; gave up after 6 attempts \(client-request-id [0-9a-f-]{36}\)$/,
    );
    assert.equal(gaveUp.attempts, 6);
  });

  test("the retry-time budget counts from the first send, not from time spent queued for a rate budget", async () => {
    play(code(503, { "retry-after": "100" }));
    const { client, fake } = rig(server.url, {
      retry: { budgetMs: 250_000 },
      budgets: [{ scope: "slow-scope", requests: 1, windowMs: 400_000 }],
    });
    // takes the scope's only token (a 503 accepted as a result, so no retry)
    await client.request({ method: "GET", path: "/warm", scope: "slow-scope", expect: [503] });
    const err = await rejection(client.request({ method: "GET", path: "/x", scope: "slow-scope" }));
    assert.equal(fake.calls[0], 400_000, "queued 400 s for the budget first");
    // Counted from queueing, 400 s > 250 s would have refused even the first retry. Counted from the
    // first send, the first retry fits; the second does not (100 s + another 400 s queued for the budget).
    assert.equal(err.attempts, 2);
    assert.match(err.message, /asked to wait 100 s, beyond the 250 s retry budget/);
  });

  test("500 is not retried by default, but is when the policy lists it", async () => {
    play(code(500), ok);
    const strict = rig(server.url);
    assert.equal((await rejection(strict.client.request({ method: "GET", path: "/x" }))).status, 500);
    play(code(500), ok);
    const lenient = rig(server.url, { retry: { retryStatuses: [429, 500, 503, 504] } });
    assert.equal((await lenient.client.request({ method: "GET", path: "/x" })).status, 200);
  });

  test("a POST is not resent after a 503 without Retry-After, but is after a 429", async () => {
    play(code(503), ok);
    const { client } = rig(server.url);
    const err = await rejection(client.request({ method: "POST", path: "/devices/1/retire" }));
    assert.equal(err.attempts, 1);
    assert.match(err.message, /not retried: the server may have processed it/);
    play(code(429), ok);
    assert.equal((await client.request({ method: "POST", path: "/devices/1/retire" })).attempts, 2);
    play(code(503), ok);
    assert.equal((await client.request({ method: "POST", path: "/x", idempotent: true })).attempts, 2);
  });

  test("`expect` makes other statuses a result rather than an error", async () => {
    play((res) => json(res, 404, { error: { code: "Request_ResourceNotFound", message: "gone" } }));
    const { client } = rig(server.url);
    const res = await client.request({ method: "GET", path: "/users/x", expect: [200, 404] });
    assert.equal(res.status, 404);
  });

  test("a 204 has an undefined body; the server's request id is surfaced", async () => {
    play((res) => res.writeHead(204, { "request-id": "abc" }).end());
    const { client } = rig(server.url);
    const res = await client.request({ method: "POST", path: "/x/retire" });
    assert.equal(res.body, undefined);
    assert.equal(res.requestId, "abc");
  });
});

describe("connection refused", () => {
  test("is retried even for a POST (nothing was sent), then reported", async () => {
    const server = await startServer(() => {});
    const url = server.url;
    await server.close();
    const { client, fake } = rig(url, { service: "Jamf Pro", retry: { maxAttempts: 3 } });
    const err = await rejection(client.request({ method: "POST", path: "/api/v1/x" }));
    assert.ok(isHttpError(err));
    assert.equal(err.code, "ECONNREFUSED");
    assert.equal(err.attempts, 3);
    assert.equal(fake.calls.length, 2);
    assert.match(
      err.message,
      /^Jamf Pro did not answer POST \/api\/v1\/x: connection refused; gave up after 3 attempts/,
    );
  });
});
