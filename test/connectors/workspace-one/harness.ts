/**
 * A simulated organisation behind a Workspace ONE emulator, and the WS1 connector talking to
 * it over loopback HTTP, all on the world's clock. The connector's waits (retries, 429s) let
 * time pass in the world.
 */
import { seededRandom } from "../../../src/connectors/http/index.ts";
import type { Sleep } from "../../../src/connectors/http/sleep.ts";
import {
  type WorkspaceOneConfig,
  type WorkspaceOnePortsDeps,
  workspaceOnePorts,
} from "../../../src/connectors/workspace-one/index.ts";
import type { FaultOptions } from "../../../src/emulators/kit/index.ts";
import {
  startWorkspaceOneEmulator,
  type WorkspaceOneEmulator,
  type WorkspaceOneEmulatorSettings,
} from "../../../src/emulators/workspace-one/index.ts";
import { Rng } from "../../../src/world/rng.ts";
import { SimulatedOrganisation } from "../../../src/world/world.ts";

export const START = Date.UTC(2027, 0, 4, 8);

/** A Sleep that lets `ms` pass in the world (its events run), for everything on the world's clock. */
export function worldSleep(world: SimulatedOrganisation): Sleep & { calls: number[] } {
  const calls: number[] = [];
  const sleep = (async (ms: number, signal?: AbortSignal) => {
    calls.push(ms);
    if (signal?.aborted) throw signal.reason;
    await new Promise<void>((resolve) => setImmediate(resolve));
    world.advanceTo(world.clock.now() + Math.max(0, ms));
  }) as Sleep & { calls: number[] };
  sleep.calls = calls;
  return sleep;
}

export interface Ws1RigOptions {
  seed?: number;
  people?: number;
  world?: SimulatedOrganisation;
  auth?: "basic" | "oauth";
  settings?: WorkspaceOneEmulatorSettings;
  faults?: FaultOptions;
  config?: Partial<WorkspaceOneConfig>;
  deps?: Partial<WorkspaceOnePortsDeps>;
}

export interface Ws1Rig {
  world: SimulatedOrganisation;
  emu: WorkspaceOneEmulator;
  config: WorkspaceOneConfig;
  env: Record<string, string>;
  deps: WorkspaceOnePortsDeps;
  ports: ReturnType<typeof workspaceOnePorts>;
  sleep: ReturnType<typeof worldSleep>;
  close(): Promise<void>;
}

export async function ws1Rig(o: Ws1RigOptions = {}): Promise<Ws1Rig> {
  const seed = o.seed ?? 17;
  const world = o.world ?? new SimulatedOrganisation({ seed, people: o.people ?? 120, start: START });
  const rng = new Rng(seed, "ws1-emulator");
  const emu = await startWorkspaceOneEmulator({
    world,
    random: () => rng.next(),
    ...(o.faults ? { faults: o.faults } : {}),
    ...(o.settings ? { options: o.settings } : {}),
  });
  const env = {
    WS1_PASSWORD: emu.config.basic.password,
    WS1_API_KEY: emu.config.tenantCode,
    WS1_CLIENT_SECRET: emu.config.oauth.clientSecret,
  };
  const config: WorkspaceOneConfig = {
    kind: "workspace-one",
    apiUrl: emu.config.apiUrl,
    auth:
      o.auth === "oauth"
        ? {
            method: "oauth",
            tokenUrl: emu.config.oauth.tokenUrl,
            clientId: emu.config.oauth.clientId,
            clientSecretEnv: "WS1_CLIENT_SECRET",
          }
        : {
            method: "basic",
            username: emu.config.basic.username,
            passwordEnv: "WS1_PASSWORD",
            tenantCodeEnv: "WS1_API_KEY",
          },
    timeoutMs: 5_000,
    ...o.config,
  };
  const sleep = worldSleep(world);
  const deps: WorkspaceOnePortsDeps = {
    clock: world.clock,
    sleep,
    random: seededRandom(seed),
    env,
    ...o.deps,
  };
  return {
    world,
    emu,
    config,
    env,
    deps,
    ports: workspaceOnePorts(config, deps),
    sleep,
    close: () => emu.close(),
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
