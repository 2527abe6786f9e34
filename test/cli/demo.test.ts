/**
 * `ferry demo` from the command line, in both transports: in process (the default) and
 * `--http`, through the real connectors and the vendors' emulators. The two must agree.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";

const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");
const dir = mkdtempSync(join(tmpdir(), "ferry-demo-cli-"));
const demo = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [BIN, "demo", "--people", "60", "--seed", "3", "--json", ...args], {
      cwd: dir,
      encoding: "utf8",
    }),
  );

describe("ferry demo", () => {
  it("--http reaches the in-process end state, and says what each emulator received", () => {
    const inProcess = demo();
    const http = demo("--http");
    assert.equal(inProcess.requests, null, "in process, no HTTP requests are sent");
    assert.equal(http.finished, true);
    assert.equal(http.invariantViolations, 0);
    assert.deepEqual(http.devices, inProcess.devices);
    assert.ok(http.requests.graph.requests > 0, JSON.stringify(http.requests));
    assert.ok(http.requests["workspace-one"].requests > 0, JSON.stringify(http.requests));
  });
});
