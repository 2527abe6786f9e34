/**
 * The Jamf Pro connector's configuration. Secrets never live here: the configuration holds
 * the names of the environment variables that hold them (docs/connectors/jamf.md).
 *
 * @example
 * { "kind": "jamf", "url": "https://contoso.jamfcloud.com",
 *   "auth": { "method": "oauth", "clientId": "6f1c…", "clientSecretEnv": "JAMF_CLIENT_SECRET" } }
 */

/** An API client (Jamf Pro 10.49+): `POST /api/oauth/token`, client credentials (§C). */
export interface JamfOAuth {
  method: "oauth";
  clientId: string;
  /** Name of the environment variable holding the client secret. */
  clientSecretEnv: string;
  /** Space-separated `api-role:N` subset to ask for; default every role the client has. */
  scope?: string;
}

/** A Jamf Pro account: Basic auth to `POST /api/v1/auth/token`, then a bearer kept alive (§C). */
export interface JamfBasicAuth {
  method: "basic";
  username: string;
  /** Name of the environment variable holding the password. */
  passwordEnv: string;
}

export type JamfInventoryVersion = 1 | 2 | 3 | 4;

export interface JamfConfig {
  kind: "jamf";
  /** The server, e.g. `https://contoso.jamfcloud.com` (no path). */
  url: string;
  auth: JamfOAuth | JamfBasicAuth;
  /** Records per page, 1–2000; default 200. */
  pageSize?: number;
  /** Requests in flight at once, 1–5 (Jamf advises at most 5); default 5. */
  maxConcurrency?: number;
  /** `computers-inventory` versions to try, in order; default v3, then v4 (11.30+), v2, v1. */
  inventoryVersions?: JamfInventoryVersion[];
  /** [U] How a Mac's ownership is recorded: an extension attribute and the values meaning personal. */
  computerOwnership?: { attribute?: string; personalValues?: string[] };
  /** [U] MDM command types the unmanage endpoints queue (for "retire pending"). */
  unmanageCommandTypes?: string[];
  /** Wall-clock bound on one request in ms; default 30 000. */
  timeoutMs?: number;
}

export const JAMF_DEFAULTS = Object.freeze({
  pageSize: 200,
  maxConcurrency: 5,
  inventoryVersions: Object.freeze([3, 4, 2, 1] as JamfInventoryVersion[]),
  ownershipAttribute: "Ownership",
  personalValues: Object.freeze(["personal", "byod", "employee", "employee-owned", "personally owned"]),
  unmanageCommandTypes: Object.freeze(["REMOVE_MDM_PROFILE", "UNMANAGE_DEVICE"]),
  timeoutMs: 30_000,
});

export class JamfConfigError extends Error {
  readonly kind = "JamfConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Jamf Pro connector configuration: ${problems.join("; ")}`);
    this.name = "JamfConfigError";
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates a parsed JSON value as a JamfConfig; throws a JamfConfigError listing every problem. */
export function parseJamfConfig(raw: unknown): JamfConfig {
  const problems: string[] = [];
  if (!isObject(raw)) throw new JamfConfigError(["expected a JSON object"]);
  if (raw.kind !== "jamf") problems.push(`"kind" must be "jamf"`);
  if (typeof raw.url !== "string" || !/^https?:\/\/[^/]+\/?$/i.test(raw.url)) {
    problems.push(`"url" must be the server's address without a path, e.g. "https://contoso.jamfcloud.com"`);
  }
  const envName = (where: string, v: unknown) => {
    if (typeof v !== "string" || !ENV_NAME.test(v)) {
      problems.push(
        `"${where}" must name an environment variable (letters, digits, _), not hold the secret itself`,
      );
    }
  };
  const auth = raw.auth;
  if (!isObject(auth)) {
    problems.push(`"auth" must be {"method":"oauth",…} or {"method":"basic",…}`);
  } else if (auth.method === "oauth") {
    if (typeof auth.clientId !== "string" || auth.clientId === "")
      problems.push(`"auth.clientId" is required`);
    envName("auth.clientSecretEnv", auth.clientSecretEnv);
    if (
      auth.scope !== undefined &&
      (typeof auth.scope !== "string" || !/^(api-role:\d+)( api-role:\d+)*$/.test(auth.scope))
    ) {
      problems.push(`"auth.scope" must be space-separated api-role:N values`);
    }
  } else if (auth.method === "basic") {
    if (typeof auth.username !== "string" || auth.username === "")
      problems.push(`"auth.username" is required`);
    envName("auth.passwordEnv", auth.passwordEnv);
  } else {
    problems.push(`"auth.method" must be "oauth" or "basic"`);
  }
  const int = (key: string, min: number, max: number, why: string) => {
    const v = raw[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)) {
      problems.push(`"${key}" must be a whole number from ${min} to ${max}${why}`);
    }
  };
  int("pageSize", 1, 2000, "");
  int("maxConcurrency", 1, 5, " (Jamf advises at most 5 concurrent connections)");
  const versions = raw.inventoryVersions;
  if (
    versions !== undefined &&
    (!Array.isArray(versions) ||
      versions.length === 0 ||
      versions.some((v) => ![1, 2, 3, 4].includes(v as number)))
  ) {
    problems.push(`"inventoryVersions" must list versions 1–4`);
  }
  const own = raw.computerOwnership;
  if (own !== undefined) {
    if (!isObject(own))
      problems.push(`"computerOwnership" must be {"attribute": "…", "personalValues": ["…"]}`);
    else {
      if (own.attribute !== undefined && (typeof own.attribute !== "string" || own.attribute === "")) {
        problems.push(`"computerOwnership.attribute" must be an extension attribute's name`);
      }
      if (
        own.personalValues !== undefined &&
        (!Array.isArray(own.personalValues) || own.personalValues.some((v) => typeof v !== "string"))
      ) {
        problems.push(`"computerOwnership.personalValues" must be a list of strings`);
      }
    }
  }
  const types = raw.unmanageCommandTypes;
  if (
    types !== undefined &&
    (!Array.isArray(types) || types.some((t) => typeof t !== "string" || !/^[A-Z_]+$/.test(t)))
  ) {
    problems.push(`"unmanageCommandTypes" must list MDM command types such as REMOVE_MDM_PROFILE`);
  }
  if (raw.timeoutMs !== undefined && (typeof raw.timeoutMs !== "number" || !(raw.timeoutMs > 0))) {
    problems.push(`"timeoutMs" must be a positive number of milliseconds`);
  }
  if (problems.length > 0) throw new JamfConfigError(problems);
  return raw as unknown as JamfConfig;
}

export type JamfSecrets = { method: "oauth"; clientSecret: string } | { method: "basic"; password: string };

/** Reads the secret from the environment; names the variable when it is missing, never its value. */
export function resolveJamfSecrets(config: JamfConfig, env: Record<string, string | undefined>): JamfSecrets {
  const a = config.auth;
  const name = a.method === "oauth" ? a.clientSecretEnv : a.passwordEnv;
  const value = env[name];
  if (value === undefined || value === "") {
    throw new JamfConfigError([
      `the environment variable ${name} is not set (the configuration says the secret is there)`,
    ]);
  }
  return a.method === "oauth"
    ? { method: "oauth", clientSecret: value }
    : { method: "basic", password: value };
}
