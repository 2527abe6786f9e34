/**
 * `connection.kind: "vendors"`: the real CLI, as child processes, against Graph and Workspace
 * ONE emulators served from this process over one simulated organisation — the same HTTP an
 * installation sends to Microsoft and Omnissa. Children are run with async execFile: the
 * emulators answer from this test's event loop, which a synchronous spawn would block.
 *
 * The world's clock is simulated (2027) while Ferry uses the system clock here, so nothing
 * below asserts on what time decides.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type FleetEmulators, startFleetEmulators } from "../../src/wiring/fleet-connection.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { GRAPH_SECRET_ENV, graphSection } from "../support/vendors.ts";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");

let emulators: FleetEmulators;
let env: Record<string, string | undefined>;
let config: Record<string, unknown>;
let ticker: NodeJS.Timeout | undefined;

function installation(overrides: (c: Record<string, unknown>) => Record<string, unknown> = (c) => c): string {
  const dir = mkdtempSync(join(tmpdir(), "ferry-vendors-"));
  writeFileSync(join(dir, "ferry.json"), JSON.stringify(overrides(structuredClone(config)), null, 2));
  return dir;
}

async function ferry(dir: string, args: string[], childEnv = env): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: childEnv,
    encoding: "utf8",
  });
  return stdout;
}

async function fails(dir: string, args: string[], childEnv = env): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv, encoding: "utf8" });
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  assert.fail(`ferry ${args.join(" ")} succeeded`);
}

describe("ferry against real systems (connection.kind: vendors)", () => {
  before(async () => {
    const world = new SimulatedOrganisation({
      seed: 11,
      people: 30,
      start: Date.parse("2027-01-04T08:00:00Z"),
    });
    emulators = await startFleetEmulators(world, { seed: 11 });
    // The emulators' throttles (one CA policy request per second per tenant) count on the
    // world's clock, and the connectors wait out Retry-After in real time: let world time pass
    // as real time does, or a throttled request would never be let through.
    ticker = setInterval(() => world.advanceTo(world.clock.now() + 1_000), 250);
    const g = emulators.connection.graph;
    const ws1 = emulators.connection.workspaceOne;
    config = {
      database: "ferry.db",
      connection: {
        kind: "vendors",
        graph: { config: graphSection(g) },
        source: { vendor: "workspace-one", config: ws1.config },
      },
      breakGlass: g.breakGlassUpns,
      vips: [],
      domainMap: {},
    };
    env = { ...process.env, [GRAPH_SECRET_ENV]: g.clientSecret, ...ws1.env };
    delete env.DATABASE_URL;
    delete env.FERRY_SERVER;
  });

  after(async () => {
    clearInterval(ticker);
    await emulators?.close();
  });

  it("imports, lists readiness and completes a pass over the connectors", async () => {
    const dir = installation();
    const imported = JSON.parse(await ferry(dir, ["import", "--json"]));
    assert.ok(imported.people.added >= 30, JSON.stringify(imported));
    assert.ok(imported.devices.source > 0, JSON.stringify(imported));
    assert.deepEqual(
      [...imported.people.breakGlass].sort(),
      [...emulators.connection.graph.breakGlassUpns].sort(),
    );

    const readiness = JSON.parse(await ferry(dir, ["readiness", "--json"]));
    assert.ok(readiness.devices.length > 0);
    assert.ok(readiness.devices.every((d: { path: string }) => typeof d.path === "string"));

    const pass = JSON.parse(await ferry(dir, ["run", "--once", "--json"]));
    assert.equal(pass.passes, 1);
    assert.equal(pass.failed, 0);
  });

  it("checks a connection from ferry.json with `ferry connect`", async () => {
    const dir = installation();
    const verdict = JSON.parse(await ferry(dir, ["connect", "graph", "--json"]));
    assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));
    assert.equal(JSON.parse(await ferry(dir, ["connect", "workspace-one", "--json"])).ok, true);
  });

  it("writes a skeleton with `ferry init --vendors` whose unset secrets are named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ferry-vendors-init-"));
    const out = await ferry(dir, ["init", "--vendors", "jamf"]);
    assert.match(out, /FERRY_GRAPH_CLIENT_SECRET, FERRY_JAMF_CLIENT_SECRET/);
    const written = JSON.parse(readFileSync(join(dir, "ferry.json"), "utf8"));
    assert.equal(written.connection.kind, "vendors");
    assert.equal(written.connection.source.vendor, "jamf");
    const r = await fails(dir, ["import"]);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /FERRY_GRAPH_CLIENT_SECRET .*is not set/);
    assert.match(r.stderr, /FERRY_JAMF_CLIENT_SECRET is not set/);
  });

  it("refuses --for, which moves simulated time", async () => {
    const dir = installation();
    const r = await fails(dir, ["run", "--for", "1d"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--for moves simulated time.*real systems: use --once .* or --watch/);
  });

  it("keeps one engine process on SQLite", async () => {
    const r = await fails(installation(), ["serve", "--port", "1", "--workers", "2"]);
    assert.match(r.stderr, /--workers 2: this installation's database is SQLite/);
  });

  it("names a wrong vendor in one line", async () => {
    const dir = installation((c) => {
      (c.connection as { source: { vendor: string } }).source.vendor = "airwatch";
      return c;
    });
    const r = await fails(dir, ["import"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(
      r.stderr,
      /ferry\.json: .*"connection\.source\.vendor" must be one of workspace-one, jamf, ivanti, maas360 \(got "airwatch"\)/,
    );
  });

  it("names a field the connector refuses", async () => {
    const dir = installation((c) => {
      const source = (c.connection as { source: { config: Record<string, unknown> } }).source;
      source.config = { ...source.config, apiUrl: "not a url" };
      return c;
    });
    const r = await fails(dir, ["import"]);
    assert.match(r.stderr, /"connection\.source\.config\.apiUrl" must be/);
  });

  it("names a secret variable that is not set, in one line", async () => {
    const dir = installation();
    const missing = Object.keys(emulators.connection.workspaceOne.env)[0]!;
    const withoutSource = { ...env };
    delete withoutSource[missing];
    const r = await fails(dir, ["import"], withoutSource);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`environment variable ${missing} is not set`));
    const withoutGraph = { ...env };
    delete withoutGraph[GRAPH_SECRET_ENV];
    assert.match(
      (await fails(dir, ["import"], withoutGraph)).stderr,
      new RegExp(`"connection\\.graph\\.config": the environment variable ${GRAPH_SECRET_ENV} .*is not set`),
    );
  });
});
