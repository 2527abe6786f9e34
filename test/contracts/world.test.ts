/** The contract suites against the simulated organisation itself: the reference implementation. */
import { SimulatedOrganisation } from "../../src/world/world.ts";
import {
  type ContractSubject,
  directoryContract,
  mailerContract,
  sourceAccessContract,
  sourceContract,
  targetContract,
} from "./contracts.ts";

async function world(): Promise<ContractSubject> {
  const w = new SimulatedOrganisation({ seed: 17, people: 120, start: Date.UTC(2027, 0, 4, 8) });
  return {
    world: w,
    ports: w.ports,
    advance: async (ms) => w.advanceTo(w.clock.now() + ms),
    close: async () => {},
  };
}

sourceContract("simulated organisation", world);
sourceAccessContract("simulated organisation", world);
targetContract("simulated organisation", world);
directoryContract("simulated organisation", world);
mailerContract("simulated organisation", world);
