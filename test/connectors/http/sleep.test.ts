import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FakeSleep, realSleep } from "../../../src/connectors/http/sleep.ts";
import { ManualClock } from "../../../src/core/time.ts";

describe("FakeSleep", () => {
  test("concurrent sleeps wake in order of wake time, overlapping in fake time", async () => {
    const clock = new ManualClock(0);
    const fake = new FakeSleep(clock);
    const woke: Array<[number, number]> = [];
    await Promise.all(
      [3_000, 1_000, 2_000].map(async (ms) => {
        await fake.sleep(ms);
        woke.push([ms, clock.now()]);
      }),
    );
    assert.deepEqual(woke, [
      [1_000, 1_000],
      [2_000, 2_000],
      [3_000, 3_000],
    ]);
    assert.deepEqual(fake.calls, [3_000, 1_000, 2_000]);
    assert.equal(fake.total, 6_000);
  });

  test("an aborted sleep rejects with the signal's reason and does not move the clock", async () => {
    const clock = new ManualClock(0);
    const fake = new FakeSleep(clock);
    const controller = new AbortController();
    const p = fake.sleep(5_000, controller.signal);
    controller.abort(new Error("stop"));
    await assert.rejects(p, /stop/);
    await new Promise((r) => setImmediate(r));
    assert.equal(clock.now(), 0);
  });

  test("with `idle`, fake time waits until the system is idle", async () => {
    const clock = new ManualClock(0);
    let busy = true;
    const fake = new FakeSleep(clock, { idle: () => !busy });
    let done = false;
    const p = fake.sleep(1_000).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, false);
    assert.equal(clock.now(), 0);
    busy = false;
    await p;
    assert.equal(clock.now(), 1_000);
  });

  test("realSleep waits in wall time and can be aborted", async () => {
    await realSleep(5);
    await assert.rejects(realSleep(10_000, AbortSignal.timeout(5)), { name: "TimeoutError" });
  });
});
