/**
 * The contract suites against the Microsoft Graph connector talking over HTTP to the Graph
 * emulator, which serves a simulated organisation: the same assertions as the world in
 * process. Then once more with 10% of requests faulted by the emulator kit.
 */
import { graphPorts } from "../../src/connectors/graph/index.ts";
import { FakeSleep, seededRandom } from "../../src/connectors/http/index.ts";
import { startGraphEmulator, WorldTime } from "../../src/emulators/graph/index.ts";
import type { FaultOptions } from "../../src/emulators/kit/index.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import {
  type ContractSubject,
  directoryContract,
  mailerContract,
  sourceAccessContract,
  targetContract,
} from "./contracts.ts";

function graph(faults?: FaultOptions): () => Promise<ContractSubject> {
  return async () => {
    const world = new SimulatedOrganisation({ seed: 17, people: 120, start: Date.UTC(2027, 0, 4, 8) });
    // Seed 53 faults the first request each suite makes (and ~10% after), so even the
    // one-request mailer suite meets a fault.
    const emu = await startGraphEmulator({
      world,
      random: seededRandom(53),
      ...(faults ? { faults } : {}),
    });
    // Waiting (backoff, budgets, Retry-After) lets the world live through the wait.
    const fake = new FakeSleep(new WorldTime(world), { idle: () => ports.client.http.inFlight === 0 });
    const ports = graphPorts(emu.config, { clock: world.clock, sleep: fake.sleep, random: seededRandom(17) });
    return {
      world,
      ports: {
        targetInventory: ports.targetInventory,
        targetAccess: ports.targetAccess,
        directory: ports.directory,
        mailer: ports.mailer!,
        sourceAccess: ports.sourceAccess!,
      },
      advance: async (ms) => world.advanceTo(world.clock.now() + ms),
      close: async () => {
        await emu.close();
        if (faults && emu.stats.faulted === 0) throw new Error("the faulted run injected no fault");
      },
    };
  };
}

for (const [label, faults] of [
  ["graph connector ↔ emulator", undefined],
  ["graph connector ↔ emulator, 10% faults", { rate: 0.1 }],
] as const) {
  targetContract(label, graph(faults));
  sourceAccessContract(label, graph(faults));
  directoryContract(label, graph(faults));
  mailerContract(label, graph(faults));
}
