/** ferry.json's validation: each problem named with its field, all at once. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/cli/config.ts";

function configFile(extra: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), "ferry-config-")), "ferry.json");
  const base = {
    database: "ferry.db",
    connection: { kind: "simulated", seed: 1, people: 10, start: "2027-01-04T08:00:00Z" },
  };
  writeFileSync(path, JSON.stringify({ ...base, ...extra }));
  return path;
}

describe("ferry.json: timeZones", () => {
  it("accepts IANA zones by office location and a default", () => {
    const { config } = loadConfig(
      configFile({ timeZones: { default: "Europe/London", byLocation: { Sydney: "Australia/Sydney" } } }),
    );
    assert.deepEqual(config.timeZones, {
      default: "Europe/London",
      byLocation: { Sydney: "Australia/Sydney" },
    });
  });

  it("names every zone it does not know, with its field", () => {
    const path = configFile({
      timeZones: { default: "Europe/Londn", byLocation: { Sydney: "AEST", Oslo: 1 } },
    });
    assert.throws(
      () => loadConfig(path),
      (e: Error) =>
        /"timeZones\.default" must be an IANA time zone such as "Europe\/London" \(got "Europe\/Londn"\)/.test(
          e.message,
        ) &&
        /"timeZones\.byLocation\.Sydney" .*\(got "AEST"\)/.test(e.message) &&
        /"timeZones\.byLocation\.Oslo" .*\(got 1\)/.test(e.message),
    );
    assert.throws(() => loadConfig(configFile({ timeZones: "UTC" })), /"timeZones" must be \{/);
  });
});
