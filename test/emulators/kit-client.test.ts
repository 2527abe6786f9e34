/**
 * End to end: the connectors' HttpClient against a kit emulator, both on one ManualClock
 * (the client's FakeSleep moves it; the emulator's throttles and tokens read it).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BearerTokenAuth,
  clientCredentials,
  FakeSleep,
  HttpClient,
  type HttpClientOptions,
  seededRandom,
} from "../../src/connectors/http/index.ts";
import { ManualClock, MINUTE } from "../../src/core/time.ts";
import {
  type Emulator,
  json,
  oauthTokenRoute,
  type Route,
  requireBearer,
  type StartEmulatorOptions,
  startEmulator,
  TokenIssuer,
} from "../../src/emulators/kit/index.ts";
import { Rng } from "../../src/world/rng.ts";

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

const items: Route = {
  method: "GET",
  path: "/items/:id",
  scope: "items",
  handler: (req) => json({ id: Number(req.params.id), square: Number(req.params.id) ** 2 }),
};

/**
 * `stillOnTheWire`: fake time stands still while a request is on the wire, so a throttling
 * emulator sees each request at the instant the client sent it (see FakeSleepOptions.idle).
 */
async function setup(
  emulator: Partial<StartEmulatorOptions>,
  client: Partial<HttpClientOptions> = {},
  stillOnTheWire = false,
) {
  const clock = new ManualClock(START);
  const fake = new FakeSleep(clock, stillOnTheWire ? { idle: () => http.inFlight === 0 } : {});
  const rng = new Rng(2026);
  const emu: Emulator = await startEmulator({
    clock,
    random: () => rng.next(),
    routes: [items],
    ...emulator,
  });
  const http: HttpClient = new HttpClient({
    baseUrl: emu.url,
    clock,
    sleep: fake.sleep,
    random: seededRandom(5),
    ...client,
  });
  return { clock, fake, emu, http };
}

type Item = { id: number; square: number };

function fetchAll(http: HttpClient, n: number): Promise<Item[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, id) => {
      const res = await http.request<Item>({ method: "GET", path: `/items/${id}`, scope: "items" });
      return res.body;
    }),
  );
}

describe("HttpClient against a kit emulator", () => {
  test("20% injected faults: every idempotent request completes correctly, with bounded retries", async () => {
    const N = 300;
    const { emu, http, fake } = await setup(
      {
        faults: {
          rate: 0.2,
          weights: {
            "500": 0,
            "503": 1,
            "429": 1,
            "429-bare": 1,
            reset: 1,
            truncate: 1,
            "malformed-json": 1,
            timeout: 1,
            slow: 1,
          },
          holdMs: 800,
          slowMs: 10,
        },
      },
      { maxConcurrency: 8, timeoutMs: 400 },
    );
    try {
      const results = await fetchAll(http, N);
      assert.deepEqual(
        results,
        Array.from({ length: N }, (_, id) => ({ id, square: id * id })),
      );
      const s = http.stats.total;
      const lost = emu.stats.faulted - (emu.stats.faults.slow ?? 0); // faults that cost the client its response
      assert.ok(emu.stats.faulted > N * 0.12, `only ${emu.stats.faulted} faults were injected`);
      assert.equal(s.failures, 0);
      assert.equal(s.requests - s.retries, N);
      assert.ok(s.requests < 2 * N, `${s.requests} sends for ${N} requests`);
      // A busy machine can make a healthy response miss the timeout too, hence a range.
      assert.ok(
        s.retries >= lost && s.retries <= lost + 10,
        `${s.retries} retries for ${lost} lost responses`,
      );
      assert.ok(emu.stats.requests <= s.requests && emu.stats.requests >= s.requests - 10);
      assert.equal(s.throttled, (emu.stats.faults["429"] ?? 0) + (emu.stats.faults["429-bare"] ?? 0));
      assert.ok(fake.calls.length >= s.retries, "no retry without a wait");
    } finally {
      await emu.close();
    }
  });

  test("a client budget equal to the emulator's limit never bounces off it", async () => {
    const limit = { requests: 20, windowMs: 1_000 };
    const { emu, http, clock } = await setup(
      { throttles: [{ scope: "items", ...limit, retryAfter: true }] },
      { budgets: [{ scope: "items", ...limit }] },
      true,
    );
    try {
      const results = await fetchAll(http, 100);
      assert.equal(results.length, 100);
      assert.equal(emu.stats.throttled, 0);
      assert.equal(http.stats.total.requests, 100);
      assert.equal(clock.now() - START, 4_000, "80 requests past the burst, at 20/s");
    } finally {
      await emu.close();
    }
  });

  test("without a budget the client bounces, honours Retry-After, and still completes", async () => {
    const { emu, http } = await setup(
      { throttles: [{ scope: "items", requests: 20, windowMs: 1_000, retryAfter: true }] },
      {},
      true,
    );
    try {
      const results = await fetchAll(http, 100);
      assert.equal(results.length, 100);
      assert.ok(emu.stats.throttled > 0);
      assert.equal(http.stats.total.throttled, emu.stats.throttled);
      assert.equal(http.stats.total.failures, 0);
    } finally {
      await emu.close();
    }
  });

  test("client credentials against the kit's token route: renewed before expiry; once after a revocation", async () => {
    const clock = new ManualClock(START);
    const issuer = new TokenIssuer({ clock, random: seededRandom(9) });
    const rng = new Rng(1);
    const tokenRoute = oauthTokenRoute({
      path: "/t/oauth2/v2.0/token",
      issuer,
      clients: { app: { secret: "pw" } },
      ttlSeconds: 3599,
    });
    const emu = await startEmulator({
      clock,
      random: () => rng.next(),
      routes: [tokenRoute, items],
      authenticate: (req) => {
        requireBearer(issuer, req);
      },
    });
    try {
      const tokenUrl = `${emu.url}/t/oauth2/v2.0/token`;
      const auth = new BearerTokenAuth(clientCredentials({ tokenUrl, clientId: "app", clientSecret: "pw" }), {
        clock,
      });
      const http = new HttpClient({ baseUrl: emu.url, clock, sleep: new FakeSleep(clock).sleep, auth });
      const get = (id: number) => http.request<Item>({ method: "GET", path: `/items/${id}` });

      await get(1);
      clock.advance(55 * MINUTE); // inside the 5-minute margin: renewed before the emulator would refuse it
      assert.equal((await get(2)).attempts, 1);
      assert.equal(auth.fetches, 2);
      assert.equal(emu.stats.byStatus["401"], undefined);

      // The emulator revokes the current token: one 401, one refresh, one retry.
      const current = new Headers();
      await auth.authorize(current, { forceRefresh: false });
      issuer.revoke(current.get("authorization")!.slice("Bearer ".length));
      const res = await get(3);
      assert.equal(res.body.square, 9);
      assert.equal(res.attempts, 2);
      assert.equal(auth.fetches, 3);
      assert.equal(emu.stats.byStatus["401"], 1);
    } finally {
      await emu.close();
    }
  });
});
