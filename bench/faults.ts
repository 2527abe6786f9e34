/**
 * The fault suite at full size: a migration of at least `--devices` devices by one worker
 * process, with every emulator faulting `--rate` of the requests — 500, 503, 429 with and
 * without Retry-After, resets, truncated and malformed JSON, timeouts and slow responses —
 * compared with a fault-free run of the same seed: the same end state, and the requests sent
 * within the stated bound (no retry storms).
 *
 * Timeouts and slow responses hold real time: the emulators hold a `timeout` for
 * FAULT_HOLD_MS and delay a `slow` one by FAULT_SLOW_MS, and the connectors give up on a send
 * after FAULT_CONNECTOR_TIMEOUT_MS — above a slow response, below a timeout.
 *
 *   node --import tsx bench/faults.ts --devices 10000 --rate 0.2   (prints; saves nothing)
 *   npm run bench -- faults --devices 10000 --rate 0.2             (prints and saves)
 */
import { pathToFileURL } from "node:url";
import { allFaults, compareEndStates, type FleetResult, requestBound } from "../src/demo/fleet.ts";
import { argValue, fmtInt, fmtMs, table } from "./measure.ts";
import { fleetRun, peopleFor, summary, totalRequests } from "./resilience.ts";

export const FAULT_HOLD_MS = 1_000;
export const FAULT_SLOW_MS = 100;
export const FAULT_CONNECTOR_TIMEOUT_MS = 500;

export interface FaultsOptions {
  devices: number;
  rate: number;
  seed: number;
}

export interface FaultsBenchResult {
  bench: "faults";
  options: FaultsOptions;
  clean: ReturnType<typeof summary>;
  faulty: ReturnType<typeof summary>;
  faultsByKind: Record<string, number>;
  bound: number;
  differences: string[];
  failed: string[];
}

export async function benchFaults(
  options: FaultsOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<FaultsBenchResult> {
  const people = peopleFor(options.devices);
  log(`faults: ${fmtInt(people)} people (≥ ${fmtInt(options.devices)} devices), rate ${options.rate}`);
  log("  fault-free run…");
  const clean = await fleetRun({ people, seed: options.seed }, log, "fault-free");
  log(`  fault-free: ${fmtMs(clean.wallMs)}, ${fmtInt(totalRequests(clean))} requests`);
  log("  run with faults…");
  const faulty = await fleetRun(
    {
      people,
      seed: options.seed,
      faults: allFaults(options.rate, { holdMs: FAULT_HOLD_MS, slowMs: FAULT_SLOW_MS }),
      connectorTimeoutMs: FAULT_CONNECTOR_TIMEOUT_MS,
    },
    log,
    "faulty",
  );
  const bound = requestBound(totalRequests(clean), options.rate);
  const differences = compareEndStates(clean.end, faulty.end, 50);
  const failed = checkFaultRun(clean, faulty, bound, differences);
  return {
    bench: "faults",
    options,
    clean: summary(clean),
    faulty: summary(faulty),
    faultsByKind: faultsByKind(faulty),
    bound,
    differences,
    failed,
  };
}

export function faultsByKind(r: FleetResult): Record<string, number> {
  return r.faultKinds;
}

function checkFaultRun(
  clean: FleetResult,
  faulty: FleetResult,
  bound: number,
  differences: string[],
): string[] {
  return [
    clean.end.finished && faulty.end.finished ? "" : "a run did not finish",
    clean.groundTruthViolations.length + faulty.groundTruthViolations.length === 0
      ? ""
      : "someone was under both products' CA",
    faulty.storeViolations === 0 ? "" : "store invariants violated",
    differences.length === 0 ? "" : "end state differs from the fault-free run",
    totalRequests(faulty) <= bound ? "" : `${totalRequests(faulty)} requests, over the bound of ${bound}`,
    faulty.truth.duplicateEmails === 0 ? "" : `${faulty.truth.duplicateEmails} duplicate e-mails`,
  ].filter(Boolean);
}

export function formatFaults(r: FaultsBenchResult): string {
  const c = r.clean;
  const f = r.faulty;
  const faulted = Object.values(f.requests).reduce((a, x) => a + x.faulted, 0);
  const lines = [
    table(
      [
        "devices",
        "rate",
        "requests fault-free",
        "requests with faults",
        "ratio",
        "bound",
        "faulted",
        "both-CA instants",
        "same end state",
        "duplicate e-mails",
        "wall (fault-free → faults)",
      ],
      [
        [
          fmtInt(f.devices.total),
          r.options.rate,
          fmtInt(c.totalRequests),
          fmtInt(f.totalRequests),
          (f.totalRequests / c.totalRequests).toFixed(2),
          fmtInt(r.bound),
          fmtInt(faulted),
          c.groundTruthViolations + f.groundTruthViolations,
          r.differences.length === 0 ? "yes" : `NO (${r.differences.length}+)`,
          f.duplicateEmails,
          `${fmtMs(c.wallMs)} → ${fmtMs(f.wallMs)}`,
        ],
      ],
    ),
    "",
    `Faults by kind: ${Object.entries(r.faultsByKind)
      .sort()
      .map(([k, n]) => `${k} ${fmtInt(n)}`)
      .join(
        ", ",
      )}. Actions: ${JSON.stringify(f.actions)}. Worker errors (missed passes, failed drains): ${f.tickErrors}.`,
    r.failed.length ? `**FAILED**: ${r.failed.join("; ")}` : "All checks passed.",
  ];
  if (r.differences.length) lines.push("", "Differences:", ...r.differences.map((d) => `- ${d}`));
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const result = await benchFaults({
    devices: Number(argValue(argv, "devices") ?? 10_000),
    rate: Number(argValue(argv, "rate") ?? 0.2),
    seed: Number(argValue(argv, "seed") ?? 1),
  });
  process.stdout.write(`${formatFaults(result)}\n`);
  if (result.failed.length) process.exitCode = 1;
}
