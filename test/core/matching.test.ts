import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normaliseIdentifier, normaliseIdentifiers } from "../../src/core/identifiers.ts";
import { DeviceMatcher, type MatchCandidate } from "../../src/core/matching.ts";

const candidates: MatchCandidate[] = [
  {
    id: "a",
    platform: "ios",
    personId: "p1",
    model: "iPhone 15",
    identifiers: { serial: "F2LXK0ABCD12", imei: "356789101234567" },
  },
  {
    id: "b",
    platform: "android",
    personId: "p2",
    model: "Pixel 8",
    identifiers: { imei: "490154203237518", wifiMac: "A4C3F0112233" },
  },
  {
    id: "c",
    platform: "android",
    personId: "p3",
    model: "Galaxy S24",
    identifiers: { wifiMac: "00155D0A0B0C" },
  },
  { id: "d", platform: "ios", personId: "p4", model: "iPhone 14", identifiers: {} }, // User Enrollment: nothing reported
  {
    id: "e",
    platform: "windows",
    personId: "p5",
    model: "Latitude 7440",
    identifiers: { serial: "5CG1234XYZ" },
  },
  {
    id: "f",
    platform: "ios",
    personId: "p6",
    model: "iPhone 13",
    identifiers: { udid: "00008110-001A2B3C4D5E801E".replace("-", "") },
  },
];

describe("identifiers", () => {
  it("normalises case and separators", () => {
    assert.equal(normaliseIdentifier("a4:c3:f0:11:22:33"), "A4C3F0112233");
    assert.equal(normaliseIdentifier("35 678910 123456 7"), "356789101234567");
    assert.equal(normaliseIdentifier("a4-c3-f0-11-22-33"), "A4C3F0112233");
  });
  it("treats placeholders as absent", () => {
    assert.equal(normaliseIdentifier(""), undefined);
    assert.equal(normaliseIdentifier("Unknown"), undefined);
    assert.equal(normaliseIdentifier(null), undefined);
    assert.deepEqual(normaliseIdentifiers({ serial: "0", imei: " " }), {});
  });
});

describe("matching", () => {
  it("matches by serial within the platform family", () => {
    const m = new DeviceMatcher(candidates);
    assert.deepEqual(
      m.take({ platform: "ios", personId: undefined, model: "x", identifiers: { serial: "F2LXK0ABCD12" } }),
      {
        deviceId: "a",
        rule: "serial",
      },
    );
  });
  it("does not match a serial across platform families", () => {
    const m = new DeviceMatcher(candidates);
    assert.equal(
      m.take({ platform: "android", personId: undefined, model: "x", identifiers: { serial: "5CG1234XYZ" } }),
      undefined,
    );
  });
  it("falls back to IMEI, then MAC, then UDID", () => {
    const m = new DeviceMatcher(candidates);
    assert.equal(
      m.take({
        platform: "android",
        personId: undefined,
        model: "x",
        identifiers: { imei: "490154203237518" },
      })?.rule,
      "imei",
    );
    assert.equal(
      m.take({
        platform: "android",
        personId: undefined,
        model: "x",
        identifiers: { wifiMac: "00155D0A0B0C" },
      })?.rule,
      "wifiMac",
    );
    assert.deepEqual(
      m.take({
        platform: "ios",
        personId: undefined,
        model: "x",
        identifiers: { udid: candidates[5]!.identifiers.udid },
      }),
      {
        deviceId: "f",
        rule: "udid",
      },
    );
  });
  it("matches owner + model when no identifier is reported", () => {
    const m = new DeviceMatcher(candidates);
    assert.deepEqual(m.take({ platform: "ios", personId: "p4", model: "iPhone 14 ", identifiers: {} }), {
      deviceId: "d",
      rule: "person-model",
    });
  });
  it("never pairs owner + model when identifiers contradict", () => {
    const m = new DeviceMatcher(candidates);
    // p1's new iPhone 15 with another serial is a different device (a replacement).
    assert.equal(
      m.take({ platform: "ios", personId: "p1", model: "iPhone 15", identifiers: { serial: "OTHER123" } }),
      undefined,
    );
  });
  it("never matches one device twice", () => {
    const m = new DeviceMatcher(candidates);
    assert.ok(
      m.take({ platform: "windows", personId: undefined, model: "x", identifiers: { serial: "5CG1234XYZ" } }),
    );
    assert.equal(
      m.take({
        platform: "windows",
        personId: "p5",
        model: "Latitude 7440",
        identifiers: { serial: "5CG1234XYZ" },
      }),
      undefined,
    );
  });
});
