/**
 * The crash suite at full size: a migration of at least `--devices` devices through the
 * vendors' emulators by one worker process on PostgreSQL, SIGKILLed at `--kills` seeded
 * points and restarted each time, compared with an uninterrupted run of the same seed.
 *
 *   node --import tsx bench/crash.ts --devices 10000 --kills 50   (prints; saves nothing)
 *   npm run bench -- crash --devices 10000 --kills 50             (prints and saves)
 */
import { pathToFileURL } from "node:url";
import { compareEndStates, planKills } from "../src/demo/fleet.ts";
import { argValue, fmtInt, fmtMs, table } from "./measure.ts";
import { fleetRun, peopleFor, summary, totalRequests } from "./resilience.ts";

export interface CrashOptions {
  devices: number;
  kills: number;
  seed: number;
}

export interface CrashBenchResult {
  bench: "crash";
  options: CrashOptions;
  baseline: ReturnType<typeof summary>;
  crashed: ReturnType<typeof summary>;
  killsLanded: number;
  killsNotLanded: number;
  killsMidSend: number;
  killsByTrigger: Record<string, number>;
  /** actions the dead workers held, and how many were then finished by the next worker */
  heldActions: number;
  heldFinished: number;
  /** differences from the uninterrupted run (empty: the same end state) */
  differences: string[];
  /** the checks that failed (empty: the run passed) */
  failed: string[];
}

export async function benchCrash(
  options: CrashOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<CrashBenchResult> {
  const people = peopleFor(options.devices);
  log(`crash: ${fmtInt(people)} people (≥ ${fmtInt(options.devices)} devices), seed ${options.seed}`);
  log("  uninterrupted run…");
  const base = await fleetRun({ people, seed: options.seed }, log, "uninterrupted");
  log(
    `  uninterrupted: ${fmtMs(base.wallMs)}, ${base.ticks} ticks, ${fmtInt(base.end.devices.total)} devices`,
  );
  // Kills spread over the whole campaign but its final ticks, triggers sized from the
  // uninterrupted run: its responses and wall time per tick.
  const kills = planKills({
    count: options.kills,
    seed: options.seed * 7919,
    from: 1,
    to: Math.max(2, base.campaignTicks - 3),
    responsesPerTick: totalRequests(base) / base.ticks,
    tickMs: base.wallMs / base.ticks,
  });
  log(`  run with ${options.kills} kills…`);
  const run = await fleetRun({ people, seed: options.seed, kills }, log, "crashed");
  const held = run.kills.flatMap((k) => k.takeovers);
  const killsByTrigger: Record<string, number> = {};
  for (const k of run.kills) killsByTrigger[k.trigger.after] = (killsByTrigger[k.trigger.after] ?? 0) + 1;
  const midSend = run.kills.filter((k) => k.midSend).length;
  const differences = compareEndStates(base.end, run.end, 50);
  const failed = [
    base.end.finished && run.end.finished ? "" : "a run did not finish",
    run.groundTruthViolations.length + base.groundTruthViolations.length === 0
      ? ""
      : "someone was under both products' CA",
    run.storeViolations === 0 ? "" : "store invariants violated",
    differences.length === 0 ? "" : "end state differs from the uninterrupted run",
    run.truth.duplicateEmails <= midSend ? "" : "more duplicate e-mails than kills mid-send",
    run.kills.length >= options.kills ? "" : `only ${run.kills.length} of ${options.kills} kills landed`,
    held.every((h) => h.status === "done") ? "" : "an action a dead worker held was not finished",
  ].filter(Boolean);
  return {
    bench: "crash",
    options,
    baseline: summary(base),
    crashed: summary(run),
    killsLanded: run.kills.length,
    killsNotLanded: run.killsNotLanded,
    killsMidSend: midSend,
    killsByTrigger,
    heldActions: held.length,
    heldFinished: held.filter((h) => h.status === "done").length,
    differences,
    failed,
  };
}

export function formatCrash(r: CrashBenchResult): string {
  const b = r.baseline;
  const c = r.crashed;
  const lines = [
    table(
      [
        "devices",
        "people",
        "kills landed",
        "mid-send",
        "duplicate e-mails",
        "held → finished",
        "both-CA instants",
        "same end state",
        "requests (uninterrupted → crashed)",
        "wall (uninterrupted → crashed)",
        "campaign ticks",
      ],
      [
        [
          fmtInt(c.devices.total),
          fmtInt(c.people),
          `${r.killsLanded}${r.killsNotLanded ? ` (+${r.killsNotLanded} never landed)` : ""}`,
          r.killsMidSend,
          c.duplicateEmails,
          `${r.heldActions} → ${r.heldFinished}`,
          b.groundTruthViolations + c.groundTruthViolations,
          r.differences.length === 0 ? "yes" : `NO (${r.differences.length}+)`,
          `${fmtInt(b.totalRequests)} → ${fmtInt(c.totalRequests)}`,
          `${fmtMs(b.wallMs)} → ${fmtMs(c.wallMs)}`,
          `${b.campaignTicks} → ${c.campaignTicks}`,
        ],
      ],
    ),
    "",
    `Kills by trigger: ${Object.entries(r.killsByTrigger)
      .map(([k, n]) => `${k} ${n}`)
      .join(
        ", ",
      )}. E-mails delivered: ${fmtInt(b.emailsDelivered)} uninterrupted, ${fmtInt(c.emailsDelivered)} crashed. Worker errors (missed passes): ${c.tickErrors}.`,
    r.failed.length ? `**FAILED**: ${r.failed.join("; ")}` : "All checks passed.",
  ];
  if (r.differences.length) lines.push("", "Differences:", ...r.differences.map((d) => `- ${d}`));
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const result = await benchCrash({
    devices: Number(argValue(argv, "devices") ?? 10_000),
    kills: Number(argValue(argv, "kills") ?? 50),
    seed: Number(argValue(argv, "seed") ?? 1),
  });
  process.stdout.write(`${formatCrash(result)}\n`);
  if (result.failed.length) process.exitCode = 1;
}
