/**
 * The MaaS360 connector's configuration. Secrets never live here: the configuration names
 * the environment variables holding the administrator's password and the app access key.
 *
 * ```json
 * { "kind": "maas360", "billingId": "30012345", "appId": "com.example.ferry",
 *   "username": "ferry-api", "passwordEnv": "FERRY_MAAS360_PASSWORD",
 *   "appAccessKeyEnv": "FERRY_MAAS360_ACCESS_KEY" }
 * ```
 */

export interface Maas360Config {
  /** The MaaS360 account (customer) billing ID; its first digit picks the host. */
  billingId: string;
  /** `https://services.fiberlink.com` or `https://services.mN.maas360.com`, from the billing ID unless set. */
  baseUrl: string;
  /** The app ID and version registered for API access (Setup > Manage Access Keys). */
  appId: string;
  appVersion: string;
  /** The platform ID sent at sign-in (default "3"). */
  platformId: string;
  /** Name of the environment variable holding the app access key. */
  appAccessKeyEnv: string;
  /** The administrator Ferry signs in as. */
  username: string;
  /** Name of the environment variable holding that administrator's password. */
  passwordEnv: string;
  /** Devices per search page (default 250). */
  pageSize: number;
  /** [U] How long a token lives (default 60 minutes, "about 1 hour"); Ferry renews it 5 minutes before, and on any 401. */
  tokenLifetimeMinutes: number;
  /** Client-side pacing in requests per minute; none by default (the usage limits were not retrieved, §E). */
  requestsPerMinute?: number;
  maxConcurrency: number;
  timeoutMs: number;
}

/** Every problem found, each on its own (`problems`), and together in the message after `where`. */
export class Maas360ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    where?: string,
  ) {
    super(where === undefined ? problems.join("; ") : `${where}: ${problems.join("; ")}`);
    this.name = "Maas360ConfigError";
  }
}

/** §E: the host from the billing ID's first digit. */
const HOSTS: Record<string, string> = {
  "1": "https://services.fiberlink.com",
  "2": "https://services.m2.maas360.com",
  "3": "https://services.m3.maas360.com",
  "4": "https://services.m4.maas360.com",
  "6": "https://services.m6.maas360.com",
};

/** The API host of a billing ID (vendor-apis.md §E); throws naming an unknown first digit. */
export function maas360Host(billingId: string): string {
  const host = HOSTS[billingId.trim().charAt(0)];
  if (!host) {
    throw new Maas360ConfigError([
      `MaaS360 billing ID ${JSON.stringify(billingId)} starts with ${JSON.stringify(billingId.trim().charAt(0))}, which names no known MaaS360 instance (1, 2, 3, 4 or 6): set "baseUrl"`,
    ]);
  }
  return host;
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseMaas360Config(raw: unknown, where = "maas360 connection"): Maas360Config {
  if (typeof raw !== "object" || raw === null) throw new Maas360ConfigError(["expected an object"], where);
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const billingId = typeof c.billingId === "number" ? String(c.billingId) : c.billingId;
  if (typeof billingId !== "string" || !/^\d{4,20}$/.test(billingId.trim())) {
    problems.push(`"billingId" must be the account's billing ID (digits)`);
  }
  let baseUrl = "";
  if (c.baseUrl !== undefined) {
    if (typeof c.baseUrl !== "string" || !/^https?:\/\/[^/]/.test(c.baseUrl)) {
      problems.push(`"baseUrl" must be a URL such as "https://services.m3.maas360.com"`);
    } else baseUrl = c.baseUrl.replace(/\/+$/, "");
  } else if (typeof billingId === "string" && /^\d/.test(billingId)) {
    try {
      baseUrl = maas360Host(billingId);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (typeof c.appId !== "string" || c.appId.trim() === "") problems.push(`"appId" is required`);
  if (typeof c.username !== "string" || c.username.trim() === "") problems.push(`"username" is required`);
  for (const key of ["passwordEnv", "appAccessKeyEnv"] as const) {
    if (typeof c[key] !== "string" || !ENV_NAME.test(c[key] as string)) {
      problems.push(`"${key}" must name an environment variable`);
    }
  }
  for (const secret of ["password", "appAccessKey"]) {
    if (secret in c)
      problems.push(
        `"${secret}" must not be in the configuration: put it in the variable "${secret}Env" names`,
      );
  }
  if (c.appVersion !== undefined && typeof c.appVersion !== "string")
    problems.push(`"appVersion" must be text`);
  if (c.platformId !== undefined && typeof c.platformId !== "string")
    problems.push(`"platformId" must be text`);
  if (c.pageSize !== undefined && !isInt(c.pageSize, 1, 1000)) problems.push(`"pageSize" must be 1 to 1000`);
  if (c.tokenLifetimeMinutes !== undefined && !isInt(c.tokenLifetimeMinutes, 2, 24 * 60)) {
    problems.push(`"tokenLifetimeMinutes" must be 2 to 1440`);
  }
  if (c.requestsPerMinute !== undefined && !isInt(c.requestsPerMinute, 1)) {
    problems.push(`"requestsPerMinute" must be a positive whole number`);
  }
  if (c.maxConcurrency !== undefined && !isInt(c.maxConcurrency, 1, 64))
    problems.push(`"maxConcurrency" must be 1 to 64`);
  if (c.timeoutMs !== undefined && !isInt(c.timeoutMs, 1000))
    problems.push(`"timeoutMs" must be at least 1000`);
  if (problems.length > 0) throw new Maas360ConfigError(problems, where);
  return {
    billingId: (billingId as string).trim(),
    baseUrl,
    appId: (c.appId as string).trim(),
    appVersion: (c.appVersion as string | undefined) ?? "1.0",
    platformId: (c.platformId as string | undefined) ?? "3",
    appAccessKeyEnv: c.appAccessKeyEnv as string,
    username: (c.username as string).trim(),
    passwordEnv: c.passwordEnv as string,
    pageSize: (c.pageSize as number | undefined) ?? 250,
    tokenLifetimeMinutes: (c.tokenLifetimeMinutes as number | undefined) ?? 60,
    ...(c.requestsPerMinute === undefined ? {} : { requestsPerMinute: c.requestsPerMinute as number }),
    maxConcurrency: (c.maxConcurrency as number | undefined) ?? 4,
    timeoutMs: (c.timeoutMs as number | undefined) ?? 30_000,
  };
}

export interface Maas360Secrets {
  password: string;
  appAccessKey: string;
}

/** Both secrets from the environment variables the configuration names. */
export function maas360Secrets(
  config: Maas360Config,
  env: Record<string, string | undefined>,
): Maas360Secrets {
  const missing: string[] = [];
  const password = env[config.passwordEnv];
  const appAccessKey = env[config.appAccessKeyEnv];
  if (!password)
    missing.push(`${config.passwordEnv} (the password of MaaS360 administrator "${config.username}")`);
  if (!appAccessKey) missing.push(`${config.appAccessKeyEnv} (the access key of app "${config.appId}")`);
  if (missing.length > 0) {
    throw new Maas360ConfigError([
      `Environment variable${missing.length > 1 ? "s" : ""} not set: ${missing.join("; ")}`,
    ]);
  }
  return { password: password!, appAccessKey: appAccessKey! };
}
