/**
 * The Ivanti connector's HTTP client (the shared pipeline with Basic auth) and the wording of
 * its failures for an administrator: who was refused, and what to check.
 */
import type { Clock } from "../../core/time.ts";
import {
  BasicAuth,
  HttpClient,
  HttpError,
  isHttpError,
  type Logger,
  type RateBudget,
  type Sleep,
  VENDOR_LIMITS,
} from "../http/index.ts";
import { type IvantiConfig, type IvantiFlavour, ivantiPassword } from "./config.ts";

export interface IvantiDeps {
  clock: Clock;
  sleep: Sleep;
  random?: () => number;
  logger?: Logger;
  /** Where secrets are read from (the CLI passes `process.env`). */
  env: Record<string, string | undefined>;
}

export const IVANTI_SERVICE: Record<IvantiFlavour, string> = {
  core: "Ivanti EPMM",
  cloud: "Ivanti Neurons for MDM",
};

/** Request scopes, for stats and (optional) pacing. */
export const IVANTI_SCOPES = { devices: "devices", actions: "actions" } as const;

/** The roles each flavour's API user needs, named as the consoles name them. */
export const IVANTI_ROLES: Record<IvantiFlavour, { signIn: string; view: string; retire: string }> = {
  core: {
    signIn: "the API role",
    view: 'the "Device Management: View dashboard, device page, device details" role',
    retire: 'the "Device Management: Retire device" role',
  },
  cloud: {
    signIn: "a tenant admin or API role",
    view: 'the "Device Read Only" (or "Device Management") role',
    retire: 'the "Device Management" role',
  },
};

export function ivantiHttp(config: IvantiConfig, deps: IvantiDeps): HttpClient {
  const budgets: RateBudget[] = [...VENDOR_LIMITS.ivanti.budgets];
  if (config.requestsPerMinute)
    budgets.push({ scope: "*", requests: config.requestsPerMinute, windowMs: 60_000 });
  return new HttpClient({
    baseUrl: config.baseUrl,
    service: IVANTI_SERVICE[config.flavour],
    clock: deps.clock,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    auth: new BasicAuth(config.username, ivantiPassword(config, deps.env)),
    // A 500 or 502 from Core's Tomcat or Cloud's load balancer is usually passing; only
    // idempotent requests (GET, PUT) are ever retried on it.
    retry: { isTransient: (status) => status === 500 || status === 502 },
    budgets,
    maxConcurrency: config.maxConcurrency,
    timeoutMs: config.timeoutMs,
    userAgent: "ferry (ivanti connector)",
  });
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * The server's own words from an error body: Core `{messages:[{messageKey, localizedMessage}]}`
 * [U], Cloud `{errors:{globalErrors:[{code,message}], fieldErrors:[{field,message}]}}`.
 */
export function ivantiErrorDetail(body: unknown): string | undefined {
  const b = obj(body);
  if (!b) return typeof body === "string" && body.trim() !== "" ? body.trim().slice(0, 300) : undefined;
  const parts: string[] = [];
  if (Array.isArray(b.messages)) {
    for (const m of b.messages) {
      const o = obj(m);
      const text = o?.localizedMessage ?? o?.message ?? o?.messageKey;
      if (typeof text === "string") parts.push(text);
    }
  }
  const errors = obj(b.errors);
  if (errors) {
    for (const g of Array.isArray(errors.globalErrors) ? errors.globalErrors : []) {
      const o = obj(g);
      if (typeof o?.message === "string") parts.push(o.message);
    }
    for (const f of Array.isArray(errors.fieldErrors) ? errors.fieldErrors : []) {
      const o = obj(f);
      if (typeof o?.message === "string") parts.push(o.field ? `${String(o.field)} ${o.message}` : o.message);
    }
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function rewrap(e: HttpError, message: string): HttpError {
  return new HttpError({
    message,
    status: e.status,
    code: e.code,
    requestId: e.requestId,
    attempts: e.attempts,
    body: e.body,
    method: e.method,
    path: e.path,
    cause: e,
  });
}

/**
 * The same failure, worded for whoever fixes it: a refused sign-in names the user and the
 * environment variable; a refused permission names the role; any other error gains the
 * server's own message. `doing` is what Ferry was trying ("read devices", "retire devices").
 */
export function explainIvantiError(
  e: unknown,
  config: IvantiConfig,
  doing: "view" | "retire" | "signIn",
): unknown {
  if (!isHttpError(e)) return e;
  const service = IVANTI_SERVICE[config.flavour];
  const roles = IVANTI_ROLES[config.flavour];
  const detail = ivantiErrorDetail(e.body);
  const said = detail ? ` (${service} said: ${detail})` : "";
  if (e.status === 401) {
    return rewrap(
      e,
      `${service} refused the credentials of API user "${config.username}" (401)${said}. Check the user name in the configuration, the password in the environment variable ${config.passwordEnv}, and that the user has ${roles.signIn}.`,
    );
  }
  if (e.status === 403) {
    const what = doing === "retire" ? "retire devices" : doing === "view" ? "read devices" : "use the API";
    const space =
      config.flavour === "core"
        ? ` in device space ${config.adminDeviceSpaceId}`
        : config.partitionId
          ? ` in partition ${config.partitionId}`
          : "";
    return rewrap(
      e,
      `${service} does not let API user "${config.username}" ${what}${space} (403)${said}. Give the user ${roles[doing]}.`,
    );
  }
  if (detail && !e.message.includes(detail)) return rewrap(e, `${e.message} — ${service} said: ${detail}`);
  return e;
}
