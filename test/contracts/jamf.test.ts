/**
 * The source contract against the Jamf Pro connector talking to the Jamf Pro emulator over
 * loopback HTTP, then again with 10% of requests faulted.
 *
 * Jamf manages Apple devices only, so the subject is honest about it: the referee is the
 * world *as Jamf sees it* (`jamfView`): its Android and Windows devices are left out of the
 * comparison (they would be in another product), and each device carries the id the Jamf
 * connector reports (`computer:N` / `mobile:N`, because Jamf numbers computers and mobile
 * devices separately). The assertions of contracts.ts are unchanged.
 */

import assert from "node:assert/strict";
import { after } from "node:test";
import type { FaultOptions } from "../../src/emulators/kit/index.ts";
import { jamfRig, jamfView } from "../connectors/jamf/harness.ts";
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
  const rig = await jamfRig({ seed: 17, people: 120, auth, ...(faults ? { faults } : {}) });
  return {
    world: jamfView(rig.world),
    ports: rig.ports,
    advance: async (ms) => rig.world.advanceTo(rig.world.clock.now() + ms),
    close: async () => {
      if (faults) injected.push(rig.emu.stats.faulted);
      await rig.close();
    },
  };
}

// Jamf never answers 429 (§C): the faults are 5xx, resets, truncated and malformed bodies.
const JAMF_FAULTS: FaultOptions = { rate: 0.1, weights: { "429": 0, "429-bare": 0 } };

sourceContract("Jamf Pro connector ↔ emulator (API client)", () => subject("oauth"));
sourceContract("Jamf Pro connector ↔ emulator (account + keep-alive), 10% faults", () =>
  subject("basic", JAMF_FAULTS),
);
