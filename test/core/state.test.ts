import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type DeviceFacts, deriveState, isMigrated, isSettled } from "../../src/core/device-state.ts";
import { deriveGovernance } from "../../src/engine/governance.ts";

const base: DeviceFacts = {
  source: "enrolled",
  target: undefined,
  unenrollRequested: false,
  excluded: undefined,
  retired: undefined,
};

describe("device state derivation", () => {
  const cases: [Partial<DeviceFacts>, string][] = [
    [{}, "in-source"],
    [{ unenrollRequested: true }, "unenroll-requested"],
    [{ source: "retire-pending" }, "unenroll-requested"],
    [{ source: "absent" }, "limbo"],
    [{ source: "absent", target: "unknown" }, "in-target"],
    [{ source: "absent", target: "compliant" }, "compliant"],
    [{ source: "absent", target: "noncompliant" }, "noncompliant"],
    [{ target: "compliant" }, "in-both"],
    [{ source: "retire-pending", target: "unknown" }, "in-both"],
    // A retire the device will never pick up (unheard of past the staleness limit): a leftover.
    [{ source: "retire-pending", target: "compliant", sourceLeftover: true }, "compliant"],
    [{ source: "retire-pending", sourceLeftover: true }, "unenroll-requested"],
    [{ excluded: "unsupported-os" }, "excluded"],
    [{ excluded: "unsupported-os", source: "absent", target: "compliant" }, "compliant"],
    [{ retired: "lost", target: "compliant" }, "retired"],
  ];
  for (const [facts, expected] of cases) {
    it(`${JSON.stringify(facts)} → ${expected}`, () =>
      assert.equal(deriveState({ ...base, ...facts }), expected));
  }
  it("settled and migrated sets", () => {
    assert.ok(isMigrated("noncompliant"));
    assert.ok(!isMigrated("limbo"));
    assert.ok(isSettled("excluded") && isSettled("retired") && isSettled("compliant"));
    assert.ok(!isSettled("in-both") && !isSettled("unenroll-requested"));
  });
});

describe("CA governance derivation", () => {
  const on = { sourcePolicyEnabled: true, targetPolicyEnabled: true, breakGlass: false };
  it("source only while excluded from neither side's change", () =>
    assert.equal(deriveGovernance({ ...on, sourceExcluded: false, targetExempt: true }), "source"));
  it("none in the grace window", () =>
    assert.equal(deriveGovernance({ ...on, sourceExcluded: true, targetExempt: true }), "none"));
  it("target after enforcement", () =>
    assert.equal(deriveGovernance({ ...on, sourceExcluded: true, targetExempt: false }), "target"));
  it("both is detected", () =>
    assert.equal(deriveGovernance({ ...on, sourceExcluded: false, targetExempt: false }), "both"));
  it("break-glass is never under Intune CA", () =>
    assert.equal(
      deriveGovernance({ ...on, breakGlass: true, sourceExcluded: true, targetExempt: false }),
      "none",
    ));
  it("a disabled source policy governs nobody", () =>
    assert.equal(
      deriveGovernance({ ...on, sourcePolicyEnabled: false, sourceExcluded: false, targetExempt: false }),
      "target",
    ));
});
