/**
 * The command line as an administrator uses it, against a simulated organisation that lasts
 * across invocations: init → import → readiness → plan → wave start → run → report → retire.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");
const dir = mkdtempSync(join(tmpdir(), "ferry-cli-"));
const ferry = (...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });
const json = (...args: string[]) => JSON.parse(ferry(...args, "--json"));
const fails = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8" });

describe("ferry CLI, end to end", () => {
  it("refuses to work without a configuration, saying what to do", () => {
    const r = fails("status");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no configuration at .*ferry\.json: run `ferry init` first/);
  });

  it("initialises and imports", () => {
    assert.match(ferry("init", "--people", "80", "--seed", "5"), /wrote .*ferry\.json/);
    const imported = json("import");
    assert.equal(imported.people.added, 82);
    assert.deepEqual(imported.people.breakGlass.length, 2);
    assert.ok(imported.devices.source > 100);
  });

  it("shows readiness as a table and as JSON", () => {
    assert.match(ferry("readiness"), /self-service\s+\d+/);
    const r = json("readiness");
    assert.ok(r.devices.every((d: { path: string }) => typeof d.path === "string"));
    assert.equal(r.intuneSupportedOsAsOf, "2025-09-22");
  });

  it("plans drafts, rejects bad options with the flag named", () => {
    const bad = fails("plan", "--mode", "later");
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--mode takes immediate or grace, got "later"/);
    const plan = json("plan", "--mode", "immediate");
    assert.ok(plan.waves.length >= 2);
    assert.equal(plan.waves[0].pilot, true);
    assert.ok(json("wave", "list").every((w: { status: string }) => w.status === "draft"));
  });

  it("runs approved waves to the end and reports", () => {
    for (const w of json("wave", "list")) ferry("wave", "start", w.id);
    const run = json("run", "--for", "80d");
    assert.ok(run.passes > 100);
    assert.equal(run.failed, 0);
    const report = json("report");
    assert.ok(
      report.waves.every((w: { status: string }) => w.status === "complete"),
      JSON.stringify(report.waves),
    );
    assert.equal(report.invariantViolations, 0);
    assert.equal(report.devices.inSource + report.devices.limbo + report.devices.inBoth, 0);
  });

  it("retires the old product through its checklist", () => {
    assert.match(
      fails("retire", "--confirm", "subscription-cancelled").stderr,
      /--confirm needs --by <name>/,
    );
    ferry("retire", "--request", "--by", "alice");
    json("run", "--for", "1d");
    for (const item of ["connectors-disconnected", "final-report-exported", "subscription-cancelled"]) {
      ferry("retire", "--confirm", item, "--by", "alice");
    }
    const checklist = json("retire");
    assert.equal(checklist.retired, true, JSON.stringify(checklist.items));
    assert.equal(json("report").sourceRetired, true);
    assert.match(ferry("status"), /No alerts|Alerts/);
  });

  it("verifies the audit log", () => {
    assert.match(ferry("audit", "verify"), /audit log intact: \d+ entries, chain verified/);
    assert.match(ferry("audit", "list", "--last", "5"), /source-left|device-state|action-done|retire/);
  });
});

describe("ferry import --csv", () => {
  const csvDir = mkdtempSync(join(tmpdir(), "ferry-csv-"));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { cwd: csvDir, encoding: "utf8" });

  it("refuses a broken export, naming the line and column, and changes nothing", () => {
    assert.equal(run("init", "--people", "20").status, 0);
    writeFileSync(
      join(csvDir, "bad.csv"),
      "source_id,owner_upn,platform,ownership,os_version\nD-1,a@contoso.example,ios,personal,17.1\nD-2,b@contoso.example,blackberry,personal,10\n",
    );
    const r = run("import", "--csv", "bad.csv");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.csv cannot be imported \(nothing was imported\)/);
    assert.match(r.stderr, /line 3.*platform.*blackberry/i);
    assert.equal(
      JSON.parse(readFileSync(join(csvDir, "ferry.json"), "utf8")).connection.inventoryCsv,
      undefined,
    );
    assert.equal(JSON.parse(run("status", "--json").stdout).devices["in-source"], undefined);
  });

  it("imports a good export and keeps using it", () => {
    writeFileSync(
      join(csvDir, "devices.csv"),
      [
        "source_id,owner_upn,platform,mode,ownership,os_version,model,serial",
        "D-1,breakglass1@contoso.example,ios,,corporate,17.1,iPhone 15,F2LX1234ABCD",
        "D-2,someone.else@elsewhere.example,android,android-cope,corporate,14,Pixel 8,",
        "D-3,,windows,,corporate,10.0.22631,Latitude 7440,5CG1234XYZ",
      ].join("\n"),
    );
    const r = JSON.parse(run("import", "--csv", "devices.csv", "--json").stdout);
    assert.equal(r.devices.source, 3);
    assert.equal(
      JSON.parse(readFileSync(join(csvDir, "ferry.json"), "utf8")).connection.inventoryCsv,
      "devices.csv",
    );
    const readiness = JSON.parse(run("readiness", "--json").stdout);
    const paths = Object.fromEntries(
      readiness.devices.map((d: { id: string; path: string }) => [d.id, d.path]),
    );
    assert.deepEqual(paths, { "s-D-1": "admin-retire", "s-D-2": "no-owner", "s-D-3": "no-owner" });
  });
});
