/**
 * The engine side of the API latency benchmark, in a process of its own as `ferry serve` runs
 * it: the same loop as `ferry run --watch` (src/cli/engine-loop.ts) over the synthetic
 * installation's store and ports, a pass every --interval of real time, each moving the
 * synthetic clock by an hour. One JSON line per pass on stdout; SIGTERM stops it after the
 * pass under way.
 *
 *   node --import tsx bench/api-engine.ts <store path> <devices> [interval ms]
 */
import { watch } from "../src/cli/engine-loop.ts";
import { HOUR } from "../src/core/time.ts";
import { Engine } from "../src/engine/engine.ts";
import { Worker } from "../src/engine/worker.ts";
import { openSqliteStore } from "../src/store/open.ts";
import { Installation } from "./synthetic.ts";
import { syntheticPorts } from "./synthetic-ports.ts";

const [path, devicesArg, intervalArg] = process.argv.slice(2);
if (!path || !devicesArg) throw new Error("usage: api-engine.ts <store path> <devices> [interval ms]");
const inst = new Installation(Number(devicesArg));
const store = await openSqliteStore(path);
const ports = syntheticPorts(inst);
const engine = new Engine(store, ports);
const worker = new Worker(store, ports, engine.settings);
try {
  await watch(
    { store, engine, worker, clock: ports.clock, advance: (ms) => ports.clock.advance(ms) },
    { interval: Number(intervalArg ?? 1000), advance: HOUR, json: true, poll: 100 },
  );
} finally {
  await store.close();
}
