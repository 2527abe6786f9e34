/**
 * The Jamf Pro connector: Ferry's SourceInventory and SourceOffboarding over the Jamf Pro API
 * (vendor-apis.md §C), for Macs, iPhones and iPads, and the connection check behind
 * `ferry connect`.
 *
 * @example
 * const config = parseJamfConfig(JSON.parse(text));
 * const { sourceInventory, sourceOffboarding } = jamfPorts(config, { clock: systemClock });
 */
import type { SourceInventory, SourceOffboarding } from "../../core/ports/source.ts";
import { isAuthError, isHttpError } from "../http/index.ts";
import { createJamfClient, JAMF_REQUIRED_PRIVILEGES, JAMF_SERVICE, type JamfDeps } from "./client.ts";
import { JAMF_DEFAULTS, type JamfConfig } from "./config.ts";
import { COMPUTER_SECTIONS, InventoryVersion, JamfInventory } from "./inventory.ts";
import type { JamfComputerMapper, JamfMobileMapper } from "./mapper.ts";
import { JamfOffboarding } from "./offboarding.ts";

export {
  createJamfClient,
  explainJamfError,
  isJamfAccessError,
  JAMF_REQUIRED_PRIVILEGES,
  JAMF_SERVICE,
  JamfAccessError,
  type JamfClient,
  type JamfDeps,
  JamfHttp,
  jamfAccountTokens,
} from "./client.ts";
export {
  JAMF_DEFAULTS,
  type JamfBasicAuth,
  type JamfConfig,
  JamfConfigError,
  type JamfInventoryVersion,
  type JamfOAuth,
  type JamfSecrets,
  parseJamfConfig,
  resolveJamfSecrets,
} from "./config.ts";
export {
  COMPUTER_SECTIONS,
  InventoryVersion,
  JamfInventory,
  type JamfInventoryOptions,
  type ListingSummary,
  MOBILE_SECTIONS,
  parallelPages,
} from "./inventory.ts";
export {
  formatJamfSourceId,
  type JamfComputer,
  type JamfComputerMapper,
  type JamfKind,
  type JamfMapperOptions,
  type JamfMobileDevice,
  type JamfMobileMapper,
  type MapOutcome,
  mapJamfComputer,
  mapJamfMobileDevice,
  parseJamfSourceId,
  parseJamfTime,
  withholdIdentifiers,
} from "./mapper.ts";
export { JamfOffboarding, JamfRetireError } from "./offboarding.ts";

export interface JamfPortsDeps extends JamfDeps {
  computerMapper?: JamfComputerMapper;
  mobileMapper?: JamfMobileMapper;
}

export interface JamfPorts {
  sourceInventory: JamfInventory & SourceInventory;
  sourceOffboarding: JamfOffboarding & SourceOffboarding;
}

/** The ports Ferry's engine drives, over one client (at most 5 connections). */
export function jamfPorts(config: JamfConfig, deps: JamfPortsDeps): JamfPorts {
  const client = createJamfClient(config, deps);
  const versions = new InventoryVersion(
    client.http,
    config.inventoryVersions ?? JAMF_DEFAULTS.inventoryVersions,
  );
  const types = config.unmanageCommandTypes ?? JAMF_DEFAULTS.unmanageCommandTypes;
  return {
    sourceInventory: new JamfInventory(client.http, {
      versions,
      unmanageCommandTypes: types,
      ...(config.pageSize === undefined ? {} : { pageSize: config.pageSize }),
      ...(config.computerOwnership ? { computerOwnership: config.computerOwnership } : {}),
      ...(deps.computerMapper ? { computerMapper: deps.computerMapper } : {}),
      ...(deps.mobileMapper ? { mobileMapper: deps.mobileMapper } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
      explain: client.explain,
    }),
    sourceOffboarding: new JamfOffboarding(client.http, {
      versions,
      unmanageCommandTypes: types,
      explain: client.explain,
    }),
  };
}

export type CheckStatus = "ok" | "failed" | "unverified";

export interface ConnectionCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface ConnectionReport {
  service: string;
  ok: boolean;
  checks: ConnectionCheck[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * `ferry connect`: signs in, reads one computer, one mobile device and the MDM command list,
 * and probes both unmanage privileges with device id 0, which Jamf never assigns (the
 * privilege is checked before the device is looked up, so 404 means permitted). Reports each
 * required privilege separately; never changes anything.
 */
export async function checkJamfConnection(config: JamfConfig, deps: JamfDeps): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  const report = (): ConnectionReport => ({
    service: JAMF_SERVICE,
    ok: checks.every((c) => c.status !== "failed"),
    checks,
  });
  const signIn =
    config.auth.method === "oauth"
      ? `Sign-in: API client "${config.auth.clientId}"`
      : `Sign-in: account "${config.auth.username}"`;
  let client: ReturnType<typeof createJamfClient>;
  try {
    client = createJamfClient(config, deps);
  } catch (e) {
    checks.push({ name: signIn, status: "failed", detail: message(e) });
    return report();
  }
  const versions = new InventoryVersion(
    client.http,
    config.inventoryVersions ?? JAMF_DEFAULTS.inventoryVersions,
  );
  const P = JAMF_REQUIRED_PRIVILEGES;
  const outcome = async (
    name: string,
    run: () => Promise<string>,
  ): Promise<"ok" | "denied" | "refused" | "error"> => {
    try {
      checks.push({ name, status: "ok", detail: await run() });
      return "ok";
    } catch (e) {
      const explained = client.explain(e);
      if (isHttpError(e) && e.status === 403) {
        checks.push({ name, status: "failed", detail: message(explained) });
        return "denied";
      }
      const refused = isAuthError(e) || (isHttpError(e) && e.status === 401);
      checks.push({ name, status: refused ? "failed" : "unverified", detail: message(explained) });
      return refused ? "refused" : "error";
    }
  };
  const count = (n: number | undefined, what: string) => `${n ?? 0} ${what} visible`;
  // The first read also proves the sign-in.
  const first = await outcome(`Privilege: ${P.readComputers}`, async () => {
    const { version, body } = await versions.get({ section: COMPUTER_SECTIONS.slice(0, 1), "page-size": 1 });
    return `${count(body.totalCount, "computer record(s)")} (computers-inventory v${version})`;
  });
  if (first === "refused") {
    const failed = checks.pop()!;
    checks.push({ name: signIn, status: "failed", detail: failed.detail });
    return report();
  }
  checks.unshift({
    name: signIn,
    status: first === "error" ? "unverified" : "ok",
    detail: first === "error" ? "no answer" : "signed in",
  });
  await outcome(`Privilege: ${P.readMobileDevices}`, async () => {
    const res = await client.http.request<{ totalCount?: number }>({
      method: "GET",
      path: "/api/v2/mobile-devices/detail",
      query: { section: "GENERAL", "page-size": 1 },
    });
    return count(res.body?.totalCount, "mobile device record(s)");
  });
  await outcome(`Privilege: ${P.viewMdmCommands}`, async () => {
    const res = await client.http.request<{ totalCount?: number }>({
      method: "GET",
      path: "/api/v2/mdm/commands",
      query: { filter: "status==Pending", "page-size": 1 },
    });
    return `${res.body?.totalCount ?? 0} pending MDM command(s)`;
  });
  const probe = async (name: string, path: string) =>
    outcome(name, async () => {
      await client.http.request({ method: "POST", path, expect: [400, 404], idempotent: true });
      return "permitted (probed with device id 0, which Jamf never assigns)";
    });
  await probe(`Privilege: ${P.unmanageComputers}`, versions.removeProfilePath("0"));
  await probe(`Privilege: ${P.unmanageMobileDevices}`, "/api/v2/mobile-devices/0/unmanage");
  return report();
}
