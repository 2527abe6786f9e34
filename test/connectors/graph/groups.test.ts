/**
 * The NYM group through the connector: requests sent against the minimum, idempotency on
 * both sides, inner 429s retried after their own Retry-After, and budgets that keep the
 * connector under the emulator's throttles.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphClient } from "../../../src/connectors/graph/index.ts";
import { FakeSleep, seededRandom } from "../../../src/connectors/http/index.ts";
import { ManualClock, SECOND } from "../../../src/core/time.ts";
import { defaultGraphThrottles } from "../../../src/emulators/graph/index.ts";
import { json, oauthTokenRoute, startEmulator, TokenIssuer } from "../../../src/emulators/kit/index.ts";
import { withRig } from "./harness.ts";

const PATCH_GROUP = "PATCH /v1.0/groups/:id";
const BATCH = "POST /v1.0/$batch";

describe("graph connector: group membership", () => {
  test("45 people: 3 $batch requests to enforce, 3 PATCH requests to exempt; both read back at once", async () => {
    await withRig({}, async ({ world, graph, hits }) => {
      const ids = world.scenario.people
        .filter((p) => !p.breakGlass)
        .slice(0, 45)
        .map((p) => p.id);
      await graph.targetAccess.enforce(ids);
      assert.equal(hits(BATCH), 3);
      assert.equal(hits("$batch DELETE /v1.0/groups/:id/members/:member/$ref"), 45);
      const exempt = await graph.targetAccess.listExempt();
      assert.ok(ids.every((id) => !exempt.has(id)));
      assert.equal((await world.ports.targetAccess.listExempt()).size, 60 - 45);

      await graph.targetAccess.exempt(ids);
      assert.equal(hits(PATCH_GROUP), 3);
      assert.equal(hits(BATCH), 3, "no fallback needed");
      assert.equal((await world.ports.targetAccess.listExempt()).size, 60);
    });
  });

  test("idempotent: exempting members already there, enforcing people already out, duplicates in the list", async () => {
    await withRig({}, async ({ world, graph, hits }) => {
      const people = world.scenario.people.filter((p) => !p.breakGlass);
      const ids = people.slice(0, 30).map((p) => p.id);
      // Everyone is in NYM at the start: the PATCH of 20 is refused whole, then added one $ref at a time.
      await graph.targetAccess.exempt([...ids, ids[0]!]);
      assert.equal(hits(PATCH_GROUP), 2);
      assert.equal(hits("$batch POST /v1.0/groups/:id/members/$ref"), 30);
      assert.equal((await world.ports.targetAccess.listExempt()).size, 60);

      await graph.targetAccess.enforce(ids.slice(0, 10));
      // Mixed: 10 out, 20 still in. The refused PATCHes fall back, and the 10 come back.
      await graph.targetAccess.exempt(ids);
      assert.equal((await world.ports.targetAccess.listExempt()).size, 60);

      await graph.targetAccess.enforce(ids);
      await graph.targetAccess.enforce(ids); // every DELETE answers 404: not a member = done
      assert.equal((await world.ports.targetAccess.listExempt()).size, 30);
      const unknown = "00000000-0000-4000-8000-00000000dead";
      await graph.targetAccess.exempt([unknown]); // a deleted user: skipped, not an error
      await graph.targetAccess.enforce([unknown]);
    });
  });

  test("a NYM group id that does not exist is an error, never mistaken for 'not a member'", async () => {
    const notYetMigratedGroupId = "00000000-0000-4000-8000-00000000beef";
    await withRig({ config: { notYetMigratedGroupId } }, async ({ world, graph }) => {
      const ids = world.scenario.people.slice(0, 3).map((p) => p.id);
      await assert.rejects(
        graph.targetAccess.enforce(ids),
        /refused to remove .* from the not-yet-migrated group: 404/,
      );
      await assert.rejects(
        graph.targetAccess.exempt(ids),
        /refused to change the not-yet-migrated group .*404/,
      );
      await assert.rejects(
        graph.targetAccess.listExempt(),
        /404 Not Found for GET \/groups\/00000000-0000-4000-8000-00000000beef\/members/,
      );
    });
  });

  test("inner 429s: the throttled removals are sent again after the Retry-After they carry", async () => {
    // The emulator allows 25 directory writes per 10 s; the connector's budget is the documented 3 000.
    const throttles = defaultGraphThrottles().map((r) =>
      r.scope === "identity" ? { ...r, writes: 25, writesWindowMs: 10_000 } : r,
    );
    await withRig({ throttles }, async ({ world, graph, emu, fake }) => {
      const ids = world.scenario.people
        .filter((p) => !p.breakGlass)
        .slice(0, 45)
        .map((p) => p.id);
      const start = world.clock.now();
      await graph.targetAccess.enforce(ids);
      assert.equal((await world.ports.targetAccess.listExempt()).size, 15);
      assert.ok(emu.stats.throttledByScope.identity! > 0);
      assert.equal(graph.client.http.stats.byScope.identity!.throttled, emu.stats.throttledByScope.identity);
      assert.ok(
        fake.calls.some((ms) => ms >= SECOND),
        "waited as the inner Retry-After said",
      );
      assert.ok(world.clock.now() - start >= 4 * SECOND);
    });
  });

  test("a directory-writes budget equal to the emulator's limit: no 429 at all", async () => {
    const throttles = defaultGraphThrottles().map((r) =>
      r.scope === "identity" ? { ...r, writes: 40, writesWindowMs: 10_000 } : r,
    );
    await withRig(
      { throttles, people: 200, deps: { identityWrites: { requests: 40, windowMs: 10_000 } } },
      async ({ world, graph, emu, hits }) => {
        const ids = world.scenario.people.filter((p) => !p.breakGlass).map((p) => p.id);
        const start = world.clock.now();
        await graph.targetAccess.enforce(ids);
        assert.equal(emu.stats.throttled, 0);
        assert.equal(hits(BATCH), 10, "200 people, 20 per request");
        assert.equal((await world.ports.targetAccess.listExempt()).size, 0);
        // 40 at once, then 4 per second: 160 more take 40 s.
        assert.equal(world.clock.now() - start, 40 * SECOND);
      },
    );
  });

  test("CA policy reads are paced at one per second: no 429 from the policy endpoints", async () => {
    await withRig({}, async ({ world, graph, emu }) => {
      const start = world.clock.now();
      for (let i = 0; i < 3; i++) {
        assert.equal((await graph.targetAccess.verifyPolicy()).problems.length, 0);
        assert.equal(await graph.sourceAccess!.policyEnabled(), true);
      }
      assert.equal(emu.stats.throttled, 0);
      assert.equal(emu.stats.byRoute["GET /v1.0/identity/conditionalAccess/policies/:id"]?.["200"], 6);
      assert.ok(world.clock.now() - start >= 5 * SECOND);
    });
  });

  test("legacy exclusion by UPN: a few names looked up 20 per $batch, a crowd through one directory listing", async () => {
    await withRig({ people: 300 }, async ({ world, graph, hits }) => {
      const upns = world.scenario.people.filter((p) => !p.breakGlass).map((p) => p.upn.toUpperCase());
      await graph.sourceAccess!.exclude(upns.slice(0, 30));
      assert.equal(hits("$batch GET /v1.0/users/:id"), 30);
      assert.equal(hits("GET /v1.0/users"), 0);
      await graph.sourceAccess!.exclude(upns.slice(30, 280));
      assert.equal(hits("$batch GET /v1.0/users/:id"), 30, "no more single lookups");
      assert.equal(hits("GET /v1.0/users"), 1, "302 users fit one page of 999");
      const excluded = await world.ports.sourceAccess.listExcluded();
      assert.ok(upns.slice(0, 280).every((u) => excluded.has(u.toLowerCase())));
      assert.equal(hits("PATCH /v1.0/groups/:id"), 2 + 13, "30, then 250, by 20");
    });
  });
});

describe("graph connector: $batch retries", () => {
  test("inner 424 and 503 are sent again (only those); a 404 on a removal is final", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5));
    const issuer = new TokenIssuer({ clock, random: seededRandom(1) });
    const seen: string[][] = [];
    const emu = await startEmulator({
      clock,
      random: seededRandom(2),
      routes: [
        oauthTokenRoute({
          path: "/t/oauth2/v2.0/token",
          issuer,
          clients: { app: { secret: "s" } },
          ttlSeconds: 3599,
        }),
        {
          method: "POST",
          path: "/v1.0/$batch",
          handler: (req) => {
            const requests = (req.body as { requests: { id: string }[] }).requests;
            seen.push(requests.map((r) => r.id));
            const first = seen.length === 1;
            return json({
              responses: requests.map((r) => ({
                id: r.id,
                status: first && r.id === "2" ? 424 : first && r.id === "3" ? 503 : r.id === "4" ? 404 : 204,
                headers: {},
              })),
            });
          },
        },
      ],
    });
    try {
      const fake = new FakeSleep(clock);
      const client = new GraphClient(
        {
          tenantId: "t",
          clientId: "app",
          clientSecret: "s",
          authorityBaseUrl: emu.url,
          graphBaseUrl: `${emu.url}/v1.0`,
          notYetMigratedGroupId: "g",
          targetPolicyId: "p",
        },
        { clock, sleep: fake.sleep, random: seededRandom(3) },
      );
      const results = await client.batch(
        ["1", "2", "3", "4"].map((id) => ({
          id,
          method: "DELETE" as const,
          url: `/groups/g/members/${id}/$ref`,
        })),
        { scope: "identity", writes: true },
      );
      assert.deepEqual(seen, [
        ["1", "2", "3", "4"],
        ["2", "3"],
      ]);
      assert.deepEqual([...results.values()].map((r) => [r.id, r.status]).sort(), [
        ["1", 204],
        ["2", 204],
        ["3", 204],
        ["4", 404],
      ]);
      assert.equal(fake.calls.length, 1, "one backoff between the two rounds");
    } finally {
      await emu.close();
    }
  });
});
