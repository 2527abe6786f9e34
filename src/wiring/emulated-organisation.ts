/**
 * A simulated organisation reached the way a real one is: each vendor's emulator serves it on
 * loopback, and Ferry talks to them through the real connectors. The engine gets ports that
 * are HTTP all the way down — Graph for Intune, Entra ID and mail (and for the old product's
 * CA, which lives in Entra here), and the chosen old product's own API for its inventory and
 * retires. Apple Business Manager has no emulator yet, so that one port stays in process.
 */
import { graphPorts } from "../connectors/graph/index.ts";
import { type HttpStats, type Sleep, seededRandom } from "../connectors/http/index.ts";
import { ivantiPorts, parseIvantiConfig } from "../connectors/ivanti/index.ts";
import { parseWorkspaceOneConfig, workspaceOnePorts } from "../connectors/workspace-one/index.ts";
import type { Ports } from "../core/ports/index.ts";
import type { Clock } from "../core/time.ts";
import { startGraphEmulator } from "../emulators/graph/index.ts";
import { startIvantiEmulator } from "../emulators/ivanti/index.ts";
import type { EmulatorStats, FaultOptions } from "../emulators/kit/index.ts";
import {
  startWorkspaceOneEmulator,
  workspaceOneConnectorSettings,
} from "../emulators/workspace-one/index.ts";
import type { SimulatedOrganisation } from "../world/world.ts";
import { graphConnectorConfig } from "./fleet-connection.ts";

export const SOURCE_VENDORS = ["workspace-one", "ivanti"] as const;
export type SourceVendor = (typeof SOURCE_VENDORS)[number];

export interface EmulatedOrganisationOptions {
  source: SourceVendor;
  /** share of requests every emulator faults (500/503/429/resets/malformed/timeouts) */
  faultRate?: number;
  /** send e-mail with Graph's sendMail instead of the organisation's mail system */
  mailThroughGraph?: boolean;
  seed: number;
}

export interface EmulatedOrganisation {
  ports: Ports;
  /** What each emulator received (every request the connectors sent, retries included), and the Graph client's own counts. */
  stats(): { graphClient: ReturnType<HttpStats["snapshot"]>; emulators: Record<string, EmulatorStats> };
  close(): Promise<void>;
}

/**
 * Starts the emulators over `world` and builds connectors against them, all on the world's
 * clock: while a connector waits (a retry's backoff, a Retry-After) time passes in the world,
 * as it would for a real organisation, and the emulators' throttles see it pass.
 */
export async function emulateOrganisation(
  world: SimulatedOrganisation,
  options: EmulatedOrganisationOptions,
): Promise<EmulatedOrganisation> {
  const faults: FaultOptions | undefined = options.faultRate ? { rate: options.faultRate } : undefined;
  const random = (label: number) => seededRandom(options.seed * 1000 + label);
  const deps = { clock: world.clock, sleep: worldSleep(world) };

  const graphEmu = await startGraphEmulator({ world, random: random(1), ...(faults ? { faults } : {}) });
  const graph = graphPorts(graphConnectorConfig(graphEmu.config), { ...deps, random: random(2) });

  const source = await startSource(world, options.source, faults, random, deps);
  if (!graph.mailer || !graph.sourceAccess)
    throw new Error("the Graph connector needs a mail sender and the legacy CA group");
  const ports: Ports = {
    clock: world.clock,
    targetInventory: graph.targetInventory,
    targetAccess: graph.targetAccess,
    directory: graph.directory,
    // E-mail reaches people through the organisation's mail system (SMTP in a real
    // installation, see src/notify); sending through Graph is for tenants that want it.
    mailer: options.mailThroughGraph ? graph.mailer : world.ports.mailer,
    sourceAccess: graph.sourceAccess,
    sourceInventory: source.ports.sourceInventory,
    sourceOffboarding: source.ports.sourceOffboarding,
    appleAssignment: world.ports.appleAssignment,
  };
  return {
    ports,
    stats: () => ({
      graphClient: graph.client.http.stats.snapshot(),
      emulators: { graph: graphEmu.stats, [options.source]: source.emulatorStats },
    }),
    close: async () => {
      await graphEmu.close();
      await source.close();
    },
  };
}

interface StartedSource {
  ports: Pick<Ports, "sourceInventory" | "sourceOffboarding">;
  emulatorStats: EmulatorStats;
  close(): Promise<void>;
}

async function startSource(
  world: SimulatedOrganisation,
  vendor: SourceVendor,
  faults: FaultOptions | undefined,
  random: (label: number) => () => number,
  deps: { clock: Clock; sleep: Sleep },
): Promise<StartedSource> {
  switch (vendor) {
    case "workspace-one": {
      const emu = await startWorkspaceOneEmulator({
        world,
        random: random(3),
        ...(faults ? { faults } : {}),
      });
      const settings = workspaceOneConnectorSettings(emu);
      const ports = workspaceOnePorts(parseWorkspaceOneConfig(settings.config), {
        ...deps,
        random: random(4),
        env: settings.env,
      });
      return {
        ports,
        emulatorStats: emu.stats,
        close: () => emu.close(),
      };
    }
    case "ivanti": {
      const emu = await startIvantiEmulator({
        world,
        flavour: "core",
        random: random(3),
        ...(faults ? { faults } : {}),
      });
      const config = parseIvantiConfig({
        flavour: "core",
        baseUrl: emu.url,
        username: emu.config.username,
        passwordEnv: "FERRY_IVANTI_PASSWORD",
      });
      const ports = ivantiPorts(config, {
        ...deps,
        random: random(4),
        env: { FERRY_IVANTI_PASSWORD: emu.config.password },
      });
      return { ports, emulatorStats: emu.stats, close: () => emu.close() };
    }
  }
}

/** A connector's wait lets that much time pass in the world (its events run meanwhile). */
function worldSleep(world: SimulatedOrganisation): Sleep {
  return async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw signal.reason;
    // Yield first so requests still on the wire reach the emulator before time jumps.
    await new Promise<void>((resolve) => setImmediate(resolve));
    world.advanceTo(world.clock.now() + Math.max(0, ms));
  };
}
