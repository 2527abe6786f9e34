/**
 * The demo's wall time: `runDemo({ people, seed })` — a whole campaign against the simulated
 * organisation, in an in-memory store — run several times, each in a fresh child process so
 * every run's peak memory is its own. Reports the median wall time (runDemo's own `wallMs`,
 * which covers generating the organisation through the final report), the passes it took,
 * whether it finished, invariant violations, and peak RSS / sampled peak heap.
 *
 * `--http` runs it through the real connectors and the vendors' emulators on loopback and
 * adds, per emulator, the requests it received against those it answered with success (the
 * rest are retries of throttled or faulted ones), the busiest routes, and the simulated time
 * the Graph client spent pacing itself under Graph's documented limits.
 *
 *   node --import tsx bench/demo.ts --people 2000 --runs 3   (prints; saves nothing)
 *   npm run bench -- demo --people 2000                      (prints and saves)
 *   npm run bench -- demo --http --people 100000 --runs 1    (through the emulators)
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { IDENTITY_WRITE_WINDOW, IDENTITY_WRITES_PER_WINDOW } from "../src/core/capacity.ts";
import { type DemoResult, runDemo } from "../src/demo/run.ts";
import type { SourceVendor } from "../src/wiring/emulated-organisation.ts";
import {
  argValue,
  type ChildOutcome,
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

export interface DemoRun {
  people: number;
  seed: number;
  wallMs: number;
  passes: number;
  finished: boolean;
  invariantViolations: number;
  peakRssMiB: number;
  /** sampled every 20 ms (the demo awaits often, so the sampler runs): a close floor */
  peakHeapUsedMiB: number;
  /** CPU time of the whole child (user + system) */
  cpuMs: number;
  /** the campaign's length in simulated days */
  simulatedDays?: number;
  /** the end state, to compare transports and runs */
  devices: DemoResult["report"]["devices"];
  requests?: DemoResult["requests"];
  graphClient?: DemoResult["graphClient"];
}

export interface DemoOptions {
  people: number;
  seed: number;
  runs: number;
  heapMiB?: number;
  /** through the connectors and emulators, with this old product */
  http?: { source: SourceVendor; faultRate: number };
}

export interface DemoBenchResult {
  bench: "demo";
  options: DemoOptions;
  runs: DemoRun[];
  failures: Omit<ChildOutcome<DemoRun>, "result" | "ok">[];
  median?: { wallMs: number; passes: number; peakRssMiB: number; peakHeapUsedMiB: number; msPerPass: number };
}

export async function benchDemo(
  options: DemoOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<DemoBenchResult> {
  const result: DemoBenchResult = { bench: "demo", options, runs: [], failures: [] };
  for (let r = 1; r <= options.runs; r++) {
    log(`demo ${fmtInt(options.people)} people, seed ${options.seed}: run ${r}/${options.runs}`);
    const outcome = await runChild<DemoRun>(
      "demo.ts",
      [
        "--child",
        "--people",
        String(options.people),
        "--seed",
        String(options.seed),
        ...(options.http
          ? ["--http", "--source", options.http.source, "--faults", String(options.http.faultRate)]
          : []),
      ],
      options.heapMiB ? [`--max-old-space-size=${options.heapMiB}`] : [],
    );
    if (outcome.ok && outcome.result) {
      const d = outcome.result;
      result.runs.push(d);
      log(
        `  ${fmtMs(d.wallMs)}, ${d.passes} passes, finished ${d.finished}, ${d.invariantViolations} violations, peak RSS ${fmtMiB(d.peakRssMiB)}`,
      );
    } else {
      const { result: _r, ok: _o, ...failure } = outcome;
      result.failures.push(failure);
      log(`  FAILED (exit ${outcome.exitCode}, signal ${outcome.signal}): ${outcome.reason}`);
    }
  }
  if (result.runs.length > 0) {
    const m = (f: (r: DemoRun) => number) => round(median(result.runs.map(f)), 1);
    result.median = {
      wallMs: m((r) => r.wallMs),
      passes: m((r) => r.passes),
      peakRssMiB: m((r) => r.peakRssMiB),
      peakHeapUsedMiB: m((r) => r.peakHeapUsedMiB),
      msPerPass: m((r) => r.wallMs / r.passes),
    };
  }
  return result;
}

export function formatDemo(result: DemoBenchResult): string {
  const last = result.runs.at(-1);
  return last?.requests ? `${formatRuns(result)}\n\n${formatRequests(last)}` : formatRuns(result);
}

/**
 * Over HTTP, per emulator (last run): what it received against what it answered with
 * success — the difference is retries of throttled or faulted requests, the overhead above
 * the requests the campaign needed at the page sizes and batch sizes the vendors allow.
 */
function formatRequests(run: DemoRun): string {
  const migrated = run.devices.migrated;
  const rows = Object.entries(run.requests ?? {}).map(([name, r]) => {
    const busiest = Object.entries(r.byRoute)
      .filter(([route]) => !route.startsWith("$batch "))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([route, n]) => `${route} ${fmtInt(n)}`)
      .join("; ");
    return [
      name,
      fmtInt(r.requests),
      fmtInt(r.succeeded),
      `${fmtInt(r.requests - r.succeeded)} (${((100 * (r.requests - r.succeeded)) / Math.max(1, r.requests)).toFixed(1)}%)`,
      fmtInt(r.faulted),
      fmtInt(r.throttled),
      (r.requests / Math.max(1, migrated)).toFixed(2),
      busiest,
    ];
  });
  const g = run.graphClient;
  return [
    table(
      [
        "emulator",
        "received",
        "succeeded",
        "beyond success",
        "faulted",
        "throttled",
        "per migrated device",
        "busiest routes",
      ],
      rows,
    ),
    formatListings(run),
    formatLimits(run),
  ]
    .filter(Boolean)
    .join("\n\n");
}

/** Per collection read page by page: the pages served against the fewest the API's largest page allows. */
function formatListings(run: DemoRun): string {
  const rows = Object.entries(run.requests ?? {}).flatMap(([name, r]) =>
    Object.entries(r.listings ?? {}).map(([collection, l]) => [
      name,
      collection,
      fmtInt(l.listings),
      fmtInt(l.pages),
      fmtInt(l.minimumPages),
      `${((100 * (l.pages - l.minimumPages)) / Math.max(1, l.minimumPages)).toFixed(1)}%`,
    ]),
  );
  if (rows.length === 0) return "";
  return table(["emulator", "listing", "listings", "pages served", "minimum pages", "above minimum"], rows);
}

/**
 * Graph's batches against the fewest its 20-request limit allows, and the time the documented
 * identity-write limit (3,000 per 150 s per app) forces on the campaign's group changes, beside
 * the time the client actually paced itself and the campaign's length.
 */
function formatLimits(run: DemoRun): string {
  const graph = run.requests?.graph;
  if (!graph) return "";
  const routes = Object.entries(graph.byRoute);
  const inner = routes.filter(([route]) => route.startsWith("$batch ")).reduce((n, [, c]) => n + c, 0);
  const batches = graph.byRoute["POST /v1.0/$batch"] ?? 0;
  const identityWrites = routes
    .filter(([route]) => /^(\$batch )?(POST|PATCH|DELETE) \/v1\.0\/groups\//.test(route))
    .reduce((n, [, c]) => n + c, 0);
  const bound = (identityWrites / IDENTITY_WRITES_PER_WINDOW) * IDENTITY_WRITE_WINDOW;
  const g = run.graphClient;
  return (
    `Graph $batch: ${fmtInt(inner)} requests in ${fmtInt(batches)} batches (fewest possible at 20 a batch: ${fmtInt(Math.ceil(inner / 20))}).\n` +
    `Identity writes (group changes): ${fmtInt(identityWrites)}; the documented limit lets them through in no less than ${fmtMs(bound)} (simulated); ` +
    `the Graph client paced itself ${fmtMs(g?.budgetWaitMs ?? 0)} in all; the campaign took ${run.simulatedDays ?? "?"} simulated days (its wave schedule, not the limits, sets that).\n` +
    `Graph client: ${fmtInt(g?.requests ?? 0)} sent, ${fmtInt(g?.retries ?? 0)} retries, ${fmtInt(g?.throttled ?? 0)} × 429, ${fmtInt(g?.budgetWaits ?? 0)} waits for its budget. CPU ${fmtMs(run.cpuMs)}.`
  );
}

function formatRuns(result: DemoBenchResult): string {
  const m = result.median;
  const runs = `${result.runs.length}${result.failures.length ? ` (+${result.failures.length} failed)` : ""}`;
  const all = result.runs.map((r) => fmtMs(r.wallMs)).join(", ");
  return table(
    [
      "people",
      "seed",
      "runs",
      "median wall",
      "all runs",
      "passes",
      "per pass",
      "finished",
      "violations",
      "peak RSS",
      "peak heap",
    ],
    [
      m
        ? [
            fmtInt(result.options.people),
            result.options.seed,
            runs,
            fmtMs(m.wallMs),
            all,
            m.passes,
            fmtMs(m.msPerPass),
            result.runs.every((r) => r.finished) ? "yes" : "NO",
            Math.max(...result.runs.map((r) => r.invariantViolations)),
            fmtMiB(m.peakRssMiB),
            fmtMiB(m.peakHeapUsedMiB),
          ]
        : [
            fmtInt(result.options.people),
            result.options.seed,
            runs,
            "FAILED",
            "–",
            "–",
            "–",
            "–",
            "–",
            "–",
            "–",
          ],
    ],
  );
}

async function childMain(argv: string[]): Promise<void> {
  const people = Number(argValue(argv, "people"));
  const seed = Number(argValue(argv, "seed"));
  const out = argValue(argv, "out");
  if (!out) throw new Error("usage: demo.ts --child --people N --seed S --out FILE");
  const probe = new MemoryProbe();
  probe.start();
  const http = argv.includes("--http");
  const r = await runDemo({
    people,
    seed,
    ...(http
      ? {
          transport: "http" as const,
          source: (argValue(argv, "source") ?? "workspace-one") as SourceVendor,
          faultRate: Number(argValue(argv, "faults") ?? 0),
        }
      : {}),
  });
  probe.stop();
  const usage = process.resourceUsage();
  const run: DemoRun = {
    people,
    seed,
    wallMs: round(r.wallMs, 1),
    passes: r.passes,
    finished: r.finished,
    invariantViolations: r.report.invariantViolations,
    peakRssMiB: round(Math.max(process.resourceUsage().maxRSS / 1024, probe.peakRssMiB()), 1),
    peakHeapUsedMiB: mib(probe.peakHeapUsed),
    cpuMs: round((usage.userCPUTime + usage.systemCPUTime) / 1000, 0),
    devices: r.report.devices,
    simulatedDays: r.report.simulatedDays,
    ...(r.requests ? { requests: r.requests } : {}),
    ...(r.graphClient ? { graphClient: r.graphClient } : {}),
  };
  writeFileSync(out, JSON.stringify(run));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes("--child")) {
    await childMain(argv);
  } else {
    const heap = argValue(argv, "heap");
    const result = await benchDemo({
      people: Number(argValue(argv, "people") ?? 2000),
      seed: Number(argValue(argv, "seed") ?? 1),
      runs: Number(argValue(argv, "runs") ?? 3),
      ...(heap ? { heapMiB: Number(heap) } : {}),
      ...httpOption(argv),
    });
    process.stdout.write(`${formatDemo(result)}\n`);
  }
}

/** `--http [--source workspace-one|ivanti] [--faults 0.1]` → the option, or nothing. */
export function httpOption(argv: string[]): Pick<DemoOptions, "http"> {
  if (!argv.includes("--http")) return {};
  return {
    http: {
      source: (argValue(argv, "source") ?? "workspace-one") as SourceVendor,
      faultRate: Number(argValue(argv, "faults") ?? 0),
    },
  };
}
