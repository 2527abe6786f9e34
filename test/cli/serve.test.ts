/**
 * `ferry serve` with its engine in a process of its own: the child runs passes the API
 * reports, answers "run a pass now", is started again when it dies, and is gone when the
 * server stops. Several engine processes on SQLite are refused, saying why.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiTokens } from "../../src/server/auth/api-tokens.ts";
import { alive, freePort, Installation, type Running, until } from "./installation.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests read API answers loosely
type Json = Record<string, any>;

describe("ferry serve", () => {
  let inst: Installation;
  let serve: Running;
  let url: string;
  let token: string;

  before(async () => {
    inst = Installation.create();
    inst.prepare();
    const store = await inst.store();
    ({ token } = await new ApiTokens(store.db).create(
      { name: "test", role: "admin", expiresAt: null },
      Date.now(),
      "test",
    ));
    await store.close();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    serve = inst.spawn("serve", "--port", String(port), "--interval", "10m");
  });
  after(async () => {
    await serve.stop();
    inst.remove();
  });

  async function api(method: "GET" | "POST", path: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Json };
  }
  const engine = async () => {
    try {
      return (await api("GET", "/api/engine")).body;
    } catch {
      return undefined; // not listening yet
    }
  };

  it("refuses several engine processes on SQLite, saying what to do", () => {
    const r = inst.spawnSync("serve", "--workers", "2", "--port", "1");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--workers 2: this installation's database is SQLite.*PostgreSQL/);
  });

  it("runs passes in a child process and reports them", async () => {
    const status = await until(
      "a pass by the engine process",
      async () => {
        const e = await engine();
        return e?.running && e.lastPassAt && e.loop?.passes >= 1 ? e : undefined;
      },
      90_000,
      () => serve.tail(),
    );
    assert.notEqual(status.loop.pid, serve.child.pid, "the engine is not the API's process");
    assert.ok(alive(status.loop.pid));
    assert.ok(status.worker.executed > 0, JSON.stringify(status));
    const dash = await api("GET", "/api/dashboard");
    assert.equal(dash.status, 200);
    assert.ok(dash.body.waves.length > 0);
    assert.equal(dash.body.funnel.devices.announced > 0, true, JSON.stringify(dash.body.funnel));
  });

  it('queues "run a pass now" for the engine process, which answers within seconds', async () => {
    const before = (await engine())!;
    const queued = await api("POST", "/api/engine/pass");
    assert.equal(queued.status, 202);
    assert.equal(queued.body.queued, "pass");
    assert.equal(queued.body.engineRunning, true);
    await until(
      "the requested pass",
      async () => {
        const e = await engine();
        return e && !e.passRequested && e.loop.passes > before.loop.passes ? e : undefined;
      },
      30_000,
      () => serve.tail(),
    );
  });

  it("starts the engine process again when it dies", async () => {
    const first = (await engine())!.loop.pid as number;
    process.kill(first, "SIGKILL");
    const next = await until(
      "a new engine process",
      async () => {
        const e = await engine();
        return e?.loop && e.loop.pid !== first && e.running && e.loop.heartbeatAt ? e : undefined;
      },
      90_000,
      () => serve.tail(),
    );
    assert.ok(alive(next.loop.pid));
    assert.ok(
      serve.lines.some((l) => /engine process exited .*restarting/.test(l)),
      serve.tail(),
    );
  });

  it("stops the engine process when it stops", async () => {
    const pid = (await engine())!.loop.pid as number;
    const exit = await serve.stop();
    assert.equal(exit.code, 0, serve.tail());
    assert.equal(alive(pid), false, `engine process ${pid} is still running`);
  });
});
