/**
 * API latency with 100,000 devices in the store, under load from a separate process, while a
 * wave runs: p50/p95/p99 of the dashboard, people search and portal endpoints.
 *
 * --engine separate-process (the default, as `ferry serve` runs it): `api-engine.ts` runs the
 * `ferry run --watch` loop in its own process on the same store, a pass every second.
 * --engine same-process: passes in the server's process (how `ferry serve` ran before).
 * --engine none: the API alone.
 *
 *   node --import tsx bench/api-latency.ts [--devices 100000] [--seconds 20] [--concurrency 4] [--engine separate-process|same-process|none] [--no-save]
 */
import { execFile, spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { HOUR, systemClock } from "../src/core/time.ts";
import { Engine } from "../src/engine/engine.ts";
import { Worker } from "../src/engine/worker.ts";
import { buildApp } from "../src/server/app.ts";
import { Accounts } from "../src/server/auth/accounts.ts";
import { createPortalLink, DEFAULT_PORTAL_LINK_TTL } from "../src/server/portal-links.ts";
import { PassRunner } from "../src/server/runner.ts";
import { secretsFromMasterKey } from "../src/server/secrets.ts";
import { openSqliteStore } from "../src/store/open.ts";
import { BENCH_DIR } from "./measure.ts";
import { Installation, seedStore } from "./synthetic.ts";
import { syntheticPorts } from "./synthetic-ports.ts";

const argv = process.argv.slice(2);
const save = !argv.includes("--no-save");
const args = new Map<string, string>();
const rest = argv.filter((a) => a !== "--no-save");
for (let i = 0; i < rest.length; i += 2) args.set(rest[i]!.replace(/^--/, ""), rest[i + 1] ?? "");
const devices = Number(args.get("devices") ?? 100_000);
const seconds = Number(args.get("seconds") ?? 20);
const concurrency = Number(args.get("concurrency") ?? 4);
const MODES = ["separate-process", "same-process", "none"] as const;
type Mode = (typeof MODES)[number];
const engineMode = (args.get("engine") ?? "separate-process") as Mode;
if (!MODES.includes(engineMode)) throw new Error(`--engine takes ${MODES.join(", ")}, got "${engineMode}"`);

const dir = mkdtempSync(join(tmpdir(), "ferry-api-bench-"));
const path = join(dir, "ferry.db");
(await openSqliteStore(path)).close();
const inst = new Installation(devices);
const seeded = seedStore(path, inst);
const store = await openSqliteStore(path);
const ports = syntheticPorts(inst);
const engine = new Engine(store, ports);
const worker = new Worker(store, ports, engine.settings);
// The engine's process (this one, or the child) runs the first pass — the cold one, which
// loads everything — before the load starts; later ones reuse the rows.
if (engineMode !== "separate-process") await engine.reconcile();

const secrets = secretsFromMasterKey(Buffer.alloc(32, 7));
const password = "Load-test-passphrase-42";
await new Accounts(store.db, 14).create(
  { username: "bench", role: "admin", password },
  ports.clock.now(),
  "bench",
);
// No engine in the API: as `ferry serve` builds it (the same-process loop below runs beside it).
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

// A wave runs meanwhile: an engine pass (and the worker) every second of real time.
let passes = 0;
let stopped = false;
let passLoop: Promise<void> = Promise.resolve();
let child: ReturnType<typeof spawn> | undefined;
let childExit: Promise<unknown> = Promise.resolve();
if (engineMode === "same-process") {
  const runner = new PassRunner(store.db, ports.clock, engine, worker);
  passLoop = (async () => {
    while (!stopped) {
      ports.clock.advance(HOUR);
      await runner.run();
      passes++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
} else if (engineMode === "separate-process") {
  child = spawn(
    process.execPath,
    ["--import", "tsx", join(BENCH_DIR, "api-engine.ts"), path, String(devices)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  childExit = new Promise((r) => child!.once("exit", r));
  let counting = false;
  let firstPass: () => void = () => undefined;
  const ready = new Promise<void>((r) => {
    firstPass = r;
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    let event: string | undefined;
    try {
      event = (JSON.parse(line) as { event?: string }).event;
    } catch {
      console.log(`engine: ${line}`);
    }
    if (event !== "pass") return;
    if (counting) passes++;
    else firstPass();
  });
  const started = performance.now();
  await ready;
  counting = true;
  console.log(
    `engine process: first (cold) pass and drain took ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

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
child?.kill("SIGTERM");
await childExit;
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
if (save) {
  mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
  writeFileSync(
    join(BENCH_DIR, "results", `api-${engineMode}${devices === 100_000 ? "" : `-${devices}`}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  appendFileSync(join(BENCH_DIR, "RESULTS.md"), markdown(result));
}

function markdown(r: typeof result): string {
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
  const where = {
    "separate-process":
      "engine in its own process (`ferry run --watch`, as `ferry serve` runs it), a pass every second",
    "same-process": "engine passes every second in the API's process",
    none: "no engine: the API alone",
  }[engineMode];
  return [
    "",
    `## ${r.date.slice(0, 10)} — api-latency (${engineMode})`,
    "",
    `\`${r.command}\` · Node ${r.machine.node} · ${r.machine.cpu}, ${r.machine.cores} cores · load average at end ${r.machine.loadavg.map((x) => x.toFixed(2)).join(" ")}`,
    "",
    `${r.devices.toLocaleString("en-GB")} devices, ${r.people.toLocaleString("en-GB")} people; ${where}; ${r.enginePassesDuringLoad} passes during the load; ${r.concurrencyPerEndpoint} concurrent loops per endpoint.`,
    "",
    "| endpoint | requests | errors | p50 | p95 | p99 |",
    "|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) => `| ${x.endpoint} | ${x.requests} | ${x.errors} | ${ms(x.p50)} | ${ms(x.p95)} | ${ms(x.p99)} |`,
    ),
    "",
  ].join("\n");
}
