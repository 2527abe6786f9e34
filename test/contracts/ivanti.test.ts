/**
 * The source contract against the Ivanti connector talking over HTTP to the Ivanti emulator
 * (both flavours), which is backed by a simulated organisation: first cleanly, then with 10%
 * of requests faulted (500, 503, 429, resets, truncated and malformed bodies) and some
 * retires' responses lost after they took effect.
 *
 * The connector runs on its own manual clock and fake sleep, so its retries take no real
 * time; `advance` moves the world and brings the connector's clock up to it.
 */
import assert from "node:assert/strict";
import { FakeSleep, seededRandom } from "../../src/connectors/http/index.ts";
import { ivantiPorts, parseIvantiConfig } from "../../src/connectors/ivanti/index.ts";
import { ManualClock } from "../../src/core/time.ts";
import { type IvantiFlavour, startIvantiEmulator } from "../../src/emulators/ivanti/index.ts";
import type { FaultOptions } from "../../src/emulators/kit/index.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { type ContractSubject, sourceContract } from "./contracts.ts";

function subject(flavour: IvantiFlavour, faults?: FaultOptions) {
  return async (): Promise<ContractSubject> => {
    const world = new SimulatedOrganisation({ seed: 17, people: 120, start: Date.UTC(2027, 0, 4, 8) });
    const emu = await startIvantiEmulator({
      world,
      flavour,
      random: seededRandom(99),
      ...(faults ? { faults } : {}),
    });
    const clock = new ManualClock(world.clock.now());
    const fake = new FakeSleep(clock);
    const config = parseIvantiConfig({
      flavour,
      baseUrl: emu.url,
      username: emu.config.username,
      passwordEnv: "FERRY_IVANTI_PASSWORD",
      pageSize: flavour === "core" ? 50 : 40, // several pages
    });
    const ports = ivantiPorts(config, {
      clock,
      sleep: fake.sleep,
      random: seededRandom(7),
      env: { FERRY_IVANTI_PASSWORD: emu.config.password },
    });
    return {
      world,
      ports,
      advance: async (ms) => {
        world.advanceTo(world.clock.now() + ms);
        if (clock.now() < world.clock.now()) clock.set(world.clock.now());
      },
      close: async () => {
        if (faults) assert.ok(emu.stats.faulted > 0, "faults were injected");
        await emu.close();
      },
    };
  };
}

/** 10% of requests faulted before the route runs; a fifth of writes lose their response after it ran. */
const FAULTS: FaultOptions = { rate: 0.1, afterEffect: { rate: 0.2 } };

sourceContract("Ivanti EPMM connector ↔ emulator", subject("core"));
sourceContract("Ivanti EPMM connector ↔ emulator, 10% faults", subject("core", FAULTS));
sourceContract("Ivanti Neurons for MDM connector ↔ emulator", subject("cloud"));
sourceContract("Ivanti Neurons for MDM connector ↔ emulator, 10% faults", subject("cloud", FAULTS));
