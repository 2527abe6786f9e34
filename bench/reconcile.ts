/**
 * One reconcile pass over 10k, 100k and 1M devices, on SQLite (the default) or PostgreSQL
 * (`--db postgres`: a fresh schema per run in FERRY_BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, dropped afterwards).
 *
 * Each size runs in a child process of its own (a fresh heap; its peak memory is its own):
 *   1. open a SQLite store in a temp dir (openSqliteStore: WAL, migrations) and seed the
 *      synthetic installation into it (synthetic.ts: prepared statements, one transaction);
 *   2. cold pass: a new Engine, so WorkingSet.load reads every wave, person and device;
 *   3. warm pass: reconcile() again on the same Engine (rows reused from memory), same clock;
 *   4. reload pass: a new Engine over the now reconciled store, as after a restart: load cost
 *      with nothing left to decide.
 * Each pass reports wall time, its phases (observe, load, apply, decide, commit), query
 * totals, peak RSS (kernel high-water mark, reset before the pass), sampled peak heap, heap
 * retained after a full GC, and what it wrote (actions, audit entries by kind).
 *
 *   node --import tsx bench/reconcile.ts --sizes 10000          (prints; saves nothing)
 *   npm run bench -- reconcile --sizes 10000,100000 --runs 3  (prints and saves)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { Engine, type PassSummary } from "../src/engine/engine.ts";
import { observe } from "../src/engine/observe.ts";
import { WorkingSet } from "../src/engine/working-set.ts";
import { openPostgresStore, openSqliteStore, type Store } from "../src/store/open.ts";
import {
  argValue,
  BENCH_DIR,
  type ChildOutcome,
  collectGarbage,
  fastRowsPlugin,
  fmtInt,
  fmtMiB,
  fmtMs,
  MemoryProbe,
  median,
  mib,
  type PassPhases,
  Profiler,
  phases,
  QueryTimer,
  round,
  runChild,
  summariseProfile,
  table,
} from "./measure.ts";
import { Installation, type SeedStats, seedPostgres, seedStore } from "./synthetic.ts";
import { type PortCalls, type SyntheticPorts, syntheticPorts } from "./synthetic-ports.ts";

export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];

export type BenchDb = "sqlite" | "postgres";

/** The PostgreSQL server `--db postgres` uses: each run makes its own schema there and drops it. */
export const BENCH_DATABASE_URL =
  process.env.FERRY_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs per size unless --runs says otherwise: a few where cheap, one at 1M. */
export function defaultRuns(size: number): number {
  return size <= 100_000 ? 3 : 1;
}

export interface PassResult {
  wallMs: number;
  /** user + system CPU time of the process during the pass (GC threads included): less noisy than wall time on a shared machine */
  cpuMs: number;
  phases: PassPhases | undefined;
  summary: PassSummary;
  queries: { category: string; count: number; ms: number }[];
  rssBeforeMiB: number;
  peakRssMiB: number;
  /** sampled every 20 ms and after queries: a floor, the loop is blocked during long synchronous steps */
  peakHeapUsedMiB: number;
  peakHeapTotalMiB: number;
  /** heap still used after the pass and a full GC: what the Engine keeps (its row cache) */
  retainedHeapMiB: number;
  actionsByKind: Record<string, number>;
  auditByKind: Record<string, number>;
  profile?: ReturnType<typeof summariseProfile> & { file: string };
}

export interface HeapBreakdown {
  /** observe(): both inventories' records and the CA read-backs */
  observationsMiB: number;
  /** the people table as rows (Kysely selectAll) */
  peopleRowsMiB: number;
  /** the devices table as rows */
  deviceRowsMiB: number;
  /** WorkingSet.load: every row plus its maps */
  workingSetMiB: number;
  bytesPerSourceRecord: number;
  bytesPerPersonRow: number;
  bytesPerDeviceRow: number;
}

export interface ReconcileRun {
  size: number;
  /** the store's database (absent in results from before --db existed: SQLite) */
  db?: BenchDb;
  people: number;
  seed: SeedStats & { openMs: number };
  devicesByState: Record<string, number>;
  sourceRecords: number;
  targetRecords: number;
  cold: PassResult;
  warm: PassResult;
  reload: PassResult;
  /** peak RSS while opening and seeding the store, before the first pass (MiB) */
  setupPeakRssMiB: number;
  /** the child's peak RSS over its whole life, seeding included (MiB) */
  processPeakRssMiB: number;
  dbBytesAfter: number;
  portCalls: PortCalls;
  /** --breakdown: heap retained by each part of a pass's data (after a full GC) */
  heapBreakdown?: HeapBreakdown;
  /** the synthetic installation's self-checks; empty when store and ports agreed */
  problems: string[];
  /** 1-minute load average before seeding and after the last pass: the machine is shared */
  loadAverage: { before: number; after: number };
  heapLimitMiB: number;
}

export interface ReconcileSize {
  size: number;
  runs: ReconcileRun[];
  failures: Omit<ChildOutcome<ReconcileRun>, "result" | "ok">[];
  median?: {
    seedMs: number;
    cold: number;
    warm: number;
    reload: number;
    coldCpu: number;
    warmCpu: number;
    reloadCpu: number;
    coldPhases: PassPhases | undefined;
    coldPeakRssMiB: number;
    warmPeakRssMiB: number;
    reloadPeakRssMiB: number;
    coldPeakHeapMiB: number;
    retainedHeapMiB: number;
    processPeakRssMiB: number;
  };
}

export interface ReconcileOptions {
  sizes: number[];
  /** runs per size; default defaultRuns(size) */
  runs?: number;
  /** --max-old-space-size for the children (MiB); default: node's own limit */
  heapMiB?: number;
  /** more node flags for the children, e.g. ["--max-semi-space-size=64"] (GC experiments) */
  nodeArgs?: string[];
  /** write a CPU profile of each pass to bench/profiles/ and summarise it */
  profile?: boolean;
  /** before the passes, measure the heap that observations, people rows and device rows retain */
  breakdown?: boolean;
  /** experiment: the engine's store copies every result row into a plain object (measure.ts fastRowsPlugin) */
  fastRows?: boolean;
  /** the store's database; default SQLite */
  db?: BenchDb;
}

export interface ReconcileResult {
  bench: "reconcile";
  options: ReconcileOptions;
  sizes: ReconcileSize[];
}

// --- the parent ---------------------------------------------------------------------------

export async function benchReconcile(
  options: ReconcileOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<ReconcileResult> {
  const sizes: ReconcileSize[] = [];
  for (const size of options.sizes) {
    const runs = options.runs ?? defaultRuns(size);
    const entry: ReconcileSize = { size, runs: [], failures: [] };
    for (let r = 1; r <= runs; r++) {
      log(`reconcile ${fmtInt(size)} devices: run ${r}/${runs}`);
      const args = [
        "--child",
        "--size",
        String(size),
        ...(options.profile ? ["--profile"] : []),
        ...(options.breakdown ? ["--breakdown"] : []),
        ...(options.fastRows ? ["--fast-rows"] : []),
        ...(options.db === "postgres" ? ["--db", "postgres"] : []),
      ];
      const nodeArgs = [
        ...(options.heapMiB ? [`--max-old-space-size=${options.heapMiB}`] : []),
        ...(options.nodeArgs ?? []),
      ];
      const outcome = await runChild<ReconcileRun>("reconcile.ts", args, nodeArgs);
      if (outcome.ok && outcome.result) {
        entry.runs.push(outcome.result);
        const c = outcome.result;
        log(
          `  seed ${fmtMs(c.seed.insertMs)}, cold ${fmtMs(c.cold.wallMs)}, warm ${fmtMs(c.warm.wallMs)}, ` +
            `reload ${fmtMs(c.reload.wallMs)}, peak RSS ${fmtMiB(c.processPeakRssMiB)}` +
            (c.problems.length ? `; PROBLEMS: ${c.problems.join("; ")}` : ""),
        );
      } else {
        const { result: _r, ok: _o, ...failure } = outcome;
        entry.failures.push(failure);
        log(
          `  FAILED (exit ${outcome.exitCode}, signal ${outcome.signal}, peak RSS seen ${fmtMiB(outcome.polledPeakRssMiB)}): ${outcome.reason}`,
        );
      }
    }
    if (entry.runs.length > 0) {
      const m = (f: (r: ReconcileRun) => number) => round(median(entry.runs.map(f)), 1);
      const mid = [...entry.runs].sort((a, b) => a.cold.wallMs - b.cold.wallMs)[
        Math.floor(entry.runs.length / 2)
      ]!;
      entry.median = {
        seedMs: m((r) => r.seed.insertMs + r.seed.checkpointMs),
        cold: m((r) => r.cold.wallMs),
        warm: m((r) => r.warm.wallMs),
        reload: m((r) => r.reload.wallMs),
        coldCpu: m((r) => r.cold.cpuMs),
        warmCpu: m((r) => r.warm.cpuMs),
        reloadCpu: m((r) => r.reload.cpuMs),
        coldPhases: mid.cold.phases,
        coldPeakRssMiB: m((r) => r.cold.peakRssMiB),
        warmPeakRssMiB: m((r) => r.warm.peakRssMiB),
        reloadPeakRssMiB: m((r) => r.reload.peakRssMiB),
        coldPeakHeapMiB: m((r) => r.cold.peakHeapUsedMiB),
        retainedHeapMiB: m((r) => r.warm.retainedHeapMiB),
        processPeakRssMiB: m((r) => r.processPeakRssMiB),
      };
    }
    sizes.push(entry);
  }
  return { bench: "reconcile", options, sizes };
}

/** The tables run.ts prints and appends to RESULTS.md. */
export function formatReconcile(result: ReconcileResult): string {
  const main = table(
    [
      "devices",
      "people",
      "runs",
      "seed",
      "cold pass (CPU)",
      "warm pass (CPU)",
      "reload pass (CPU)",
      "cold peak RSS",
      "warm peak RSS",
      "heap kept",
      "process peak RSS",
    ],
    result.sizes.map((s) => {
      const m = s.median;
      const runs = `${s.runs.length}${s.failures.length ? ` (+${s.failures.length} failed)` : ""}`;
      if (!m)
        return [fmtInt(s.size), "–", runs, "–", "FAILED", "–", "–", "–", "–", "–", fmtMiB(maxPolled(s))];
      return [
        fmtInt(s.size),
        fmtInt(s.runs[0]!.people),
        runs,
        fmtMs(m.seedMs),
        `${fmtMs(m.cold)} (${fmtMs(m.coldCpu)})`,
        `${fmtMs(m.warm)} (${fmtMs(m.warmCpu)})`,
        `${fmtMs(m.reload)} (${fmtMs(m.reloadCpu)})`,
        fmtMiB(m.coldPeakRssMiB),
        fmtMiB(m.warmPeakRssMiB),
        fmtMiB(m.retainedHeapMiB),
        fmtMiB(m.processPeakRssMiB),
      ];
    }),
  );
  const phaseRows = result.sizes
    .filter((s) => s.runs.length > 0)
    .flatMap((s) => {
      const mid = [...s.runs].sort((a, b) => a.cold.wallMs - b.cold.wallMs)[Math.floor(s.runs.length / 2)]!;
      return (["cold", "warm", "reload"] as const).map((label) => {
        const p = mid[label];
        const ph = p.phases;
        return [
          fmtInt(s.size),
          label,
          fmtMs(p.wallMs),
          fmtMs(ph?.observe),
          fmtMs(ph?.load),
          fmtMs(ph?.apply),
          fmtMs(ph?.decide),
          fmtMs(ph?.commit),
          fmtInt(p.summary.actionsQueued),
          fmtInt(Object.values(p.auditByKind).reduce((a, b) => a + b, 0)),
        ];
      });
    });
  const phasesTable = table(
    [
      "devices",
      "pass",
      "wall",
      "observe",
      "load",
      "apply",
      "decide",
      "commit",
      "actions queued",
      "audit rows",
    ],
    phaseRows,
  );
  const failures = result.sizes
    .flatMap((s) =>
      s.failures.map(
        (f) =>
          `- ${fmtInt(s.size)} devices: exit ${f.exitCode}, signal ${f.signal}, peak RSS seen ${fmtMiB(f.polledPeakRssMiB)}: ` +
          (f.reason || "no error message"),
      ),
    )
    .join("\n");
  const problems = result.sizes
    .flatMap((s) => s.runs.flatMap((r) => r.problems.map((p) => `- ${fmtInt(s.size)} devices: ${p}`)))
    .join("\n");
  return [
    main,
    "",
    "Phases (the median run by cold wall time):",
    "",
    phasesTable,
    ...(failures ? ["", "Failed runs:", failures] : []),
    ...(problems ? ["", "Self-check problems:", problems] : []),
  ].join("\n");
}

function maxPolled(s: ReconcileSize): number {
  return Math.max(0, ...s.failures.map((f) => f.polledPeakRssMiB));
}

// --- the child ----------------------------------------------------------------------------

async function countsSince(
  store: Store,
  table: "actions" | "audit",
  afterId: number,
): Promise<Record<string, number>> {
  const rows = await store.db
    .selectFrom(table)
    .select(["kind", sql<number>`count(*)`.as("n")])
    .where("id", ">", afterId)
    .groupBy("kind")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

async function maxId(store: Store, table: "actions" | "audit"): Promise<number> {
  const row = await store.db
    .selectFrom(table)
    .select(sql<number>`coalesce(max(id), 0)`.as("m"))
    .executeTakeFirstOrThrow();
  return Number(row.m);
}

/**
 * Heap (after a full GC) retained by each part of a pass's data: each part is kept alive while
 * the next is added, so every figure is a difference between two live heaps.
 */
async function heapBreakdown(
  store: Store,
  inst: Installation,
  ports: SyntheticPorts,
): Promise<HeapBreakdown> {
  const heap = () => {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };
  const held: unknown[] = [];
  const h0 = heap();
  const obs = await observe(ports, true);
  held.push(obs);
  const h1 = heap();
  const people = await store.db.selectFrom("people").selectAll().execute();
  held.push(people);
  const h2 = heap();
  const devices = await store.db.selectFrom("devices").selectAll().execute();
  held.push(devices);
  const h3 = heap();
  const records = obs.source.length + obs.target.length;
  const peopleCount = people.length;
  held.length = 0;
  const h4 = heap();
  held.push(await WorkingSet.load(store.db, inst.now));
  const h5 = heap();
  held.length = 0;
  heap();
  return {
    observationsMiB: mib(h1 - h0),
    peopleRowsMiB: mib(h2 - h1),
    deviceRowsMiB: mib(h3 - h2),
    workingSetMiB: mib(h5 - h4),
    bytesPerSourceRecord: Math.round((h1 - h0) / Math.max(1, records)),
    bytesPerPersonRow: Math.round((h2 - h1) / Math.max(1, peopleCount)),
    bytesPerDeviceRow: Math.round((h3 - h2) / inst.devices),
  };
}

async function runOne(
  size: number,
  profile: boolean,
  breakdown: boolean,
  fastRows: boolean,
  scratch: string | undefined,
  dbKind: BenchDb,
): Promise<ReconcileRun> {
  const say = (l: string) => process.stderr.write(`  [${fmtInt(size)}] ${l}\n`);
  // Under the parent's scratch dir when run as a child: the parent removes it even after a crash.
  const dir = mkdtempSync(join(scratch ?? tmpdir(), "store-"));
  const path = join(dir, "store.db");
  // One schema per run (the child's pid keeps concurrent runs apart), dropped in `finally`.
  const schema = `bench_reconcile_${process.pid}`;
  const postgres = dbKind === "postgres";
  const probe = new MemoryProbe();
  probe.start();
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  try {
    const inst = new Installation(size);
    const t0 = performance.now();
    if (postgres) await dropSchema(schema);
    const store = postgres
      ? await openPostgresStore(BENCH_DATABASE_URL, { schema })
      : await openSqliteStore(path);
    const openMs = performance.now() - t0;
    say(`seeding (${dbKind})`);
    const seed = postgres ? await seedPostgres(BENCH_DATABASE_URL, schema, inst) : seedStore(path, inst);
    say(
      `seeded in ${fmtMs(seed.insertMs)} (+${fmtMs(seed.checkpointMs)} checkpoint), ${mib(seed.dbBytes)} MiB`,
    );
    const byState = await store.db
      .selectFrom("devices")
      .select(["state", sql<number>`count(*)`.as("n")])
      .groupBy("state")
      .execute();
    const ports = syntheticPorts(inst);
    const timer = new QueryTimer(() => probe.maybeSample());
    const db = fastRows ? store.db.withPlugin(fastRowsPlugin) : store.db;
    const timed: Store = { ...store, db: db.withPlugin(timer) };
    const profilesDir = join(BENCH_DIR, "profiles");

    const pass = async (label: "cold" | "warm" | "reload", engine: Engine): Promise<PassResult> => {
      collectGarbage();
      const auditFrom = await maxId(store, "audit");
      const actionsFrom = await maxId(store, "actions");
      const rssBefore = mib(process.memoryUsage().rss);
      const profiler = profile ? new Profiler() : undefined;
      await profiler?.start();
      timer.reset();
      probe.reset();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const summary = await engine.reconcile();
      const end = performance.now();
      const cpuUsed = process.cpuUsage(cpu0);
      const peakRssMiB = probe.peakRssMiB();
      const file = join(profilesDir, `reconcile-${size}-${label}.cpuprofile`);
      if (profiler) mkdirSync(profilesDir, { recursive: true });
      const cpuProfile = profiler ? await profiler.stop(file) : undefined;
      const result: PassResult = {
        wallMs: round(end - start, 1),
        cpuMs: round((cpuUsed.user + cpuUsed.system) / 1000, 1),
        phases: roundPhases(phases(timer.events, start, end, ports.lastReadAt)),
        summary,
        queries: [...timer.totals.entries()]
          .map(([category, t]) => ({ category, count: t.count, ms: round(t.ms, 1) }))
          .sort((a, b) => b.ms - a.ms),
        rssBeforeMiB: rssBefore,
        peakRssMiB,
        peakHeapUsedMiB: mib(probe.peakHeapUsed),
        peakHeapTotalMiB: mib(probe.peakHeapTotal),
        retainedHeapMiB: collectGarbage() ? mib(process.memoryUsage().heapUsed) : Number.NaN,
        actionsByKind: await countsSince(store, "actions", actionsFrom),
        auditByKind: await countsSince(store, "audit", auditFrom),
        ...(cpuProfile ? { profile: { ...summariseProfile(cpuProfile), file } } : {}),
      };
      say(
        `${label}: ${fmtMs(result.wallMs)} (CPU ${fmtMs(result.cpuMs)}), ${summary.actionsQueued} actions, peak RSS ${fmtMiB(peakRssMiB)}` +
          (result.phases
            ? ` (observe ${fmtMs(result.phases.observe)}, load ${fmtMs(result.phases.load)}, apply ${fmtMs(result.phases.apply)}, decide ${fmtMs(result.phases.decide)}, commit ${fmtMs(result.phases.commit)})`
            : ""),
      );
      return result;
    };

    const setupPeakRssMiB = probe.peakRssMiB(); // opening, seeding, the state count: before any reset
    let heap: HeapBreakdown | undefined;
    if (breakdown) {
      say("measuring the heap breakdown");
      heap = await heapBreakdown(store, inst, ports);
      say(`heap breakdown: ${JSON.stringify(heap)}`);
    }
    let engine: Engine | undefined = new Engine(timed, ports);
    const cold = await pass("cold", engine);
    const warm = await pass("warm", engine);
    engine = undefined; // a restart: the old row cache is garbage
    const reload = await pass("reload", new Engine(timed, ports));

    const problems = selfCheck(cold, warm, reload, ports.calls);
    for (const p of problems) say(`PROBLEM: ${p}`);
    const dbBytesAfter = postgres
      ? await postgresBytes(store, schema)
      : statSync(path).size + fileSize(`${path}-wal`);
    await store.close();
    const v8 = await import("node:v8");
    return {
      size,
      db: dbKind,
      people: inst.people,
      seed: {
        ...seed,
        insertMs: round(seed.insertMs),
        checkpointMs: round(seed.checkpointMs),
        openMs: round(openMs),
      },
      devicesByState: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])),
      sourceRecords: cold.summary.sourceDevices,
      targetRecords: cold.summary.targetDevices,
      cold,
      warm,
      reload,
      setupPeakRssMiB,
      processPeakRssMiB: Math.max(setupPeakRssMiB, cold.peakRssMiB, warm.peakRssMiB, reload.peakRssMiB),
      dbBytesAfter,
      portCalls: { ...ports.calls },
      ...(heap ? { heapBreakdown: heap } : {}),
      problems,
      loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? 0, 2) },
      heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024),
    };
  } finally {
    probe.stop();
    rmSync(dir, { recursive: true, force: true });
    if (postgres) await dropSchema(schema).catch(() => {});
  }
}

async function dropSchema(schema: string): Promise<void> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Tables and indexes of the run's schema, as the file size is for SQLite. */
async function postgresBytes(store: Store, schema: string): Promise<number> {
  const r = await sql<{ bytes: string }>`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'r'`.execute(store.db);
  return Number(r.rows[0]?.bytes ?? 0);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function roundPhases(p: PassPhases | undefined): PassPhases | undefined {
  if (!p) return undefined;
  return {
    observe: round(p.observe),
    load: round(p.load),
    apply: round(p.apply),
    decide: round(p.decide),
    commit: round(p.commit),
  };
}

/** Audit kinds a pass over a consistent snapshot must never write: they mean store and ports disagree. */
const INCONSISTENT = [
  "device-discovered",
  "source-left",
  "target-left",
  "target-new",
  "device-excluded",
  "ca-governance",
  "alert-both",
  "alert-target-policy",
];

function selfCheck(cold: PassResult, warm: PassResult, reload: PassResult, calls: PortCalls): string[] {
  const problems: string[] = [];
  for (const kind of INCONSISTENT) {
    const n = cold.auditByKind[kind];
    if (n)
      problems.push(`cold pass wrote ${n} "${kind}" audit entries: the seeded store and the ports disagree`);
  }
  const matched = cold.auditByKind["target-matched"] ?? 0;
  const stateChanges = cold.auditByKind["device-state"] ?? 0;
  if (stateChanges !== matched)
    problems.push(
      `cold pass changed ${stateChanges} device states but matched ${matched} new Intune records`,
    );
  if (cold.summary.actionsQueued === 0) problems.push("cold pass queued no actions: decide had no work");
  // A device the cold pass retired while it was only in the source changes state on the next
  // pass (state is derived before decide runs): the warm pass records those changes and nothing else.
  const retired = cold.auditByKind["retire-requested"] ?? 0;
  const warmOther = Object.keys(warm.auditByKind).filter((k) => k !== "device-state");
  if (
    warm.summary.actionsQueued !== 0 ||
    warmOther.length > 0 ||
    (warm.auditByKind["device-state"] ?? 0) > retired
  )
    problems.push(
      `warm pass queued ${warm.summary.actionsQueued} actions and wrote ${JSON.stringify(warm.auditByKind)}; ` +
        `expected at most ${retired} device-state entries (devices the cold pass retired)`,
    );
  const reloadAudit = Object.values(reload.auditByKind).reduce((a, b) => a + b, 0);
  if (reload.summary.actionsQueued !== 0 || reloadAudit !== 0)
    problems.push(
      `reload pass queued ${reload.summary.actionsQueued} actions and ${reloadAudit} audit entries; expected none`,
    );
  const writes =
    calls.exclude + calls.include + calls.exempt + calls.enforce + calls.retire + calls.reassign + calls.mail;
  if (writes !== 0) problems.push(`reconcile wrote through the ports ${writes} times; it only observes`);
  return problems;
}

async function childMain(argv: string[]): Promise<void> {
  const size = Number(argValue(argv, "size"));
  const out = argValue(argv, "out");
  if (!Number.isInteger(size) || size < 1 || !out)
    throw new Error("usage: reconcile.ts --child --size N --out FILE");
  const result = await runOne(
    size,
    argv.includes("--profile"),
    argv.includes("--breakdown"),
    argv.includes("--fast-rows"),
    argValue(argv, "tmp"),
    parseDb(argValue(argv, "db")),
  );
  writeFileSync(out, JSON.stringify(result));
}

export function parseDb(value: string | undefined): BenchDb {
  if (value === undefined || value === "sqlite") return "sqlite";
  if (value === "postgres" || value === "pg") return "postgres";
  throw new Error(`--db: expected sqlite or postgres, got "${value}"`);
}

export function parseSizes(value: string | undefined): number[] {
  if (!value) return DEFAULT_SIZES;
  return value.split(",").map((s) => {
    const n = Number(s.trim().replace(/_/g, "").replace(/k$/i, "000").replace(/m$/i, "000000"));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes: "${s}" is not a whole number of devices`);
    return n;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes("--child")) {
    await childMain(argv);
  } else {
    const runs = argValue(argv, "runs");
    const heap = argValue(argv, "heap");
    const result = await benchReconcile({
      sizes: parseSizes(argValue(argv, "sizes")),
      ...(runs ? { runs: Number(runs) } : {}),
      ...(heap ? { heapMiB: Number(heap) } : {}),
      profile: argv.includes("--profile"),
      breakdown: argv.includes("--breakdown"),
      fastRows: argv.includes("--fast-rows"),
      db: parseDb(argValue(argv, "db")),
    });
    process.stdout.write(`${formatReconcile(result)}\n`);
  }
}
