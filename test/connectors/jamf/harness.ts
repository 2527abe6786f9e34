/**
 * A simulated organisation behind a Jamf Pro emulator, and the Jamf connector talking to it
 * over loopback HTTP on the world's clock; plus the world as Jamf sees it (Apple devices only,
 * ids qualified by kind) for the contract suite.
 */
import { seededRandom } from "../../../src/connectors/http/index.ts";
import {
  formatJamfSourceId,
  type JamfConfig,
  type JamfPortsDeps,
  jamfPorts,
} from "../../../src/connectors/jamf/index.ts";
import {
  type JamfEmulator,
  type JamfEmulatorSettings,
  jamfManages,
  startJamfEmulator,
} from "../../../src/emulators/jamf/index.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import { Rng } from "../../../src/world/rng.ts";
import type { ScenarioDevice } from "../../../src/world/scenario.ts";
import { type DeviceTruth, SimulatedOrganisation } from "../../../src/world/world.ts";
import { START, worldSleep } from "../workspace-one/harness.ts";

export { collect, START, worldSleep } from "../workspace-one/harness.ts";

export interface JamfRigOptions {
  seed?: number;
  people?: number;
  world?: SimulatedOrganisation;
  auth?: "basic" | "oauth";
  settings?: JamfEmulatorSettings;
  faults?: FaultOptions;
  config?: Partial<JamfConfig>;
  deps?: Partial<JamfPortsDeps>;
}

export interface JamfRig {
  world: SimulatedOrganisation;
  emu: JamfEmulator;
  config: JamfConfig;
  env: Record<string, string>;
  deps: JamfPortsDeps;
  ports: ReturnType<typeof jamfPorts>;
  sleep: ReturnType<typeof worldSleep>;
  close(): Promise<void>;
}

export async function jamfRig(o: JamfRigOptions = {}): Promise<JamfRig> {
  const seed = o.seed ?? 17;
  const world = o.world ?? new SimulatedOrganisation({ seed, people: o.people ?? 120, start: START });
  const rng = new Rng(seed, "jamf-emulator");
  const emu = await startJamfEmulator({
    world,
    random: () => rng.next(),
    ...(o.faults ? { faults: o.faults } : {}),
    ...(o.settings ? { options: o.settings } : {}),
  });
  const env = { JAMF_PASSWORD: emu.config.basic.password, JAMF_CLIENT_SECRET: emu.config.oauth.clientSecret };
  const config: JamfConfig = {
    kind: "jamf",
    url: emu.config.url,
    auth:
      o.auth === "basic"
        ? { method: "basic", username: emu.config.basic.username, passwordEnv: "JAMF_PASSWORD" }
        : { method: "oauth", clientId: emu.config.oauth.clientId, clientSecretEnv: "JAMF_CLIENT_SECRET" },
    timeoutMs: 5_000,
    ...o.config,
  };
  const sleep = worldSleep(world);
  const deps: JamfPortsDeps = { clock: world.clock, sleep, random: seededRandom(seed), env, ...o.deps };
  return { world, emu, config, env, deps, ports: jamfPorts(config, deps), sleep, close: () => emu.close() };
}

/** Ferry's id for a world device as the Jamf connector reports it. */
export function jamfIdOf(d: Pick<ScenarioDevice, "platform" | "sourceId">): string {
  return d.sourceId === ""
    ? ""
    : formatJamfSourceId(d.platform === "macos" ? "computer" : "mobile", d.sourceId);
}

/**
 * The organisation as Jamf Pro sees it, for the contract suite: only the devices Jamf can
 * manage (Apple's; the world's Android and Windows devices would be in another product), each
 * under the id the Jamf connector gives it (`computer:N` / `mobile:N`, because Jamf numbers
 * the two kinds separately). Everything else is the world itself.
 */
export function jamfView(world: SimulatedOrganisation): SimulatedOrganisation {
  const byWorldId = new Map(world.scenario.devices.map((d) => [d.worldId, d]));
  const scenario = {
    ...world.scenario,
    devices: world.scenario.devices.filter(jamfManages).map((d) => ({ ...d, sourceId: jamfIdOf(d) })),
  };
  const devices = (): DeviceTruth[] =>
    world.devices().flatMap((t) => {
      const d = byWorldId.get(t.worldId);
      return d && jamfManages(d) ? [{ ...t, sourceId: jamfIdOf(d) }] : [];
    });
  return new Proxy(world, {
    get(target, prop) {
      if (prop === "scenario") return scenario;
      if (prop === "devices") return devices;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
