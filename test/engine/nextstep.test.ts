import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MINUTE } from "../../src/core/time.ts";
import { nextCaStep } from "../../src/engine/decide-access.ts";
import { defaultEngineSettings } from "../../src/engine/settings.ts";
import type { PersonRow } from "../../src/store/schema.ts";

const now = 1_000_000_000;
const person = (p: Partial<PersonRow>) =>
  ({ ca_governance: "source", source_excluded_since: null, target_exempt_since: null, ...p }) as PersonRow;
const settle = defaultEngineSettings.caSettle;

describe("the next CA step", () => {
  it("leaves the source first", () =>
    assert.equal(nextCaStep(person({}), "target", now, defaultEngineSettings, true), "source-exclude"));
  it("waits for the exclusion to settle before enforcing", () => {
    const p = person({ ca_governance: "none", source_excluded_since: now - settle + MINUTE });
    assert.equal(nextCaStep(p, "target", now, defaultEngineSettings, true), undefined);
    assert.equal(
      nextCaStep({ ...p, source_excluded_since: now - settle }, "target", now, defaultEngineSettings, true),
      "target-enforce",
    );
  });
  it("never enforces without a confirmed exclusion", () => {
    assert.equal(
      nextCaStep(person({ ca_governance: "none" }), "target", now, defaultEngineSettings, true),
      undefined,
    );
  });
  it("holds enforcement while the Intune policy is not verified", () => {
    const p = person({ ca_governance: "none", source_excluded_since: now - settle });
    assert.equal(nextCaStep(p, "target", now, defaultEngineSettings, false), undefined);
  });
  it("stays in the grace window", () => {
    assert.equal(
      nextCaStep(
        person({ ca_governance: "none", source_excluded_since: 0 }),
        "none",
        now,
        defaultEngineSettings,
        true,
      ),
      undefined,
    );
  });
  it("walks back: Intune exemption first, then the source after settling", () => {
    assert.equal(
      nextCaStep(person({ ca_governance: "target" }), "source", now, defaultEngineSettings, true),
      "target-exempt",
    );
    const p = person({ ca_governance: "none", target_exempt_since: now - settle + 1 });
    assert.equal(nextCaStep(p, "source", now, defaultEngineSettings, true), undefined);
    assert.equal(
      nextCaStep({ ...p, target_exempt_since: now - settle }, "source", now, defaultEngineSettings, true),
      "source-include",
    );
  });
  it("repairs both toward the status quo", () => {
    assert.equal(
      nextCaStep(person({ ca_governance: "both" }), "target", now, defaultEngineSettings, true),
      "target-exempt",
    );
  });
});
