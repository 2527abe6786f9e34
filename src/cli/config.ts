/**
 * The installation's configuration: one JSON file (default ./ferry.json). Secrets never live
 * here; connectors read them from the environment (see the connectors' READMEs).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Gateway } from "../engine/manual-access.ts";
import { CliError } from "./format.ts";

export interface SimulatedConnection {
  kind: "simulated";
  seed: number;
  people: number;
  /** ISO-8601 start of the simulated clock */
  start: string;
  /**
   * Rehearse an old product whose CA is a mail gateway with no API: source CA changes become
   * manual tasks (`ferry tasks`) instead of API calls.
   */
  manualGateway?: Gateway;
  /**
   * The source inventory comes from this CSV export (docs/csv-inventory.md) instead of the
   * product's API; set by `ferry import --csv`.
   */
  inventoryCsv?: string;
}

export type Connection = SimulatedConnection;

export interface FerryConfig {
  /** SQLite file, relative to the config file */
  database: string;
  connection: Connection;
  breakGlass: string[];
  vips: string[];
  /** renamed mail domains: old → new */
  domainMap: Record<string, string>;
}

export const DEFAULT_CONFIG_PATH = "ferry.json";

export function loadConfig(path = DEFAULT_CONFIG_PATH): { config: FerryConfig; dir: string; path: string } {
  const full = resolve(path);
  if (!existsSync(full))
    throw new CliError(`no configuration at ${full}: run \`ferry init\` first (or pass --config)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, "utf8"));
  } catch (e) {
    throw new CliError(`${full} is not valid JSON: ${(e as Error).message}`);
  }
  return { config: validate(raw, full), dir: dirname(full), path: full };
}

function validate(raw: unknown, where: string): FerryConfig {
  const problems: string[] = [];
  const c = raw as Partial<FerryConfig>;
  if (typeof c !== "object" || c === null) throw new CliError(`${where}: expected a JSON object`);
  if (typeof c.database !== "string" || c.database === "") problems.push(`"database" must be a file name`);
  const conn = c.connection as Partial<SimulatedConnection> | undefined;
  if (conn?.kind !== "simulated") {
    problems.push(
      `"connection.kind" must be "simulated" (vendor connectors arrive with the connectors work)`,
    );
  } else {
    if (!Number.isInteger(conn.seed)) problems.push(`"connection.seed" must be a whole number`);
    if (!Number.isInteger(conn.people) || (conn.people ?? 0) < 1)
      problems.push(`"connection.people" must be at least 1`);
    if (typeof conn.start !== "string" || Number.isNaN(Date.parse(conn.start)))
      problems.push(`"connection.start" must be an ISO-8601 time`);
  }
  for (const key of ["breakGlass", "vips"] as const) {
    if (c[key] !== undefined && !(Array.isArray(c[key]) && c[key].every((v) => typeof v === "string"))) {
      problems.push(`"${key}" must be a list of UPNs`);
    }
  }
  if (problems.length > 0) throw new CliError(`${where}: ${problems.join("; ")}`);
  return { breakGlass: [], vips: [], domainMap: {}, ...c } as FerryConfig;
}

export function writeConfig(path: string, config: FerryConfig, replace = false): void {
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { flag: replace ? "w" : "wx" });
}
