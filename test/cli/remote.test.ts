/**
 * `--server`: the same commands through the HTTP API print what they print on the local
 * store. Two identical installations (one copied from the other): local commands run on the
 * first, remote ones against a real server (buildApp, listening on a free port) over the
 * second, from a folder with no configuration at all. Then the errors a script meets.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Context, openContext } from "../../src/cli/context.ts";
import { systemClock } from "../../src/core/time.ts";
import { buildApp } from "../../src/server/app.ts";
import { ApiTokens } from "../../src/server/auth/api-tokens.ts";
import type { Role } from "../../src/server/roles.ts";
import { SECRETS } from "../server/helpers.ts";

const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");
const { FERRY_SERVER: _s, FERRY_TOKEN: _t, ...cleanEnv } = process.env;
const localDir = mkdtempSync(join(tmpdir(), "ferry-local-"));
const serverDir = mkdtempSync(join(tmpdir(), "ferry-served-"));
const elsewhere = mkdtempSync(join(tmpdir(), "ferry-nowhere-"));

interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Never spawnSync here: the server answers from this very process, whose loop must keep turning. */
function run(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, encoding: "utf8", env: { ...cleanEnv, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function ok(r: Promise<Ran>): Promise<string> {
  const { status, stdout, stderr } = await r;
  assert.equal(status, 0, `exit ${status}: ${stderr}`);
  return stdout;
}

const local = (...args: string[]) => ok(run(localDir, args));

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

describe("ferry --server: the CLI through the HTTP API", () => {
  let ctx: Context;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;
  const tokens = {} as Record<Role, string>;
  const remoteAs = (role: Role | undefined, ...args: string[]) =>
    run(elsewhere, ["--server", url, ...args], role ? { FERRY_TOKEN: tokens[role] } : {});
  /** The same command both ways (remotely as `role`): identical output, returned once. */
  const sameAs = async (role: Role, ...args: string[]) => {
    const [here, there] = await Promise.all([local(...args), ok(remoteAs(role, ...args))]);
    assert.equal(there, here, `ferry ${args.join(" ")}`);
    return here;
  };
  const same = (...args: string[]) => sameAs("operator", ...args);
  const sameJson = async (...args: string[]) => {
    const role: Role = args[0] === "audit" ? "auditor" : "operator";
    const [here, there] = await Promise.all([
      local(...args, "--json"),
      ok(remoteAs(role, ...args, "--json")),
    ]);
    assert.deepEqual(JSON.parse(there), JSON.parse(here), `ferry ${args.join(" ")} --json`);
    return JSON.parse(here) as unknown;
  };

  before(async () => {
    // A rehearsal with a mail gateway that has no API, so handover leaves manual tasks.
    execFileSync(
      process.execPath,
      [BIN, "init", "--people", "40", "--seed", "7", "--manual-gateway", "workspace-one-seg"],
      { cwd: localDir, env: cleanEnv },
    );
    await local("import");
    await local("plan", "--mode", "immediate");
    await local("wave", "start", "w0");
    await local("wave", "start", "w1");
    await local("run", "--for", "12d");
    // Tokens before the copy: creating one is audited, and both audit logs must stay alike.
    const seed = await openContext(join(localDir, "ferry.json"));
    for (const role of ["operator", "auditor", "helpdesk"] as const) {
      const created = await new ApiTokens(seed.store.db).create(
        { name: `${role}-token`, role, expiresAt: null },
        systemClock.now(),
        "test",
      );
      tokens[role] = created.token;
    }
    await seed.close();
    cpSync(localDir, serverDir, { recursive: true });

    ctx = await openContext(join(serverDir, "ferry.json"));
    app = await buildApp({
      store: ctx.store,
      clock: ctx.ports.clock,
      wallClock: systemClock,
      secrets: SECRETS,
      engine: ctx.engine,
      worker: ctx.worker,
      scryptLog2N: 10,
      retireSource: async () => ctx.simulation?.decommissionSource(),
      carryOutTask: async (task) => ctx.simulation?.carryOut(task),
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app?.close();
    await ctx?.close();
  });

  it("reads the same: status, waves, tasks, readiness, audit, retirement", async () => {
    assert.match(await same("status"), /Devices \(\d+\) at 2027-/);
    await sameJson("status");
    assert.match(await same("wave", "list"), /Pilot\s+handover/);
    await sameJson("wave", "list");
    await same("wave", "show", "w1");
    await sameJson("wave", "show", "w1");
    assert.match(await same("tasks"), /#1 {2}Exempt \d+ people from Workspace ONE Secure Email Gateway/);
    await sameJson("tasks");
    await same("readiness");
    await sameJson("readiness");
    await sameAs("auditor", "audit", "list", "--last", "30");
    await sameJson("audit", "list", "--last", "30");
    await same("retire");
  });

  it("changes the same: confirm a task, start, reschedule and roll back waves", async () => {
    const open = JSON.parse(await local("tasks", "--json")) as { id: number }[];
    assert.ok(open.length > 0);
    assert.equal(
      await same("tasks", "confirm", String(open[0]!.id), "--by", "alice"),
      `task ${open[0]!.id} confirmed by alice\n`,
    );
    await sameJson("tasks", "--all");
    assert.match(await same("wave", "start", "w2"), /scheduled: announcement 2027-/);
    await same("wave", "reschedule", "w2", "--at", "2027-02-01T08:00:00Z");
    assert.match(await same("wave", "rollback", "w0"), /^w0 rolled back/);
    assert.match(await same("wave", "list"), /Pilot\s+rolled-back/);
    await sameJson("wave", "list");
    await sameJson("status");
  });

  it("names the API's refusal: a missing token, a role without the right, a wrong id", async () => {
    const none = await remoteAs(undefined, "status");
    assert.equal(none.status, 1);
    assert.equal(none.stderr, `ferry: FERRY_TOKEN is missing or not accepted by ${url}\n`);
    const wrong = await run(elsewhere, ["--server", url, "wave", "list"], { FERRY_TOKEN: "ferry_wrong" });
    assert.equal(wrong.stderr, `ferry: FERRY_TOKEN is missing or not accepted by ${url}\n`);
    const auditor = await remoteAs("auditor", "wave", "start", "w2");
    assert.equal(auditor.status, 1);
    assert.equal(auditor.stderr, "ferry: your token's role (auditor) may not start waves\n");
    assert.equal(
      (await remoteAs("helpdesk", "status")).stderr,
      "ferry: your token's role (helpdesk) may not read the dashboard\n",
    );
    assert.equal((await remoteAs("operator", "wave", "show", "nope")).stderr, 'ferry: no wave "nope"\n');
  });

  it("says when Ferry cannot be reached, and never falls back to a local store", async () => {
    const closed = await closedPort();
    const down = await run(elsewhere, ["--server", `http://127.0.0.1:${closed}`, "wave", "list"], {
      FERRY_TOKEN: "x",
    });
    assert.equal(down.status, 1);
    assert.equal(
      down.stderr,
      `ferry: cannot reach Ferry at http://127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}\n`,
    );
    const report = await remoteAs("operator", "report");
    assert.equal(report.status, 1);
    assert.match(report.stderr, /ferry report cannot run against .* the API has no report route/);
    const plan = await run(localDir, ["plan"], { FERRY_SERVER: url, FERRY_TOKEN: tokens.operator });
    assert.equal(plan.status, 1);
    assert.match(
      plan.stderr,
      /ferry plan cannot run against .* \(FERRY_SERVER is set\): it works on the local store only/,
    );
    assert.match(await ok(run(elsewhere, ["--help"])), /FERRY_TOKEN/);
  });
});
