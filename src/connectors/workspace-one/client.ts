/**
 * The Workspace ONE UEM HTTP client: the shared pipeline (connectors/http) with WS1's auth
 * (Basic + `aw-tenant-code`, or an OAuth bearer), its version header, its limits, and error
 * messages an administrator can act on.
 */
import type { Clock } from "../../core/time.ts";
import {
  type AuthProvider,
  BasicAuth,
  BearerTokenAuth,
  clientCredentials,
  HttpClient,
  isAuthError,
  isHttpError,
  type Logger,
  realSleep,
  type Sleep,
  VENDOR_LIMITS,
} from "../http/index.ts";
import { resolveWorkspaceOneSecrets, type WorkspaceOneConfig, WS1_DEFAULTS } from "./config.ts";

export const WS1_SERVICE = "Workspace ONE UEM";

/** `Accept` picks the schema (§B); every call Ferry makes reads the v1 shapes. */
export const WS1_ACCEPT = "application/json;version=1";

export interface WorkspaceOneDeps {
  clock: Clock;
  /** Waiting between retries; default real time. */
  sleep?: Sleep;
  /** Jitter and request ids; default seeded from the clock. */
  random?: () => number;
  logger?: Logger;
  /** Where secrets are read from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A refusal the administrator must fix (credentials, API key, role): never retried. */
export class WorkspaceOneAccessError extends Error {
  readonly kind = "WorkspaceOneAccessError";
  constructor(
    message: string,
    /** The HTTP status (401, 403) or 0 for a refused token request. */
    readonly status: number,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WorkspaceOneAccessError";
  }
}

export function isWorkspaceOneAccessError(e: unknown): e is WorkspaceOneAccessError {
  return typeof e === "object" && e !== null && (e as { kind?: unknown }).kind === "WorkspaceOneAccessError";
}

export interface WorkspaceOneClient {
  http: HttpClient;
  config: WorkspaceOneConfig;
  /** Turns a pipeline error into one whose message says what to fix, when it is an access problem. */
  explain(e: unknown): unknown;
}

export function createWorkspaceOneClient(
  config: WorkspaceOneConfig,
  deps: WorkspaceOneDeps,
): WorkspaceOneClient {
  const secrets = resolveWorkspaceOneSecrets(config, deps.env ?? process.env);
  const sleep = deps.sleep ?? realSleep;
  let auth: AuthProvider;
  if (secrets.method === "basic" && config.auth.method === "basic") {
    auth = new BasicAuth(config.auth.username, secrets.password, { "aw-tenant-code": secrets.tenantCode });
  } else if (secrets.method === "oauth" && config.auth.method === "oauth") {
    auth = new BearerTokenAuth(
      clientCredentials({
        tokenUrl: config.auth.tokenUrl,
        clientId: config.auth.clientId,
        clientSecret: secrets.clientSecret,
        timeoutMs: config.timeoutMs ?? WS1_DEFAULTS.timeoutMs,
      }),
      { clock: deps.clock },
    );
  } else {
    throw new Error("unreachable: auth method and secrets disagree");
  }
  const http = new HttpClient({
    baseUrl: config.apiUrl,
    clock: deps.clock,
    sleep,
    auth,
    service: WS1_SERVICE,
    budgets: VENDOR_LIMITS.workspaceOne.budgets,
    timeoutMs: config.timeoutMs ?? WS1_DEFAULTS.timeoutMs,
    defaultHeaders: { accept: WS1_ACCEPT },
    // A 500/502 on a read is usually transient in WS1 SaaS; reads and Enterprise Wipe are safe to repeat.
    retry: { isTransient: (status) => status === 500 || status === 502 },
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  return { http, config, explain: (e) => explainWorkspaceOneError(e, config) };
}

function vendorCode(body: unknown): { code: number | undefined; message: string | undefined } {
  if (typeof body !== "object" || body === null) return { code: undefined, message: undefined };
  const b = body as { errorCode?: unknown; message?: unknown };
  const code = Number(b.errorCode);
  return {
    code: Number.isFinite(code) ? code : undefined,
    message: typeof b.message === "string" ? b.message : undefined,
  };
}

/**
 * Rewrites sign-in and permission failures so the message says which setting or role to fix;
 * returns any other error unchanged.
 */
export function explainWorkspaceOneError(e: unknown, config: WorkspaceOneConfig): unknown {
  const a = config.auth;
  if (isAuthError(e)) {
    if (e.retryable) return e;
    const id = a.method === "oauth" ? a.clientId : "";
    const env = a.method === "oauth" ? a.clientSecretEnv : "";
    return new WorkspaceOneAccessError(
      `${WS1_SERVICE} refused the OAuth client "${id}" (${e.code}: ${e.description || "no description"}). ` +
        `Check the client id in the configuration and the secret in the environment variable ${env}; ` +
        "clients are managed under Groups & Settings › Configurations › OAuth Client Management, and the token URL must be your region's.",
      0,
      e.code,
      { cause: e },
    );
  }
  if (!isHttpError(e) || (e.status !== 401 && e.status !== 403)) return e;
  const { code, message } = vendorCode(e.body);
  const said = message ? `: ${message}` : "";
  if (e.status === 403) {
    return new WorkspaceOneAccessError(
      `${WS1_SERVICE} denied ${e.method} ${e.path}${said}. The admin role of the account Ferry uses needs ` +
        "Device Management › Devices › Read (inventory) and Enterprise Wipe (retire), at the organization group that holds the devices.",
      403,
      code === undefined ? undefined : String(code),
      { cause: e },
    );
  }
  if (a.method === "basic") {
    const tenant = code === 1013 || /tenant code|aw-tenant-code/i.test(message ?? "");
    return new WorkspaceOneAccessError(
      tenant
        ? `${WS1_SERVICE} rejected the REST API key sent as aw-tenant-code${said}. Put the key shown under Groups & Settings › All Settings › ` +
            `System › Advanced › API › REST API (at the organization group Ferry reads) in the environment variable ${a.tenantCodeEnv}.`
        : `${WS1_SERVICE} rejected the admin account "${a.username}"${said}. Check the user name in the configuration and the password in the ` +
            `environment variable ${a.passwordEnv}; the account must be allowed Basic authentication for the REST API.`,
      401,
      code === undefined ? undefined : String(code),
      { cause: e },
    );
  }
  return new WorkspaceOneAccessError(
    `${WS1_SERVICE} rejected the OAuth token of client "${a.clientId}"${said}. The client may be disabled or its role removed; ` +
      "check it under Groups & Settings › Configurations › OAuth Client Management.",
    401,
    code === undefined ? undefined : String(code),
    { cause: e },
  );
}
