/**
 * The demo through the real connectors and the vendors' emulators reaches the same end state
 * as in process, with and without 10% injected faults, and keeps never-both; faults cost a
 * bounded number of extra requests.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DemoResult, runDemo } from "../../src/demo/run.ts";

describe("the demo over HTTP", async () => {
  const base = { people: 150, seed: 4 };
  const inProcess = await runDemo({ ...base, transport: "in-process" });
  const http = await runDemo({ ...base, transport: "http", source: "workspace-one" });
  const faulty = await runDemo({ ...base, transport: "http", source: "workspace-one", faultRate: 0.1 });
  const ivanti = await runDemo({ ...base, transport: "http", source: "ivanti", faultRate: 0.1 });
  const endState = (r: DemoResult) => ({
    finished: r.finished,
    devices: r.report.devices,
    retired: r.report.sourceRetired,
  });

  it("reaches the same end state as in process", () => {
    assert.equal(inProcess.finished, true);
    assert.deepEqual(endState(http), endState(inProcess));
  });

  it("reaches it again with 10% of requests faulted, on Workspace ONE and on Ivanti", () => {
    assert.deepEqual(endState(faulty), endState(inProcess));
    assert.deepEqual(endState(ivanti), endState(inProcess));
    const faulted = Object.values(faulty.requests ?? {}).reduce((a, r) => a + r.faulted, 0);
    assert.ok(faulted > 50, `faults were injected (${faulted})`);
  });

  it("never puts anyone under both products' CA", () => {
    for (const r of [http, faulty, ivanti]) {
      assert.deepEqual(r.groundTruth.violations, []);
      assert.equal(r.report.invariantViolations, 0);
    }
  });

  it("keeps the requests bounded: faults add about what they cost, no retry storms", () => {
    const total = (r: DemoResult) => Object.values(r.requests ?? {}).reduce((a, x) => a + x.requests, 0);
    const clean = total(http);
    const withFaults = total(faulty);
    assert.ok(clean > 0);
    assert.ok(withFaults <= clean * 1.3, `${withFaults} requests with 10% faults vs ${clean} without`);
  });
});
