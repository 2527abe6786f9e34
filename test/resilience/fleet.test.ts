/**
 * Worker processes on one PostgreSQL, at CI size (bench/crash.ts and bench/faults.ts run the
 * same at full size). A parent process hosts the simulated organisation and its emulators; the
 * workers are separate node processes (src/wiring/worker-process.ts) that reach the
 * organisation only over HTTP, as an installation does. Every run is checked from the
 * organisation's ground-truth log, and compared with one uninterrupted one-worker run of
 * the same seed:
 *
 * - crashes: the worker SIGKILLed at seeded points (in passes, in drains, between an e-mail's
 *   send and its record) and restarted each time;
 * - three workers, one killed for good mid-drain: its leases expire and the others take its
 *   actions over; no action ever runs in two workers at once;
 * - faults: 15% of requests to every emulator fail in every way the kit knows, real-time
 *   timeouts and slow responses included; the requests stay within the stated bound.
 *
 * PostgreSQL only (several processes on one store): scripts/test.sh runs this file in its
 * PostgreSQL phase, and it fails rather than skips without FERRY_TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY } from "../../src/core/time.ts";
import {
  allFaults,
  compareEndStates,
  type FleetOptions,
  type FleetResult,
  planKills,
  requestBound,
  runFleet,
} from "../../src/demo/fleet.ts";
import { dropTestStore, newStoreLocation, TEST_DATABASE_URL } from "../support/store.ts";

if (!TEST_DATABASE_URL) {
  throw new Error(
    "test/resilience runs worker processes on one PostgreSQL: set FERRY_TEST_DATABASE_URL (scripts/test.sh does)",
  );
}

async function run(options: Omit<FleetOptions, "databaseUrl" | "schema">): Promise<FleetResult> {
  const location = newStoreLocation();
  if ("sqlite" in location) throw new Error("unreachable: PostgreSQL is configured");
  try {
    return await runFleet({ ...options, databaseUrl: location.url, schema: location.schema });
  } finally {
    await dropTestStore(location);
  }
}

const requests = (r: FleetResult) => Object.values(r.requests).reduce((a, x) => a + x.requests, 0);

describe("worker processes on one PostgreSQL", async () => {
  // One pass a simulated day keeps CI quick; the full-size benchmarks pass twice a day.
  const base = { people: 100, seed: 3, tick: DAY };
  const baseline = await run(base);

  const KILLS = 8;
  const RATE = 0.15;
  // The three runs are independent (a world, emulators and a schema each): side by side they
  // overlap their waits on PostgreSQL and on process start-up.
  const [crashed, three, faulty] = await Promise.all([
    run({
      ...base,
      kills: planKills({
        count: KILLS,
        seed: 11,
        from: 1,
        to: baseline.ticks - 2,
        responsesPerTick: requests(baseline) / baseline.ticks,
        tickMs: baseline.wallMs / baseline.ticks,
      }),
    }),
    run({
      ...base,
      workers: 3,
      restart: false,
      // Worker 2 dies as it starts its second action of a tick in the first waves' handover:
      // the rest of its claimed batch is left running under its lease.
      kills: [{ tick: 6, slot: 1, trigger: { after: "actions", n: 2 } }],
    }),
    run({
      ...base,
      faults: allFaults(RATE, { holdMs: 600, slowMs: 40 }),
      connectorTimeoutMs: 300,
    }),
  ]);

  it("the uninterrupted run finishes the campaign and keeps never-both", () => {
    assert.equal(baseline.end.finished, true);
    assert.ok(baseline.end.devices.migrated > 100, `${baseline.end.devices.migrated} devices migrated`);
    assert.deepEqual(baseline.groundTruthViolations, []);
    assert.equal(baseline.storeViolations, 0);
    assert.deepEqual(baseline.tickErrors, []);
    assert.equal(baseline.truth.duplicateEmails, 0);
  });

  it("crashes: SIGKILLed and restarted, the worker reaches the same end state, never-both held", (t) => {
    const midSend = crashed.kills.filter((k) => k.midSend).length;
    t.diagnostic(
      `${crashed.kills.length} kills (${midSend} mid-send), ${crashed.truth.duplicateEmails} duplicate e-mails, ` +
        `${requests(crashed)} requests vs ${requests(baseline)}, ${Math.round(crashed.wallMs)} ms vs ${Math.round(baseline.wallMs)} ms`,
    );
    assert.equal(crashed.kills.length, KILLS, "every planned kill landed");
    assert.deepEqual(crashed.groundTruthViolations, []);
    assert.equal(crashed.storeViolations, 0);
    assert.deepEqual(compareEndStates(baseline.end, crashed.end), []);
    assert.ok(
      crashed.truth.duplicateEmails <= midSend,
      `${crashed.truth.duplicateEmails} duplicate e-mails, ${midSend} kills landed mid-send`,
    );
    // What a dead worker held was finished by its successor once the lease expired.
    const held = crashed.kills.flatMap((k) => k.takeovers);
    assert.ok(held.length > 0, "some kill landed while the worker held actions");
    for (const h of held) assert.equal(h.status, "done", `action ${h.id} held by a dead worker`);
    assert.deepEqual(crashed.overlaps, []);
  });

  it("three workers: one killed for good, its leases are taken over, no action runs twice at once", (t) => {
    const [kill] = three.kills;
    assert.ok(kill, "the kill landed");
    assert.equal(three.kills.length, 1);
    assert.ok(kill.held.length >= 1, "the dead worker held the action it had started");
    for (const h of kill.takeovers) {
      assert.equal(h.status, "done", `action ${h.id}`);
      assert.ok(h.by && h.by !== kill.workerId, `action ${h.id} taken over by ${h.by}`);
    }
    assert.deepEqual(three.overlaps, []);
    const perWorker: Record<string, number> = {};
    for (const runs of three.executions.values())
      for (const w of runs) perWorker[w] = (perWorker[w] ?? 0) + 1;
    t.diagnostic(`actions executed per worker: ${JSON.stringify(perWorker)}`);
    // Both survivors did a share of the work; every wave completed.
    for (const w of ["worker-1.1", "worker-3.1"])
      assert.ok((perWorker[w] ?? 0) > 20, `${w} executed actions`);
    assert.ok(three.end.waves.every((w) => w.status === "complete"));
    assert.deepEqual(three.tickErrors, [], "no pass failed (passes serialise on the advisory lock)");
    assert.deepEqual(three.groundTruthViolations, []);
    assert.equal(three.storeViolations, 0);
    assert.deepEqual(compareEndStates(baseline.end, three.end), []);
    assert.ok(three.truth.duplicateEmails <= (kill.midSend ? 1 : 0));
  });

  it(`faults: with ${RATE * 100}% of requests faulted the same end state, within the stated requests`, (t) => {
    const kinds = faulty.faultKinds;
    t.diagnostic(
      `${requests(faulty)} requests vs ${requests(baseline)} fault-free (bound ${requestBound(requests(baseline), RATE)}); faults ${JSON.stringify(kinds)}`,
    );
    for (const k of [
      "500",
      "503",
      "429",
      "429-bare",
      "reset",
      "truncate",
      "malformed-json",
      "timeout",
      "slow",
    ])
      assert.ok((kinds[k] ?? 0) > 0, `${k} injected`);
    assert.deepEqual(faulty.groundTruthViolations, []);
    assert.equal(faulty.storeViolations, 0);
    assert.deepEqual(compareEndStates(baseline.end, faulty.end), []);
    assert.equal(faulty.truth.duplicateEmails, 0);
    assert.ok(requests(faulty) <= requestBound(requests(baseline), RATE));
  });
});
