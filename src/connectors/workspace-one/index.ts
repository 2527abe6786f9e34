/**
 * The Workspace ONE UEM connector: Ferry's SourceInventory and SourceOffboarding over WS1's
 * REST API (vendor-apis.md §B), and the connection check behind `ferry connect`.
 *
 * @example
 * const config = parseWorkspaceOneConfig(JSON.parse(text));
 * const { sourceInventory, sourceOffboarding } = workspaceOnePorts(config, { clock: systemClock });
 * const report = await checkWorkspaceOneConnection(config, { clock: systemClock });
 */
import type { SourceInventory, SourceOffboarding } from "../../core/ports/source.ts";
import { isAuthError, isHttpError } from "../http/index.ts";
import { createWorkspaceOneClient, type WorkspaceOneDeps, WS1_SERVICE } from "./client.ts";
import type { WorkspaceOneConfig } from "./config.ts";
import { WorkspaceOneInventory } from "./inventory.ts";
import type { WorkspaceOneMapper } from "./mapper.ts";
import { WorkspaceOneOffboarding } from "./offboarding.ts";

export {
  createWorkspaceOneClient,
  explainWorkspaceOneError,
  isWorkspaceOneAccessError,
  WorkspaceOneAccessError,
  type WorkspaceOneClient,
  type WorkspaceOneDeps,
  WS1_ACCEPT,
  WS1_SERVICE,
} from "./client.ts";
export {
  parseWorkspaceOneConfig,
  resolveWorkspaceOneSecrets,
  type WorkspaceOneBasicAuth,
  type WorkspaceOneConfig,
  WorkspaceOneConfigError,
  type WorkspaceOneOAuth,
  type WorkspaceOneSecrets,
  WS1_DEFAULTS,
} from "./config.ts";
export {
  type ListingSummary,
  WorkspaceOneInventory,
  type WorkspaceOneInventoryOptions,
} from "./inventory.ts";
export {
  type MapOutcome,
  mapWorkspaceOneDevice,
  parseWs1Time,
  type WorkspaceOneDevice,
  type WorkspaceOneMapper,
  type WorkspaceOneMapperOptions,
  withholdIdentifiers,
} from "./mapper.ts";
export { WorkspaceOneOffboarding, WorkspaceOneRetireError } from "./offboarding.ts";

export interface WorkspaceOnePortsDeps extends WorkspaceOneDeps {
  /** Replaces the default record mapping. */
  mapper?: WorkspaceOneMapper;
}

export interface WorkspaceOnePorts {
  sourceInventory: WorkspaceOneInventory & SourceInventory;
  sourceOffboarding: WorkspaceOneOffboarding & SourceOffboarding;
}

/** The ports Ferry's engine drives, over one HTTP client. */
export function workspaceOnePorts(
  config: WorkspaceOneConfig,
  deps: WorkspaceOnePortsDeps,
): WorkspaceOnePorts {
  const client = createWorkspaceOneClient(config, deps);
  return {
    sourceInventory: new WorkspaceOneInventory(client.http, {
      ...(config.pageSize === undefined ? {} : { pageSize: config.pageSize }),
      ...(config.organizationGroupId === undefined
        ? {}
        : { organizationGroupId: config.organizationGroupId }),
      ...(config.androidModeField ? { androidModeField: config.androidModeField } : {}),
      ...(config.userEnrollmentField ? { userEnrollmentField: config.userEnrollmentField } : {}),
      ...(deps.mapper ? { mapper: deps.mapper } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      explain: client.explain,
    }),
    sourceOffboarding: new WorkspaceOneOffboarding(client.http, { explain: client.explain }),
  };
}

export type CheckStatus = "ok" | "failed" | "unverified";

export interface ConnectionCheck {
  /** What is checked, in the vendor console's words. */
  name: string;
  status: CheckStatus;
  /** What was found, or what to fix. */
  detail: string;
}

export interface ConnectionReport {
  service: string;
  /** Every check passed (none failed; unverified ones do not count against). */
  ok: boolean;
  checks: ConnectionCheck[];
}

/** A serial no device can have: the wipe permission probe must never find anything. */
const PROBE_SERIAL = "FERRY-CONNECTION-CHECK-NO-SUCH-DEVICE";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * `ferry connect`: signs in, reads one page of devices, and probes the Enterprise Wipe
 * permission with a serial no device has (WS1 checks the role before it looks the device up
 * [U]), reporting each required permission separately. Never changes anything.
 */
export async function checkWorkspaceOneConnection(
  config: WorkspaceOneConfig,
  deps: WorkspaceOneDeps,
): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  const report = () => ({ service: WS1_SERVICE, ok: checks.every((c) => c.status !== "failed"), checks });
  const signIn =
    config.auth.method === "basic"
      ? `Sign-in: admin account "${config.auth.username}" with the REST API key (aw-tenant-code)`
      : `Sign-in: OAuth client "${config.auth.clientId}"`;
  const read = "Device Management › Devices › Read (inventory)";
  const wipe = "Device Management › Devices › Enterprise Wipe (retire)";
  let client: ReturnType<typeof createWorkspaceOneClient>;
  try {
    client = createWorkspaceOneClient(config, deps);
  } catch (e) {
    checks.push({ name: signIn, status: "failed", detail: message(e) });
    return report();
  }
  try {
    const res = await client.http.request<{ Total?: number }>({
      method: "GET",
      path: "/mdm/devices/search",
      query: { page: 0, pagesize: 1 },
    });
    checks.push({ name: signIn, status: "ok", detail: "signed in" });
    const total = res.body?.Total ?? 0;
    checks.push({
      name: read,
      status: "ok",
      detail: `${total} device record${total === 1 ? "" : "s"} visible`,
    });
  } catch (e) {
    const explained = client.explain(e);
    const denied = isHttpError(e) && e.status === 403;
    if (denied) {
      checks.push({ name: signIn, status: "ok", detail: "signed in" });
      checks.push({ name: read, status: "failed", detail: message(explained) });
    } else {
      const refused = isAuthError(e) || (isHttpError(e) && e.status === 401);
      checks.push({ name: signIn, status: "failed", detail: message(explained) });
      checks.push({
        name: read,
        status: "unverified",
        detail: refused ? "not checked: sign-in failed" : "not checked: Workspace ONE did not answer",
      });
      checks.push({ name: wipe, status: "unverified", detail: "not checked: sign-in failed" });
      return report();
    }
  }
  try {
    await client.http.request({
      method: "POST",
      path: "/mdm/devices/commands",
      query: { command: "EnterpriseWipe", searchBy: "Serialnumber", id: PROBE_SERIAL },
      // "no such device" is the expected answer: the role let the request through to the lookup.
      expect: [200, 202, 204, 400, 404],
      idempotent: true,
    });
    checks.push({ name: wipe, status: "ok", detail: "permitted (probed with a serial no device has)" });
  } catch (e) {
    if (isHttpError(e) && (e.status === 403 || e.status === 401)) {
      checks.push({ name: wipe, status: "failed", detail: message(client.explain(e)) });
    } else {
      checks.push({ name: wipe, status: "unverified", detail: `the probe was inconclusive: ${message(e)}` });
    }
  }
  return report();
}
