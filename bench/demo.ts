/**
 * The demo's wall time: `runDemo({ people, seed })` — a whole campaign against the simulated
 * organisation, in an in-memory store — run several times, each in a fresh child process so
 * every run's peak memory is its own. Reports the median wall time (runDemo's own `wallMs`,
 * which covers generating the organisation through the final report), the passes it took,
 * whether it finished, invariant violations, and peak RSS / sampled peak heap.
 *
 *   node --import tsx bench/demo.ts --people 2000 --runs 3   (prints; saves nothing)
 *   npm run bench -- demo --people 2000                      (prints and saves)
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { runDemo } from "../src/demo/run.ts";
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
}

export interface DemoOptions {
  people: number;
  seed: number;
  runs: number;
  heapMiB?: number;
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
      ["--child", "--people", String(options.people), "--seed", String(options.seed)],
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
  const r = await runDemo({ people, seed });
  probe.stop();
  const run: DemoRun = {
    people,
    seed,
    wallMs: round(r.wallMs, 1),
    passes: r.passes,
    finished: r.finished,
    invariantViolations: r.report.invariantViolations,
    peakRssMiB: round(Math.max(process.resourceUsage().maxRSS / 1024, probe.peakRssMiB()), 1),
    peakHeapUsedMiB: mib(probe.peakHeapUsed),
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
    });
    process.stdout.write(`${formatDemo(result)}\n`);
  }
}
