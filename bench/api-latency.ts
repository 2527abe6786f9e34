/**
 * API latency with 100,000 devices in the store, under load from a separate process, while a
 * wave runs (engine passes every second in the server's process): p50/p95/p99 of the
 * dashboard, people search and portal endpoints.
 *
 *   node --import tsx bench/api-latency.ts [--devices 100000] [--seconds 20] [--concurrency 4] [--engine same-process|none]
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HOUR, systemClock } from "../src/core/time.ts";
import { Engine } from "../src/engine/engine.ts";
import { Worker } from "../src/engine/worker.ts";
import { buildApp } from "../src/server/app.ts";
import { Accounts } from "../src/server/auth/accounts.ts";
import { createPortalLink, DEFAULT_PORTAL_LINK_TTL } from "../src/server/portal-links.ts";
import { secretsFromMasterKey } from "../src/server/secrets.ts";
import { openSqliteStore } from "../src/store/open.ts";
import { BENCH_DIR } from "./measure.ts";
import { Installation, seedStore } from "./synthetic.ts";
import { syntheticPorts } from "./synthetic-ports.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1] ?? "");
const devices = Number(args.get("devices") ?? 100_000);
const seconds = Number(args.get("seconds") ?? 20);
const concurrency = Number(args.get("concurrency") ?? 4);
/** "same-process" (default: `ferry serve` today), or "none" to measure the API alone */
const engineMode = args.get("engine") ?? "same-process";

const dir = mkdtempSync(join(tmpdir(), "ferry-api-bench-"));
const path = join(dir, "ferry.db");
(await openSqliteStore(path)).close();
const inst = new Installation(devices);
const seeded = seedStore(path, inst);
const store = await openSqliteStore(path);
const ports = syntheticPorts(inst);
const engine = new Engine(store, ports);
const worker = new Worker(store, ports, engine.settings);
await engine.reconcile(); // the first pass loads everything; later ones reuse the rows

const secrets = secretsFromMasterKey(Buffer.alloc(32, 7));
const password = "Load-test-passphrase-42";
await new Accounts(store.db, 14).create(
  { username: "bench", role: "admin", password },
  ports.clock.now(),
  "bench",
);
const app = await buildApp({ store, clock: ports.clock, wallClock: systemClock, secrets, scryptLog2N: 14 });
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

const login = await fetch(`${url}/api/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username: "bench", password }),
});
const cookie = login.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
const person = await store.db
  .selectFrom("people")
  .select("id")
  .where("break_glass", "=", 0)
  .offset(1234)
  .limit(1)
  .executeTakeFirstOrThrow();
const portalToken = createPortalLink(person.id, ports.clock.now(), DEFAULT_PORTAL_LINK_TTL, secrets);

// A wave runs meanwhile: one engine pass (and the worker) every second of real time.
let passes = 0;
let stopped = false;
const passLoop = (async () => {
  while (!stopped && engineMode === "same-process") {
    ports.clock.advance(HOUR);
    await engine.reconcile();
    await worker.drain();
    passes++;
    await new Promise((r) => setTimeout(r, 1000));
  }
})();

const targets = [
  { name: "dashboard", path: "/api/dashboard", headers: { cookie } },
  { name: "people search", path: "/api/people?q=user{n}&pageSize=50", headers: { cookie } },
  { name: "portal", path: "/api/portal/me", headers: { "x-portal-token": portalToken } },
];
const { stdout } = await promisify(execFile)(
  process.execPath,
  [
    "--import",
    "tsx",
    join(BENCH_DIR, "api-load.ts"),
    url,
    JSON.stringify(targets),
    String(seconds),
    String(concurrency),
  ],
  { maxBuffer: 256 * 1024 * 1024 },
);
stopped = true;
await passLoop;
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

const load = JSON.parse(stdout) as Record<
  string,
  { latencies: number[]; errors: number; statuses: Record<string, number> }
>;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const rows = Object.entries(load).map(([name, r]) => {
  const s = [...r.latencies].sort((a, b) => a - b);
  return {
    endpoint: name,
    requests: s.length,
    errors: r.errors,
    perSecond: Math.round(s.length / seconds),
    p50: Number(pct(s, 50).toFixed(1)),
    p95: Number(pct(s, 95).toFixed(1)),
    p99: Number(pct(s, 99).toFixed(1)),
  };
});
const result = {
  date: new Date().toISOString(),
  command: `node --import tsx bench/api-latency.ts --devices ${devices} --seconds ${seconds} --concurrency ${concurrency} --engine ${engineMode}`,
  engine: engineMode,
  machine: { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg() },
  devices,
  people: inst.people,
  seedMs: Math.round(seeded.insertMs + seeded.checkpointMs),
  enginePassesDuringLoad: passes,
  concurrencyPerEndpoint: concurrency,
  rows,
};
console.table(rows);
console.log(
  `${passes} engine passes ran during the load; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
writeFileSync(join(BENCH_DIR, "results", `api-${engineMode}.json`), `${JSON.stringify(result, null, 2)}\n`);
