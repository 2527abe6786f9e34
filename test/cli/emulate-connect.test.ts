/**
 * `ferry emulate <vendor>` serves a vendor API over a simulated organisation; `ferry connect`
 * checks sign-in and every permission against it — for each vendor, and with a wrong secret.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as wait } from "node:timers/promises";

const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");
const dir = mkdtempSync(join(tmpdir(), "ferry-emulate-"));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill("SIGTERM");
});

async function emulate(vendor: string): Promise<string> {
  const settings = join(dir, `${vendor}.json`);
  const child = spawn(process.execPath, [BIN, "emulate", vendor, "--people", "20", "--settings", settings], {
    stdio: "ignore",
  });
  children.push(child);
  for (let i = 0; i < 100 && !existsSync(settings); i++) await wait(100);
  assert.ok(existsSync(settings), `${vendor} emulator wrote its settings`);
  return settings;
}

const connect = (vendor: string, settings: string) =>
  spawnSync(process.execPath, [BIN, "connect", vendor, "--settings", settings, "--json"], {
    encoding: "utf8",
  });

describe("ferry emulate + ferry connect", () => {
  for (const vendor of ["graph", "workspace-one", "jamf", "ivanti", "maas360"]) {
    it(`${vendor}: ready, every permission checked`, async () => {
      const r = connect(vendor, await emulate(vendor));
      assert.equal(r.status, 0, r.stderr);
      const verdict = JSON.parse(r.stdout);
      assert.equal(verdict.ok, true);
      assert.ok(verdict.checks.length >= 3);
      assert.ok(verdict.checks.every((c: { ok: boolean }) => c.ok));
    });
  }

  it("a wrong secret is reported, in words, with a non-zero exit", async () => {
    const settings = await emulate("graph");
    const wrong = JSON.parse(readFileSync(settings, "utf8"));
    wrong.env.FERRY_GRAPH_CLIENT_SECRET = "not-the-secret";
    const path = join(dir, "wrong.json");
    writeFileSync(path, JSON.stringify(wrong));
    const r = connect("graph", path);
    assert.equal(r.status, 1);
    const verdict = JSON.parse(r.stdout);
    assert.equal(verdict.ok, false);
    assert.match(JSON.stringify(verdict), /AADSTS7000215|invalid_client|secret/i);
  });
});
