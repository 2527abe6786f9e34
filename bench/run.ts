/**
 * Runs the benchmarks, prints their tables, and keeps the results:
 * bench/results/<name>.json (the latest run, machine-readable) and a dated section appended
 * to bench/RESULTS.md (the history, human-readable). See bench/README.md.
 *
 *   npm run bench                                   every benchmark
 *   npm run bench -- reconcile --sizes 10000        one, with options
 *   npm run bench -- demo --people 2000 --runs 3
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { SourceVendor } from "../src/wiring/emulated-organisation.ts";
import { benchCrash, type CrashBenchResult, formatCrash } from "./crash.ts";
import { benchDemo, type DemoBenchResult, formatDemo } from "./demo.ts";
import { benchFaults, type FaultsBenchResult, formatFaults } from "./faults.ts";
import { benchImport, formatImport, type ImportResult } from "./import.ts";
import { BENCH_DIR, fmtMiB, type MachineFacts, machineFacts, REPO_DIR } from "./measure.ts";
import { benchReconcile, formatReconcile, parseDb, parseSizes, type ReconcileResult } from "./reconcile.ts";

// crash and faults need PostgreSQL and take long: run them by name, not with "all".
const BENCHES = ["reconcile", "demo", "crash", "faults", "import"] as const;
const DEFAULT_BENCHES: BenchName[] = ["reconcile", "demo"];
type BenchName = (typeof BENCHES)[number];

const USAGE = `usage: npm run bench -- [all|reconcile|demo|crash|faults] [options]
  --sizes 10000,100000,1000000  reconcile: devices in the store (default: all three; 10k, 1m also work)
  --runs N                      runs per size / demo runs (default: 3, and 1 at 1M devices)
  --people N                    demo: people in the simulated organisation (default 2000)
  --seed N                      demo: the organisation's seed (default 1)
  --http                        demo: through the real connectors and the vendors' emulators on loopback
  --source workspace-one|ivanti demo --http: the old product (default workspace-one)
  --faults R                    demo --http: share of requests every emulator faults (default 0)
  --heap MiB                    --max-old-space-size for the child processes (default: node's own)
  --node-args=FLAGS             reconcile: more node flags for the children (GC experiments; kept apart in results)
  --profile                     reconcile: CPU-profile each pass to bench/profiles/ (implies --no-save)
  --breakdown                   reconcile: also measure the heap each part of a pass retains
  --db sqlite|postgres          reconcile: the store's database (default sqlite; postgres: a fresh schema per run in
                                FERRY_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
  --fast-rows                   reconcile experiment: rows copied into plain objects (saved as reconcile-fast-rows)
  --devices N                   crash, faults: devices in the organisation, at least (default 10000)
  --devices N                   import: devices in the CSV file (default 1000000)
  --kills N                     crash: SIGKILLs of the worker (default 50)
  --rate R                      faults: share of requests each emulator faults (default 0.2)
  --no-save                     print only; write nothing to bench/results or RESULTS.md
  --date YYYY-MM-DD             the date RESULTS.md records (default: today)`;

interface Saved<T> {
  date: string;
  command: string;
  git: GitFacts;
  machine: MachineFacts;
  result: T;
}

interface GitFacts {
  commit: string;
  /** uncommitted changes under src/ when the benchmark ran */
  srcModified: boolean;
}

function gitFacts(): GitFacts {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_DIR }).toString().trim();
    const status = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: REPO_DIR }).toString();
    return { commit, srcModified: status.trim().length > 0 };
  } catch {
    return { commit: "unknown", srcModified: false };
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sizes: { type: "string" },
      runs: { type: "string" },
      people: { type: "string" },
      seed: { type: "string" },
      devices: { type: "string" },
      kills: { type: "string" },
      rate: { type: "string" },
      http: { type: "boolean", default: false },
      source: { type: "string" },
      faults: { type: "string" },
      heap: { type: "string" },
      "node-args": { type: "string" },
      profile: { type: "boolean", default: false },
      breakdown: { type: "boolean", default: false },
      "fast-rows": { type: "boolean", default: false },
      db: { type: "string" },
      "no-save": { type: "boolean", default: false },
      date: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const which = positionals[0] ?? "all";
  if (positionals.length > 1 || (which !== "all" && !BENCHES.includes(which as BenchName))) {
    throw new Error(`unknown benchmark "${positionals.join(" ")}"\n${USAGE}`);
  }
  const names: BenchName[] = which === "all" ? DEFAULT_BENCHES : [which as BenchName];
  const number = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a whole number >= 1, got "${v}"`);
    return n;
  };
  const runs = number("runs", values.runs);
  const heapMiB = number("heap", values.heap);
  const nodeArgs = values["node-args"]?.split(/\s+/).filter(Boolean) ?? [];
  if (nodeArgs.some((a) => !a.startsWith("--")))
    throw new Error(`--node-args: expected node flags such as "--max-semi-space-size=64"`);
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`--date: expected YYYY-MM-DD, got "${date}"`);
  const save = !values["no-save"] && !values.profile;
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim().replace(/ --$/, "");

  const machine = await machineFacts();
  const git = gitFacts();
  process.stderr.write(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; ` +
      `load average ${machine.loadAverage.join(" ")}; commit ${git.commit}${git.srcModified ? " (src modified)" : ""}\n`,
  );

  for (const name of names) {
    let text: string;
    let result: ReconcileResult | DemoBenchResult | CrashBenchResult | FaultsBenchResult | ImportResult;
    if (name === "reconcile") {
      result = await benchReconcile({
        sizes: parseSizes(values.sizes),
        ...(runs ? { runs } : {}),
        ...(heapMiB ? { heapMiB } : {}),
        ...(nodeArgs.length ? { nodeArgs } : {}),
        profile: values.profile,
        breakdown: values.breakdown,
        fastRows: values["fast-rows"],
        db: parseDb(values.db),
      });
      text = formatReconcile(result);
      if (values.profile) text += `\n\n${formatProfiles(result)}`;
    } else if (name === "import") {
      result = await benchImport({
        devices: number("devices", values.devices) ?? 1_000_000,
        runs: runs ?? 1,
        ...(heapMiB ? { heapMiB } : {}),
      });
      text = formatImport(result);
    } else if (name === "crash") {
      result = await benchCrash({
        devices: number("devices", values.devices) ?? 10_000,
        kills: number("kills", values.kills) ?? 50,
        seed: Number(values.seed ?? 1),
      });
      text = formatCrash(result);
    } else if (name === "faults") {
      const rate = Number(values.rate ?? 0.2);
      if (!(rate > 0 && rate < 1))
        throw new Error(`--rate: expected a share between 0 and 1, got "${values.rate}"`);
      result = await benchFaults({
        devices: number("devices", values.devices) ?? 10_000,
        rate,
        seed: Number(values.seed ?? 1),
      });
      text = formatFaults(result);
    } else {
      result = await benchDemo({
        people: number("people", values.people) ?? 2000,
        seed: Number(values.seed ?? 1),
        runs: runs ?? 3,
        ...(heapMiB ? { heapMiB } : {}),
        ...(values.http
          ? {
              http: {
                source: (values.source ?? "workspace-one") as SourceVendor,
                faultRate: Number(values.faults ?? 0),
              },
            }
          : {}),
      });
      text = formatDemo(result);
    }
    // An experiment is kept apart from the figures of the code as it is.
    const label = name === "reconcile" && values["fast-rows"] ? "reconcile-fast-rows" : name;
    process.stdout.write(`\n## ${label}\n\n${text}\n`);
    if (save) {
      const saved: Saved<typeof result> = { date, command, git, machine, result };
      const file = join(BENCH_DIR, "results", `${label}.json`);
      const keys = saveEntries(file, label, entriesOf(saved));
      appendResults(name, label, saved, text);
      process.stderr.write(
        `saved ${keys.join(", ")} in bench/results/${label}.json and a section in bench/RESULTS.md\n`,
      );
    }
  }
}

/**
 * results/<name>.json keeps the latest figures per configuration — per size (and --heap) for
 * reconcile, per organisation for the demo — so running one size does not erase the others.
 */
interface ResultsFile {
  bench: string;
  about: string;
  entries: Record<string, Saved<unknown>>;
}

function entriesOf(
  saved: Saved<ReconcileResult | DemoBenchResult | CrashBenchResult | FaultsBenchResult | ImportResult>,
): Record<string, Saved<unknown>> {
  const { result } = saved;
  if (result.bench === "import") {
    const o = result.options;
    return { [`devices ${o.devices}${o.heapMiB ? ` --heap ${o.heapMiB}` : ""}`]: saved };
  }
  if (result.bench === "crash") {
    const o = result.options;
    return { [`devices ${o.devices}, kills ${o.kills}, seed ${o.seed}`]: saved };
  }
  if (result.bench === "faults") {
    const o = result.options;
    return { [`devices ${o.devices}, rate ${o.rate}, seed ${o.seed}`]: saved };
  }
  if (result.bench === "demo") {
    const http = result.options.http;
    const over = http ? `, http ${http.source}${http.faultRate ? ` faults ${http.faultRate}` : ""}` : "";
    return { [`people ${result.options.people}, seed ${result.options.seed}${over}`]: saved };
  }
  const heap =
    (result.options.db === "postgres" ? " --db postgres" : "") +
    (result.options.heapMiB ? ` --heap ${result.options.heapMiB}` : "") +
    (result.options.nodeArgs?.length ? ` --node-args "${result.options.nodeArgs.join(" ")}"` : "");
  return Object.fromEntries(
    result.sizes.map((size) => [
      `${size.size}${heap}`,
      { ...saved, result: { bench: result.bench, options: result.options, sizes: [size] } },
    ]),
  );
}

function saveEntries(file: string, label: string, entries: Record<string, Saved<unknown>>): string[] {
  mkdirSync(dirname(file), { recursive: true });
  let current: ResultsFile | undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ResultsFile>;
    if (parsed.entries) current = parsed as ResultsFile;
  } catch {
    current = undefined;
  }
  const next: ResultsFile = {
    bench: label,
    about: "the latest run per configuration (key); bench/RESULTS.md keeps every run; see bench/README.md",
    entries: { ...current?.entries, ...entries },
  };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  return Object.keys(entries);
}

function formatProfiles(result: ReconcileResult): string {
  const out: string[] = [
    "CPU profiles (self time by area, then the top functions by self and inclusive time):",
  ];
  for (const s of result.sizes) {
    for (const r of s.runs) {
      for (const label of ["cold", "warm", "reload"] as const) {
        const p = r[label].profile;
        if (!p) continue;
        out.push("", `### ${s.size} devices, ${label} pass: ${p.totalMs} ms sampled (${p.file})`);
        out.push(
          "",
          "areas:",
          ...p.areas.slice(0, 10).map((l) => `  ${l.share.toFixed(1).padStart(5)}%  ${l.fn}`),
        );
        out.push(
          "",
          "self:",
          ...p.self.slice(0, 15).map((l) => `  ${l.share.toFixed(1).padStart(5)}%  ${l.fn}`),
        );
        out.push(
          "",
          "inclusive:",
          ...p.inclusive.slice(0, 25).map((l) => `  ${l.share.toFixed(1).padStart(5)}%  ${l.fn}`),
        );
      }
    }
  }
  return out.join("\n");
}

const RESULTS_HEADER = `# Benchmark results

Appended by \`npm run bench\` (newest last); see README.md in this folder for what each
figure means. The latest raw figures are in results/<name>.json.
`;

function appendResults<T>(name: BenchName, label: string, saved: Saved<T>, text: string): void {
  const file = join(BENCH_DIR, "RESULTS.md");
  if (!existsSync(file)) writeFileSync(file, RESULTS_HEADER);
  const m = saved.machine;
  const heap =
    name === "reconcile"
      ? (saved.result as ReconcileResult).options.heapMiB
      : name === "demo"
        ? (saved.result as DemoBenchResult).options.heapMiB
        : name === "import"
          ? (saved.result as ImportResult).options.heapMiB
          : undefined;
  const facts = [
    `\`${saved.command}\``,
    `commit ${saved.git.commit}${saved.git.srcModified ? " with uncommitted changes in src/" : ""}`,
    `Node ${m.node}`,
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB`,
    `heap limit ${heap ? `${fmtMiB(heap)} (--heap)` : `${fmtMiB(m.defaultHeapLimitMiB)} (node's default)`}`,
    `load average at start ${m.loadAverage.join(" ")}`,
    ...(name === "reconcile"
      ? [`store: ${(saved.result as ReconcileResult).options.db === "postgres" ? "PostgreSQL" : "SQLite"}`]
      : []),
  ];
  const flags = name === "reconcile" ? ((saved.result as ReconcileResult).options.nodeArgs ?? []) : [];
  const experiment = [
    label === "reconcile-fast-rows"
      ? "**Experiment**: every result row also copied into a plain object by a Kysely plugin (`--fast-rows`)."
      : "",
    flags.length ? `**Experiment**: children run with \`${flags.join(" ")}\`.` : "",
  ]
    .filter(Boolean)
    .map((line) => `\n\n${line}`)
    .join("");
  appendFileSync(file, `\n## ${saved.date} — ${label}\n\n${facts.join(" · ")}${experiment}\n\n${text}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
