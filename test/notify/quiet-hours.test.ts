import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iso } from "../../src/core/time.ts";
import { isQuiet, localTime, nextAllowedTime, zonedTimeToEpoch } from "../../src/notify/index.ts";

const utc = (s: string) => Date.parse(`${s}Z`);

describe("quiet hours", () => {
  it("defers 22:00 in Berlin to 07:00 local the next morning", () => {
    const at = utc("2026-01-15T21:00:00"); // 22:00 CET
    assert.ok(isQuiet(at, "Europe/Berlin"));
    assert.equal(iso(nextAllowedTime(at, "Europe/Berlin")), "2026-01-16T06:00:00.000Z");
  });

  it("defers the early morning to 07:00 the same day, and leaves the day alone", () => {
    assert.equal(
      iso(nextAllowedTime(utc("2026-01-16T05:30:00"), "Europe/Berlin")),
      "2026-01-16T06:00:00.000Z",
    );
    const day = utc("2026-01-16T06:00:00"); // 07:00 exactly: allowed
    assert.equal(nextAllowedTime(day, "Europe/Berlin"), day);
    const evening = utc("2026-01-16T18:59:00"); // 19:59: allowed
    assert.equal(nextAllowedTime(evening, "Europe/Berlin"), evening);
    assert.ok(isQuiet(utc("2026-01-16T19:00:00"), "Europe/Berlin")); // 20:00: quiet
  });

  it("ends the night at 07:00 summer time when the clocks go forward overnight (Berlin, 29 March 2026)", () => {
    const at = utc("2026-03-28T21:00:00"); // Saturday 22:00 CET
    const next = nextAllowedTime(at, "Europe/Berlin");
    assert.equal(iso(next), "2026-03-29T05:00:00.000Z"); // 07:00 CEST, not 08:00
    assert.deepEqual(localTime(next, "Europe/Berlin"), {
      year: 2026,
      month: 3,
      day: 29,
      hour: 7,
      minute: 0,
      second: 0,
    });
    assert.equal(next - at, 8 * 3_600_000, "the night is an hour shorter");
  });

  it("ends the night at 07:00 winter time when the clocks go back overnight (Berlin, 25 October 2026)", () => {
    const at = utc("2026-10-24T20:00:00"); // Saturday 22:00 CEST
    const next = nextAllowedTime(at, "Europe/Berlin");
    assert.equal(iso(next), "2026-10-25T06:00:00.000Z"); // 07:00 CET
    assert.equal(next - at, 10 * 3_600_000, "the night is an hour longer");
  });

  it("handles other zones' transitions: New York in March, Sydney in April", () => {
    // 2026-03-08: New York springs forward at 02:00
    assert.equal(
      iso(nextAllowedTime(utc("2026-03-08T03:00:00"), "America/New_York")),
      "2026-03-08T11:00:00.000Z",
    );
    // 2026-04-05: Sydney falls back from AEDT (+11) to AEST (+10)
    assert.equal(
      iso(nextAllowedTime(utc("2026-04-04T11:00:00"), "Australia/Sydney")),
      "2026-04-04T21:00:00.000Z",
    );
  });

  it("resolves a quiet end that falls in the spring gap or the autumn fold", () => {
    const q = { start: "22:00", end: "02:30" };
    // 02:30 does not exist in Berlin on 29 March 2026: the first moment after the gap is 03:30 CEST
    assert.equal(
      iso(nextAllowedTime(utc("2026-03-28T22:00:00"), "Europe/Berlin", q)),
      "2026-03-29T01:30:00.000Z",
    );
    // 02:30 happens twice on 25 October 2026: the first one (CEST) ends the night
    assert.equal(
      iso(nextAllowedTime(utc("2026-10-24T21:00:00"), "Europe/Berlin", q)),
      "2026-10-25T00:30:00.000Z",
    );
    assert.equal(
      iso(zonedTimeToEpoch({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, "Europe/Berlin")),
      "2026-10-25T00:30:00.000Z",
    );
  });

  it("supports a window that does not wrap midnight, none at all, and rejects nonsense", () => {
    const lunch = { start: "12:00", end: "13:30" };
    assert.equal(
      iso(nextAllowedTime(utc("2026-06-01T10:15:00"), "Europe/Berlin", lunch)),
      "2026-06-01T11:30:00.000Z",
    );
    const t = utc("2026-06-01T23:00:00");
    assert.equal(nextAllowedTime(t, "Europe/Berlin", { start: "00:00", end: "00:00" }), t);
    assert.throws(() => nextAllowedTime(t, "UTC", { start: "25:00", end: "07:00" }), /not a time of day/);
    assert.throws(() => nextAllowedTime(t, "UTC", { start: "8pm", end: "07:00" }), /HH:MM/);
  });

  it("reads an unknown zone as UTC", () => {
    assert.equal(iso(nextAllowedTime(utc("2026-01-15T21:00:00"), "Not/AZone")), "2026-01-16T07:00:00.000Z");
  });
});
