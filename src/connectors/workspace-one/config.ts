/**
 * The Workspace ONE UEM connector's configuration: where the REST API is, how to sign in, and
 * the few [U] facts a tenant may need to set. Secrets never live here: the configuration holds
 * the *names* of the environment variables that hold them (docs/connectors/workspace-one.md).
 *
 * @example
 * { "kind": "workspace-one", "apiUrl": "https://as1234.awmdm.com/API",
 *   "auth": { "method": "basic", "username": "ferry-api",
 *             "passwordEnv": "WS1_PASSWORD", "tenantCodeEnv": "WS1_API_KEY" } }
 */

/** Basic auth of an admin account, with the REST API key in `aw-tenant-code` (§B). */
export interface WorkspaceOneBasicAuth {
  method: "basic";
  username: string;
  /** Name of the environment variable holding the admin's password. */
  passwordEnv: string;
  /** Name of the environment variable holding the REST API key (sent as `aw-tenant-code`). */
  tenantCodeEnv: string;
}

/** OAuth client credentials (SaaS): a regional token URL, no tenant code (§B). */
export interface WorkspaceOneOAuth {
  method: "oauth";
  /** e.g. `https://na.uemauth.vmwservices.com/connect/token` (regional; Omnissa hostnames may differ [U]). */
  tokenUrl: string;
  clientId: string;
  /** Name of the environment variable holding the client secret. */
  clientSecretEnv: string;
}

export interface WorkspaceOneConfig {
  kind: "workspace-one";
  /** Base of the REST API, ending in `/API`: `https://asNNN.awmdm.com/API` for console `cnNNN`. */
  apiUrl: string;
  auth: WorkspaceOneBasicAuth | WorkspaceOneOAuth;
  /** Only devices of this organization group (and below), WS1's `lgid`; default every device the account sees. */
  organizationGroupId?: number;
  /** Devices per search page, 1–500 (WS1 cuts larger values to 500); default 500. */
  pageSize?: number;
  /** [U] The device field holding the Android Enterprise management type; default `AndroidManagementType`. */
  androidModeField?: string;
  /** [U] The device field flagging Apple User Enrollment; default `IsUserEnrollment`. */
  userEnrollmentField?: string;
  /** Wall-clock bound on one request in ms; default 30 000. */
  timeoutMs?: number;
}

export const WS1_DEFAULTS = Object.freeze({
  pageSize: 500,
  androidModeField: "AndroidManagementType",
  userEnrollmentField: "IsUserEnrollment",
  timeoutMs: 30_000,
});

/** The configuration is wrong; `problems` lists every mistake found, for one fix-up pass. */
export class WorkspaceOneConfigError extends Error {
  readonly kind = "WorkspaceOneConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Workspace ONE connector configuration: ${problems.join("; ")}`);
    this.name = "WorkspaceOneConfigError";
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates a parsed JSON value as a WorkspaceOneConfig; throws a WorkspaceOneConfigError listing every problem. */
export function parseWorkspaceOneConfig(raw: unknown): WorkspaceOneConfig {
  const problems: string[] = [];
  if (!isObject(raw)) throw new WorkspaceOneConfigError(["expected a JSON object"]);
  if (raw.kind !== "workspace-one") problems.push(`"kind" must be "workspace-one"`);
  const url = raw.apiUrl;
  if (typeof url !== "string" || !/^https?:\/\/[^/]+/i.test(url)) {
    problems.push(`"apiUrl" must be the REST API's URL, e.g. "https://as1234.awmdm.com/API"`);
  } else if (!/\/api\/?$/i.test(url)) {
    problems.push(`"apiUrl" must end in /API (got "${url}")`);
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
    problems.push(`"auth" must be {"method":"basic",…} or {"method":"oauth",…}`);
  } else if (auth.method === "basic") {
    if (typeof auth.username !== "string" || auth.username === "")
      problems.push(`"auth.username" is required`);
    envName("auth.passwordEnv", auth.passwordEnv);
    envName("auth.tenantCodeEnv", auth.tenantCodeEnv);
  } else if (auth.method === "oauth") {
    if (typeof auth.tokenUrl !== "string" || !/^https?:\/\//i.test(auth.tokenUrl)) {
      problems.push(
        `"auth.tokenUrl" must be the regional token URL, e.g. "https://na.uemauth.vmwservices.com/connect/token"`,
      );
    }
    if (typeof auth.clientId !== "string" || auth.clientId === "")
      problems.push(`"auth.clientId" is required`);
    envName("auth.clientSecretEnv", auth.clientSecretEnv);
  } else {
    problems.push(`"auth.method" must be "basic" or "oauth"`);
  }
  if (raw.pageSize !== undefined) {
    const n = raw.pageSize;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 500) {
      problems.push(`"pageSize" must be a whole number from 1 to 500 (Workspace ONE returns at most 500)`);
    }
  }
  if (raw.organizationGroupId !== undefined) {
    const n = raw.organizationGroupId;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
      problems.push(`"organizationGroupId" must be a group's numeric id`);
  }
  for (const key of ["androidModeField", "userEnrollmentField"] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== "string" || raw[key] === "")) {
      problems.push(`"${key}" must be a field name`);
    }
  }
  if (raw.timeoutMs !== undefined && (typeof raw.timeoutMs !== "number" || !(raw.timeoutMs > 0))) {
    problems.push(`"timeoutMs" must be a positive number of milliseconds`);
  }
  if (problems.length > 0) throw new WorkspaceOneConfigError(problems);
  return raw as unknown as WorkspaceOneConfig;
}

export type WorkspaceOneSecrets =
  | { method: "basic"; password: string; tenantCode: string }
  | { method: "oauth"; clientSecret: string };

/** Reads the secrets from the environment; names the variables that are missing, never their values. */
export function resolveWorkspaceOneSecrets(
  config: WorkspaceOneConfig,
  env: Record<string, string | undefined>,
): WorkspaceOneSecrets {
  const missing: string[] = [];
  const read = (name: string) => {
    const v = env[name];
    if (v === undefined || v === "") missing.push(name);
    return v ?? "";
  };
  const a = config.auth;
  const secrets: WorkspaceOneSecrets =
    a.method === "basic"
      ? { method: "basic", password: read(a.passwordEnv), tenantCode: read(a.tenantCodeEnv) }
      : { method: "oauth", clientSecret: read(a.clientSecretEnv) };
  if (missing.length > 0) {
    throw new WorkspaceOneConfigError(
      missing.map(
        (name) => `the environment variable ${name} is not set (the configuration says the secret is there)`,
      ),
    );
  }
  return secrets;
}
