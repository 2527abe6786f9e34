/**
 * An IBM MaaS360 server over the simulated organisation's source, as HTTP on 127.0.0.1:
 * token authentication with `errorCode`, device search with 1-based page numbers and the
 * object-or-array `device`, and selective wipe (vendor-apis.md §E). Devices come from
 * `world.ports.sourceInventory`; the only change it makes is
 * `world.ports.sourceOffboarding.retire`. Its clock is `world.clock`. See README.md.
 *
 * @example
 * const emu = await startMaas360Emulator({ world, random: seededRandom(1) });
 * // POST `${emu.url}/auth-apis/auth/2.0/authenticate/customer/${emu.config.billingId}` … then close()
 */
import type { Ports } from "../../core/ports/index.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  EmulatorError,
  type EmulatorRequest,
  type EmulatorStats,
  type ErrorBodyFn,
  type FaultOptions,
  json,
  type KitLogger,
  type Route,
  startEmulator,
  type ThrottleRule,
  TokenIssuer,
  unauthorized,
} from "../kit/index.ts";
import { type Maas360RecordOptions, maas360Row } from "./records.ts";
import { deviceStatusOf, type Maas360Device, Maas360WorldView } from "./world-view.ts";

/** `view`: search devices; `wipe`: selective wipe. */
export type Maas360Role = "view" | "wipe";

export interface Maas360Admin {
  password: string;
  /** default both */
  roles?: readonly Maas360Role[];
}

/** Everything adjustable; [U] marks behaviour that could not be confirmed (vendor-apis.md §E). */
export interface Maas360EmulatorSettings {
  /** default "30012345": its first digit picks the host services.m3.maas360.com */
  billingId?: string;
  appId?: string;
  appAccessKey?: string;
  /** default one admin `ferry-api` / `emulator-password` with both roles */
  admins?: Record<string, Maas360Admin>;
  /** [U] token lifetime (default 3600 s, "about 1 hour") */
  tokenTtlSeconds?: number;
  /** issue refresh tokens (default true) and their lifetime (default 24 h) [U] */
  refreshTokens?: boolean;
  refreshTtlSeconds?: number;
  /** [U] HTTP status of a refused authentication (default 200, with a non-zero `errorCode`) */
  authFailureStatus?: 200 | 401;
  /** [U] pageSize when absent (default 50) and its maximum (default 250) */
  defaultPageSize?: number;
  maxPageSize?: number;
  /** [U] a pageSize above the maximum is clamped (default) or a 400 */
  overPageSize?: "clamp" | "reject";
  /** [U] `count` is the total of matches (default) or the page's number of devices */
  countMeaning?: "total" | "page";
  /** [U] a page with no devices: `device` left out (default), `null`, or `[]` */
  emptyDevice?: "omit" | "null" | "array";
  /** [U] a wipe's answer wrapped in `actionResponse` (default true) or bare */
  wrapActionResponse?: boolean;
  /** see {@link Maas360RecordOptions} */
  numbersAsNumbers?: boolean;
  enrollmentModeField?: boolean;
  ownership?: { corporate: string; personal: string };
  /** 429s as a setting only: the usage limits were not retrieved (§E) */
  throttle?: { requests: number; windowMs: number; retryAfter?: boolean };
  /** Real-time delay before every API answer, in ms */
  latencyMs?: number;
  log?: KitLogger;
}

export interface StartMaas360EmulatorOptions {
  world: SimulatedOrganisation;
  /**
   * The ports devices are read and wiped through; default `world.ports`. The CLI may pass its
   * journaled ports so that wipes survive a restart.
   */
  ports?: Pick<Ports, "sourceInventory" | "sourceOffboarding">;
  port?: number;
  faults?: FaultOptions;
  random: () => number;
  options?: Maas360EmulatorSettings;
}

export interface Maas360EmulatorConfig {
  baseUrl: string;
  billingId: string;
  appId: string;
  appVersion: string;
  platformId: string;
  appAccessKey: string;
  username: string;
  password: string;
}

export interface Maas360Emulator {
  url: string;
  port: number;
  stats: EmulatorStats;
  config: Maas360EmulatorConfig;
  /** Tokens issued so far (authenticate + refresh), for tests. */
  readonly tokensIssued: number;
  close(): Promise<void>;
}

/** [U] authentication error codes (only "0 = OK" is documented). */
export const MAAS360_AUTH_ERRORS = {
  badRequest: [1000, "Malformed authentication request"],
  billingId: [1001, "Invalid billing ID"],
  app: [1002, "Invalid app ID or app access key"],
  credentials: [1003, "Invalid user name or password"],
  refresh: [1004, "Invalid or expired refresh token"],
} as const;

/** [U] error body of the device APIs: `{errorCode, errorDesc}`. */
const errorBody: ErrorBodyFn = (_status, code, message) => ({ errorCode: code, errorDesc: message });

const DEFAULT_ADMIN = "ferry-api";
const DEFAULT_PASSWORD = "emulator-password";

function withLatency(route: Route, ms: number): Route {
  if (!(ms > 0)) return route;
  return {
    ...route,
    handler: async (req) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return route.handler(req);
    },
  };
}

/** The token in `Authorization: MaaS token="…"` (quotes optional). */
export function maasToken(req: EmulatorRequest): string | undefined {
  const raw = req.headers.authorization;
  const value = Array.isArray(raw) ? raw[0] : raw;
  return /^MaaS\s+token="?([^"\s]+)"?\s*$/i.exec(value ?? "")?.[1];
}

export async function startMaas360Emulator(options: StartMaas360EmulatorOptions): Promise<Maas360Emulator> {
  const { world } = options;
  const s = options.options ?? {};
  const billingId = s.billingId ?? "30012345";
  const appId = s.appId ?? "com.example.ferry";
  const appAccessKey = s.appAccessKey ?? "emulator-access-key";
  const admins: Record<string, Maas360Admin> = s.admins ?? {
    [DEFAULT_ADMIN]: { password: DEFAULT_PASSWORD },
  };
  const tokens = new TokenIssuer({ clock: world.clock, random: options.random });
  const refreshTokens = new TokenIssuer({ clock: world.clock, random: options.random });
  const ttl = s.tokenTtlSeconds ?? 3600;
  const refreshTtl = s.refreshTtlSeconds ?? 86_400;
  const maxPageSize = s.maxPageSize ?? 250;
  const records: Maas360RecordOptions = {
    numbersAsNumbers: s.numbersAsNumbers ?? true,
    enrollmentModeField: s.enrollmentModeField ?? true,
    ownership: s.ownership ?? { corporate: "Corporate Owned", personal: "Employee Owned" },
  };
  const view = new Maas360WorldView(world, options.ports ?? world.ports);
  await view.sync();
  let issued = 0;
  let actions = 0;

  const authRefusal = (which: keyof typeof MAAS360_AUTH_ERRORS) => {
    const [errorCode, errorDesc] = MAAS360_AUTH_ERRORS[which];
    return json({ authResponse: { errorCode, errorDesc } }, s.authFailureStatus ?? 200);
  };
  const grant = (user: string) => {
    issued++;
    const t = tokens.issue(user, ttl);
    const r = s.refreshTokens === false ? undefined : refreshTokens.issue(user, refreshTtl);
    return json({
      authResponse: {
        authToken: t.token,
        ...(r ? { refreshToken: r.token } : {}),
        errorCode: 0,
        errorDesc: "",
      },
    });
  };
  /** The common checks of both auth routes; returns the admin's name or a refusal. */
  const checkAuthRequest = (req: EmulatorRequest) => {
    const a = (req.body as { authRequest?: { maaS360AdminAuth?: Record<string, unknown> } } | undefined)
      ?.authRequest?.maaS360AdminAuth;
    if (typeof a !== "object" || a === null) return { refusal: authRefusal("badRequest") };
    if (req.params.billingId !== billingId || String(a.billingID ?? "") !== billingId) {
      return { refusal: authRefusal("billingId") };
    }
    if (a.appID !== appId || a.appAccessKey !== appAccessKey) return { refusal: authRefusal("app") };
    return { auth: a };
  };

  const authenticate: Route = {
    method: "POST",
    path: "/auth-apis/auth/2.0/authenticate/customer/:billingId",
    public: true,
    handler: (req) => {
      const c = checkAuthRequest(req);
      if (c.refusal) return c.refusal;
      const user = String(c.auth.userName ?? "");
      const admin = Object.hasOwn(admins, user) ? admins[user] : undefined;
      if (!admin || admin.password !== c.auth.password) return authRefusal("credentials");
      return grant(user);
    },
  };
  const refresh: Route = {
    method: "POST",
    path: "/auth-apis/auth/2.0/refreshToken/customer/:billingId",
    public: true,
    handler: (req) => {
      const c = checkAuthRequest(req);
      if (c.refusal) return c.refusal;
      const check = refreshTokens.check(String(c.auth.refreshToken ?? ""));
      if (!check.ok || check.grant.subject !== String(c.auth.userName ?? "")) return authRefusal("refresh");
      refreshTokens.revoke(check.grant.token);
      return grant(check.grant.subject);
    },
  };

  const requireCustomer = (req: EmulatorRequest) => {
    if (req.params.billingId !== billingId) {
      throw new EmulatorError(403, "ACCESS_DENIED", `No access to customer ${req.params.billingId ?? ""}`);
    }
  };
  const guard = (req: EmulatorRequest, role: Maas360Role) => {
    requireCustomer(req);
    const admin = admins[String(req.principal)];
    if (!(admin?.roles ?? ["view", "wipe"]).includes(role)) {
      throw new EmulatorError(
        403,
        "ACCESS_DENIED",
        `Administrator ${String(req.principal)} has no rights to ${role === "wipe" ? "selectively wipe devices" : "view devices"}`,
      );
    }
  };

  const search: Route = {
    method: "GET",
    path: "/device-apis/devices/2.0/search/customer/:billingId",
    scope: "api",
    handler: async (req) => {
      guard(req, "view");
      const q = req.query;
      const int = (name: string, fallback: number) => {
        const raw = q.get(name);
        if (raw === null || raw === "") return fallback;
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1)
          throw new EmulatorError(400, "INVALID_PARAMETER", `${name} must be 1 or more`);
        return n;
      };
      let pageSize = int("pageSize", s.defaultPageSize ?? 50);
      const pageNumber = int("pageNumber", 1);
      if (pageSize > maxPageSize) {
        if (s.overPageSize === "reject") {
          throw new EmulatorError(400, "INVALID_PARAMETER", `pageSize must be at most ${maxPageSize}`);
        }
        pageSize = maxPageSize;
      }
      const status = (q.get("deviceStatus") ?? "Active").toLowerCase();
      if (status !== "active" && status !== "inactive") {
        throw new EmulatorError(400, "INVALID_PARAMETER", "deviceStatus must be Active or InActive");
      }
      await view.sync();
      const eq = (a: string, b: string | null) =>
        b === null || b === "" || a.toLowerCase() === b.toLowerCase();
      const norm = (v: string) => v.replace(/[\s:.-]/g, "").toUpperCase();
      const matched = view.devices.filter((d: Maas360Device) => {
        const r = maas360Row(d, records);
        const imeiMeid = q.get("imeiMeid");
        return (
          deviceStatusOf(d).toLowerCase() === status &&
          eq(r.maas360DeviceID, q.get("maas360DeviceId")) &&
          eq(r.emailAddress, q.get("email")) &&
          eq(r.udid, q.get("udid")) &&
          eq(r.platformName, q.get("platformName")) &&
          (q.get("wifiMacAddress") ? norm(r.wifiMacAddress) === norm(q.get("wifiMacAddress")!) : true) &&
          (imeiMeid
            ? [String(r.imeiEsn), d.s.hardware.meid ?? ""].some((v) => v !== "" && norm(v) === norm(imeiMeid))
            : true) &&
          (q.get("partialUsername")
            ? r.username.toLowerCase().includes(q.get("partialUsername")!.toLowerCase())
            : true)
        );
      });
      const page = matched
        .slice((pageNumber - 1) * pageSize, pageNumber * pageSize)
        .map((d) => maas360Row(d, records));
      const device =
        page.length === 1
          ? page[0] // a single match is an object, not an array (§E)
          : page.length > 1
            ? page
            : s.emptyDevice === "null"
              ? null
              : s.emptyDevice === "array"
                ? []
                : undefined;
      return json({
        devices: {
          count: s.countMeaning === "page" ? page.length : matched.length,
          pageNumber,
          pageSize,
          ...(device === undefined ? {} : { device }),
        },
      });
    },
  };

  const selectiveWipe: Route = {
    method: "POST",
    path: "/device-apis/devices/1.0/selectiveWipeDevice/:billingId",
    scope: "api",
    handler: async (req) => {
      guard(req, "wipe");
      const deviceId = (req.form?.get("deviceId") ?? req.query.get("deviceId") ?? "").trim();
      if (deviceId === "") throw new EmulatorError(400, "INVALID_PARAMETER", "deviceId is required");
      await view.sync();
      const d = view.byId(deviceId);
      let actionStatus = 0;
      let description: string;
      if (!d) {
        actionStatus = 1;
        description = `Device ${deviceId} not found`; // [U]
      } else if (deviceStatusOf(d) === "Inactive") {
        actionStatus = 1;
        description = `Control has already been removed from device ${deviceId}`; // [U]
      } else {
        await view.selectiveWipe(d);
        description = "Selective Wipe initiated";
      }
      const answer = {
        maas360DeviceID: deviceId,
        actionStatus,
        actionID: actionStatus === 0 ? 70000 + ++actions : 0,
        description,
      };
      return json(s.wrapActionResponse === false ? answer : { actionResponse: answer });
    },
  };

  const throttles: ThrottleRule[] = s.throttle
    ? [
        {
          scope: "api",
          requests: s.throttle.requests,
          windowMs: s.throttle.windowMs,
          retryAfter: s.throttle.retryAfter ?? true,
          code: "TOO_MANY_REQUESTS",
          message: "Too many requests",
        },
      ]
    : [];

  const emu = await startEmulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: [authenticate, refresh, search, selectiveWipe].map((r) => withLatency(r, s.latencyMs ?? 0)),
    clock: world.clock,
    random: options.random,
    ...(options.faults ? { faults: options.faults } : {}),
    throttles,
    errorBody,
    authenticate: (req) => {
      const check = tokens.check(maasToken(req));
      if (!check.ok) {
        const why = {
          missing: "Authorization header with a MaaS token is missing",
          unknown: "Token is invalid",
          expired: "Token has expired",
          revoked: "Token has been revoked",
        }[check.reason];
        throw unauthorized(
          check.reason === "expired" ? "TOKEN_EXPIRED" : "INVALID_TOKEN",
          why,
          'MaaS realm="MaaS360"',
        );
      }
      req.principal = check.grant.subject;
    },
    ...(s.log ? { log: s.log } : {}),
  });
  const [username, admin] = Object.entries(admins)[0] ?? [DEFAULT_ADMIN, { password: DEFAULT_PASSWORD }];
  return {
    url: emu.url,
    port: emu.port,
    stats: emu.stats,
    config: {
      baseUrl: emu.url,
      billingId,
      appId,
      appVersion: "1.0",
      platformId: "3",
      appAccessKey,
      username,
      password: admin.password,
    },
    get tokensIssued() {
      return issued;
    },
    close: () => emu.close(),
  };
}

export { ENROLLMENT_MODE_VALUES, maas360Row } from "./records.ts";
export type { ManagedStatus } from "./world-view.ts";
