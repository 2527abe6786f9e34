/**
 * Ferry's connector to IBM MaaS360: the source inventory and offboarding (selective wipe)
 * ports, and the connection check behind `ferry connect`. See README.md in this folder.
 *
 * @example
 * const config = parseMaas360Config({ billingId: "30012345", appId: "com.example.ferry",
 *   username: "ferry-api", passwordEnv: "FERRY_MAAS360_PASSWORD", appAccessKeyEnv: "FERRY_MAAS360_ACCESS_KEY" });
 * const { sourceInventory, sourceOffboarding } = maas360Ports(config,
 *   { clock: systemClock, sleep: realSleep, env: process.env, logger });
 */
import type { SourceInventory, SourceOffboarding } from "../../core/ports/source.ts";
import { at, isAuthError, noopLogger } from "../http/index.ts";
import {
  explainMaas360Error,
  MAAS360_SCOPES,
  MAAS360_SERVICE,
  type Maas360Deps,
  maas360Http,
} from "./client.ts";
import type { Maas360Config } from "./config.ts";
import { Maas360Inventory } from "./inventory.ts";
import { Maas360Offboarding } from "./offboarding.ts";

export interface Maas360Ports {
  sourceInventory: SourceInventory;
  sourceOffboarding: SourceOffboarding;
}

/** The ports MaaS360 offers Ferry. Throws Maas360ConfigError when a secret's variable is unset. */
export function maas360Ports(config: Maas360Config, deps: Maas360Deps): Maas360Ports {
  const { http } = maas360Http(config, deps);
  const log = deps.logger ?? noopLogger;
  return {
    sourceInventory: new Maas360Inventory(http, config, log),
    sourceOffboarding: new Maas360Offboarding(http, config, log),
  };
}

/** One permission Ferry needs, and whether it works. */
export interface PermissionCheck {
  permission: string;
  ok: boolean;
  detail: string;
  warning?: string;
}

export interface ConnectionReport {
  service: string;
  ok: boolean;
  checks: PermissionCheck[];
}

/** A device id no real device has: the wipe check asks to wipe it and expects "not found". */
export const PROBE_DEVICE_ID = "ferry-connection-check";

const SIGN_IN = "sign in (administrator with web services API access, app ID and access key)";
const VIEW = "search devices (a role with the right to view devices)";
const WIPE = "selectively wipe devices (a role with the right to selectively wipe)";

/**
 * Checks each permission Ferry needs, for `ferry connect`: sign in, search devices,
 * selectively wipe. The wipe check asks MaaS360 to wipe a device id that does not exist
 * ({@link PROBE_DEVICE_ID}): a role that may wipe gets "not found", one that may not gets
 * 403. Nothing is wiped.
 */
export async function checkMaas360Connection(
  config: Maas360Config,
  deps: Maas360Deps,
): Promise<ConnectionReport> {
  const checks: PermissionCheck[] = [];
  let client: ReturnType<typeof maas360Http>;
  try {
    client = maas360Http(config, deps);
  } catch (e) {
    return {
      service: MAAS360_SERVICE,
      ok: false,
      checks: [{ permission: SIGN_IN, ok: false, detail: (e as Error).message }],
    };
  }
  const { http } = client;
  const customer = encodeURIComponent(config.billingId);
  const message = (e: unknown, doing: "view" | "wipe") => {
    const x = explainMaas360Error(e, config, doing);
    return x instanceof Error ? x.message : String(x);
  };

  try {
    await client.auth.authorize(new Headers(), { forceRefresh: false });
    checks.push({
      permission: SIGN_IN,
      ok: true,
      detail: `signed in to account ${config.billingId} at ${config.baseUrl}`,
    });
  } catch (e) {
    checks.push({ permission: SIGN_IN, ok: false, detail: isAuthError(e) ? e.message : message(e, "view") });
    return { service: MAAS360_SERVICE, ok: false, checks };
  }

  try {
    const { body } = await http.request({
      method: "GET",
      path: `/device-apis/devices/2.0/search/customer/${customer}`,
      query: { deviceStatus: "Active", pageSize: 1, pageNumber: 1 },
      scope: MAAS360_SCOPES.devices,
    });
    const count = at(body, "devices.count");
    checks.push({
      permission: VIEW,
      ok: true,
      detail: `device search works (count ${String(count ?? "?")})`,
    });
  } catch (e) {
    checks.push({ permission: VIEW, ok: false, detail: message(e, "view") });
  }

  try {
    const { body } = await http.request({
      method: "POST",
      path: `/device-apis/devices/1.0/selectiveWipeDevice/${customer}`,
      body: new URLSearchParams({ deviceId: PROBE_DEVICE_ID }),
      scope: MAAS360_SCOPES.actions,
      idempotent: true,
    });
    const answer = (at(body, "actionResponse") ?? body) as Record<string, unknown> | undefined;
    checks.push({
      permission: WIPE,
      ok: true,
      detail: `MaaS360 accepted a selective wipe request for a device that does not exist (answer: ${String(answer?.description ?? answer?.actionStatus ?? "none")}; nothing was wiped)`,
    });
  } catch (e) {
    checks.push({ permission: WIPE, ok: false, detail: message(e, "wipe") });
  }
  return { service: MAAS360_SERVICE, ok: checks.every((c) => c.ok), checks };
}

export {
  explainMaas360Error,
  MAAS360_SCOPES,
  MAAS360_SERVICE,
  type Maas360Deps,
  type Maas360Http,
  maas360Http,
  maas360TokenSource,
} from "./client.ts";
export {
  type Maas360Config,
  Maas360ConfigError,
  type Maas360Secrets,
  maas360Host,
  maas360Secrets,
  parseMaas360Config,
} from "./config.ts";
export { Maas360Inventory, readingAddsUp } from "./inventory.ts";
export {
  MANAGED_STATUSES,
  type MapResult,
  maas360Ownership,
  maas360Platform,
  mapMaas360Device,
  modeFromEnrollmentMode,
} from "./mapper.ts";
export { Maas360Offboarding } from "./offboarding.ts";
