/**
 * The dependency rule of ARCHITECTURE.md, checked: each layer imports only the layers beneath
 * it, and no code in core, engine or world reads the system time.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const SRC = resolve(import.meta.dirname, "../src");

/** layer → the layers it may import (itself always allowed) */
const ALLOWED: Record<string, string[]> = {
  core: [],
  store: [],
  world: ["core"],
  engine: ["core", "store"],
  connectors: ["core"],
  emulators: ["core", "world"],
  server: ["core", "engine", "store", "notify"],
  notify: ["core"],
  wiring: ["core", "engine", "store", "notify", "connectors", "emulators", "world"],
  demo: ["core", "engine", "store", "world", "wiring", "connectors", "emulators"],
  cli: ["core", "engine", "store", "world", "demo", "connectors", "emulators", "server", "notify", "wiring"],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const sources = files(SRC).map((path) => ({
  path,
  layer: relative(SRC, path).split("/")[0]!,
  text: readFileSync(path, "utf8"),
}));

describe("architecture", () => {
  it("knows every layer", () => {
    for (const s of sources) assert.ok(s.layer in ALLOWED, `${relative(SRC, s.path)} is in no known layer`);
  });

  it("imports point inward only", () => {
    const broken: string[] = [];
    for (const s of sources) {
      for (const m of s.text.matchAll(/from\s+"(\.[^"]+)"/g)) {
        const target = relative(SRC, resolve(s.path, "..", m[1]!)).split("/")[0]!;
        if (target !== s.layer && !ALLOWED[s.layer]!.includes(target))
          broken.push(`${relative(SRC, s.path)} → ${m[1]}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it("core, engine and world never read the system time", () => {
    const offenders: string[] = [];
    for (const s of sources.filter((f) => ["core", "engine", "world", "emulators"].includes(f.layer))) {
      s.text.split("\n").forEach((line, i) => {
        const code = /^\s*(\*|\/\*)/.test(line) ? "" : line.replace(/\/\/.*$/, "");
        if (/Date\.now\(\)|new Date\(\s*\)|Math\.random\(\)/.test(code) && !code.includes("systemClock")) {
          offenders.push(`${relative(SRC, s.path)}:${i + 1}`);
        }
      });
    }
    assert.deepEqual(offenders, []);
  });
});
