/** The Graph emulator's JSON batching: limits, dependencies, and inner requests checked and throttled one by one. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultGraphThrottles, GRAPH_PERMISSIONS } from "../../../src/emulators/graph/index.ts";
import { withHarness } from "./helpers.ts";

interface Inner {
  id: string;
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: raw JSON under test
  body?: any;
}

describe("graph emulator: $batch", () => {
  test("at most 20 requests, unique ids, a Content-Type with every body; else the whole batch is 400", async () => {
    await withHarness({}, async (h) => {
      const get = (id: string) => ({ id, method: "GET", url: "/users?$top=1&$select=id" });
      const many = await h.api("/$batch", {
        method: "POST",
        body: { requests: Array.from({ length: 21 }, (_, i) => get(String(i))) },
      });
      assert.equal(many.status, 400);
      assert.match(many.body.error.message, /exceeds the limit of 20/);
      const dup = await h.api("/$batch", { method: "POST", body: { requests: [get("1"), get("1")] } });
      assert.equal(dup.status, 400);
      assert.match(dup.body.error.message, /unique/);
      const untyped = await h.api("/$batch", {
        method: "POST",
        body: { requests: [{ id: "1", method: "POST", url: "/users/x/sendMail", body: {} }] },
      });
      assert.equal(untyped.status, 400);
      const twenty = await h.api("/$batch", {
        method: "POST",
        body: { requests: Array.from({ length: 20 }, (_, i) => get(String(i))) },
      });
      assert.equal(twenty.status, 200);
      const responses: Inner[] = twenty.body.responses;
      assert.deepEqual(
        responses.map((r) => r.id).sort(),
        Array.from({ length: 20 }, (_, i) => String(i)).sort(),
      );
      assert.ok(responses.every((r) => r.status === 200 && r.body.value.length === 1));
    });
  });

  test("a request whose dependency failed gets 424; inner errors keep Graph's shape", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const p = h.world.scenario.people[0]!;
      const del = `/groups/${c.notYetMigratedGroupId}/members/${p.id}/$ref`;
      const r = await h.api("/$batch", {
        method: "POST",
        body: {
          requests: [
            { id: "a", method: "DELETE", url: del },
            { id: "b", method: "DELETE", url: del, dependsOn: ["a"] },
            { id: "c", method: "GET", url: `/users/${p.id}?$select=id`, dependsOn: ["b"] },
            { id: "d", method: "GET", url: "/nowhere" },
          ],
        },
      });
      assert.equal(r.status, 200);
      const byId = new Map((r.body.responses as Inner[]).map((x) => [x.id, x]));
      assert.equal(byId.get("a")!.status, 204);
      assert.equal(byId.get("b")!.status, 404, "not a member any more");
      assert.equal(byId.get("b")!.body.error.code, "Request_ResourceNotFound");
      assert.equal(byId.get("c")!.status, 424);
      assert.equal(byId.get("d")!.status, 400);
    });
  });

  test("each inner request is throttled on its own: an inner 429 carries Retry-After in its headers", async () => {
    const throttles = defaultGraphThrottles().map((r) => (r.scope === "identity" ? { ...r, writes: 5 } : r));
    await withHarness({ throttles }, async (h) => {
      const c = h.emu.config;
      const people = h.world.scenario.people.filter((p) => !p.breakGlass).slice(0, 8);
      const r = await h.api("/$batch", {
        method: "POST",
        body: {
          requests: people.map((p, i) => ({
            id: String(i + 1),
            method: "DELETE",
            url: `/groups/${c.notYetMigratedGroupId}/members/${p.id}/$ref`,
          })),
        },
      });
      const responses: Inner[] = r.body.responses;
      assert.equal(responses.filter((x) => x.status === 204).length, 5);
      const throttled = responses.filter((x) => x.status === 429);
      assert.equal(throttled.length, 3);
      for (const t of throttled) {
        assert.ok(Number(t.headers["Retry-After"]) >= 1, JSON.stringify(t.headers));
        assert.equal(t.body.error.code, "TooManyRequests");
      }
      assert.equal(h.emu.stats.throttledByScope.identity, 3);
      assert.equal((await h.world.ports.targetAccess.listExempt()).size, 40 - 5);
    });
  });

  test("inner requests are checked against the app's permissions", async () => {
    await withHarness({ permissions: [GRAPH_PERMISSIONS.userRead] }, async (h) => {
      const r = await h.api("/$batch", {
        method: "POST",
        body: {
          requests: [
            { id: "1", method: "GET", url: "/users?$top=1" },
            { id: "2", method: "GET", url: "/deviceManagement/managedDevices" },
          ],
        },
      });
      const byId = new Map((r.body.responses as Inner[]).map((x) => [x.id, x]));
      assert.equal(byId.get("1")!.status, 200);
      assert.equal(byId.get("2")!.status, 403);
    });
  });
});
