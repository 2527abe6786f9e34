/**
 * The ports of a real installation (`connection.kind: "vendors"` in ferry.json): Microsoft
 * Graph for Intune, Entra ID, mail and — when it lives in Entra — the old product's CA; the
 * chosen old product's connector for its inventory and retires; Apple Business Manager as
 * manual tasks (it has no connector). Everything on the system clock with real sleeps.
 *
 * `parseVendorConnection` validates the JSON with the connectors' own parsers and reads the
 * secrets from the environment variables the configs name, so ferry.json never holds one.
 */
import {
  type GraphConfig,
  GraphConfigError,
  type GraphPorts,
  graphPorts,
  parseGraphConfig,
} from "../connectors/graph/index.ts";
import { realSleep, type Sleep } from "../connectors/http/index.ts";
import {
  type IvantiConfig,
  IvantiConfigError,
  ivantiPassword,
  ivantiPorts,
  parseIvantiConfig,
} from "../connectors/ivanti/index.ts";
import {
  type JamfConfig,
  JamfConfigError,
  jamfPorts,
  parseJamfConfig,
  resolveJamfSecrets,
} from "../connectors/jamf/index.ts";
import {
  type Maas360Config,
  Maas360ConfigError,
  maas360Ports,
  maas360Secrets,
  parseMaas360Config,
} from "../connectors/maas360/index.ts";
import {
  parseWorkspaceOneConfig,
  resolveWorkspaceOneSecrets,
  type WorkspaceOneConfig,
  WorkspaceOneConfigError,
  workspaceOnePorts,
} from "../connectors/workspace-one/index.ts";
import type { Mailer, Ports, SourceInventory, SourceOffboarding } from "../core/ports/index.ts";
import { type Clock, systemClock } from "../core/time.ts";
import { type Gateway, ManualSourceAccess } from "../engine/manual-access.ts";
import { ManualAppleAssignment } from "../engine/manual-apple.ts";
import { ManualOffboarding } from "../engine/manual-offboarding.ts";
import type { Db } from "../store/open.ts";

export const SOURCE_PRODUCTS = ["workspace-one", "jamf", "ivanti", "maas360"] as const;
export type SourceProduct = (typeof SOURCE_PRODUCTS)[number];

export const PRODUCT_NAMES: Record<SourceProduct, string> = {
  "workspace-one": "Workspace ONE UEM",
  jamf: "Jamf Pro",
  ivanti: "Ivanti EPMM",
  maas360: "MaaS360",
};

export type SourceConnection =
  | { vendor: "workspace-one"; config: WorkspaceOneConfig }
  | { vendor: "jamf"; config: JamfConfig }
  | { vendor: "ivanti"; config: IvantiConfig }
  | { vendor: "maas360"; config: Maas360Config };

/** Parsed, with the Graph secret read; the source connector reads its own secrets from `env`. */
export interface VendorConnection {
  graph: GraphConfig;
  source: SourceConnection;
  env: Record<string, string | undefined>;
}

/**
 * Validates `{ graph: { config }, source: { vendor, config } }` (what ferry.json's
 * `connection` holds besides `kind`) and checks every secret variable is set. Problems name
 * the field as `"connection.source.config.baseUrl" …`, each on its own.
 */
export function parseVendorConnection(
  raw: { graph?: unknown; source?: unknown },
  env: Record<string, string | undefined>,
  breakGlassUpns: readonly string[],
): { connection: VendorConnection; problems: [] } | { connection: undefined; problems: string[] } {
  const problems: string[] = [];
  const graphRaw = (raw.graph as { config?: unknown } | undefined)?.config;
  let graph: GraphConfig | undefined;
  if (!isObject(graphRaw)) problems.push(`"connection.graph.config" must be the Graph connector's settings`);
  else {
    try {
      graph = parseGraphConfig(graphRaw, env, breakGlassUpns);
    } catch (error) {
      if (!(error instanceof GraphConfigError)) throw error;
      problems.push(...located("connection.graph.config", [...error.problems]));
    }
  }
  const sourceRaw = raw.source as { vendor?: unknown; config?: unknown } | undefined;
  let source: SourceConnection | undefined;
  if (!isObject(sourceRaw)) problems.push(`"connection.source" must be { "vendor": …, "config": { … } }`);
  else if (!(SOURCE_PRODUCTS as readonly unknown[]).includes(sourceRaw.vendor))
    problems.push(
      `"connection.source.vendor" must be one of ${SOURCE_PRODUCTS.join(", ")} (got ${JSON.stringify(sourceRaw.vendor)})`,
    );
  else if (!isObject(sourceRaw.config))
    problems.push(`"connection.source.config" must be the ${sourceRaw.vendor} connector's settings`);
  else {
    try {
      source = parseSource(sourceRaw.vendor as SourceProduct, sourceRaw.config, env);
    } catch (error) {
      const list = sourceProblems(error);
      if (!list) throw error;
      problems.push(...located("connection.source.config", list));
    }
  }
  if (problems.length > 0 || !graph || !source) return { connection: undefined, problems };
  return { connection: { graph, source, env }, problems: [] };
}

function sourceProblems(error: unknown): string[] | undefined {
  if (
    error instanceof WorkspaceOneConfigError ||
    error instanceof JamfConfigError ||
    error instanceof IvantiConfigError ||
    error instanceof Maas360ConfigError
  )
    return [...error.problems];
  return undefined;
}

/** `"apiUrl" must …` → `"connection.source.config.apiUrl" must …`; anything else is prefixed. */
function located(prefix: string, problems: readonly string[]): string[] {
  return problems.map((p) => {
    const m = /^"([A-Za-z_][\w.]*)"(.*)$/s.exec(p);
    return m ? `"${prefix}.${m[1]}"${m[2]}` : `"${prefix}": ${p}`;
  });
}

function parseSource(
  vendor: SourceProduct,
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
): SourceConnection {
  switch (vendor) {
    case "workspace-one": {
      // The vendor is already named beside the config; `kind` only repeats it.
      const config = parseWorkspaceOneConfig({ kind: "workspace-one", ...raw });
      resolveWorkspaceOneSecrets(config, env);
      return { vendor, config };
    }
    case "jamf": {
      const config = parseJamfConfig({ kind: "jamf", ...raw });
      resolveJamfSecrets(config, env);
      return { vendor, config };
    }
    case "ivanti": {
      const config = parseIvantiConfig(raw);
      ivantiPassword(config, env);
      return { vendor, config };
    }
    case "maas360": {
      const config = parseMaas360Config(raw);
      maas360Secrets(config, env);
      return { vendor, config };
    }
  }
}

export interface ConnectorPorts {
  graph: GraphPorts;
  sourceInventory: SourceInventory;
  sourceOffboarding: SourceOffboarding;
}

export interface ConnectorDeps {
  clock: Clock;
  sleep: Sleep;
  /** jitter per connector (label 2: Graph, 4: the source), for runs that must reproduce */
  random?: (label: number) => () => number;
  /** real-time bound on one Graph request (the source's is in its own config) */
  timeoutMs?: number;
}

/** Graph and the source product's connector over their configs: the HTTP half of the ports. */
export function connectorPorts(connection: VendorConnection, deps: ConnectorDeps): ConnectorPorts {
  const base = { clock: deps.clock, sleep: deps.sleep };
  const random = (label: number) => (deps.random ? { random: deps.random(label) } : {});
  const graph = graphPorts(connection.graph, {
    ...base,
    ...random(2),
    ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
  });
  const sourceDeps = { ...base, ...random(4), env: connection.env };
  const s = connection.source;
  const source =
    s.vendor === "workspace-one"
      ? workspaceOnePorts(s.config, sourceDeps)
      : s.vendor === "jamf"
        ? jamfPorts(s.config, sourceDeps)
        : s.vendor === "ivanti"
          ? ivantiPorts(s.config, sourceDeps)
          : maas360Ports(s.config, sourceDeps);
  return { graph, sourceInventory: source.sourceInventory, sourceOffboarding: source.sourceOffboarding };
}

export interface InstallationOptions {
  db: Db;
  /** mail through the SMTP outbox; without it, Graph's sendMail from `mailSender` */
  mailer?: Mailer;
  /** the old product's CA is a mail gateway with no API: its changes are manual tasks */
  manualGateway?: Gateway;
  /** the source inventory from this CSV export (absolute path); retires become manual tasks */
  inventory?: SourceInventory;
  breakGlassUpns: readonly string[];
  clock?: Clock;
  sleep?: Sleep;
}

/** Every port of a real installation, or an Error naming what the configuration lacks. */
export function installationPorts(connection: VendorConnection, o: InstallationOptions): Ports {
  const clock = o.clock ?? systemClock;
  const c = connectorPorts(connection, { clock, sleep: o.sleep ?? realSleep });
  const mailer = o.mailer ?? c.graph.mailer;
  if (!mailer) throw new Error(MISSING_MAILER);
  const sourceAccess = o.manualGateway
    ? new ManualSourceAccess(o.db, clock, o.manualGateway, o.breakGlassUpns)
    : c.graph.sourceAccess;
  if (!sourceAccess) throw new Error(MISSING_SOURCE_ACCESS);
  const product = PRODUCT_NAMES[connection.source.vendor];
  return {
    clock,
    targetInventory: c.graph.targetInventory,
    targetAccess: c.graph.targetAccess,
    directory: c.graph.directory,
    mailer,
    sourceAccess,
    ...(o.inventory
      ? { sourceInventory: o.inventory, sourceOffboarding: new ManualOffboarding(o.db, clock, product) }
      : { sourceInventory: c.sourceInventory, sourceOffboarding: c.sourceOffboarding }),
    appleAssignment: new ManualAppleAssignment(o.db, clock),
  };
}

export const MISSING_MAILER = `"connection.graph.config.mailSender" is needed unless "smtp" is set: Ferry has no other way to send e-mail`;
export const MISSING_SOURCE_ACCESS = `"connection.graph.config.legacy" (the old product's CA group in Entra) or "connection.manualGateway" is needed: Ferry must be able to exempt people from the old product's conditional access`;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
