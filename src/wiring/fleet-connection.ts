/**
 * What a worker in another process needs to reach the emulated organisation: plain JSON (the
 * emulators' URLs and credentials), and the connector ports built from it. The parent starts
 * the emulators (`startFleetEmulators`) and hands `FleetConnection` to each child, which calls
 * `fleetConnectorPorts`. Mail goes through Graph's sendMail, so an e-mail crosses the process
 * boundary and lands in the world's mailbox where the parent can count it.
 */
import { type Sleep, seededRandom } from "../connectors/http/index.ts";
import { parseWorkspaceOneConfig } from "../connectors/workspace-one/index.ts";
import type { Ports } from "../core/ports/index.ts";
import type { Clock } from "../core/time.ts";
import { type GraphEmulatorConfig, startGraphEmulator } from "../emulators/graph/index.ts";
import type { EmulatorStats, FaultOptions, KitLogger } from "../emulators/kit/index.ts";
import {
  startWorkspaceOneEmulator,
  workspaceOneConnectorSettings,
} from "../emulators/workspace-one/index.ts";
import type { SimulatedOrganisation } from "../world/world.ts";
import { connectorPorts } from "./installation-ports.ts";

export interface FleetConnection {
  graph: GraphConnectorConfig;
  workspaceOne: { config: Record<string, unknown>; env: Record<string, string> };
  /** Real-time bound on one send; shorter than the emulators' `timeout` hold when that fault is on. */
  timeoutMs?: number;
}

/** The Graph connector's settings for a Graph emulator: its config is in the connector's own field names. */
export type GraphConnectorConfig = Omit<GraphEmulatorConfig, "breakGlassGroupId">;

export function graphConnectorConfig(g: GraphEmulatorConfig): GraphConnectorConfig {
  const { breakGlassGroupId: _group, ...config } = g;
  return { ...config, breakGlassUpns: [...g.breakGlassUpns] };
}

export interface FleetEmulators {
  connection: FleetConnection;
  stats: Record<string, EmulatorStats>;
  close(): Promise<void>;
}

/**
 * Starts Graph and Workspace ONE over `world`, with the same fault options for both, and
 * `onResponse` called once per response each sends (the kill trigger counts them).
 */
export async function startFleetEmulators(
  world: SimulatedOrganisation,
  options: {
    seed: number;
    faults?: FaultOptions;
    timeoutMs?: number;
    onResponse?: (emulator: string, route: string, status: unknown) => void;
  },
): Promise<FleetEmulators> {
  const random = (label: number) => seededRandom(options.seed * 1000 + label);
  const log = (name: string): KitLogger | undefined =>
    options.onResponse
      ? {
          debug: (obj) => {
            const o = obj as { route?: string; status?: unknown };
            options.onResponse?.(name, o.route ?? "", o.status);
          },
          warn: () => {},
          error: () => {},
        }
      : undefined;
  const graphLog = log("graph");
  const ws1Log = log("workspace-one");
  const graph = await startGraphEmulator({
    world,
    random: random(1),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(graphLog ? { log: graphLog } : {}),
  });
  const ws1 = await startWorkspaceOneEmulator({
    world,
    random: random(3),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(ws1Log ? { log: ws1Log } : {}),
  });
  const g = graph.config;
  if (!g.legacy || !g.mailSender)
    throw new Error("the Graph emulator lacks the legacy CA group or a mail sender");
  return {
    connection: {
      graph: graphConnectorConfig(g),
      workspaceOne: workspaceOneConnectorSettings(ws1),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    },
    stats: { graph: graph.stats, "workspace-one": ws1.stats },
    close: async () => {
      await graph.close();
      await ws1.close();
    },
  };
}

/**
 * Every port but Apple Business Manager (no emulator yet; the caller supplies it) and the
 * clock, over HTTP, as `emulateOrganisation` builds them in process.
 */
export function fleetConnectorPorts(
  connection: FleetConnection,
  deps: { clock: Clock; sleep: Sleep; seed: number },
): Omit<Ports, "appleAssignment" | "clock"> {
  const timeout = connection.timeoutMs === undefined ? {} : { timeoutMs: connection.timeoutMs };
  // The same assembly as a real installation's (installation-ports.ts), with the seeded
  // jitter the resilience suites compare runs by.
  const c = connectorPorts(
    {
      graph: connection.graph,
      source: {
        vendor: "workspace-one",
        config: parseWorkspaceOneConfig({ ...connection.workspaceOne.config, ...timeout }),
      },
      env: connection.workspaceOne.env,
    },
    {
      clock: deps.clock,
      sleep: deps.sleep,
      random: (label) => seededRandom(deps.seed * 1000 + label),
      ...timeout,
    },
  );
  if (!c.graph.mailer || !c.graph.sourceAccess)
    throw new Error("the Graph connector needs a mail sender and the legacy CA group");
  return {
    targetInventory: c.graph.targetInventory,
    targetAccess: c.graph.targetAccess,
    directory: c.graph.directory,
    mailer: c.graph.mailer,
    sourceAccess: c.graph.sourceAccess,
    sourceInventory: c.sourceInventory,
    sourceOffboarding: c.sourceOffboarding,
  };
}
