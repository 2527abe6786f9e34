/**
 * Bad input never makes a 5xx: random bodies, query strings and path parameters for every
 * route (fields taken from the OpenAPI document, values of every JSON kind, raw non-JSON),
 * as an admin API token so that every route runs its handler. Bounded: ~350 requests.
 * FERRY_FUZZ_SEED replays a run; FERRY_FUZZ_RUNS searches longer.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { DAY } from "../../src/core/time.ts";
import { type Caller, callers, rigApp, type TestApp } from "./helpers.ts";

const SEED = Number(process.env.FERRY_FUZZ_SEED ?? 20270301);
const RUNS = Number(process.env.FERRY_FUZZ_RUNS ?? 300);

type Op = {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
};

const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom(
    "",
    "0",
    "-1",
    "1e400",
    "NaN",
    "2027-13-45T99:99:99Z",
    "9".repeat(40),
    "%",
    "_",
    "\u0000",
    "../../etc",
  ),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer().map(String),
  fc.constantFrom(
    "",
    "0",
    "-5",
    "1.5",
    "1e400",
    "99999999999999999999",
    "NaN",
    "true",
    "%25",
    "in-both",
    "w1",
    "grace",
  ),
);

describe("bad input never gets a 5xx", () => {
  let t: TestApp;
  let admin: Caller;
  let doc: { paths: Record<string, Record<string, Op>> };
  let ids: string[];
  let portalToken: string;

  before(async () => {
    t = await rigApp({ people: 16, seed: 5 });
    const rig = t.rig!;
    await rig.oneWave();
    await rig.run(async () => (await rig.wave()).status === "handover", 5);
    admin = (await callers(t.app)).tokens.admin;
    doc = JSON.parse((await t.app.inject({ method: "GET", url: "/openapi.json" })).body);
    const person = await rig.store.db
      .selectFrom("people")
      .select("id")
      .where("wave_id", "=", "w1")
      .executeTakeFirstOrThrow();
    const device = await rig.store.db.selectFrom("devices").select("id").executeTakeFirstOrThrow();
    const account = (await t.app.ferry.context.accounts.list())[0]!;
    ids = [person.id, device.id, "w1", account.id];
    portalToken = (await t.app.ferry.context.portal.issue(person.id, t.wall.now(), 30 * DAY, "fuzz")).token;
  });
  after(() => t.close());

  function requestFor(route: { method: string; url: string }) {
    const op = doc.paths[route.url.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()] ?? {};
    const queryNames = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
    const fields = Object.keys(op.requestBody?.content?.["application/json"]?.schema?.properties ?? {});
    const params = (route.url.match(/:\w+/g) ?? []).length;
    const body = fc.oneof(
      fields.length > 0
        ? fc.dictionary(fc.constantFrom(...fields), anyValue, { maxKeys: fields.length })
        : fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 3 }),
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ maxLength: 60 }).map((raw) => ({ raw })),
    );
    const query = fc.dictionary(
      queryNames.length > 0
        ? fc.oneof(fc.constantFrom(...queryNames), fc.string({ maxLength: 6 }))
        : fc.string({ maxLength: 6 }),
      queryValue,
      { maxKeys: 4 },
    );
    const param = fc.oneof(fc.constantFrom(...ids), fc.string({ minLength: 1, maxLength: 40 }));
    return fc.record({ body, query, params: fc.array(param, { minLength: params, maxLength: params }) });
  }

  async function send(
    route: { method: string; url: string },
    input: { body: unknown; query: Record<string, string>; params: string[] },
  ) {
    let i = 0;
    const url = route.url.replace(/:\w+/g, () => encodeURIComponent(input.params[i++] ?? "x"));
    const qs = new URLSearchParams(input.query).toString();
    const options: InjectOptions = {
      method: route.method as InjectOptions["method"],
      url: qs ? `${url}?${qs}` : url,
      headers: { "x-portal-token": portalToken },
    };
    if (route.method !== "GET") {
      const raw = (input.body as { raw?: unknown } | null)?.raw;
      if (typeof raw === "string") {
        options.payload = raw;
        options.headers = { ...options.headers, "content-type": "application/json" };
      } else options.payload = JSON.stringify(input.body);
      options.headers = { ...options.headers, "content-type": "application/json" };
    }
    return t.app.inject(admin.as(options));
  }

  it("answers every fuzzed request with a status below 500", async () => {
    const routes = t.app.ferry.routes.filter((r) => r.url !== "/api/engine/pass");
    assert.ok(routes.length > 40);
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc
          .nat({ max: routes.length - 1 })
          .chain((k) => requestFor(routes[k]!).map((input) => ({ route: routes[k]!, input }))),
        async ({ route, input }) => {
          const res = await send(route, input);
          if (res.statusCode >= 500)
            failures.push(
              `${route.method} ${route.url} ${JSON.stringify(input)} → ${res.statusCode} ${res.body}`,
            );
          return res.statusCode < 500;
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    assert.deepEqual(failures, []);
  });

  it("answers a fuzzed call of every route at least once", async () => {
    const problems: string[] = [];
    for (const route of t.app.ferry.routes) {
      const [input] = fc.sample(requestFor(route), { numRuns: 1, seed: SEED });
      const res = await send(route, input!);
      if (res.statusCode >= 500)
        problems.push(
          `${route.method} ${route.url} ${JSON.stringify(input)} → ${res.statusCode} ${res.body}`,
        );
    }
    assert.deepEqual(problems, []);
  });

  it("names the field of a bad input", async () => {
    const res = await t.app.inject(
      admin.as({ method: "POST", url: `/api/people/${ids[0]}/extend-deadline`, payload: { days: 0 } }),
    );
    assert.equal(res.statusCode, 400);
    const body = JSON.parse(res.body) as { error: { code: string; message: string; field: string } };
    assert.deepEqual([body.error.code, body.error.field], ["bad-request", "body.days"]);
    assert.match(body.error.message, /^body\.days /);
    const bad = await t.app.inject(admin.as({ method: "GET", url: "/api/devices?state=lost" }));
    assert.equal(JSON.parse(bad.body).error.field, "query.state");
    const missing = await t.app.inject(admin.as({ method: "POST", url: "/api/devices/x/mark", payload: {} }));
    assert.equal(JSON.parse(missing.body).error.message, "body.reason is required");
    const notJson = await t.app.inject(
      admin.as({
        method: "POST",
        url: "/api/tokens",
        payload: "{nope",
        headers: { "content-type": "application/json" },
      }),
    );
    assert.equal(notJson.statusCode, 400);
    const form = await t.app.inject(
      admin.as({
        method: "POST",
        url: "/api/tokens",
        payload: "a=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    );
    assert.equal(form.statusCode, 415);
  });
});
