/** The Graph connector against the Graph emulator over loopback HTTP, both on the world's clock. */
import {
  type GraphConfig,
  type GraphDeps,
  type GraphPorts,
  graphPorts,
} from "../../../src/connectors/graph/index.ts";
import { FakeSleep, seededRandom } from "../../../src/connectors/http/index.ts";
import {
  type GraphEmulator,
  type StartGraphEmulatorOptions,
  startGraphEmulator,
  WorldTime,
} from "../../../src/emulators/graph/index.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

export interface Rig {
  world: SimulatedOrganisation;
  emu: GraphEmulator;
  graph: GraphPorts;
  fake: FakeSleep;
  /** Requests the emulator answered on `route` ("PATCH /v1.0/groups/:id"), by status. */
  hits(route: string): number;
  close(): Promise<void>;
}

export interface RigOptions extends Partial<Omit<StartGraphEmulatorOptions, "world">> {
  people?: number;
  deps?: Partial<GraphDeps>;
  config?: Partial<GraphConfig>;
}

export async function rig(o: RigOptions = {}): Promise<Rig> {
  const world = new SimulatedOrganisation({
    seed: 9,
    people: o.people ?? 60,
    start: Date.UTC(2026, 3, 6, 8),
    behaviour: { never: 0, slow: 0, onLeave: 0, losesDevice: 0 },
  });
  const { people: _p, deps, config, ...emulatorOptions } = o;
  const emu = await startGraphEmulator({ world, random: seededRandom(3), ...emulatorOptions });
  const fake = new FakeSleep(new WorldTime(world), { idle: () => graph.client.http.inFlight === 0 });
  const graph: GraphPorts = graphPorts(
    { ...emu.config, ...config },
    { clock: world.clock, sleep: fake.sleep, random: seededRandom(4), ...deps },
  );
  return {
    world,
    emu,
    graph,
    fake,
    hits: (route) => Object.values(emu.stats.byRoute[route] ?? {}).reduce((a, b) => a + b, 0),
    close: () => emu.close(),
  };
}

export async function withRig(o: RigOptions, body: (r: Rig) => Promise<void>): Promise<void> {
  const r = await rig(o);
  try {
    await body(r);
  } finally {
    await r.close();
  }
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
