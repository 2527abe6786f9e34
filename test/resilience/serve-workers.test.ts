/**
 * `ferry serve --workers 2` on PostgreSQL against real systems (`connection.kind: "vendors"`):
 * the real CLI, as child processes, over Graph and Workspace ONE emulators served from this
 * process. Two engine processes share one installation's schema (named by the URL's
 * `?schema=`): both run passes, the wave's actions are executed, none twice, and the server
 * stops them both when it stops.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import { type FleetEmulators, startFleetEmulators } from "../../src/wiring/fleet-connection.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { dropTestStore, newStoreLocation, TEST_DATABASE_URL } from "../support/store.ts";
import { GRAPH_SECRET_ENV, graphSection } from "../support/vendors.ts";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("ferry serve --workers 2 on PostgreSQL, against real systems", () => {
  if (!TEST_DATABASE_URL) throw new Error("FERRY_TEST_DATABASE_URL is not set: this suite needs PostgreSQL");
  const location = newStoreLocation();
  if (!("url" in location)) throw new Error("unreachable: a PostgreSQL location");
  let emulators: FleetEmulators;
  let world: SimulatedOrganisation;
  let ticker: NodeJS.Timeout | undefined;
  let serve: ChildProcess | undefined;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const db = new pg.Client({ connectionString: location.url });

  const ferry = async (args: string[]) =>
    (await run(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: "utf8" })).stdout;
  const rows = async <T extends pg.QueryResultRow>(text: string) =>
    (await db.query<T>(text.replaceAll("$schema", location.schema))).rows;

  before(async () => {
    world = new SimulatedOrganisation({ seed: 13, people: 40, start: Date.parse("2027-01-04T08:00:00Z") });
    emulators = await startFleetEmulators(world, { seed: 13 });
    // Throttles count on the world's clock; connectors wait out Retry-After in real time.
    ticker = setInterval(() => world.advanceTo(world.clock.now() + 1_000), 250);
    const g = emulators.connection.graph;
    dir = mkdtempSync(join(tmpdir(), "ferry-serve-workers-"));
    writeFileSync(
      join(dir, "ferry.json"),
      JSON.stringify({
        database: "unused.db",
        connection: {
          kind: "vendors",
          graph: { config: graphSection(g) },
          source: { vendor: "workspace-one", config: emulators.connection.workspaceOne.config },
        },
        breakGlass: g.breakGlassUpns,
        vips: [],
        domainMap: {},
      }),
    );
    env = {
      ...process.env,
      ...emulators.connection.workspaceOne.env,
      [GRAPH_SECRET_ENV]: g.clientSecret,
      DATABASE_URL: `${location.url}?schema=${location.schema}`,
    };
    delete env.FERRY_SERVER;
    await db.connect();
  });

  after(async () => {
    serve?.kill("SIGKILL");
    clearInterval(ticker);
    await db.end();
    await emulators?.close();
    await dropTestStore(location);
  });

  it("runs both engine processes on the installation's schema, each action once", async () => {
    const imported = JSON.parse(await ferry(["import", "--json"]));
    assert.ok(imported.people.added >= 40);
    const [{ n }] = (await rows<{ n: number }>("select count(*)::int as n from $schema.people")) as [
      { n: number },
    ];
    assert.equal(n, imported.people.added + imported.people.updated, "people land in the ?schema= schema");
    const plan = JSON.parse(await ferry(["plan", "--json"]));
    const pilot = plan.waves.find((w: { pilot: boolean }) => w.pilot);
    await ferry(["wave", "start", pilot.id]);

    const port = await freePort();
    serve = spawn(
      process.execPath,
      [BIN, "serve", "--port", String(port), "--workers", "2", "--interval", "2s"],
      {
        cwd: dir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    serve.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    serve.stderr?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((done) => serve?.once("exit", (code) => done(code)));

    // Until both engines have passed, something was done, and nothing is ready or running.
    const passed = (engine: string) =>
      out.split("\n").some((l) => l.includes(`"engine":"${engine}"`) && l.includes('"msg":"engine pass"'));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [state] = await rows<{ done: number; busy: number }>(
        `select count(*) filter (where status = 'done')::int as done,
                count(*) filter (where status = 'running' or (status = 'pending' and not_before <= ${Date.now()}))::int as busy
           from $schema.actions`,
      );
      if (passed("engine-1") && passed("engine-2") && state!.done > 0 && state!.busy === 0) break;
      if (Date.now() > deadline)
        assert.fail(`not settled in 120 s: ${JSON.stringify(state)}\n${out.slice(-3000)}`);
      await sleep(500);
    }

    serve.kill("SIGTERM");
    assert.equal(await exited, 0, out.slice(-3000));
    serve = undefined;

    const done = await rows<{ action: string; actor: string }>(
      `select data::json->>'actionId' as action, actor from $schema.audit where kind = 'action-done'`,
    );
    const ids = done.map((d) => d.action);
    assert.equal(new Set(ids).size, ids.length, "no action recorded done twice");
    assert.ok(
      done.every((d) => /^worker@.+:\d+$/.test(d.actor)),
      "workers named by host and pid",
    );
    assert.equal(world.truth().duplicateEmails, 0);
    const [{ failed }] = (await rows<{ failed: number }>(
      "select count(*)::int as failed from $schema.actions where status = 'failed'",
    )) as [{ failed: number }];
    assert.equal(failed, 0);
  });
});
