/** What the Graph connector is configured with, and what it is given to run. */
import type { Clock } from "../../core/time.ts";
import type { Logger, RateBudget, RetryPolicy, Sleep } from "../http/index.ts";

export interface GraphConfig {
  /** The Entra tenant: its id (GUID) or verified domain. */
  tenantId: string;
  /** The app registration's application (client) id. */
  clientId: string;
  /** The client secret's *value*. Read it from the environment; never write it in ferry.json. */
  clientSecret: string;
  /** Default `https://login.microsoftonline.com`; the token URL is `{authorityBaseUrl}/{tenantId}/oauth2/v2.0/token`. */
  authorityBaseUrl?: string;
  /** Default `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl?: string;
  /** Intune's not-yet-migrated (NYM) group: the Intune compliant-device policy excludes it. */
  notYetMigratedGroupId: string;
  /** The Intune "require a compliant device" CA policy. */
  targetPolicyId: string;
  /** The break-glass accounts every CA policy must exclude (UPNs). */
  breakGlassUpns?: readonly string[];
  /**
   * The old product's CA when it lives in Entra (the old EMM reports compliance to Entra as a
   * partner, or its policy is an Entra policy): the group that policy excludes, and the policy.
   * Without it, `graphPorts` has no `sourceAccess`.
   */
  legacy?: { excludedGroupId: string; policyId: string };
  /** The mailbox (UPN) Ferry's e-mails are sent from; without it, `graphPorts` has no `mailer`. */
  mailSender?: string;
}

export interface GraphDeps {
  clock: Clock;
  sleep: Sleep;
  /** Jitter and request ids; default seeded from the clock. */
  random?: () => number;
  logger?: Logger;
  /**
   * Client-side budgets; default `VENDOR_LIMITS.graph.budgets` plus `MAIL_BUDGET` (the identity
   * writes budget is applied per directory object instead, see `identityWrites`).
   */
  budgets?: readonly RateBudget[];
  /**
   * Directory writes (group member adds and removes, one per object, `$batch` inner requests
   * counted one by one); default the documented 3 000 per 2.5 min (§A9).
   */
  identityWrites?: { requests: number; windowMs: number };
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  maxConcurrency?: number;
}

export interface ResolvedGraphConfig extends GraphConfig {
  authorityBaseUrl: string;
  graphBaseUrl: string;
  tokenUrl: string;
  breakGlassUpns: readonly string[];
}

export const GRAPH_DEFAULTS = Object.freeze({
  authorityBaseUrl: "https://login.microsoftonline.com",
  graphBaseUrl: "https://graph.microsoft.com/v1.0",
  scope: "https://graph.microsoft.com/.default",
});

/** Fills in the defaults and refuses a configuration that cannot work, naming every problem. */
export function resolveGraphConfig(c: GraphConfig): ResolvedGraphConfig {
  const problems: string[] = [];
  for (const key of [
    "tenantId",
    "clientId",
    "clientSecret",
    "notYetMigratedGroupId",
    "targetPolicyId",
  ] as const) {
    if (typeof c[key] !== "string" || c[key].trim() === "") problems.push(`${key} is required`);
  }
  if (c.legacy && (!c.legacy.excludedGroupId || !c.legacy.policyId)) {
    problems.push("legacy needs both excludedGroupId and policyId");
  }
  if (problems.length > 0) throw new RangeError(`Microsoft Graph connector: ${problems.join("; ")}`);
  const authorityBaseUrl = (c.authorityBaseUrl ?? GRAPH_DEFAULTS.authorityBaseUrl).replace(/\/+$/, "");
  return {
    ...c,
    authorityBaseUrl,
    graphBaseUrl: (c.graphBaseUrl ?? GRAPH_DEFAULTS.graphBaseUrl).replace(/\/+$/, ""),
    tokenUrl: `${authorityBaseUrl}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`,
    breakGlassUpns: c.breakGlassUpns ?? [],
  };
}

/** Every problem found, each on its own (`problems`), and together in the message after `where`. */
export class GraphConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    where?: string,
  ) {
    super(where === undefined ? problems.join("; ") : `${where}: ${problems.join("; ")}`);
    this.name = "GraphConfigError";
  }
}

/**
 * The connection as ferry.json holds it: everything but the secret, which is read from the
 * environment variable `clientSecretEnv` names.
 *
 * ```json
 * { "kind": "graph", "tenantId": "contoso.onmicrosoft.com", "clientId": "…",
 *   "clientSecretEnv": "FERRY_GRAPH_CLIENT_SECRET", "notYetMigratedGroupId": "…", "targetPolicyId": "…",
 *   "mailSender": "it-migration@contoso.com", "legacy": { "excludedGroupId": "…", "policyId": "…" } }
 * ```
 */
export interface GraphConnectionJson {
  tenantId: string;
  clientId: string;
  clientSecretEnv: string;
  notYetMigratedGroupId: string;
  targetPolicyId: string;
  authorityBaseUrl?: string;
  graphBaseUrl?: string;
  legacy?: { excludedGroupId: string; policyId: string };
  mailSender?: string;
}

/**
 * Validates a raw connection object, reads the secret from `env`, and names every problem at
 * once (GraphConfigError). `breakGlassUpns` come from Ferry's own configuration (`breakGlass`).
 */
export function parseGraphConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  breakGlassUpns: readonly string[] = [],
  where = "graph connection",
): GraphConfig {
  if (typeof raw !== "object" || raw === null) throw new GraphConfigError(["expected an object"], where);
  const c = raw as Partial<GraphConnectionJson>;
  const problems: string[] = [];
  const str = (k: keyof GraphConnectionJson, required: boolean) => {
    const v = c[k];
    if (v === undefined && !required) return;
    if (typeof v !== "string" || v.trim() === "") problems.push(`"${k}" must be a non-empty string`);
  };
  for (const k of [
    "tenantId",
    "clientId",
    "clientSecretEnv",
    "notYetMigratedGroupId",
    "targetPolicyId",
  ] as const) {
    str(k, true);
  }
  for (const k of ["authorityBaseUrl", "graphBaseUrl", "mailSender"] as const) str(k, false);
  for (const k of ["authorityBaseUrl", "graphBaseUrl"] as const) {
    const v = c[k];
    if (typeof v === "string" && !/^https?:\/\//.test(v)) problems.push(`"${k}" must be an http(s) URL`);
  }
  if (
    c.legacy !== undefined &&
    (typeof c.legacy?.excludedGroupId !== "string" || typeof c.legacy?.policyId !== "string")
  ) {
    problems.push(`"legacy" needs "excludedGroupId" and "policyId"`);
  }
  const secret = typeof c.clientSecretEnv === "string" ? env[c.clientSecretEnv] : undefined;
  if (typeof c.clientSecretEnv === "string" && !secret) {
    problems.push(`the environment variable ${c.clientSecretEnv} (the app's client secret) is not set`);
  }
  if (problems.length > 0) throw new GraphConfigError(problems, where);
  return {
    tenantId: c.tenantId!,
    clientId: c.clientId!,
    clientSecret: secret!,
    notYetMigratedGroupId: c.notYetMigratedGroupId!,
    targetPolicyId: c.targetPolicyId!,
    breakGlassUpns: [...breakGlassUpns],
    ...(c.authorityBaseUrl ? { authorityBaseUrl: c.authorityBaseUrl } : {}),
    ...(c.graphBaseUrl ? { graphBaseUrl: c.graphBaseUrl } : {}),
    ...(c.legacy
      ? { legacy: { excludedGroupId: c.legacy.excludedGroupId, policyId: c.legacy.policyId } }
      : {}),
    ...(c.mailSender ? { mailSender: c.mailSender } : {}),
  };
}
