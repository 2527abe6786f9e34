/**
 * Every vendor API Ferry speaks, as one table: how to start its emulator over a simulated
 * organisation (for `ferry emulate`) and how to check a configured connection (for
 * `ferry connect`). A connection's settings are the connector's JSON configuration plus the
 * environment variables holding its secrets — exactly what an admin writes for a real server.
 */
import { checkGraphConnection, parseGraphConfig } from "../connectors/graph/index.ts";
import { realSleep } from "../connectors/http/index.ts";
import { checkIvantiConnection, parseIvantiConfig } from "../connectors/ivanti/index.ts";
import { checkJamfConnection, parseJamfConfig } from "../connectors/jamf/index.ts";
import { checkMaas360Connection, parseMaas360Config } from "../connectors/maas360/index.ts";
import { checkWorkspaceOneConnection, parseWorkspaceOneConfig } from "../connectors/workspace-one/index.ts";
import type { Clock } from "../core/time.ts";
import { startGraphEmulator } from "../emulators/graph/index.ts";
import { startIvantiEmulator } from "../emulators/ivanti/index.ts";
import { jamfConnectorSettings, startJamfEmulator } from "../emulators/jamf/index.ts";
import type { EmulatorStats, FaultOptions } from "../emulators/kit/index.ts";
import { startMaas360Emulator } from "../emulators/maas360/index.ts";
import {
  startWorkspaceOneEmulator,
  workspaceOneConnectorSettings,
} from "../emulators/workspace-one/index.ts";
import type { SimulatedOrganisation } from "../world/world.ts";

export const VENDORS = ["graph", "workspace-one", "jamf", "ivanti", "maas360"] as const;
export type Vendor = (typeof VENDORS)[number];

/** A connector's configuration (no secrets) and the environment variables that hold its secrets. */
export interface ConnectionSettings {
  config: Record<string, unknown>;
  env: Record<string, string>;
}

export interface RunningEmulator {
  url: string;
  settings: ConnectionSettings;
  stats: EmulatorStats;
  close(): Promise<void>;
}

export interface CheckLine {
  /** the permission, role or step checked */
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConnectionVerdict {
  service: string;
  ok: boolean;
  checks: CheckLine[];
  problems: string[];
}

interface EmulatorStart {
  world: SimulatedOrganisation;
  port?: number;
  random: () => number;
  faults?: FaultOptions;
}

export async function startVendorEmulator(vendor: Vendor, o: EmulatorStart): Promise<RunningEmulator> {
  const base = {
    world: o.world,
    random: o.random,
    ...(o.port ? { port: o.port } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
  };
  switch (vendor) {
    case "graph": {
      const emu = await startGraphEmulator(base);
      const c = emu.config;
      return {
        ...pick(emu),
        settings: {
          config: {
            tenantId: c.tenantId,
            clientId: c.clientId,
            clientSecretEnv: "FERRY_GRAPH_CLIENT_SECRET",
            authorityBaseUrl: c.authorityBaseUrl,
            graphBaseUrl: c.graphBaseUrl,
            notYetMigratedGroupId: c.notYetMigratedGroupId,
            targetPolicyId: c.targetPolicyId,
            legacy: c.legacy,
            mailSender: c.mailSender,
          },
          env: { FERRY_GRAPH_CLIENT_SECRET: c.clientSecret },
        },
      };
    }
    case "workspace-one": {
      const emu = await startWorkspaceOneEmulator(base);
      return { ...pick(emu), settings: workspaceOneConnectorSettings(emu) };
    }
    case "jamf": {
      const emu = await startJamfEmulator(base);
      return { ...pick(emu), settings: jamfConnectorSettings(emu) };
    }
    case "ivanti": {
      const emu = await startIvantiEmulator({ ...base, flavour: "core" });
      return {
        ...pick(emu),
        settings: {
          config: {
            flavour: "core",
            baseUrl: emu.url,
            username: emu.config.username,
            passwordEnv: "FERRY_IVANTI_PASSWORD",
          },
          env: { FERRY_IVANTI_PASSWORD: emu.config.password },
        },
      };
    }
    case "maas360": {
      const emu = await startMaas360Emulator(base);
      const c = emu.config;
      return {
        ...pick(emu),
        settings: {
          config: {
            baseUrl: c.baseUrl,
            billingId: c.billingId,
            appId: c.appId,
            appVersion: c.appVersion,
            platformId: c.platformId,
            username: c.username,
            passwordEnv: "FERRY_MAAS360_PASSWORD",
            appAccessKeyEnv: "FERRY_MAAS360_ACCESS_KEY",
          },
          env: { FERRY_MAAS360_PASSWORD: c.password, FERRY_MAAS360_ACCESS_KEY: c.appAccessKey },
        },
      };
    }
  }
}

function pick(emu: { url: string; stats: EmulatorStats; close(): Promise<void> }) {
  return { url: emu.url, stats: emu.stats, close: () => emu.close() };
}

/** Tests a configured connection: sign-in, then each permission Ferry needs, in an admin's words. */
export async function checkConnection(
  vendor: Vendor,
  settings: { config: unknown; env: Record<string, string | undefined> },
  clock: Clock,
  breakGlassUpns: readonly string[] = [],
): Promise<ConnectionVerdict> {
  const deps = { clock, sleep: realSleep, env: settings.env };
  switch (vendor) {
    case "graph": {
      const r = await checkGraphConnection(
        parseGraphConfig(settings.config, settings.env, breakGlassUpns),
        deps,
      );
      return {
        service: "Microsoft Graph",
        ok: r.ok,
        checks: [
          {
            name: "sign-in (client credentials)",
            ok: r.token.ok,
            detail: r.token.ok ? `roles: ${r.token.roles.join(", ")}` : r.token.error,
          },
          ...r.permissions.map((p) => ({
            name: p.permission,
            ok: p.granted,
            detail: p.purpose + (p.grantedVia ? ` (via ${p.grantedVia})` : ""),
          })),
        ],
        problems: r.problems,
      };
    }
    case "workspace-one": {
      const r = await checkWorkspaceOneConnection(parseWorkspaceOneConfig(settings.config), deps);
      return fromStatusChecks(r.service, r.ok, r.checks);
    }
    case "jamf": {
      const r = await checkJamfConnection(parseJamfConfig(settings.config), deps);
      return fromStatusChecks(r.service, r.ok, r.checks);
    }
    case "ivanti": {
      const r = await checkIvantiConnection(parseIvantiConfig(settings.config), deps);
      return fromPermissionChecks(r);
    }
    case "maas360": {
      const r = await checkMaas360Connection(parseMaas360Config(settings.config), deps);
      return fromPermissionChecks(r);
    }
  }
}

function fromStatusChecks(
  service: string,
  ok: boolean,
  checks: readonly { name: string; status: string; detail: string }[],
): ConnectionVerdict {
  return {
    service,
    ok,
    checks: checks.map((c) => ({
      name: c.name,
      ok: c.status !== "failed",
      detail: `${c.status === "unverified" ? "(unverified) " : ""}${c.detail}`,
    })),
    problems: checks.filter((c) => c.status === "failed").map((c) => `${c.name}: ${c.detail}`),
  };
}

function fromPermissionChecks(r: {
  service: string;
  ok: boolean;
  checks: readonly { permission: string; ok: boolean; detail: string; warning?: string }[];
}): ConnectionVerdict {
  return {
    service: r.service,
    ok: r.ok,
    checks: r.checks.map((c) => ({
      name: c.permission,
      ok: c.ok,
      detail: c.detail + (c.warning ? ` — ${c.warning}` : ""),
    })),
    problems: r.checks.filter((c) => !c.ok).map((c) => `${c.permission}: ${c.detail}`),
  };
}
