import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { iso, MINUTE } from "../../src/core/time.ts";
import {
  type CaLine,
  checkGroundTruth,
  checkGroundTruthFile,
  formatLine,
  type GroundTruthLine,
  GroundTruthWriter,
} from "../../src/world/ground-truth.ts";
import { START } from "./helpers.ts";

const at = (minutes: number) => iso(START + minutes * MINUTE);
const ca = (minutes: number, system: "source" | "target", person: string, enforced: boolean): CaLine => ({
  at: at(minutes),
  system,
  type: "ca",
  person,
  enforced,
});

/** A clean handover for two people: source off, then (later) target on. */
const CLEAN: GroundTruthLine[] = [
  ca(0, "source", "ann@contoso.example", true),
  ca(0, "source", "bob@contoso.example", true),
  ca(0, "target", "ann@contoso.example", false),
  ca(0, "target", "bob@contoso.example", false),
  {
    at: at(0),
    system: "source",
    type: "enrollment",
    device: "d-000001",
    person: "ann@contoso.example",
    enrolled: true,
  },
  { at: at(1), type: "email", person: "ann@contoso.example", template: "instructions" },
  ca(10, "source", "ann@contoso.example", false),
  ca(20, "target", "ann@contoso.example", true),
  {
    at: at(30),
    system: "source",
    type: "enrollment",
    device: "d-000001",
    person: "ann@contoso.example",
    enrolled: false,
  },
  {
    at: at(40),
    system: "target",
    type: "enrollment",
    device: "d-000001",
    person: "ann@contoso.example",
    enrolled: true,
  },
];

describe("the ground-truth checker", () => {
  it("is quiet on a clean log", () => {
    const report = checkGroundTruth(CLEAN);
    assert.deepEqual(report.violations, []);
    assert.equal(report.peopleChecked, 2);
    assert.equal(report.linesRead, CLEAN.length);
    assert.equal(report.emails, 1);
    assert.equal(report.devicesInBoth, 0);
    assert.deepEqual(report.outOfOrder, []);
  });

  it("catches a person enforced in both, with when it began and ended", () => {
    const lines = [
      ...CLEAN,
      ca(50, "target", "bob@contoso.example", true), // bob's source exclusion never happened
      ca(60, "source", "bob@contoso.example", false),
      ca(70, "source", "bob@contoso.example", true), // a rollback in the wrong order
      ca(75, "target", "bob@contoso.example", false),
    ];
    assert.deepEqual(checkGroundTruth(lines).violations, [
      { at: at(50), person: "bob@contoso.example", until: at(60) },
      { at: at(70), person: "bob@contoso.example", until: at(75) },
    ]);
  });

  it("reports an overlap still open at the end of the log, and one made by the initial lines", () => {
    const lines = [ca(0, "source", "cy@contoso.example", true), ca(0, "target", "cy@contoso.example", true)];
    assert.deepEqual(checkGroundTruth(lines).violations, [
      { at: at(0), person: "cy@contoso.example", until: null },
    ]);
  });

  it("treats UPNs case-insensitively", () => {
    const lines = [
      ca(0, "source", "Dee@Contoso.example", true),
      ca(5, "target", "dee@contoso.example", true),
    ];
    assert.equal(checkGroundTruth(lines).violations.length, 1);
  });

  it("counts devices seen in both systems, lines out of time order, malformed lines and break-glass enforcement", () => {
    const lines: unknown[] = [
      { at: at(5), system: "target", type: "enrollment", device: "d-1", person: null, enrolled: true },
      { at: at(4), system: "source", type: "enrollment", device: "d-1", person: null, enrolled: true },
      { at: at(6), system: "elsewhere", type: "ca", person: "x", enforced: true },
      { hello: "world" },
      ca(7, "target", "breakglass1@contoso.example", true),
    ];
    const report = checkGroundTruth(lines as GroundTruthLine[], {
      breakGlassUpns: ["BreakGlass1@contoso.example"],
    });
    assert.equal(report.devicesInBoth, 1);
    assert.deepEqual(report.outOfOrder, [{ line: 2, at: at(4) }]);
    assert.equal(report.malformed.length, 2);
    assert.deepEqual(report.breakGlassEnforced, [
      { at: at(7), person: "breakglass1@contoso.example", system: "target" },
    ]);
  });

  it("streams a JSON-lines file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-gt-"));
    const file = join(dir, "truth.jsonl");
    const lines = [...CLEAN, ca(50, "target", "bob@contoso.example", true)];
    writeFileSync(file, `${lines.map(formatLine).join("\n")}\n\nnot json\n`);
    const report = await checkGroundTruthFile(file);
    assert.deepEqual(report.violations, [{ at: at(50), person: "bob@contoso.example", until: null }]);
    assert.equal(report.linesRead, lines.length + 1);
    assert.deepEqual(report.malformed, [{ line: lines.length + 1, reason: "not JSON" }]);
  });
});

describe("the ground-truth writer", () => {
  it("writes the exact field names in order", () => {
    const out: string[] = [];
    const writer = new GroundTruthWriter((l) => out.push(formatLine(l)));
    writer.ca(START, "source", "ann@contoso.example", true);
    writer.enrollment(START, "target", "d-000001", undefined, false);
    writer.email(START, "ann@contoso.example", "blocked");
    assert.deepEqual(out, [
      `{"at":"${at(0)}","system":"source","type":"ca","person":"ann@contoso.example","enforced":true}`,
      `{"at":"${at(0)}","system":"target","type":"enrollment","device":"d-000001","person":null,"enrolled":false}`,
      `{"at":"${at(0)}","type":"email","person":"ann@contoso.example","template":"blocked"}`,
    ]);
    assert.equal(writer.linesWritten, 3);
  });
});
