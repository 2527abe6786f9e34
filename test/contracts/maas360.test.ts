/**
 * The source contract against the MaaS360 connector talking over HTTP to the MaaS360
 * emulator, which is backed by a simulated organisation: first cleanly, then with 10% of
 * requests faulted (sign-in included), and some wipes' responses lost after they took effect.
 *
 * The connector runs on its own manual clock and fake sleep, so its retries take no real
 * time; `advance` moves the world and brings the connector's clock up to it (tokens expire
 * on both sides, so the connector signs in again as it would in production).
 */
import assert from "node:assert/strict";
import { FakeSleep, seededRandom } from "../../src/connectors/http/index.ts";
import { maas360Ports, parseMaas360Config } from "../../src/connectors/maas360/index.ts";
import { ManualClock } from "../../src/core/time.ts";
import type { FaultOptions } from "../../src/emulators/kit/index.ts";
import { startMaas360Emulator } from "../../src/emulators/maas360/index.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { type ContractSubject, sourceContract } from "./contracts.ts";

function subject(faults?: FaultOptions) {
  return async (): Promise<ContractSubject> => {
    const world = new SimulatedOrganisation({ seed: 17, people: 120, start: Date.UTC(2027, 0, 4, 8) });
    const emu = await startMaas360Emulator({
      world,
      random: seededRandom(98),
      ...(faults ? { faults } : {}),
    });
    const clock = new ManualClock(world.clock.now());
    const fake = new FakeSleep(clock);
    const config = parseMaas360Config({
      billingId: emu.config.billingId,
      baseUrl: emu.url,
      appId: emu.config.appId,
      username: emu.config.username,
      passwordEnv: "FERRY_MAAS360_PASSWORD",
      appAccessKeyEnv: "FERRY_MAAS360_ACCESS_KEY",
      pageSize: 50, // several pages
    });
    const ports = maas360Ports(config, {
      clock,
      sleep: fake.sleep,
      random: seededRandom(8),
      env: { FERRY_MAAS360_PASSWORD: emu.config.password, FERRY_MAAS360_ACCESS_KEY: emu.config.appAccessKey },
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

sourceContract("MaaS360 connector ↔ emulator", subject());
/** 10% of requests faulted before the route runs; a fifth of writes lose their response after it ran. */
sourceContract(
  "MaaS360 connector ↔ emulator, 10% faults",
  subject({ rate: 0.1, afterEffect: { rate: 0.2 } }),
);
