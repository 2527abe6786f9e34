/**
 * The installation's configuration: one JSON file (default ./ferry.json). Secrets never live
 * here; connectors read them from the environment (see the connectors' READMEs).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { GATEWAYS, type Gateway } from "../engine/manual-access.ts";
import type { Brand, HelpdeskContact } from "../notify/templates/context.ts";
import {
  MISSING_MAILER,
  MISSING_SOURCE_ACCESS,
  parseVendorConnection,
  type SourceProduct,
  type VendorConnection,
} from "../wiring/installation-ports.ts";
import { type SmtpConfig, smtpConfigProblems } from "../wiring/mail.ts";
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

/**
 * A real installation: Microsoft Graph (Intune, Entra ID, mail) and the old product's API,
 * each configured exactly as `ferry connect --settings` takes it. The secrets are in the
 * environment variables the configs name (`clientSecretEnv`, `passwordEnv`, …).
 */
export interface VendorsConnection {
  kind: "vendors";
  graph: { config: Record<string, unknown> };
  source: { vendor: SourceProduct; config: Record<string, unknown> };
  /** the old product's CA is a mail gateway with no API: its changes become manual tasks */
  manualGateway?: Gateway;
  /** the source inventory comes from this CSV export instead of the product's API */
  inventoryCsv?: string;
}

export type Connection = SimulatedConnection | VendorsConnection;

export interface FerryConfig {
  /** SQLite file, relative to the config file */
  database: string;
  connection: Connection;
  breakGlass: string[];
  vips: string[];
  /** renamed mail domains: old → new */
  domainMap: Record<string, string>;
  /**
   * Send e-mail through this SMTP server (via the outbox in the database) instead of the
   * simulated organisation's mailboxes; needs `mail`. The password comes from the
   * environment variable `smtp.passwordEnv` names, never from this file.
   */
  smtp?: SmtpConfig;
  mail?: MailConfig;
  /**
   * People's time zones, for quiet hours, when the directory gives none (Microsoft Graph keeps
   * it in each mailbox's settings, not on the user): by the directory's office location, else
   * the default. IANA names, e.g. { "default": "Europe/London", "byLocation": { "Sydney": "Australia/Sydney" } }.
   */
  timeZones?: TimeZones;
}

export interface TimeZones {
  default?: string;
  byLocation?: Record<string, string>;
}

/** What e-mails link to and sign with, alongside `smtp`. */
export interface MailConfig {
  /** how people reach `ferry serve`, e.g. https://ferry.contoso.example: portal links point there */
  publicUrl: string;
  helpdesk: HelpdeskContact;
  brand?: Brand;
}

export const DEFAULT_CONFIG_PATH = "ferry.json";

export interface LoadedConfig {
  config: FerryConfig;
  dir: string;
  path: string;
  /** `kind: "vendors"`: the connectors' parsed configs, secrets read from the environment */
  vendors?: VendorConnection;
}

export function loadConfig(
  path = DEFAULT_CONFIG_PATH,
  env: Record<string, string | undefined> = process.env,
): LoadedConfig {
  const full = resolve(path);
  if (!existsSync(full))
    throw new CliError(`no configuration at ${full}: run \`ferry init\` first (or pass --config)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, "utf8"));
  } catch (e) {
    throw new CliError(`${full} is not valid JSON: ${(e as Error).message}`);
  }
  const { config, vendors } = validate(raw, full, env);
  return { config, dir: dirname(full), path: full, ...(vendors ? { vendors } : {}) };
}

function validate(
  raw: unknown,
  where: string,
  env: Record<string, string | undefined>,
): { config: FerryConfig; vendors: VendorConnection | undefined } {
  const problems: string[] = [];
  const c = raw as Partial<FerryConfig>;
  if (typeof c !== "object" || c === null) throw new CliError(`${where}: expected a JSON object`);
  if (typeof c.database !== "string" || c.database === "") problems.push(`"database" must be a file name`);
  const conn = c.connection as Partial<SimulatedConnection> | Partial<VendorsConnection> | undefined;
  let vendors: VendorConnection | undefined;
  if (conn?.kind === "vendors") {
    const v = c.connection as Partial<VendorsConnection>;
    const breakGlass = Array.isArray(c.breakGlass) ? c.breakGlass.filter((u) => typeof u === "string") : [];
    const parsed = parseVendorConnection(v, env, breakGlass);
    problems.push(...parsed.problems);
    vendors = parsed.connection;
    const graph = v.graph?.config as { mailSender?: unknown; legacy?: unknown } | undefined;
    if (parsed.connection && c.smtp === undefined && graph?.mailSender === undefined)
      problems.push(MISSING_MAILER);
    if (parsed.connection && graph?.legacy === undefined && v.manualGateway === undefined)
      problems.push(MISSING_SOURCE_ACCESS);
  } else if (conn?.kind !== "simulated") {
    problems.push(
      `"connection.kind" must be "simulated" (a rehearsal) or "vendors" (your real systems; see \`ferry init --vendors\`)`,
    );
  } else {
    if (!Number.isInteger(conn.seed)) problems.push(`"connection.seed" must be a whole number`);
    if (!Number.isInteger(conn.people) || (conn.people ?? 0) < 1)
      problems.push(`"connection.people" must be at least 1`);
    if (typeof conn.start !== "string" || Number.isNaN(Date.parse(conn.start)))
      problems.push(`"connection.start" must be an ISO-8601 time`);
  }
  const gateway = (conn as { manualGateway?: unknown } | undefined)?.manualGateway;
  if (gateway !== undefined && !(typeof gateway === "string" && gateway in GATEWAYS))
    problems.push(`"connection.manualGateway" must be one of ${Object.keys(GATEWAYS).join(", ")}`);
  for (const key of ["breakGlass", "vips"] as const) {
    if (c[key] !== undefined && !(Array.isArray(c[key]) && c[key].every((v) => typeof v === "string"))) {
      problems.push(`"${key}" must be a list of UPNs`);
    }
  }
  if (c.smtp !== undefined || c.mail !== undefined) problems.push(...mailProblems(c.smtp, c.mail));
  if (c.timeZones !== undefined) problems.push(...timeZoneProblems(c.timeZones));
  if (problems.length > 0) throw new CliError(`${where}: ${problems.join("; ")}`);
  const config = { breakGlass: [], vips: [], domainMap: {}, ...c } as FerryConfig;
  // phone and hours may be left out of the file; the templates print them as given
  if (config.mail) config.mail.helpdesk = { ...({ phone: "", hours: "" } as const), ...config.mail.helpdesk };
  return { config, vendors };
}

/** `timeZones`: IANA names only, so a typo is caught here rather than as mail at 3 a.m. */
function timeZoneProblems(raw: unknown): string[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return [`"timeZones" must be { "default": "Europe/London", "byLocation": { "<office>": "<zone>" } }`];
  const problems: string[] = [];
  const t = raw as { default?: unknown; byLocation?: unknown };
  const check = (field: string, zone: unknown) => {
    if (!isTimeZone(zone))
      problems.push(
        `"${field}" must be an IANA time zone such as "Europe/London" (got ${JSON.stringify(zone)})`,
      );
  };
  if (t.default !== undefined) check("timeZones.default", t.default);
  if (t.byLocation !== undefined) {
    if (typeof t.byLocation !== "object" || t.byLocation === null || Array.isArray(t.byLocation))
      problems.push(`"timeZones.byLocation" must map office locations to time zones`);
    else
      for (const [office, zone] of Object.entries(t.byLocation))
        check(`timeZones.byLocation.${office}`, zone);
  }
  return problems;
}

function isTimeZone(zone: unknown): boolean {
  if (typeof zone !== "string" || zone === "") return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `smtp` and `mail` go together: mail needs a server, and links need an address. */
function mailProblems(smtp: unknown, mail: unknown): string[] {
  if (smtp === undefined) return [`"mail" needs an "smtp" section: the server to send through`];
  const problems = smtpConfigProblems(smtp);
  if (typeof mail !== "object" || mail === null || Array.isArray(mail)) {
    problems.push(`"smtp" needs a "mail" section: { "publicUrl": …, "helpdesk": { "name": …, "email": … } }`);
    return problems;
  }
  const m = mail as Record<string, unknown>;
  if (typeof m.publicUrl !== "string" || !/^https?:\/\/[^\s/]+/.test(m.publicUrl))
    problems.push(`"mail.publicUrl" must be the http(s) address people reach \`ferry serve\` at`);
  const h = m.helpdesk as Record<string, unknown> | undefined;
  if (typeof h !== "object" || h === null)
    problems.push(`"mail.helpdesk" must name the helpdesk people write to`);
  else {
    for (const k of ["name", "email"])
      if (typeof h[k] !== "string" || (h[k] as string).trim() === "")
        problems.push(`"mail.helpdesk.${k}" must be a non-empty string`);
    for (const k of ["phone", "hours", "locale", "timeZone"])
      if (h[k] !== undefined && typeof h[k] !== "string")
        problems.push(`"mail.helpdesk.${k}" must be a string`);
  }
  if (m.brand !== undefined) {
    const b = m.brand as Record<string, unknown> | null;
    if (typeof b !== "object" || b === null || typeof b.organisation !== "string")
      problems.push(`"mail.brand.organisation" must be your organisation's name`);
  }
  return problems;
}

export function writeConfig(path: string, config: FerryConfig, replace = false): void {
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { flag: replace ? "w" : "wx" });
}
