/** Everything a command needs, opened from the configuration. */

import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { CsvInventory } from "../connectors/csv/inventory.ts";
import type { Ports } from "../core/ports/index.ts";
import { type Clock, systemClock } from "../core/time.ts";
import { Engine } from "../engine/engine.ts";
import { ManualSourceAccess } from "../engine/manual-access.ts";
import { ManualOffboarding } from "../engine/manual-offboarding.ts";
import { getMeta } from "../engine/meta.ts";
import { Worker } from "../engine/worker.ts";
import { createPortalLink, DEFAULT_PORTAL_LINK_TTL } from "../server/portal-links.ts";
import { loadSecrets } from "../server/secrets.ts";
import { openStore, type Store } from "../store/open.ts";
import { installationPorts, type VendorConnection } from "../wiring/installation-ports.ts";
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
  /** the simulated clock in a rehearsal; the system clock against real systems */
  now(): number;
  /**
   * The simulated organisation of a rehearsal (`connection.kind: "simulated"`): its clock only
   * moves when `ferry run` moves it. Undefined against real systems (`kind: "vendors"`).
   */
  simulation: SimulatedConnectionHandle | undefined;
  /**
   * E-mail through the SQL outbox to the configured SMTP server (`smtp` + `mail` in
   * ferry.json); undefined otherwise, and the simulated organisation's mailboxes (or Graph's
   * sendMail, against real systems) get the mail. Call `deliver()` after each drain.
   */
  mail: OutboxMail | undefined;
  /**
   * Switches the simulated old product off once, when the store says it was retired (the
   * server records that; the simulated organisation lives in the engine's process). Nothing
   * to do against real systems: the administrator switches the product off.
   */
  syncSourceRetirement(): Promise<void>;
  /** When the migration started: the rehearsal's simulated start, or the first audit entry. */
  migrationStart(): Promise<number>;
  close(): Promise<void>;
}

export async function openContext(configPath: string | undefined): Promise<Context> {
  const { config, dir, path, vendors } = loadConfig(configPath);
  const store = await openStore(databaseLocation(config.database, dir));
  const journal = resolve(dir, `${config.database}.simulation.jsonl`);
  let simulation: SimulatedConnectionHandle | undefined;
  let mail: OutboxMail | undefined;
  let ports: Ports;
  try {
    const conn = config.connection;
    simulation = conn.kind === "simulated" ? await SimulatedConnectionHandle.open(conn, journal) : undefined;
    const clock = simulation ? simulation.world.clock : systemClock;
    mail = config.smtp ? outboxMail(config, dir, store, clock) : undefined;
    ports = simulation
      ? { ...simulatedPorts(config, dir, store, simulation), ...(mail ? { mailer: mail.mailer } : {}) }
      : realPorts(config, dir, path, store, vendors, mail);
  } catch (error) {
    mail?.close();
    await store.close();
    throw error;
  }
  const engine = new Engine(store, ports);
  let sourceDecommissioned = simulation === undefined || journalHasDecommission(journal);
  return {
    config,
    configPath: path,
    store,
    ports,
    engine,
    // Leases are checked by owner: each process that may run beside others (`ferry run`
    // started N times, `ferry serve --workers N`) needs a name no other one has.
    worker: new Worker(store, ports, engine.settings, `worker@${hostname()}:${process.pid}`),
    simulation,
    mail,
    now: () => ports.clock.now(),
    async syncSourceRetirement() {
      if (sourceDecommissioned || !(await getMeta(store.db, "sourceRetired"))) return;
      simulation?.decommissionSource();
      sourceDecommissioned = true;
    },
    async migrationStart() {
      const conn = config.connection;
      if (conn.kind === "simulated") return Date.parse(conn.start);
      const first = await store.db.selectFrom("audit").select("at").orderBy("id").limit(1).executeTakeFirst();
      return first ? Number(first.at) : ports.clock.now();
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
function outboxMail(config: FerryConfig, dir: string, store: Store, clock: Clock) {
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
    clock,
    smtp,
    portalLink: (personId) =>
      `${base}/portal#${createPortalLink(personId, systemClock.now(), DEFAULT_PORTAL_LINK_TTL, secrets)}`,
    consoleLink: (personId) => `${base}/helpdesk/people/${encodeURIComponent(personId)}`,
    helpdesk: mail.helpdesk,
    ...(mail.brand ? { brand: mail.brand } : {}),
  });
}

/**
 * The ports of a rehearsal: the simulated organisation's, with the old product's CA as
 * manual tasks when its gateway has no API, and the inventory from a CSV export when the
 * product can only export.
 */
function simulatedPorts(
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

/** The ports of a real installation (`kind: "vendors"`), on the system clock. */
function realPorts(
  config: FerryConfig,
  dir: string,
  configPath: string,
  store: Store,
  vendors: VendorConnection | undefined,
  mail: OutboxMail | undefined,
): Ports {
  const conn = config.connection;
  if (conn.kind !== "vendors" || !vendors) throw new CliError("the vendors connection did not parse");
  try {
    return installationPorts(vendors, {
      db: store.db,
      breakGlassUpns: config.breakGlass,
      ...(mail ? { mailer: mail.mailer } : {}),
      ...(conn.manualGateway ? { manualGateway: conn.manualGateway } : {}),
      ...(conn.inventoryCsv ? { inventory: new CsvInventory(resolve(dir, conn.inventoryCsv)) } : {}),
    });
  } catch (error) {
    throw new CliError(`${configPath}: ${(error as Error).message}`);
  }
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
