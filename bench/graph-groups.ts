/**
 * Moving 10 000 people out of Intune's not-yet-migrated group (and back in) through the Graph
 * connector against the Graph emulator, with the emulator's identity throttling on (the
 * documented 3 000 directory writes per 2.5 min, each `$batch` inner request counted). The
 * client and the emulator share the world's clock: the connector's waits (its budget, a
 * Retry-After) are fake time, so minutes of pacing run in seconds.
 *
 *   node --import tsx bench/graph-groups.ts [--people 10000] [--no-save]
 *
 * Reports requests sent against the minimum (one per 20 people), 429s received (outer and
 * inner), and the fake time taken against the throttling bound.
 */
import { parseArgs } from "node:util";
import { graphPorts } from "../src/connectors/graph/index.ts";
import { FakeSleep, seededRandom } from "../src/connectors/http/index.ts";
import { startGraphEmulator, WorldTime } from "../src/emulators/graph/index.ts";
import { SimulatedOrganisation } from "../src/world/world.ts";
import { GRAPH_RESULTS, saveGraphResult } from "./graph-shared.ts";
import { fmtInt, fmtMs, MemoryProbe, round, table } from "./measure.ts";

const WRITES = 3_000;
const WRITES_WINDOW_MS = 150_000;

interface Row {
  scenario: string;
  people: number;
  requests: number;
  minimumRequests: number;
  innerRequests: number;
  fallbackRequests: number;
  throttled: { outer: number; inner: number; byClient: number };
  fakeMs: number;
  /** the least time the emulator's throttle allows for these writes */
  boundMs: number;
  wallMs: number;
  peakRssMiB: number;
  allDone: boolean;
}

async function run(people: number, op: "enforce" | "exempt", paced: boolean): Promise<Row> {
  const world = new SimulatedOrganisation({ seed: 1, people });
  const emu = await startGraphEmulator({ world, random: seededRandom(1) });
  const fake = new FakeSleep(new WorldTime(world), { idle: () => graph.client.http.inFlight === 0 });
  const graph = graphPorts(emu.config, {
    clock: world.clock,
    sleep: fake.sleep,
    random: seededRandom(2),
    // Unpaced: a client that ignores the documented write limit and relies on Retry-After alone.
    ...(paced ? {} : { identityWrites: { requests: 1_000_000, windowMs: 1_000 } }),
  });
  const ids = world.scenario.people.filter((p) => !p.breakGlass).map((p) => p.id);
  if (op === "exempt") await world.ports.targetAccess.enforce(ids);
  // A token first, so the figures below are the group writes alone.
  await graph.client.auth.authorize(new Headers(), { forceRefresh: false });
  const probe = new MemoryProbe();
  probe.reset();
  probe.start();
  const fakeStart = world.clock.now();
  const started = performance.now();
  if (op === "enforce") await graph.targetAccess.enforce(ids);
  else await graph.targetAccess.exempt(ids);
  const wallMs = performance.now() - started;
  const fakeMs = world.clock.now() - fakeStart;
  const peakRssMiB = probe.peakRssMiB();
  probe.stop();
  const count = (route: string, status?: string) =>
    Object.entries(emu.stats.byRoute[route] ?? {})
      .filter(([s]) => status === undefined || s === status)
      .reduce((a, [, n]) => a + n, 0);
  const batches = count("POST /v1.0/$batch");
  const patches = count("PATCH /v1.0/groups/:id");
  const inner =
    count("$batch DELETE /v1.0/groups/:id/members/:member/$ref") +
    count("$batch POST /v1.0/groups/:id/members/$ref");
  const innerThrottled =
    count("$batch DELETE /v1.0/groups/:id/members/:member/$ref", "429") +
    count("$batch POST /v1.0/groups/:id/members/$ref", "429");
  const exempt = await world.ports.targetAccess.listExempt();
  const writes = op === "enforce" ? ids.length : Math.ceil(ids.length / 20);
  const row: Row = {
    scenario: `${op === "enforce" ? "remove from" : "add back to"} NYM${op === "enforce" ? (paced ? ", connector paced" : ", unpaced (Retry-After only)") : ""}`,
    people: ids.length,
    requests: op === "enforce" ? batches : patches + batches,
    minimumRequests: Math.ceil(ids.length / 20),
    innerRequests: inner,
    fallbackRequests: op === "exempt" ? batches : 0,
    throttled: {
      outer: emu.stats.throttled - innerThrottled,
      inner: innerThrottled,
      byClient: graph.client.http.stats.total.throttled,
    },
    fakeMs,
    boundMs: (Math.max(0, writes - WRITES) / WRITES) * WRITES_WINDOW_MS,
    wallMs: round(wallMs, 0),
    peakRssMiB,
    allDone: op === "enforce" ? ids.every((id) => !exempt.has(id)) : ids.every((id) => exempt.has(id)),
  };
  await emu.close();
  return row;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { people: { type: "string", default: "10000" }, "no-save": { type: "boolean", default: false } },
  });
  const people = Number(values.people);
  if (!Number.isInteger(people) || people < 20)
    throw new Error(`--people: expected a whole number ≥ 20, got ${values.people}`);
  const rows = [
    await run(people, "enforce", true),
    await run(people, "enforce", false),
    await run(people, "exempt", true),
  ];
  const text = table(
    [
      "scenario",
      "people",
      "requests (min)",
      "inner",
      "429s outer / inner",
      "fake time (bound)",
      "wall",
      "peak RSS",
      "done",
    ],
    rows.map((r) => [
      r.scenario,
      fmtInt(r.people),
      `${fmtInt(r.requests)} (${fmtInt(r.minimumRequests)})`,
      fmtInt(r.innerRequests),
      `${r.throttled.outer} / ${r.throttled.inner}`,
      `${fmtMs(r.fakeMs)} (${fmtMs(r.boundMs)})`,
      fmtMs(r.wallMs),
      `${r.peakRssMiB} MiB`,
      r.allDone ? "yes" : "NO",
    ]),
  );
  process.stdout.write(
    `\n## Graph group membership (emulator identity throttle: ${fmtInt(WRITES)} writes per ${WRITES_WINDOW_MS / 1000} s)\n\n${text}\n`,
  );
  if (!values["no-save"]) {
    await saveGraphResult("groups", `node --import tsx bench/graph-groups.ts --people ${people}`, { rows });
  } else {
    process.stderr.write(`not saved (--no-save); results live in ${GRAPH_RESULTS}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
