/**
 * What every Graph route shares: the world behind it, the options, the throttles (one set of
 * buckets for direct requests and `$batch` inner requests alike), the paging cursors, and
 * the route wrapper that checks permissions and throttles before the handler runs.
 */
import type { Clock } from "../../core/time.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  EmulatorError,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorStats,
  type Method,
  type Route,
  type ThrottleRule,
  Throttler,
} from "../kit/index.ts";
import { checkPermission, type PermissionRule } from "./auth.ts";
import type { IntuneErrorStyle } from "./errors.ts";
import { Cursors } from "./odata.ts";

/** Throttle scopes of the emulator's routes (the same names as the connector's GRAPH_SCOPES). */
export const GRAPH_THROTTLE_SCOPES = Object.freeze({
  intuneDevices: "intune-devices",
  intuneConfiguration: "intune-configuration",
  identity: "identity",
  conditionalAccess: "ca-policy",
  mail: "mail",
});

const S = GRAPH_THROTTLE_SCOPES;

/**
 * The documented app-per-tenant limits (§A9) as the emulator's throttles. Identity is counted
 * in requests here (each `$batch` inner request counts), not in resource units; its writes
 * bucket is the documented 3 000 per 2.5 min. CA: 1 request/s and no Retry-After.
 */
export function defaultGraphThrottles(options: { intuneRetryAfter?: boolean } = {}): ThrottleRule[] {
  const intuneRetryAfter = options.intuneRetryAfter ?? true;
  return [
    {
      scope: S.intuneDevices,
      requests: 2_000,
      writes: 200,
      windowMs: 20_000,
      retryAfter: intuneRetryAfter,
      headers: { "x-ms-throttle-scope": "Application/IntuneDevices" },
    },
    {
      scope: S.intuneConfiguration,
      requests: 1_000,
      writes: 100,
      windowMs: 20_000,
      retryAfter: intuneRetryAfter,
    },
    {
      scope: S.identity,
      requests: 5_000,
      windowMs: 10_000,
      writes: 3_000,
      writesWindowMs: 150_000,
      retryAfter: true,
      headers: {
        "x-ms-throttle-scope": "Tenant_Application/ReadWrite",
        "x-ms-throttle-information": "ResourceUnitLimitExceeded",
      },
      message: "Too many requests. Please retry after the time given in the Retry-After header.",
    },
    {
      scope: S.conditionalAccess,
      requests: 1,
      windowMs: 1_000,
      retryAfter: false,
      message: "Too many requests. Conditional access policies allow one request per second per tenant.",
    },
  ];
}

export interface GraphEmulatorOptions {
  tenantId?: string;
  /** The tenant's verified domain; the token endpoint answers to it too. */
  tenantDomain?: string;
  clientId?: string;
  clientSecret?: string;
  /** Access-token lifetime (default 3599 s). */
  tokenLifetimeSeconds?: number;
  /** managedDevices per page (default and maximum 1000). */
  devicePageSize?: number;
  /** `$filter` clauses a collection does not document: refuse with 400 (default) or silently ignore the whole filter. */
  unsupportedFilters?: "reject" | "ignore";
  /**
   * How `managedDevice.complianceState` spells non-compliance. The metadata says `noncompliant`;
   * `deviceCompliancePolicyState.state` always says `nonCompliant` (§A4).
   */
  nonCompliantSpelling?: "noncompliant" | "nonCompliant";
  /** How Intune errors are wrapped: `plain` (`code` + JSON message) or `unknown-error` (§A9). */
  intuneErrorStyle?: IntuneErrorStyle;
  /** Intune throttling sends Retry-After (default true; some Intune endpoints omit it, §A9). */
  intuneRetryAfter?: boolean;
  /** After `retire`/`wipe`/DELETE, how long until the device checks in and its record goes (default 15 min). */
  retireCheckInMs?: number;
  /** The mailbox Ferry sends from (default `ferry@<domain>`). */
  mailSender?: string;
  /** Test hook: changes a device's full entity (all properties, `udid` included) before it is served. */
  deviceHook?: (device: Record<string, unknown>) => Record<string, unknown>;
  /**
   * BENCHMARK FIXTURE, not part of the emulated API: serve this many synthetic managedDevices
   * after the world's own, generated deterministically and lazily per page (a world with
   * 100 000 Intune devices is expensive to build). Their deviceName starts with `BENCH-`.
   */
  benchmarkFixture?: { syntheticManagedDevices: number };
}

export interface ResolvedGraphOptions {
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
  devicePageSize: number;
  unsupportedFilters: "reject" | "ignore";
  nonCompliantSpelling: "noncompliant" | "nonCompliant";
  intuneErrorStyle: IntuneErrorStyle;
  intuneRetryAfter: boolean;
  retireCheckInMs: number;
  mailSender: string;
  deviceHook: ((device: Record<string, unknown>) => Record<string, unknown>) | undefined;
  syntheticDevices: number;
}

/** The ids a connector needs to talk to the emulator: its configuration, in the connector's own field names. */
export interface GraphEmulatorConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Where `/{tenant}/oauth2/v2.0/token` lives (the emulator's URL). */
  authorityBaseUrl: string;
  /** `<emulator>/v1.0` */
  graphBaseUrl: string;
  /** Intune's not-yet-migrated group, which the Intune policy excludes. */
  notYetMigratedGroupId: string;
  /** The "Require compliant device (Intune)" policy. */
  targetPolicyId: string;
  breakGlassGroupId: string;
  breakGlassUpns: string[];
  /** The old product's CA as it lives in Entra: its exclusion group and its policy. */
  legacy: { excludedGroupId: string; policyId: string };
  mailSender: string;
}

export interface GraphState {
  /** Per managedDevice id: what Graph actions changed (the world has no such port). */
  devices: Map<string, DeviceOverlay>;
  breakGlassMembers: Set<string>;
  mail: { delivered: number; undeliverable: string[] };
}

export interface DeviceOverlay {
  managementState: string;
  goneAt?: number;
  lastSyncAt?: number;
  actions: { actionName: string; actionState: string; startDateTime: string; lastUpdatedDateTime: string }[];
}

export interface GraphContext {
  world: SimulatedOrganisation;
  clock: Clock;
  random: () => number;
  options: ResolvedGraphOptions;
  config: Omit<GraphEmulatorConfig, "authorityBaseUrl" | "graphBaseUrl">;
  cursors: Cursors;
  state: GraphState;
  throttler: Throttler;
  /** Set once the server runs (stats live in the kit's server). */
  stats?: EmulatorStats;
}

export function newContext(
  world: SimulatedOrganisation,
  random: () => number,
  options: ResolvedGraphOptions,
  config: GraphContext["config"],
  throttles: readonly ThrottleRule[],
): GraphContext {
  return {
    world,
    clock: world.clock,
    random,
    options,
    config,
    cursors: new Cursors(),
    state: {
      devices: new Map(),
      breakGlassMembers: new Set(world.scenario.people.filter((p) => p.breakGlass).map((p) => p.id)),
      mail: { delivered: 0, undeliverable: [] },
    },
    throttler: new Throttler(throttles, world.clock),
  };
}

export interface GraphRouteSpec {
  method: Method;
  /** Under `/v1.0`. */
  path: string;
  scope?: string;
  permission: PermissionRule;
  /** Identity resource units, sent back as `x-ms-resource-unit`. */
  resourceUnits?: number;
  handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
}

/**
 * A kit route whose handler first checks the caller's permissions, then takes a token from
 * its scope's throttle (so `$batch` inner requests, which call the same handler, are checked
 * and throttled one by one, as Graph does).
 */
export function graphRoute(ctx: GraphContext, spec: GraphRouteSpec): Route {
  const write = !["GET", "HEAD", "OPTIONS"].includes(spec.method);
  return {
    method: spec.method,
    path: `/v1.0${spec.path}`,
    ...(spec.scope === undefined ? {} : { scope: spec.scope }),
    handler: async (req) => {
      checkPermission(req, spec.permission, ctx.options.intuneErrorStyle);
      const verdict = ctx.throttler.admit(req, spec.scope, write);
      if (!verdict.ok) {
        const { rule, waitMs } = verdict;
        ctx.stats?.recordThrottle(rule.scope);
        throw new EmulatorError(429, rule.code ?? "TooManyRequests", rule.message ?? "Too many requests.", {
          ...rule.headers,
          ...(rule.retryAfter ? { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) } : {}),
        });
      }
      const res = await spec.handler(req);
      if (spec.resourceUnits === undefined) return res;
      return { ...res, headers: { ...res.headers, "x-ms-resource-unit": String(spec.resourceUnits) } };
    },
  };
}

const memos = new WeakMap<EmulatorRequest, Map<string, Set<string>>>();

/** Shares `memo` among the inner requests of one `$batch` (see directory.ts). */
export function shareBatchMemo(inner: EmulatorRequest, memo: Map<string, Set<string>>): void {
  memos.set(inner, memo);
}

/** The memo of the `$batch` this request is part of; undefined for a request sent on its own. */
export function batchMemo(req: EmulatorRequest): Map<string, Set<string>> | undefined {
  return memos.get(req);
}

/** A JSON body of the request as an object, or a 400. */
export function bodyObject(req: EmulatorRequest): Record<string, unknown> {
  const b = req.body;
  if (typeof b !== "object" || b === null || Array.isArray(b)) {
    throw new EmulatorError(400, "BadRequest", "Write requests must carry a JSON object body.");
  }
  return b as Record<string, unknown>;
}
