/**
 * Importing an N-device inventory from a CSV export: what `ferry import --csv FILE` does after
 * the people are in, measured in a child process of its own (fresh heap; its peak memory is
 * its own).
 *
 *   1. write the file: every device of the synthetic installation (synthetic.ts) as one row
 *      of the documented columns (docs/csv-inventory.md), not timed as part of the import;
 *   2. a SQLite store with the installation's people (seedStore without devices), no waves —
 *      a first import, before any wave is planned;
 *   3. parse: `CsvInventory.load()` — the file is read and checked whole before anything is
 *      written (imports are all or nothing);
 *   4. pass: `Engine.reconcile()` with the CSV as the source inventory and an empty Intune: every
 *      device is discovered, given its readiness path and an audit entry, in one transaction.
 *
 *   node --import tsx bench/import.ts --devices 100000   (prints; saves nothing)
 *   npm run bench -- import --devices 1000000           (prints and saves)
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { CsvInventory } from "../src/connectors/csv/inventory.ts";
import type { SourceDeviceRecord, TargetDeviceRecord } from "../src/core/ports/index.ts";
import { verifyAudit } from "../src/engine/audit.ts";
import { Engine } from "../src/engine/engine.ts";
import { openSqliteStore } from "../src/store/open.ts";
import {
  argValue,
  type ChildOutcome,
  collectGarbage,
  fmtInt,
  fmtMiB,
  fmtMs,
  MemoryProbe,
  median,
  mib,
  round,
  runChild,
  table,
} from "./measure.ts";
import { Installation, seedStore } from "./synthetic.ts";
import { syntheticPorts } from "./synthetic-ports.ts";

export const DEFAULT_DEVICES = 1_000_000;

export interface ImportOptions {
  devices: number;
  runs: number;
  heapMiB?: number;
}

interface Step {
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

export interface ImportRun {
  devices: number;
  fileBytes: number;
  writeCsvMs: number;
  parse: Step;
  pass: Step;
  /** parse + pass: the import as the admin waits for it */
  totalMs: number;
  processPeakRssMiB: number;
  warnings: number;
  devicesStored: number;
  auditEntries: number;
  auditChainOk: boolean;
  actionsQueued: number;
  problems: string[];
  loadAverage: { before: number; after: number };
  heapLimitMiB: number;
}

export interface ImportResult {
  bench: "import";
  options: ImportOptions;
  runs: ImportRun[];
  failures: Omit<ChildOutcome<ImportRun>, "result" | "ok">[];
}

// --- the parent ---------------------------------------------------------------------------

export async function benchImport(
  options: ImportOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<ImportResult> {
  const result: ImportResult = { bench: "import", options, runs: [], failures: [] };
  for (let r = 1; r <= options.runs; r++) {
    log(`import ${fmtInt(options.devices)} devices from CSV: run ${r}/${options.runs}`);
    const outcome = await runChild<ImportRun>(
      "import.ts",
      ["--child", "--devices", String(options.devices)],
      options.heapMiB ? [`--max-old-space-size=${options.heapMiB}`] : [],
    );
    if (outcome.ok && outcome.result) {
      result.runs.push(outcome.result);
      const c = outcome.result;
      log(
        `  parse ${fmtMs(c.parse.wallMs)}, pass ${fmtMs(c.pass.wallMs)}, peak RSS ${fmtMiB(c.processPeakRssMiB)}` +
          (c.problems.length ? `; PROBLEMS: ${c.problems.join("; ")}` : ""),
      );
    } else {
      const { result: _r, ok: _o, ...failure } = outcome;
      result.failures.push(failure);
      log(`  FAILED (exit ${outcome.exitCode}, signal ${outcome.signal}): ${outcome.reason}`);
    }
  }
  return result;
}

export function formatImport(result: ImportResult): string {
  const runs = result.runs;
  const m = (f: (r: ImportRun) => number) => (runs.length ? median(runs.map(f)) : undefined);
  const row = runs.length
    ? [
        fmtInt(result.options.devices),
        `${runs.length}${result.failures.length ? ` (+${result.failures.length} failed)` : ""}`,
        fmtMiB(mib(m((r) => r.fileBytes)!)),
        `${fmtMs(m((r) => r.parse.wallMs))} (${fmtMs(m((r) => r.parse.cpuMs))})`,
        `${fmtMs(m((r) => r.pass.wallMs))} (${fmtMs(m((r) => r.pass.cpuMs))})`,
        fmtMs(m((r) => r.totalMs)),
        fmtMiB(m((r) => r.parse.peakRssMiB)),
        fmtMiB(m((r) => r.pass.peakRssMiB)),
        fmtMiB(m((r) => r.processPeakRssMiB)),
        fmtInt(m((r) => r.devicesStored)!),
        fmtInt(m((r) => r.auditEntries)!),
      ]
    : [fmtInt(result.options.devices), `0 (+${result.failures.length} failed)`, ...Array(9).fill("–")];
  const main = table(
    [
      "devices",
      "runs",
      "file",
      "parse (CPU)",
      "pass (CPU)",
      "import",
      "parse peak RSS",
      "pass peak RSS",
      "process peak RSS",
      "devices stored",
      "audit rows",
    ],
    [row],
  );
  const failures = result.failures
    .map(
      (f) =>
        `- exit ${f.exitCode}, signal ${f.signal}, peak RSS seen ${fmtMiB(f.polledPeakRssMiB)}: ${f.reason}`,
    )
    .join("\n");
  const problems = runs.flatMap((r) => r.problems.map((p) => `- ${p}`)).join("\n");
  return [
    main,
    ...(failures ? ["", "Failed runs:", failures] : []),
    ...(problems ? ["", "Self-check problems:", problems] : []),
  ].join("\n");
}

// --- the child ----------------------------------------------------------------------------

const HEADER = [
  "source_id",
  "owner_upn",
  "platform",
  "mode",
  "ownership",
  "os_version",
  "model",
  "manufacturer",
  "serial",
  "imei",
  "udid",
  "wifi_mac",
  "last_seen",
  "enrollment",
];

/** One row; the synthetic values hold no separator, quote or line break, so none is quoted. */
function csvLine(r: SourceDeviceRecord): string {
  return [
    r.sourceId,
    r.ownerUpn ?? "",
    r.platform,
    r.mode,
    r.ownership,
    r.osVersion,
    r.model,
    r.manufacturer,
    r.identifiers.serial ?? "",
    r.identifiers.imei ?? "",
    r.identifiers.udid ?? "",
    r.identifiers.wifiMac ?? "",
    r.lastSeenAt === undefined ? "" : new Date(r.lastSeenAt).toISOString(),
    r.enrollment,
  ].join(",");
}

export function writeCsv(path: string, inst: Installation): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, `${HEADER.join(",")}\n`);
    let chunk: string[] = [];
    for (let j = 0; j < inst.devices; j++) {
      chunk.push(csvLine(inst.sourceRecord(inst.device(j))));
      if (chunk.length === 10_000) {
        writeSync(fd, `${chunk.join("\n")}\n`);
        chunk = [];
      }
    }
    if (chunk.length) writeSync(fd, `${chunk.join("\n")}\n`);
  } finally {
    closeSync(fd);
  }
}

async function runOne(devices: number, scratch: string | undefined): Promise<ImportRun> {
  const say = (l: string) => process.stderr.write(`  [${fmtInt(devices)}] ${l}\n`);
  const dir = mkdtempSync(join(scratch ?? tmpdir(), "import-"));
  const probe = new MemoryProbe();
  probe.start();
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  try {
    const inst = new Installation(devices);
    const csv = join(dir, "inventory.csv");
    const w0 = performance.now();
    writeCsv(csv, inst);
    const writeCsvMs = performance.now() - w0;
    const fileBytes = statSync(csv).size;
    say(`wrote ${fmtMiB(mib(fileBytes))} of CSV in ${fmtMs(writeCsvMs)}`);

    const path = join(dir, "store.db");
    const store = await openSqliteStore(path);
    seedStore(path, inst, { devices: false });
    // A first import: people are in, no wave is planned yet.
    await store.db.updateTable("people").set({ wave_id: null }).execute();
    await store.db.deleteFrom("waves").execute();
    say("people seeded");

    const step = async <T>(run: () => Promise<T>): Promise<[T, Step]> => {
      collectGarbage();
      probe.reset();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const value = await run();
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return [
        value,
        {
          wallMs: round(wallMs),
          cpuMs: round((cpu.user + cpu.system) / 1000),
          peakRssMiB: probe.peakRssMiB(),
        },
      ];
    };

    const inventory = new CsvInventory(csv);
    const [loaded, parse] = await step(() => inventory.load());
    say(`parsed in ${fmtMs(parse.wallMs)}, peak RSS ${fmtMiB(parse.peakRssMiB)}`);
    const ports = syntheticPorts(inst);
    const engine = new Engine(store, {
      ...ports,
      sourceInventory: inventory,
      targetInventory: {
        // biome-ignore lint/correctness/useYield: an empty Intune
        listDevices: async function* (): AsyncIterable<TargetDeviceRecord> {},
      },
    });
    const [summary, pass] = await step(() => engine.reconcile());
    say(`pass in ${fmtMs(pass.wallMs)}, peak RSS ${fmtMiB(pass.peakRssMiB)}`);

    const count = async (table: "devices" | "audit" | "actions") =>
      Number(
        (await store.db.selectFrom(table).select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow()).n,
      );
    const devicesStored = await count("devices");
    const auditEntries = await count("audit");
    const actionsQueued = await count("actions");
    const verdict = await verifyAudit(store.db);
    await store.close();
    const problems: string[] = [];
    if (devicesStored !== devices) problems.push(`${devicesStored} devices stored, expected ${devices}`);
    if (summary.sourceDevices !== devices)
      problems.push(`the pass saw ${summary.sourceDevices} source devices, expected ${devices}`);
    if (!verdict.ok) problems.push(`audit chain broken: ${JSON.stringify(verdict.problem)}`);
    const v8 = await import("node:v8");
    return {
      devices,
      fileBytes,
      writeCsvMs: round(writeCsvMs),
      parse,
      pass,
      totalMs: round(parse.wallMs + pass.wallMs),
      processPeakRssMiB: Math.max(parse.peakRssMiB, pass.peakRssMiB),
      warnings: loaded.warnings.length,
      devicesStored,
      auditEntries,
      auditChainOk: verdict.ok,
      actionsQueued,
      problems,
      loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? 0, 2) },
      heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024),
    };
  } finally {
    probe.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const devices = Number(argValue(argv, "devices") ?? DEFAULT_DEVICES);
  if (argv.includes("--child")) {
    const out = argValue(argv, "out");
    if (!out) throw new Error("usage: import.ts --child --devices N --out FILE");
    writeFileSync(out, JSON.stringify(await runOne(devices, argValue(argv, "tmp"))));
  } else {
    const heap = argValue(argv, "heap");
    const result = await benchImport({
      devices,
      runs: Number(argValue(argv, "runs") ?? 1),
      ...(heap ? { heapMiB: Number(heap) } : {}),
    });
    process.stdout.write(`${formatImport(result)}\n`);
  }
}
