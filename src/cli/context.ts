/** Everything a command needs, opened from the configuration. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CsvInventory } from "../connectors/csv/inventory.ts";
import type { Ports } from "../core/ports/index.ts";
import { systemClock } from "../core/time.ts";
import { Engine } from "../engine/engine.ts";
import { ManualSourceAccess } from "../engine/manual-access.ts";
import { ManualOffboarding } from "../engine/manual-offboarding.ts";
import { getMeta } from "../engine/meta.ts";
import { Worker } from "../engine/worker.ts";
import { createPortalLink, DEFAULT_PORTAL_LINK_TTL } from "../server/portal-links.ts";
import { loadSecrets } from "../server/secrets.ts";
import { openStore, type Store } from "../store/open.ts";
import { buildOutboxMailer, type OutboxMail, smtpOptionsFromConfig } from "../wiring/mail.ts";
import { type FerryConfig, loadConfig } from "./config.ts";
import { CliError } from "./format.ts";
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
  /**
   * E-mail through the SQL outbox to the configured SMTP server (`smtp` + `mail` in
   * ferry.json); undefined otherwise, and the simulated organisation's mailboxes get the mail.
   * Call `deliver()` after each drain.
   */
  mail: OutboxMail | undefined;
  /**
   * Switches the simulated old product off once, when the store says it was retired (the
   * server records that; the simulated organisation lives in the engine's process).
   */
  syncSourceRetirement(): Promise<void>;
  close(): Promise<void>;
}

export async function openContext(configPath: string | undefined): Promise<Context> {
  const { config, dir, path } = loadConfig(configPath);
  const store = await openStore(databaseLocation(config.database, dir));
  const journal = resolve(dir, `${config.database}.simulation.jsonl`);
  const simulation = await SimulatedConnectionHandle.open(config.connection, journal);
  let mail: OutboxMail | undefined;
  try {
    mail = config.smtp ? outboxMail(config, dir, store, simulation) : undefined;
  } catch (error) {
    await store.close();
    throw error;
  }
  const ports = {
    ...connectionPorts(config, dir, store, simulation),
    ...(mail ? { mailer: mail.mailer } : {}),
  };
  const engine = new Engine(store, ports);
  let sourceDecommissioned = journalHasDecommission(journal);
  return {
    config,
    configPath: path,
    store,
    ports,
    engine,
    worker: new Worker(store, ports, engine.settings),
    simulation,
    mail,
    now: () => simulation.world.clock.now(),
    async syncSourceRetirement() {
      if (sourceDecommissioned || !(await getMeta(store.db, "sourceRetired"))) return;
      simulation.decommissionSource();
      sourceDecommissioned = true;
    },
    close: async () => {
      mail?.close();
      await store.close();
    },
  };
}

function journalHasDecommission(journal: string): boolean {
  return existsSync(journal) && readFileSync(journal, "utf8").includes(`"decommission":true`);
}

/**
 * The outbox mailer over the store, sending through the configured SMTP server. Portal links
 * are signed with the server's key (FERRY_SECRET_KEY or ferry.key beside the configuration,
 * as `ferry serve` reads it) and with real time, since the server checks them against it.
 */
function outboxMail(config: FerryConfig, dir: string, store: Store, simulation: SimulatedConnectionHandle) {
  const mail = config.mail;
  if (!config.smtp || !mail) throw new CliError(`"smtp" needs a "mail" section`);
  const { secrets } = loadSecrets({ env: process.env, keyFile: resolve(dir, "ferry.key") });
  const base = mail.publicUrl.replace(/\/$/, "");
  let smtp: ReturnType<typeof smtpOptionsFromConfig>;
  try {
    smtp = smtpOptionsFromConfig(config.smtp, process.env);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return buildOutboxMailer({
    db: store.db,
    clock: simulation.world.clock,
    smtp,
    portalLink: (personId) =>
      `${base}/portal#${createPortalLink(personId, systemClock.now(), DEFAULT_PORTAL_LINK_TTL, secrets)}`,
    consoleLink: (personId) => `${base}/helpdesk/people/${encodeURIComponent(personId)}`,
    helpdesk: mail.helpdesk,
    ...(mail.brand ? { brand: mail.brand } : {}),
  });
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
