/**
 * GET /api/engine with engine processes elsewhere (`ferry serve --workers N`): each reports in
 * a row of its own, so none hides another, and only those heard from lately count as running.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MINUTE } from "../../src/core/time.ts";
import { type EngineLoopStatus, setEngineLoop } from "../../src/engine/meta.ts";
import { callers, emptyApp, json, type TestApp } from "./helpers.ts";

describe("engine status with several engine processes", () => {
  let t: TestApp;
  before(async () => {
    t = await emptyApp();
  });
  after(() => t.close());

  it("lists every loop, sums the live ones' workers, and is running while one is alive", async () => {
    const now = t.wall.now();
    const db = t.app.ferry.context.db;
    const loop = (pid: number, heartbeatAt: number, executed: number): EngineLoopStatus => ({
      pid,
      host: "engine-host",
      startedAt: now - 60 * MINUTE,
      heartbeatAt,
      intervalMs: 60_000,
      passStartedAt: null,
      passes: 10,
      worker: { executed, failed: 0, retried: 1 },
    });
    await setEngineLoop(db, loop(101, now - 5_000, 7));
    await setEngineLoop(db, loop(102, now - 10_000, 5));
    await setEngineLoop(db, loop(103, now - 30 * MINUTE, 100)); // silent: gone

    const { tokens } = await callers(t.app);
    const res = await t.app.inject(tokens.auditor.as({ method: "GET", url: "/api/engine" }));
    assert.equal(res.statusCode, 200, res.body);
    const engine = json<{
      running: boolean;
      worker: { executed: number; retried: number };
      loop: { pid: number };
      loops: { pid: number; alive: boolean }[];
    }>(res);
    assert.deepEqual(
      engine.loops.map((l) => [l.pid, l.alive]),
      [
        [101, true],
        [102, true],
        [103, false],
      ],
    );
    assert.equal(engine.loop.pid, 101, "the last to report");
    assert.deepEqual(engine.worker, { executed: 12, failed: 0, retried: 2 });
    assert.equal(engine.running, true);

    t.wall.advance(5 * MINUTE); // every loop falls silent
    const later = json<{ running: boolean; worker: unknown }>(
      await t.app.inject(tokens.auditor.as({ method: "GET", url: "/api/engine" })),
    );
    assert.equal(later.running, false);
    assert.equal(later.worker, null);
  });
});
