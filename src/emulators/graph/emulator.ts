/**
 * The Microsoft Graph emulator: an HTTP facade over a simulated organisation. It serves the
 * world's Intune devices as `managedDevice`s, its directory as `user`s, the Ferry-managed
 * groups, two CA policies and mail, reading and changing state only through `world.ports`
 * (plus `world.scenario` and `world.devices()` for what the ports do not carry). Its clock is
 * the world's.
 *
 * @example
 * const world = new SimulatedOrganisation({ seed: 7, people: 200 });
 * const emu = await startGraphEmulator({ world, random: seededRandom(7) });
 * const ports = graphPorts(emu.config, { clock: world.clock, sleep }); // src/connectors/graph
 * // … await emu.close();
 */
import { DOMAIN } from "../../world/catalog.ts";
import { Rng } from "../../world/rng.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  type EmulatorStats,
  type FaultOptions,
  type KitLogger,
  startEmulator,
  type ThrottleRule,
  TokenIssuer,
} from "../kit/index.ts";
import { DEFAULT_GRANTED_PERMISSIONS, EntraTokens } from "./auth.ts";
import { batchRoute } from "./batch.ts";
import {
  defaultGraphThrottles,
  type GraphContext,
  type GraphEmulatorConfig,
  type GraphEmulatorOptions,
  type GraphState,
  newContext,
  type ResolvedGraphOptions,
} from "./context.ts";
import { deviceRoutes } from "./devices.ts";
import { directoryRoutes } from "./directory.ts";
import { graphErrorBody } from "./errors.ts";
import { stableGuid } from "./ids.ts";
import { DEFAULT_MAIL_SENDER, mailRoutes } from "./mail.ts";
import { policyRoutes } from "./policies.ts";

export interface StartGraphEmulatorOptions {
  world: SimulatedOrganisation;
  /** 0 (default) = any free port. */
  port?: number;
  /** The kit's fault injection (never on the token endpoint). */
  faults?: FaultOptions;
  /** Replaces the documented limits ({@link defaultGraphThrottles}); `[]` turns throttling off. */
  throttles?: readonly ThrottleRule[];
  /** Fault injection draws from it, and nothing else. */
  random: () => number;
  /** The application permissions granted to the app (the token's `roles`); default everything Ferry uses. */
  permissions?: readonly string[];
  options?: GraphEmulatorOptions;
  log?: KitLogger;
}

export interface GraphEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stats: EmulatorStats;
  /** What a connector needs to talk to this emulator. */
  config: GraphEmulatorConfig;
  /** The emulator's own state: Graph-action overlays on devices, break-glass members, mail counts. */
  state: GraphState;
  /** Changes the permissions granted to the app; tokens issued before keep their roles. */
  setPermissions(permissions: readonly string[]): void;
  close(): Promise<void>;
}

function resolve(world: SimulatedOrganisation, o: GraphEmulatorOptions = {}): ResolvedGraphOptions {
  const seed = world.options.seed;
  return {
    tenantId: o.tenantId ?? stableGuid("tenant", seed),
    tenantDomain: (o.tenantDomain ?? DOMAIN).toLowerCase(),
    clientId: o.clientId ?? stableGuid("ferry-app", seed),
    clientSecret: o.clientSecret ?? `Fy8Q~emulator.${stableGuid("secret", seed).slice(0, 18)}`,
    tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? 3599,
    devicePageSize: o.devicePageSize ?? 1000,
    unsupportedFilters: o.unsupportedFilters ?? "reject",
    nonCompliantSpelling: o.nonCompliantSpelling ?? "noncompliant",
    intuneErrorStyle: o.intuneErrorStyle ?? "plain",
    intuneRetryAfter: o.intuneRetryAfter ?? true,
    retireCheckInMs: o.retireCheckInMs ?? 15 * 60_000,
    mailSender: o.mailSender ?? DEFAULT_MAIL_SENDER,
    deviceHook: o.deviceHook,
    syntheticDevices: Math.max(0, Math.floor(o.benchmarkFixture?.syntheticManagedDevices ?? 0)),
  };
}

export async function startGraphEmulator(o: StartGraphEmulatorOptions): Promise<GraphEmulator> {
  const { world, random } = o;
  const options = resolve(world, o.options);
  const seed = world.options.seed;
  const config: GraphContext["config"] = {
    tenantId: options.tenantId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    notYetMigratedGroupId: stableGuid("group", "not-yet-migrated", seed),
    targetPolicyId: stableGuid("ca-policy", "intune", seed),
    breakGlassGroupId: stableGuid("group", "break-glass", seed),
    breakGlassUpns: [...world.breakGlassUpns],
    legacy: {
      excludedGroupId: stableGuid("group", "legacy-excluded", seed),
      policyId: stableGuid("ca-policy", "legacy", seed),
    },
    mailSender: options.mailSender,
  };
  const ctx = newContext(world, random, options, config, o.throttles ?? defaultGraphThrottles(options));
  let permissions = [...(o.permissions ?? DEFAULT_GRANTED_PERMISSIONS)];
  const tokens = new EntraTokens({
    // Its own stream: token strings must not shift which requests the injected faults hit.
    issuer: new TokenIssuer({
      clock: world.clock,
      random: (() => {
        const r = new Rng(seed, "graph-tokens");
        return () => r.next();
      })(),
    }),
    clock: world.clock,
    tenantId: options.tenantId,
    tenantAliases: [options.tenantDomain],
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ttlSeconds: options.tokenLifetimeSeconds,
    roles: () => permissions,
  });
  const routes = [
    ...deviceRoutes(ctx),
    ...directoryRoutes(ctx),
    ...(await policyRoutes(ctx)),
    ...mailRoutes(ctx),
  ];
  const emu = await startEmulator({
    ...(o.port === undefined ? {} : { port: o.port }),
    routes: [tokens.route, batchRoute(ctx, routes), ...routes],
    clock: world.clock,
    random,
    ...(o.faults ? { faults: o.faults } : {}),
    errorBody: graphErrorBody(world.clock),
    authenticate: tokens.authenticate,
    ...(o.log ? { log: o.log } : {}),
  });
  ctx.stats = emu.stats;
  return {
    url: emu.url,
    stats: emu.stats,
    config: { ...config, authorityBaseUrl: emu.url, graphBaseUrl: `${emu.url}/v1.0` },
    state: ctx.state,
    setPermissions: (p) => {
      permissions = [...p];
    },
    close: () => emu.close(),
  };
}
