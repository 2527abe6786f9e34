/**
 * A full Intune inventory sync of 100 000 devices through the Graph connector against the
 * Graph emulator (its benchmark fixture serves the synthetic devices, generated lazily per
 * page). The emulator runs in a child process, so the peak RSS measured here is the
 * connector's (plus the 100 000 records it keeps, as the engine's observe does).
 *
 *   node --import tsx bench/graph-inventory.ts [--devices 100000] [--no-save]
 *
 * Reports requests sent against the minimum (one per 1 000 devices), the time against the
 * throttling bound (2 000 requests per 20 s per app for Intune devices, §A9), 429s, and
 * peak RSS of both processes.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { graphPorts } from "../src/connectors/graph/index.ts";
import { realSleep } from "../src/connectors/http/index.ts";
import { systemClock } from "../src/core/time.ts";
import { GRAPH_RESULTS, saveGraphResult } from "./graph-shared.ts";
import { fmtInt, fmtMs, MemoryProbe, round, table } from "./measure.ts";

/** The child: an emulator over a small world plus the benchmark fixture; prints its config, reports its stats on stdin EOF. */
async function serve(devices: number): Promise<void> {
  const { SimulatedOrganisation } = await import("../src/world/world.ts");
  const { startGraphEmulator } = await import("../src/emulators/graph/index.ts");
  const { seededRandom } = await import("../src/connectors/http/index.ts");
  const world = new SimulatedOrganisation({ seed: 1, people: 500 });
  const emu = await startGraphEmulator({
    world,
    random: seededRandom(1),
    options: { benchmarkFixture: { syntheticManagedDevices: devices } },
  });
  process.stdout.write(`${JSON.stringify(emu.config)}\n`);
  process.stdin.resume();
  process.stdin.on("end", async () => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    process.stdout.write(
      `${JSON.stringify({
        stats: { requests: emu.stats.requests, byRoute: emu.stats.byRoute, throttled: emu.stats.throttled },
        peakRssMiB: hwm ? round(Number(hwm[1]) / 1024, 1) : undefined,
      })}\n`,
    );
    await emu.close();
    process.exit(0);
  });
}

interface ChildReport {
  stats: { requests: number; byRoute: Record<string, Record<string, number>>; throttled: number };
  peakRssMiB: number | undefined;
}

export interface InventoryBenchResult {
  devices: number;
  recordsListed: number;
  pageRequests: number;
  minimumRequests: number;
  tokenRequests: number;
  udidLookups: number;
  throttled: { client: number; emulator: number };
  wallMs: number;
  devicesPerSecond: number;
  /** time the documented limit would impose on these requests: with a full bucket, and at the sustained rate */
  throttleBoundMs: { burst: number; sustained: number };
  budgetWaitMs: number;
  connectorPeakRssMiB: number;
  emulatorPeakRssMiB: number | undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: "string", default: "100000" },
      serve: { type: "boolean", default: false },
      "no-save": { type: "boolean", default: false },
    },
  });
  const devices = Number(values.devices);
  if (!Number.isInteger(devices) || devices < 1)
    throw new Error(`--devices: expected a whole number, got ${values.devices}`);
  if (values.serve) return serve(devices);

  const child = spawn(
    process.execPath,
    ["--import", "tsx", process.argv[1]!, "--serve", "--devices", String(devices)],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines: string[] = [];
  let buffer = "";
  const waiters: ((line: string) => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve) => {
      const l = lines.shift();
      if (l !== undefined) resolve(l);
      else waiters.push(resolve);
    });
  const config = JSON.parse(await nextLine());

  const probe = new MemoryProbe();
  probe.reset();
  probe.start();
  const graph = graphPorts(config, { clock: systemClock, sleep: realSleep });
  const started = performance.now();
  const records = [];
  for await (const r of graph.targetInventory.listDevices()) records.push(r);
  const wallMs = performance.now() - started;
  const connectorPeakRssMiB = probe.peakRssMiB();
  probe.stop();

  child.stdin.end();
  const report = JSON.parse(await nextLine()) as ChildReport;
  const pages = Object.values(report.stats.byRoute["GET /v1.0/deviceManagement/managedDevices"] ?? {}).reduce(
    (a, b) => a + b,
    0,
  );
  const tokens = Object.values(report.stats.byRoute["POST /:tenant/oauth2/v2.0/token"] ?? {}).reduce(
    (a, b) => a + b,
    0,
  );
  const perSecond = 2_000 / 20;
  const result: InventoryBenchResult = {
    devices,
    recordsListed: records.length,
    pageRequests: pages,
    minimumRequests: Math.ceil(devices / 1_000),
    tokenRequests: tokens,
    udidLookups: graph.targetInventory.udidLookups,
    throttled: { client: graph.client.http.stats.total.throttled, emulator: report.stats.throttled },
    wallMs: round(wallMs, 0),
    devicesPerSecond: Math.round(records.length / (wallMs / 1000)),
    throttleBoundMs: {
      burst: Math.max(0, ((pages - 2_000) / perSecond) * 1000),
      sustained: (pages / perSecond) * 1000,
    },
    budgetWaitMs: graph.client.http.stats.total.budgetWaitMs,
    connectorPeakRssMiB,
    emulatorPeakRssMiB: report.peakRssMiB,
  };

  const text = table(
    ["measure", "value"],
    [
      ["Intune devices listed", `${fmtInt(result.recordsListed)} of ${fmtInt(devices)}`],
      [
        "managedDevices requests (minimum: 1 per 1 000)",
        `${fmtInt(pages)} (minimum ${fmtInt(result.minimumRequests)})`,
      ],
      ["token requests", fmtInt(tokens)],
      ["single-device UDID lookups", fmtInt(result.udidLookups)],
      ["429s (client / emulator)", `${result.throttled.client} / ${result.throttled.emulator}`],
      ["wall time", fmtMs(wallMs)],
      ["throughput", `${fmtInt(result.devicesPerSecond)} devices/s`],
      ["throttling bound, full bucket (2 000 per 20 s)", fmtMs(result.throttleBoundMs.burst)],
      ["throttling bound, sustained 100 requests/s", fmtMs(result.throttleBoundMs.sustained)],
      ["client budget waits", fmtMs(result.budgetWaitMs)],
      ["peak RSS, connector process (records kept)", `${connectorPeakRssMiB} MiB`],
      ["peak RSS, emulator process", `${report.peakRssMiB ?? "–"} MiB`],
    ],
  );
  process.stdout.write(`\n## Graph inventory sync\n\n${text}\n`);
  if (!values["no-save"]) {
    await saveGraphResult(
      "inventory",
      `node --import tsx bench/graph-inventory.ts --devices ${devices}`,
      result,
    );
  } else {
    process.stderr.write(`not saved (--no-save); results live in ${GRAPH_RESULTS}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
