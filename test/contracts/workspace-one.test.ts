/**
 * The source contract against the Workspace ONE connector talking to the Workspace ONE
 * emulator over loopback HTTP; the emulator is backed by a simulated organisation, which is
 * the referee. Then again with 10% of requests faulted (5xx, 429 with and without
 * Retry-After, resets, truncated and malformed bodies).
 */

import assert from "node:assert/strict";
import { after } from "node:test";
import type { FaultOptions } from "../../src/emulators/kit/index.ts";
import { ws1Rig } from "../connectors/workspace-one/harness.ts";
import { type ContractSubject, sourceContract } from "./contracts.ts";

/** Faults the emulators injected, so the faulted run proves it was faulted. */
const injected: number[] = [];
after(() =>
  assert.ok(
    injected.some((n) => n > 0),
    `no faults were injected: ${injected.join(", ")}`,
  ),
);

async function subject(auth: "basic" | "oauth", faults?: FaultOptions): Promise<ContractSubject> {
  const rig = await ws1Rig({ seed: 17, people: 120, auth, ...(faults ? { faults } : {}) });
  return {
    world: rig.world,
    ports: rig.ports,
    advance: async (ms) => rig.world.advanceTo(rig.world.clock.now() + ms),
    close: async () => {
      if (faults) injected.push(rig.emu.stats.faulted);
      await rig.close();
    },
  };
}

sourceContract("Workspace ONE connector ↔ emulator (Basic + aw-tenant-code)", () => subject("basic"));
sourceContract("Workspace ONE connector ↔ emulator (OAuth), 10% faults", () =>
  subject("oauth", { rate: 0.1 }),
);
