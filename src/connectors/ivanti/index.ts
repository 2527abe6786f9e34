/**
 * Ferry's connector to Ivanti EPMM (MobileIron Core, API v2) and Ivanti Neurons for MDM
 * (MobileIron Cloud): the source inventory and offboarding ports, and the connection check
 * behind `ferry connect`. See README.md in this folder.
 *
 * @example
 * const config = parseIvantiConfig({ flavour: "core", baseUrl: "https://epmm.example.com",
 *   username: "ferry-api", passwordEnv: "FERRY_IVANTI_PASSWORD" });
 * const { sourceInventory, sourceOffboarding } = ivantiPorts(config,
 *   { clock: systemClock, sleep: realSleep, env: process.env, logger });
 */
import type { SourceInventory, SourceOffboarding } from "../../core/ports/source.ts";
import { at, type HttpClient, noopLogger } from "../http/index.ts";
import {
  explainIvantiError,
  IVANTI_ROLES,
  IVANTI_SCOPES,
  IVANTI_SERVICE,
  type IvantiDeps,
  ivantiHttp,
} from "./client.ts";
import type { IvantiConfig } from "./config.ts";
import { IvantiInventory, PartitionResolver } from "./inventory.ts";
import { CORE_FIELDS } from "./mapper.ts";
import { IvantiOffboarding } from "./offboarding.ts";

export interface IvantiPorts {
  sourceInventory: SourceInventory;
  sourceOffboarding: SourceOffboarding;
}

/** The ports Ivanti offers Ferry. Throws IvantiConfigError when the password variable is unset. */
export function ivantiPorts(config: IvantiConfig, deps: IvantiDeps): IvantiPorts {
  const http = ivantiHttp(config, deps);
  const log = deps.logger ?? noopLogger;
  const partitions = new PartitionResolver(http, config);
  return {
    sourceInventory: new IvantiInventory(http, config, partitions, log),
    sourceOffboarding: new IvantiOffboarding(http, config, partitions, log),
  };
}

/** One permission Ferry needs, and whether it works. */
export interface PermissionCheck {
  /** what Ferry needs to do, and the role that grants it */
  permission: string;
  ok: boolean;
  /** what happened, worded for the admin who fixes it */
  detail: string;
  /** works, with a caveat (e.g. [U] fields this server does not know) */
  warning?: string;
}

export interface ConnectionReport {
  service: string;
  ok: boolean;
  checks: PermissionCheck[];
}

/** A probe id no real device has: the retire check asks to retire it and expects a "no such device" answer. */
export const PROBE_UUID = "00000000-0000-4000-8000-000000000000";
const PROBE_ID = "0";

function failure(e: unknown, config: IvantiConfig, doing: "signIn" | "view" | "retire"): string {
  const explained = explainIvantiError(e, config, doing);
  return explained instanceof Error ? explained.message : String(explained);
}

/**
 * Checks each permission Ferry needs, for `ferry connect`: sign in, read devices, retire
 * devices. The retire check asks the server to retire a device that does not exist
 * ({@link PROBE_UUID} on Core, id 0 on Neurons for MDM): a server that lets the user retire
 * answers "no such device", one that does not answers 403. Nothing is retired.
 */
export async function checkIvantiConnection(
  config: IvantiConfig,
  deps: IvantiDeps,
): Promise<ConnectionReport> {
  const service = IVANTI_SERVICE[config.flavour];
  const roles = IVANTI_ROLES[config.flavour];
  const checks: PermissionCheck[] = [];
  let http: HttpClient;
  try {
    http = ivantiHttp(config, deps);
  } catch (e) {
    return {
      service,
      ok: false,
      checks: [{ permission: `sign in (${roles.signIn})`, ok: false, detail: (e as Error).message }],
    };
  }
  const core = config.flavour === "core";

  // 1. sign in (Core: ping; Cloud: the partitions, which also names the one Ferry will read)
  let partitionId = config.partitionId;
  try {
    if (core) {
      await http.request({ method: "GET", path: "/api/v2/ping", scope: IVANTI_SCOPES.devices });
      checks.push({
        permission: `sign in (${roles.signIn})`,
        ok: true,
        detail: `signed in to ${config.baseUrl}`,
      });
    } else {
      const { body } = await http.request({
        method: "GET",
        path: "/api/v1/tenant/partition/device",
        scope: IVANTI_SCOPES.devices,
      });
      const list = (at(body, "result.searchResults") as Record<string, unknown>[] | undefined) ?? [];
      const chosen =
        partitionId !== undefined
          ? list.find((p) => Number(p.id) === partitionId)
          : list.find((p) => p.defaultPartition === true);
      partitionId ??= chosen ? Number(chosen.id) : undefined;
      if (!chosen) {
        const known = list.map((p) => String(p.id)).join(", ") || "none";
        checks.push({
          permission: `sign in (${roles.signIn})`,
          ok: false,
          detail:
            config.partitionId !== undefined
              ? `signed in, but the tenant has no device partition ${config.partitionId} (it has ${known}): correct "partitionId"`
              : `signed in, but the tenant reports no default device partition (it has ${known}): set "partitionId"`,
        });
        return { service, ok: false, checks };
      }
      checks.push({
        permission: `sign in (${roles.signIn})`,
        ok: true,
        detail: `signed in; devices are read from partition ${String(chosen.id)} "${String(chosen.name ?? "")}"`,
      });
    }
  } catch (e) {
    checks.push({ permission: `sign in (${roles.signIn})`, ok: false, detail: failure(e, config, "signIn") });
    return { service, ok: false, checks };
  }

  // 2. read devices
  try {
    if (core) {
      const modeFields = Object.values(config.coreModeFields);
      const query = { adminDeviceSpaceId: config.adminDeviceSpaceId, query: "", limit: 1, offset: 0 };
      let warning: string | undefined;
      const res = await http.request({
        method: "GET",
        path: "/api/v2/devices",
        query: { ...query, fields: [...CORE_FIELDS, ...modeFields].join(",") },
        scope: IVANTI_SCOPES.devices,
        expect: [200, 400],
      });
      if (res.status === 400) {
        const said = JSON.stringify(res.body ?? "");
        const named = modeFields.filter((f) => said.includes(f));
        // Without the [U] mode fields; if this is refused too, the search itself is the problem.
        await http.request({
          method: "GET",
          path: "/api/v2/devices",
          query: { ...query, fields: CORE_FIELDS.join(",") },
          scope: IVANTI_SCOPES.devices,
        });
        warning = `this EPMM refuses the fields ${(named.length > 0 ? named : modeFields).join(", ")}: COPE and dedicated Android devices will be read as fully managed, and supervised iPhones and Macs as ADE (set "coreModeFields" if your EPMM names them differently)`;
      }
      checks.push({
        permission: `read devices (${roles.view})`,
        ok: true,
        detail: `device search works in device space ${config.adminDeviceSpaceId}`,
        ...(warning ? { warning } : {}),
      });
    } else {
      await http.request({
        method: "GET",
        path: "/api/v1/device",
        query: { dmPartitionId: partitionId, rows: 1, start: 0 },
        scope: IVANTI_SCOPES.devices,
      });
      checks.push({
        permission: `read devices (${roles.view})`,
        ok: true,
        detail: `device search works in partition ${partitionId}`,
      });
    }
  } catch (e) {
    checks.push({
      permission: `read devices (${roles.view})`,
      ok: false,
      detail: failure(e, config, "view"),
    });
  }

  // 3. retire devices (a probe that names no real device)
  try {
    if (core) {
      await http.request({
        method: "PUT",
        path: "/api/v2/devices/retire",
        query: { adminDeviceSpaceId: config.adminDeviceSpaceId },
        body: {
          deviceUuids: [PROBE_UUID],
          note: "Ferry connection check: no such device; nothing is retired",
        },
        scope: IVANTI_SCOPES.actions,
      });
    } else {
      await http.request({
        method: "PUT",
        path: "/api/v1/device/retire",
        body: new URLSearchParams({ ids: PROBE_ID }),
        scope: IVANTI_SCOPES.actions,
      });
    }
    checks.push({
      permission: `retire devices (${roles.retire})`,
      ok: true,
      detail: `${service} accepted a retire request for a device that does not exist (nothing was retired)`,
    });
  } catch (e) {
    checks.push({
      permission: `retire devices (${roles.retire})`,
      ok: false,
      detail: failure(e, config, "retire"),
    });
  }
  return { service, ok: checks.every((c) => c.ok), checks };
}

export {
  explainIvantiError,
  IVANTI_ROLES,
  IVANTI_SERVICE,
  type IvantiDeps,
  ivantiErrorDetail,
} from "./client.ts";
export {
  type CoreModeFieldNames,
  DEFAULT_CORE_MODE_FIELDS,
  type IvantiConfig,
  IvantiConfigError,
  type IvantiFlavour,
  ivantiPassword,
  parseIvantiConfig,
} from "./config.ts";
export { CLOUD_MANAGED_FQ, CORE_MANAGED_QUERY, IvantiInventory, PartitionResolver } from "./inventory.ts";
export {
  CORE_FIELDS,
  inferMode,
  type MapResult,
  type ModeHints,
  mapCloudDevice,
  mapCoreDevice,
} from "./mapper.ts";
export { IvantiOffboarding } from "./offboarding.ts";
