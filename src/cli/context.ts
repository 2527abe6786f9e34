/** Everything a command needs, opened from the configuration. */
import { resolve } from "node:path";
import { CsvInventory } from "../connectors/csv/inventory.ts";
import type { Ports } from "../core/ports/index.ts";
import { Engine } from "../engine/engine.ts";
import { ManualSourceAccess } from "../engine/manual-access.ts";
import { ManualOffboarding } from "../engine/manual-offboarding.ts";
import { Worker } from "../engine/worker.ts";
import { openStore, type Store } from "../store/open.ts";
import { type FerryConfig, loadConfig } from "./config.ts";
import { SimulatedConnectionHandle } from "./simulated-connection.ts";

export interface Context {
  config: FerryConfig;
  configPath: string;
  store: Store;
  ports: Ports;
  engine: Engine;
  worker: Worker;
  now(): number;
  /** the simulated organisation: its clock only moves when `ferry run` moves it */
  simulation: SimulatedConnectionHandle;
  close(): Promise<void>;
}

export async function openContext(configPath: string | undefined): Promise<Context> {
  const { config, dir, path } = loadConfig(configPath);
  const store = await openStore(databaseLocation(config.database, dir));
  const simulation = await SimulatedConnectionHandle.open(
    config.connection,
    resolve(dir, `${config.database}.simulation.jsonl`),
  );
  const ports = connectionPorts(config, dir, store, simulation);
  const engine = new Engine(store, ports);
  return {
    config,
    configPath: path,
    store,
    ports,
    engine,
    worker: new Worker(store, ports, engine.settings),
    simulation,
    now: () => simulation.world.clock.now(),
    close: () => store.close(),
  };
}

/**
 * The ports of this installation: the simulated organisation's, with the old product's CA
 * as manual tasks when its gateway has no API, and the inventory from a CSV export when the
 * product can only export.
 */
function connectionPorts(
  config: FerryConfig,
  dir: string,
  store: Store,
  simulation: SimulatedConnectionHandle,
): Ports {
  const { manualGateway: gateway, inventoryCsv: csv } = config.connection;
  const world = simulation.world;
  return {
    ...simulation.ports,
    ...(gateway
      ? { sourceAccess: new ManualSourceAccess(store.db, world.clock, gateway, world.breakGlassUpns) }
      : {}),
    // An export-only product: the inventory is the CSV, and retires are manual tasks.
    ...(csv
      ? {
          sourceInventory: new CsvInventory(resolve(dir, csv)),
          sourceOffboarding: new ManualOffboarding(store.db, world.clock),
        }
      : {}),
  };
}

/** Runs a command body with an opened context and always closes it. */
export async function withContext<T>(
  configPath: string | undefined,
  body: (ctx: Context) => Promise<T>,
): Promise<T> {
  const ctx = await openContext(configPath);
  try {
    return await body(ctx);
  } finally {
    await ctx.close();
  }
}

/** DATABASE_URL (e.g. postgres://…) wins over the configuration; a file name is relative to the config. */
export function databaseLocation(configured: string, dir: string): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  return /^postgres(ql)?:\/\//.test(configured) ? configured : resolve(dir, configured);
}
