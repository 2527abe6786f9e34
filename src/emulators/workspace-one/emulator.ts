/**
 * An emulator of Workspace ONE UEM's REST API (vendor-apis.md §B), as an HTTP facade over a
 * simulated organisation's source: it presents the world's source devices in WS1's shapes and
 * changes state only through the world's `sourceOffboarding.retire` (an Enterprise Wipe makes
 * the record `EnterpriseWipePending`, then `Unenrolled` once the device checks in). Its clock
 * is the world's.
 *
 * Checklist (§B "Emulator:"): Basic + `aw-tenant-code` or Bearer (OAuth client credentials,
 * expiring on the world clock) and the `Accept: application/json;version=N` header; 0-based
 * pages capped at 500 with `Total`, an empty result as 204 or an empty body, nested `Id.Value`;
 * a command queue that flips `EnrollmentStatus` after the device's check-in delay; SEG
 * allow/block state per device; 401, 403, 404 and 429 (with or without Retry-After) in WS1's
 * `{errorCode, message, activityId}` body; kit fault injection.
 */

import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  basicCredentials,
  bearerToken,
  EmulatorError,
  type EmulatorRequest,
  type EmulatorStats,
  type FaultOptions,
  json,
  type KitLogger,
  noContent,
  oauthTokenRoute,
  type Route,
  startEmulator,
  type ThrottleRule,
  TokenIssuer,
} from "../kit/index.ts";
import {
  ORGANIZATION_GROUP_ID,
  type RecordFields,
  statusOf,
  v1Record,
  v2Record,
  v3Record,
} from "./records.ts";
import { type SourceView, stableUuid, WorldSource } from "./world-source.ts";

/** What an admin account or OAuth client may do (WS1 roles, reduced to what Ferry needs). */
export type WorkspaceOnePermission = "devices:read" | "devices:commands";
export const ALL_WS1_PERMISSIONS: readonly WorkspaceOnePermission[] = ["devices:read", "devices:commands"];

/** What WS1's console calls the permission, for 403 messages. */
const PERMISSION_NAMES: Record<WorkspaceOnePermission, string> = {
  "devices:read": "Device Management › Devices › Read",
  "devices:commands": "Device Management › Devices › Enterprise Wipe",
};

export interface WorkspaceOneAdmin {
  username: string;
  password: string;
  permissions?: readonly WorkspaceOnePermission[];
}

export interface WorkspaceOneOAuthClient {
  clientId: string;
  clientSecret: string;
  permissions?: readonly WorkspaceOnePermission[];
}

export interface WorkspaceOneEmulatorSettings {
  /** The REST API key sent as `aw-tenant-code` with Basic auth. */
  tenantCode?: string;
  /** Basic-auth admin accounts; default one with every permission. */
  admins?: readonly WorkspaceOneAdmin[];
  /** OAuth clients of `POST /connect/token`; default one with every permission. */
  oauthClients?: readonly WorkspaceOneOAuthClient[];
  /** Lifetime of OAuth tokens (default 3600 s), on the world clock. */
  tokenTtlSeconds?: number;
  /** Larger `pagesize` values are cut to this silently (default 500, §B). */
  maxPageSize?: number;
  /** An empty search result: `204` (default) or `empty-body` (200 with no body) — §B [U]. */
  emptyResult?: "204" | "empty-body";
  /** Per-tenant API quota (§B: defaults unpublished [U]); 429 with or without `Retry-After`. Default none. */
  throttle?: { requests: number; windowMs: number; retryAfter: boolean };
  /** [U] The field carrying the Android Enterprise management type (default `AndroidManagementType`); null = absent. */
  androidModeField?: string | null;
  /** [U] The field flagging Apple User Enrollment (default `IsUserEnrollment`); null = absent. */
  userEnrollmentField?: string | null;
  /** [U] An Enterprise Wipe of an already unenrolled device: 400 (default) or accepted again. */
  wipeUnenrolled?: "reject" | "accept";
  /** SEG's Managed Device policy: only enrolled devices get mail (default true). */
  segManagedDevicePolicy?: boolean;
}

export interface StartWorkspaceOneEmulatorOptions {
  world: SimulatedOrganisation;
  /** 0 (default) = any free port. */
  port?: number;
  random: () => number;
  faults?: FaultOptions;
  options?: WorkspaceOneEmulatorSettings;
  log?: KitLogger;
}

/** What a connector needs to talk to the emulator. */
export interface WorkspaceOneEmulatorConfig {
  /** Base of the REST API, e.g. `http://127.0.0.1:4567/API`. */
  apiUrl: string;
  tenantCode: string;
  basic: { username: string; password: string };
  oauth: { tokenUrl: string; clientId: string; clientSecret: string };
}

export type SegAction = "whitelist" | "blacklist" | "default";

export interface WorkspaceOneEmulator {
  url: string;
  stats: EmulatorStats;
  config: WorkspaceOneEmulatorConfig;
  /** Enterprise Wipe commands accepted, in order. */
  readonly commands: readonly { deviceId: string; command: string; at: number }[];
  /** The Email Dashboard's per-device action (SEG) and the mail access it yields. */
  seg: {
    set(deviceId: string, action: SegAction): void;
    action(deviceId: string): SegAction;
    access(deviceId: string): Promise<"allowed" | "blocked" | undefined>;
  };
  close(): Promise<void>;
}

const DEFAULT_TENANT_CODE = "ferryEmulatorRestApiKey0001";
const DEFAULT_ADMIN: WorkspaceOneAdmin = { username: "ferry-api", password: "emulator-password" };
const DEFAULT_CLIENT: WorkspaceOneOAuthClient = {
  clientId: "ferry-oauth-client",
  clientSecret: "emulator-client-secret",
};

interface Principal {
  permissions: ReadonlySet<WorkspaceOnePermission>;
  name: string;
}

const COMMANDS = new Set(["enterprisewipe", "devicewipe", "lockdevice", "syncdevice"]);

export async function startWorkspaceOneEmulator(
  options: StartWorkspaceOneEmulatorOptions,
): Promise<WorkspaceOneEmulator> {
  const { world, random } = options;
  const s = options.options ?? {};
  const clock = world.clock;
  const source = new WorldSource(world);
  const tenantCode = s.tenantCode ?? DEFAULT_TENANT_CODE;
  const admins = s.admins ?? [DEFAULT_ADMIN];
  const clients = s.oauthClients ?? [DEFAULT_CLIENT];
  const fields: RecordFields = {
    androidModeField: s.androidModeField === undefined ? "AndroidManagementType" : s.androidModeField,
    userEnrollmentField: s.userEnrollmentField === undefined ? "IsUserEnrollment" : s.userEnrollmentField,
  };
  const maxPageSize = s.maxPageSize ?? 500;
  const issuer = new TokenIssuer({ clock, random });
  const commands: { deviceId: string; command: string; at: number }[] = [];
  const segActions = new Map<string, SegAction>();

  const activityId = (req?: EmulatorRequest) => (req ? stableUuid(req.requestId) : stableUuid("none"));
  const fail = (status: number, errorCode: number, message: string) =>
    new EmulatorError(status, String(errorCode), message);

  // --- auth -------------------------------------------------------------------------------

  const authenticate = (req: EmulatorRequest): void => {
    const bearer = bearerToken(req);
    if (bearer !== undefined || /^bearer\b/i.test(String(req.headers.authorization ?? ""))) {
      const check = issuer.check(bearer);
      if (!check.ok) {
        const why =
          check.reason === "expired"
            ? "The access token has expired."
            : check.reason === "missing"
              ? "The access token is empty."
              : "The access token is invalid.";
        throw new EmulatorError(401, "1005", why, { "www-authenticate": 'Bearer error="invalid_token"' });
      }
      req.principal = principalFor(check.grant.subject, clientPermissions(check.grant.subject));
      return;
    }
    const basic = basicCredentials(req);
    if (!basic) {
      throw new EmulatorError(
        401,
        "1005",
        "Authorization is required: Basic credentials or a Bearer token.",
        {
          "www-authenticate": 'Basic realm="AirWatch"',
        },
      );
    }
    const admin = admins.find((a) => a.username === basic.user && a.password === basic.password);
    if (!admin) {
      throw new EmulatorError(
        401,
        "1005",
        `An error occurred while validating remote service client credentials or user not found : ${basic.user}`,
        { "www-authenticate": 'Basic realm="AirWatch"' },
      );
    }
    const code = req.headers["aw-tenant-code"];
    const sent = Array.isArray(code) ? code[0] : code;
    if (!sent) throw fail(401, 1013, "The aw-tenant-code header is required with Basic authentication.");
    if (sent !== tenantCode)
      throw fail(401, 1013, `Tenant code ${sent} does not identify an Organization Group.`);
    req.principal = principalFor(admin.username, admin.permissions ?? ALL_WS1_PERMISSIONS);
  };

  function clientPermissions(clientId: string): readonly WorkspaceOnePermission[] {
    return clients.find((c) => c.clientId === clientId)?.permissions ?? ALL_WS1_PERMISSIONS;
  }

  function principalFor(name: string, permissions: readonly WorkspaceOnePermission[]): Principal {
    return { name, permissions: new Set(permissions) };
  }

  function need(req: EmulatorRequest, permission: WorkspaceOnePermission): void {
    const p = req.principal as Principal | undefined;
    if (p?.permissions.has(permission)) return;
    throw fail(
      403,
      1012,
      `The API user ${p?.name ?? ""} does not have the required permission: ${PERMISSION_NAMES[permission]}.`,
    );
  }

  /** `Accept: application/json;version=N` picks the schema; no version means 1. XML is not emulated. */
  function version(req: EmulatorRequest, allowed: readonly number[]): number {
    const accept = String(req.headers.accept ?? "");
    if (/xml/i.test(accept) && !/json/i.test(accept)) {
      throw fail(406, 406, "This emulator answers JSON only: send Accept: application/json;version=1.");
    }
    const m = /version\s*=\s*(\d+)/i.exec(accept);
    const v = m ? Number(m[1]) : 1;
    if (!allowed.includes(v)) throw fail(406, 406, `API version ${v} is not supported by this endpoint.`);
    return v;
  }

  // --- queries ----------------------------------------------------------------------------

  /** WS1's query parameters are case-insensitive. */
  function param(req: EmulatorRequest, name: string): string | undefined {
    for (const [k, v] of req.query) if (k.toLowerCase() === name) return v;
    return undefined;
  }

  function intParam(req: EmulatorRequest, name: string, fallback: number): number {
    const raw = param(req, name);
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw fail(400, 400, `The ${name} parameter must be a whole number ≥ 0, got "${raw}".`);
    return n;
  }

  // The server, once started: its stats count the listings `search` serves.
  let emu: Awaited<ReturnType<typeof startEmulator>> | undefined;

  async function search(req: EmulatorRequest) {
    need(req, "devices:read");
    version(req, [1]);
    const page = intParam(req, "page", 0);
    const pageSize = Math.min(Math.max(1, intParam(req, "pagesize", 500)), maxPageSize);
    const all = await source.all();
    // A listing starts at page 0; its minimum is in pages of the largest size allowed.
    const counted = (total: number) => {
      if (page === 0) emu?.stats.recordListing("devices/search", total, maxPageSize);
      emu?.stats.recordPage("devices/search");
    };
    const filtered = [
      "platform",
      "ownership",
      "user",
      "lgid",
      "model",
      "compliantstatus",
      "seensince",
      "lastseen",
    ];
    const byIdAsc =
      ["deviceid", "id"].includes((param(req, "orderby") ?? "DeviceId").toLowerCase()) &&
      (param(req, "sortorder") ?? "ASC").toUpperCase() === "ASC";
    if (byIdAsc && !filtered.some((p) => param(req, p))) {
      // The common listing: the whole inventory by id, which the view already is. Answered by
      // slicing, so a listing of n devices costs O(n), not O(n) per page.
      counted(all.length);
      if (all.length === 0) return s.emptyResult === "empty-body" ? { status: 200, raw: "" } : noContent();
      const devices = all.slice(page * pageSize, (page + 1) * pageSize).map((v) => v1Record(v, fields));
      return json({ Devices: devices, Page: page, PageSize: pageSize, Total: all.length });
    }
    // Records are built lazily: filters read only the fields they need.
    let records = all.map((v) => {
      let built: Record<string, unknown> | undefined;
      return {
        v,
        id: Number(v.device.sourceId),
        get r() {
          built ??= v1Record(v, fields);
          return built;
        },
      };
    });
    const eq = (a: unknown, b: string) => String(a ?? "").toLowerCase() === b.toLowerCase();
    const platform = param(req, "platform");
    if (platform) records = records.filter(({ r }) => eq(r.Platform, platform));
    const ownership = param(req, "ownership");
    if (ownership) records = records.filter(({ r }) => eq(r.Ownership, ownership));
    const user = param(req, "user");
    if (user) records = records.filter(({ r }) => eq(r.UserName, user) || eq(r.UserEmailAddress, user));
    const lgid = param(req, "lgid");
    if (lgid) records = lgid === String(ORGANIZATION_GROUP_ID) ? records : [];
    const model = param(req, "model");
    if (model)
      records = records.filter(({ r }) => String(r.Model).toLowerCase().includes(model.toLowerCase()));
    const compliant = param(req, "compliantstatus");
    if (compliant)
      records = records.filter(({ r }) => (r.ComplianceStatus === "Compliant") === (compliant === "true"));
    const seenSince = param(req, "seensince") ?? param(req, "lastseen");
    if (seenSince) records = records.filter(({ r }) => String(r.LastSeen) >= seenSince);
    const orderBy = (param(req, "orderby") ?? "DeviceId").toLowerCase();
    const desc = (param(req, "sortorder") ?? "ASC").toUpperCase() === "DESC";
    const key = (r: Record<string, unknown>): string | number =>
      orderBy === "lastseen"
        ? String(r.LastSeen)
        : orderBy === "username"
          ? String(r.UserName)
          : orderBy === "model"
            ? String(r.Model)
            : 0;
    records.sort((a, b) => {
      const byId = a.id - b.id;
      if (orderBy === "deviceid" || orderBy === "id") return desc ? -byId : byId;
      const ka = key(a.r);
      const kb = key(b.r);
      const c = ka < kb ? -1 : ka > kb ? 1 : byId;
      return desc ? -c : c;
    });
    const total = records.length;
    counted(total);
    if (total === 0) return s.emptyResult === "empty-body" ? { status: 200, raw: "" } : noContent();
    const devices = records.slice(page * pageSize, (page + 1) * pageSize).map(({ r }) => r);
    return json({ Devices: devices, Page: page, PageSize: pageSize, Total: total });
  }

  async function find(id: string): Promise<SourceView> {
    const view = /^\d+$/.test(id) ? await source.one(id) : await byUuid(id);
    if (!view) throw fail(404, 5061, "Device not found for this request.");
    return view;
  }

  async function byUuid(uuid: string): Promise<SourceView | undefined> {
    return (await source.all()).find((v) => stableUuid(`ws1:${v.device.sourceId}`) === uuid.toLowerCase());
  }

  async function getDevice(req: EmulatorRequest) {
    need(req, "devices:read");
    const id = req.params.id!;
    if (/^\d+$/.test(id)) {
      version(req, [1]);
      return json(v1Record(await find(id), fields));
    }
    const v = version(req, [1, 2, 3]);
    const view = await find(id);
    return json(v === 3 ? v3Record(view) : v === 2 ? v2Record(view) : v1Record(view, fields));
  }

  const SEARCH_BY: Record<string, (r: Record<string, unknown>) => unknown> = {
    serialnumber: (r) => r.SerialNumber,
    macaddress: (r) => r.MacAddress,
    udid: (r) => r.Udid,
    imeinumber: (r) => r.Imei,
    easid: (r) => r.EasId,
    deviceid: (r) => String((r.Id as { Value: number }).Value),
  };

  async function findBy(searchBy: string | undefined, id: string | undefined) {
    const pick = SEARCH_BY[(searchBy ?? "").toLowerCase()];
    if (!pick)
      throw fail(
        400,
        400,
        `searchby must be one of Serialnumber, Macaddress, Udid, ImeiNumber, EasId; got "${searchBy ?? ""}".`,
      );
    if (!id) throw fail(400, 400, "The id parameter is required.");
    const want = id.replace(/[:\-\s]/g, "").toLowerCase();
    const match = (await source.all()).find((v) => {
      const value = String(pick(v1Record(v, fields)) ?? "")
        .replace(/[:\-\s]/g, "")
        .toLowerCase();
      return value !== "" && value === want;
    });
    if (!match) throw fail(404, 5061, "Device not found for this request.");
    return match;
  }

  // --- commands ---------------------------------------------------------------------------

  function commandOf(req: EmulatorRequest): string {
    const command = (param(req, "command") ?? "").toLowerCase();
    if (!COMMANDS.has(command)) {
      throw fail(
        400,
        400,
        `Unknown command "${param(req, "command") ?? ""}": use EnterpriseWipe, DeviceWipe, LockDevice or SyncDevice.`,
      );
    }
    return command;
  }

  async function run(view: SourceView, command: string): Promise<void> {
    const status = statusOf(view);
    if (command === "enterprisewipe" || command === "devicewipe") {
      if (status === "Unenrolled" && s.wipeUnenrolled !== "accept") {
        throw fail(400, 400, `Device ${view.device.sourceId} is not enrolled; the command cannot be queued.`);
      }
      commands.push({ deviceId: view.device.sourceId, command, at: clock.now() });
      await source.retire(view.device.sourceId);
      return;
    }
    if (status === "Unenrolled") throw fail(400, 400, `Device ${view.device.sourceId} is not enrolled.`);
  }

  async function command(req: EmulatorRequest) {
    need(req, "devices:commands");
    const cmd = commandOf(req);
    await run(await find(req.params.id!), cmd);
    return noContent(202);
  }

  async function commandBy(req: EmulatorRequest) {
    need(req, "devices:commands");
    const cmd = commandOf(req);
    const view = await findBy(param(req, "searchby"), param(req, "id"));
    await run(view, cmd);
    return noContent(202);
  }

  async function bulk(req: EmulatorRequest) {
    need(req, "devices:commands");
    const cmd = commandOf(req);
    if ((param(req, "searchby") ?? "").toLowerCase() !== "deviceid") {
      throw fail(400, 400, "Bulk commands are emulated with searchby=deviceid only.");
    }
    const values = (req.body as { BulkValues?: { Value?: unknown[] } } | undefined)?.BulkValues?.Value;
    if (!Array.isArray(values)) throw fail(400, 400, 'The body must be {"BulkValues":{"Value":[ids…]}}.');
    const faults: { ErrorCode: number; ItemValue: string; Message: string }[] = [];
    for (const v of values) {
      try {
        await run(await find(String(v)), cmd);
      } catch (e) {
        const err = e as EmulatorError;
        faults.push({ ErrorCode: Number(err.code) || 400, ItemValue: String(v), Message: err.message });
      }
    }
    return json({
      TotalItems: values.length,
      AcceptedItems: values.length - faults.length,
      FailedItems: faults.length,
      Faults: { Fault: faults },
    });
  }

  // --- SEG --------------------------------------------------------------------------------

  async function access(deviceId: string): Promise<"allowed" | "blocked" | undefined> {
    const view = await source.one(deviceId);
    if (!view) return undefined;
    const action = segActions.get(deviceId) ?? "default";
    if (action === "whitelist") return "allowed";
    if (action === "blacklist") return "blocked";
    if (s.segManagedDevicePolicy === false) return "allowed";
    return statusOf(view) === "Unenrolled" ? "blocked" : "allowed";
  }

  const segRoutes: Route[] = [
    {
      method: "GET",
      path: "/_emulator/seg/:id",
      handler: async (req) => {
        const state = await access(req.params.id!);
        if (!state) throw fail(404, 5061, "Device not found for this request.");
        return json({
          deviceId: req.params.id,
          action: segActions.get(req.params.id!) ?? "default",
          mail: state,
        });
      },
    },
    {
      method: "PUT",
      path: "/_emulator/seg/:id",
      handler: async (req) => {
        const action = (req.body as { action?: string } | undefined)?.action;
        if (action !== "whitelist" && action !== "blacklist" && action !== "default") {
          throw fail(400, 400, 'action must be "whitelist", "blacklist" or "default".');
        }
        if (!source.device(req.params.id!)) throw fail(404, 5061, "Device not found for this request.");
        segActions.set(req.params.id!, action);
        return json({ deviceId: req.params.id, action, mail: await access(req.params.id!) });
      },
    },
  ];

  // --- routes -----------------------------------------------------------------------------

  const api: Route[] = [
    { method: "GET", path: "/mdm/devices/search", scope: "api", handler: search },
    {
      method: "POST",
      path: "/mdm/devices/commands/bulk",
      scope: "api",
      handler: bulk,
    },
    { method: "POST", path: "/mdm/devices/commands", scope: "api", handler: commandBy },
    {
      method: "GET",
      path: "/mdm/devices",
      scope: "api",
      handler: async (req) => {
        need(req, "devices:read");
        version(req, [1]);
        return json(v1Record(await findBy(param(req, "searchby"), param(req, "id")), fields));
      },
    },
    { method: "GET", path: "/mdm/devices/:id", scope: "api", handler: getDevice },
    { method: "POST", path: "/mdm/devices/:id/commands", scope: "api", handler: command },
  ];
  const routes: Route[] = [
    oauthTokenRoute({
      path: "/connect/token",
      issuer,
      clients: Object.fromEntries(clients.map((c) => [c.clientId, { secret: c.clientSecret }])),
      ttlSeconds: s.tokenTtlSeconds ?? 3600,
    }),
    // WS1 answers under /API and /api alike.
    ...api.map((r) => ({ ...r, path: `/API${r.path}` })),
    ...api.map((r) => ({ ...r, path: `/api${r.path}` })),
    ...segRoutes.map((r) => ({ ...r, public: true, faults: false })),
  ];
  const throttles: ThrottleRule[] = s.throttle
    ? [
        {
          scope: "api",
          requests: s.throttle.requests,
          windowMs: s.throttle.windowMs,
          retryAfter: s.throttle.retryAfter,
          code: "429",
          message: "The API request limit for this tenant has been reached. Try again later.",
        },
      ]
    : [];

  emu = await startEmulator({
    routes,
    clock,
    random,
    throttles,
    authenticate,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.log ? { log: options.log } : {}),
    errorBody: (status, code, message, req) => ({
      errorCode: Number(code) || status,
      message,
      activityId: activityId(req),
    }),
  });
  const admin = admins[0] ?? DEFAULT_ADMIN;
  const client = clients[0] ?? DEFAULT_CLIENT;
  return {
    url: emu.url,
    stats: emu.stats,
    commands,
    config: {
      apiUrl: `${emu.url}/API`,
      tenantCode,
      basic: { username: admin.username, password: admin.password },
      oauth: {
        tokenUrl: `${emu.url}/connect/token`,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
      },
    },
    seg: {
      set: (deviceId, action) => {
        segActions.set(deviceId, action);
      },
      action: (deviceId) => segActions.get(deviceId) ?? "default",
      access,
    },
    close: () => emu.close(),
  };
}

/**
 * The Workspace ONE connector's configuration (connectors/workspace-one `WorkspaceOneConfig`)
 * and the environment holding its secrets, for talking to `emu` — for `ferry emulate` and the
 * HTTP demo. Plain data: the emulator layer does not import the connector.
 */
export function workspaceOneConnectorSettings(
  emu: Pick<WorkspaceOneEmulator, "config">,
  auth: "basic" | "oauth" = "basic",
  envPrefix = "FERRY_WS1",
): { config: Record<string, unknown>; env: Record<string, string> } {
  const c = emu.config;
  if (auth === "oauth") {
    return {
      config: {
        kind: "workspace-one",
        apiUrl: c.apiUrl,
        auth: {
          method: "oauth",
          tokenUrl: c.oauth.tokenUrl,
          clientId: c.oauth.clientId,
          clientSecretEnv: `${envPrefix}_CLIENT_SECRET`,
        },
      },
      env: { [`${envPrefix}_CLIENT_SECRET`]: c.oauth.clientSecret },
    };
  }
  return {
    config: {
      kind: "workspace-one",
      apiUrl: c.apiUrl,
      auth: {
        method: "basic",
        username: c.basic.username,
        passwordEnv: `${envPrefix}_PASSWORD`,
        tenantCodeEnv: `${envPrefix}_API_KEY`,
      },
    },
    env: { [`${envPrefix}_PASSWORD`]: c.basic.password, [`${envPrefix}_API_KEY`]: c.tenantCode },
  };
}
