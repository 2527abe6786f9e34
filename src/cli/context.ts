/** Everything a command needs, opened from the configuration. */
import { resolve } from "node:path";
import type { Ports } from "../core/ports/index.ts";
import { Engine } from "../engine/engine.ts";
import { ManualSourceAccess } from "../engine/manual-access.ts";
import { Worker } from "../engine/worker.ts";
import { openStore, type Store } from "../store/open.ts";
import { type FerryConfig, loadConfig } from "./config.ts";
import { SimulatedConnectionHandle } from "./simulated-connection.ts";

export interface Context {
  config: FerryConfig;
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
  const { config, dir } = loadConfig(configPath);
  const store = await openStore(databaseLocation(config.database, dir));
  const simulation = await SimulatedConnectionHandle.open(
    config.connection,
    resolve(dir, `${config.database}.simulation.jsonl`),
  );
  const gateway = config.connection.manualGateway;
  const ports: Ports = gateway
    ? {
        ...simulation.ports,
        sourceAccess: new ManualSourceAccess(
          store.db,
          simulation.world.clock,
          gateway,
          simulation.world.breakGlassUpns,
        ),
      }
    : simulation.ports;
  const engine = new Engine(store, ports);
  return {
    config,
    store,
    ports,
    engine,
    worker: new Worker(store, ports, engine.settings),
    simulation,
    now: () => simulation.world.clock.now(),
    close: () => store.close(),
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
