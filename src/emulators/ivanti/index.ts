/**
 * An Ivanti server over the simulated organisation's source: EPMM / MobileIron Core (API v2)
 * or Neurons for MDM / MobileIron Cloud, as HTTP on 127.0.0.1. Devices come from
 * `world.ports.sourceInventory` in Ivanti's field shapes; the only change it makes is
 * `world.ports.sourceOffboarding.retire`. Its clock is `world.clock`. See README.md.
 *
 * @example
 * const emu = await startIvantiEmulator({ world, flavour: "core", random: seededRandom(1) });
 * // GET `${emu.url}/api/v2/devices?adminDeviceSpaceId=1&query=&fields=common.id,common.status`
 * // with Basic `${emu.config.username}:${emu.config.password}` … then await emu.close();
 */
import type { Ports } from "../../core/ports/index.ts";
import { iso } from "../../core/time.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  basicCredentials,
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
  unauthorized,
} from "../kit/index.ts";
import { type CloudSettings, cloudRoutes, type Partition } from "./cloud.ts";
import { type CoreSettings, coreRoutes } from "./core.ts";
import { type SentryEntry, type SentryOptions, SentryTable } from "./sentry.ts";
import { WorldView } from "./world-view.ts";

export type IvantiFlavour = "core" | "cloud";

/**
 * What an API user may do: `api` (Core's API role: any call at all), `view` (Core "Device
 * Management: View dashboard, device page, device details"; Cloud "Device Read Only"),
 * `retire` (Core "Device Management: Retire device"; Cloud "Device Management").
 */
export type IvantiRole = "api" | "view" | "retire";

export interface IvantiUser {
  password: string;
  /** default every role */
  roles?: readonly IvantiRole[];
}

/** Everything adjustable; [U] marks behaviour that could not be confirmed (vendor-apis.md §D). */
export interface IvantiEmulatorSettings {
  /** API users (Basic auth); default one user `ferry-api` / `emulator-password` with every role */
  users?: Record<string, IvantiUser>;
  /** Core: the admin's device space (default 1) */
  adminDeviceSpaceId?: number;
  /** Cloud: the default partition (default {id: 33533, name: "Default Space"}); a second, empty one is added */
  partition?: Partition;
  /** Core: IMEIs stored with spaces (default true; §D "may contain spaces") */
  imeiWithSpaces?: boolean;
  /** Core [U]: serve the unverified mode fields `ios.DEPEnrolled`, `android.*_enabled` (default true) */
  uncertainFields?: boolean;
  /** Core [U]: an unknown name in `fields` is a 400 ("reject", default) or left out ("omit") */
  unknownFields?: "reject" | "omit";
  /** Core [U]: `limit` when absent (default 50) and its maximum (default 200) */
  defaultLimit?: number;
  maxLimit?: number;
  /** Core [U]: a `limit` above the maximum is clamped (default) or a 400 */
  overLimit?: "clamp" | "reject";
  /** Cloud [U]: `rows` when absent (default 50) */
  defaultRows?: number;
  /** [U] retiring a RETIRED device: reported as a failure (default) or a success */
  retireOfRetired?: "success" | "failure";
  sentry?: SentryOptions;
  /** 429s as a setting only: neither flavour publishes rate limits (§D) */
  throttle?: { requests: number; windowMs: number; retryAfter?: boolean };
  /** Real-time delay before every API answer, in ms (default 0) */
  latencyMs?: number;
  log?: KitLogger;
}

export interface StartIvantiEmulatorOptions {
  world: SimulatedOrganisation;
  /**
   * The ports devices are read and retired through; default `world.ports`. The CLI may pass
   * its journaled ports so that retires survive a restart.
   */
  ports?: Pick<Ports, "sourceInventory" | "sourceOffboarding">;
  flavour: IvantiFlavour;
  /** 0 / absent = any free port */
  port?: number;
  /** fault injection (kit), drawn from `random` */
  faults?: FaultOptions;
  random: () => number;
  options?: IvantiEmulatorSettings;
}

/** What a connector (or a demo) needs to talk to the emulator. */
export interface IvantiEmulatorConfig {
  flavour: IvantiFlavour;
  baseUrl: string;
  username: string;
  password: string;
  /** Core */
  adminDeviceSpaceId: number;
  /** Cloud: the default partition's id (a connector may also discover it) */
  partitionId: number;
}

export interface IvantiEmulator {
  url: string;
  port: number;
  stats: EmulatorStats;
  config: IvantiEmulatorConfig;
  /** The Sentry gateway's allow/block table (also at GET /emulator/sentry/devices). */
  sentry: {
    table: SentryTable;
    entries(): Promise<SentryEntry[]>;
    allow(sourceId: string): void;
  };
  close(): Promise<void>;
}

export const SENTRY_PATH = "/emulator/sentry/devices";

const DEFAULT_USER = "ferry-api";
const DEFAULT_PASSWORD = "emulator-password";
const ALL_ROLES: readonly IvantiRole[] = ["api", "view", "retire"];

/** [U] Core's error body: `{messages:[{type, messageKey, localizedMessage}]}`. */
const coreErrorBody: ErrorBodyFn = (_status, code, message) => ({
  messages: [{ type: "Error", messageKey: code, localizedMessage: message }],
});

/** [U] Cloud's error body outside the documented field errors: `globalErrors`. */
const cloudErrorBody: ErrorBodyFn = (_status, code, message) => ({
  errors: { globalErrors: [{ code, message }], fieldErrors: null },
  result: null,
});

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

export async function startIvantiEmulator(options: StartIvantiEmulatorOptions): Promise<IvantiEmulator> {
  const { world, flavour } = options;
  const s = options.options ?? {};
  const users: Record<string, IvantiUser> = s.users ?? { [DEFAULT_USER]: { password: DEFAULT_PASSWORD } };
  const view = new WorldView(world, options.ports ?? world.ports);
  await view.sync();
  const records = { imeiWithSpaces: s.imeiWithSpaces ?? true };
  const retireOfRetired = s.retireOfRetired ?? "failure";
  const partition = s.partition ?? { id: 33533, name: "Default Space" };
  const sentry = new SentryTable(s.sentry ?? {}, flavour === "cloud" ? 5 * 60_000 : 0);

  const authenticate = (req: EmulatorRequest) => {
    const c = basicCredentials(req);
    const user = c && Object.hasOwn(users, c.user) ? users[c.user] : undefined;
    if (!c || !user || user.password !== c.password) {
      throw flavour === "core"
        ? unauthorized(
            "com.mobileiron.vsp.messages.http.401",
            "Invalid credentials",
            'Basic realm="MobileIron"',
          )
        : unauthorized("Unauthorized", "Bad credentials", 'Basic realm="Neurons for MDM"');
    }
    req.principal = c.user;
  };
  const guard = (req: EmulatorRequest, role: IvantiRole) => {
    const user = users[String(req.principal)];
    const roles = user?.roles ?? ALL_ROLES;
    if (!roles.includes("api") || !roles.includes(role)) {
      const what =
        role === "retire"
          ? "retire devices"
          : role === "view"
            ? "view devices"
            : "use the API (it lacks the API role)";
      throw new EmulatorError(
        403,
        flavour === "core" ? "com.mobileiron.vsp.messages.http.403" : "AccessDenied",
        `User ${String(req.principal)} is not allowed to ${what}`,
      );
    }
  };

  const vendorRoutes =
    flavour === "core"
      ? coreRoutes(
          view,
          {
            adminDeviceSpaceId: s.adminDeviceSpaceId ?? 1,
            uncertainFields: s.uncertainFields ?? true,
            unknownFields: s.unknownFields ?? "reject",
            defaultLimit: s.defaultLimit ?? 50,
            maxLimit: s.maxLimit ?? 200,
            overLimit: s.overLimit ?? "clamp",
            retireOfRetired,
            records,
          } satisfies CoreSettings,
          guard,
        )
      : cloudRoutes(
          view,
          {
            partition,
            otherPartitions: [{ id: partition.id + 1, name: "Marketing Space" }],
            defaultRows: s.defaultRows ?? 50,
            retireOfRetired,
          } satisfies CloudSettings,
          guard,
        );

  const entries = async () => {
    await view.sync();
    return sentry.entries(view.devices, view.now);
  };
  const sentryRoute: Route = {
    method: "GET",
    path: SENTRY_PATH,
    public: true,
    faults: false,
    handler: async () => {
      const list = await entries();
      return json({
        flavour,
        autoBlockUnregistered: sentry.autoBlockUnregistered,
        refreshedAt: iso(sentry.refreshedAt(view.now)),
        entries: list,
      });
    },
  };

  const throttles: ThrottleRule[] = s.throttle
    ? [
        {
          scope: "api",
          requests: s.throttle.requests,
          windowMs: s.throttle.windowMs,
          retryAfter: s.throttle.retryAfter ?? true,
          code: flavour === "core" ? "com.mobileiron.vsp.messages.http.429" : "TooManyRequests",
          message: "Too many requests",
        },
      ]
    : [];

  const emu = await startEmulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: [...vendorRoutes.map((r) => withLatency(r, s.latencyMs ?? 0)), sentryRoute],
    clock: world.clock,
    random: options.random,
    ...(options.faults ? { faults: options.faults } : {}),
    throttles,
    errorBody: flavour === "core" ? coreErrorBody : cloudErrorBody,
    authenticate,
    ...(s.log ? { log: s.log } : {}),
  });
  const [username, user] = Object.entries(users)[0] ?? [DEFAULT_USER, { password: DEFAULT_PASSWORD }];
  return {
    url: emu.url,
    port: emu.port,
    stats: emu.stats,
    config: {
      flavour,
      baseUrl: emu.url,
      username,
      password: user.password,
      adminDeviceSpaceId: s.adminDeviceSpaceId ?? 1,
      partitionId: partition.id,
    },
    sentry: { table: sentry, entries, allow: (id) => sentry.allow(id) },
    close: () => emu.close(),
  };
}

export type { Partition } from "./cloud.ts";
export { CORE_UNCERTAIN_FIELDS, CORE_VERIFIED_FIELDS } from "./records.ts";
export type { SentryEntry, SentryOptions } from "./sentry.ts";
