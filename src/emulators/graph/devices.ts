/**
 * Intune's managed devices (vendor-apis.md §A3) served from the world's Intune records:
 * `managedDevice` entities with every property of the v1.0 metadata, listed 1000 per page,
 * `$select`/`$filter`/`$top`, `udid` and the other single-GET-only properties left at their
 * defaults in lists, the compliance policy states (with their own enum casing), and the
 * `retire`/`wipe`/`syncDevice`/DELETE actions. What Graph actions change lives in an overlay:
 * the world has no port for retiring an Intune record.
 */
import type { EnrollmentMode, Ownership, Platform } from "../../core/platform.ts";
import type { TargetDeviceRecord } from "../../core/ports/index.ts";
import { DAY, HOUR, type Millis } from "../../core/time.ts";
import type { ScenarioDevice, ScenarioPerson } from "../../world/scenario.ts";
import { type EmulatorRequest, json, noContent, type Route } from "../kit/index.ts";
import { PERMISSION_RULES } from "./auth.ts";
import { type DeviceOverlay, GRAPH_THROTTLE_SCOPES, type GraphContext, graphRoute } from "./context.ts";
import { intuneError } from "./errors.ts";
import { graphDate, NEVER, stableGuid, stableInt } from "./ids.ts";
import { type Entity, type FilterSupport, type Listing, page, parseFilter, parseSelect } from "./odata.ts";

/** Every property of `microsoft.graph.managedDevice` in the v1.0 metadata (graph-metadata.json). */
export const MANAGED_DEVICE_PROPERTIES: readonly string[] = [
  "id",
  "activationLockBypassCode",
  "androidSecurityPatchLevel",
  "azureADDeviceId",
  "azureADRegistered",
  "complianceGracePeriodExpirationDateTime",
  "complianceState",
  "configurationManagerClientEnabledFeatures",
  "deviceActionResults",
  "deviceCategoryDisplayName",
  "deviceEnrollmentType",
  "deviceHealthAttestationState",
  "deviceName",
  "deviceRegistrationState",
  "easActivated",
  "easActivationDateTime",
  "easDeviceId",
  "emailAddress",
  "enrolledDateTime",
  "enrollmentProfileName",
  "ethernetMacAddress",
  "exchangeAccessState",
  "exchangeAccessStateReason",
  "exchangeLastSuccessfulSyncDateTime",
  "freeStorageSpaceInBytes",
  "iccid",
  "imei",
  "isEncrypted",
  "isSupervised",
  "jailBroken",
  "lastSyncDateTime",
  "managedDeviceName",
  "managedDeviceOwnerType",
  "managementAgent",
  "managementCertificateExpirationDate",
  "managementState",
  "manufacturer",
  "meid",
  "model",
  "notes",
  "operatingSystem",
  "osVersion",
  "partnerReportedThreatState",
  "phoneNumber",
  "physicalMemoryInBytes",
  "remoteAssistanceSessionErrorDetails",
  "remoteAssistanceSessionUrl",
  "requireUserEnrollmentApproval",
  "serialNumber",
  "subscriberCarrier",
  "totalStorageSpaceInBytes",
  "udid",
  "userDisplayName",
  "userId",
  "userPrincipalName",
  "wiFiMacAddress",
];

const PROPERTIES = new Set(MANAGED_DEVICE_PROPERTIES);

/** Values a LIST (or a GET without them in `$select`) returns in place of the real one (metadata nuance). */
export const SINGLE_GET_ONLY: Readonly<Record<string, unknown>> = {
  activationLockBypassCode: null,
  ethernetMacAddress: "",
  iccid: "",
  notes: null,
  physicalMemoryInBytes: 0,
  remoteAssistanceSessionUrl: null,
  udid: "",
};

/** §A3: the documented `$filter` support of managedDevices. */
export const MANAGED_DEVICE_FILTERS: FilterSupport = {
  serialNumber: ["eq"],
  imei: ["eq"],
  operatingSystem: ["eq"],
  complianceState: ["eq"],
  managementState: ["eq"],
  managementAgent: ["eq"],
  manufacturer: ["eq"],
  jailBroken: ["eq"],
  exchangeAccessState: ["eq"],
  deviceCategoryDisplayName: ["eq"],
  azureADDeviceId: ["eq"],
  userPrincipalName: ["eq", "ne"],
  deviceName: ["eq", "contains"],
  model: ["eq", "contains"],
  osVersion: ["contains"],
  emailAddress: ["contains"],
  phoneNumber: ["contains"],
  enrolledDateTime: ["lt", "gt"],
  lastSyncDateTime: ["lt", "gt"],
  complianceGracePeriodExpirationDateTime: ["lt", "gt"],
};

/** What the entity is built from: a world record with its scenario, or a benchmark fixture. */
interface DeviceFacts {
  id: string;
  platform: Platform;
  mode: EnrollmentMode | undefined;
  ownership: Ownership | undefined;
  osVersion: string;
  model: string;
  manufacturer: string;
  /** as the device reports them (not normalised); undefined = not reported */
  serial?: string | undefined;
  imei?: string | undefined;
  meid?: string | undefined;
  udid?: string | undefined;
  wifiMac?: string | undefined;
  compliance: TargetDeviceRecord["compliance"];
  enrolledAt: Millis;
  person: ScenarioPerson | undefined;
  upn: string | undefined;
  deviceName?: string;
}

const OS_NAME: Record<Platform, string> = {
  ios: "iOS",
  ipados: "iPadOS",
  macos: "macOS",
  windows: "Windows",
  android: "Android",
};

function enrollmentType(facts: DeviceFacts): string {
  switch (facts.mode) {
    case "apple-user-enrollment":
      return "appleUserEnrollment";
    case "apple-ade":
    case "macos-ade":
      return "appleBulkWithUser";
    case "windows":
      return "windowsAzureADJoin";
    case "android-dedicated":
      return "deviceEnrollmentManager";
    case undefined:
      return facts.platform === "windows" ? "windowsAutoEnrollment" : "userEnrollment";
    default:
      return "userEnrollment";
  }
}

/** Apple consoles show an IMEI in groups ("35 209900 176148 1"); others as 15 digits. */
function displayImei(imei: string, platform: Platform): string {
  if (platform !== "ios" && platform !== "ipados") return imei;
  const d = imei.replace(/\D/g, "");
  return d.length === 15 ? `${d.slice(0, 2)} ${d.slice(2, 8)} ${d.slice(8, 14)} ${d.slice(14)}` : imei;
}

function deviceName(f: DeviceFacts): string {
  if (f.deviceName) return f.deviceName;
  const first = f.person?.displayName.split(" ")[0] ?? "Shared";
  const tag = (stableInt("name", f.id) % 0xfffffff).toString(36).toUpperCase().padStart(7, "0");
  switch (f.platform) {
    case "ios":
      return `${first}'s iPhone`;
    case "ipados":
      return `${first}'s iPad`;
    case "macos":
      return `${first}'s ${f.model.split(" ").slice(0, 2).join(" ")}`;
    case "windows":
      return `DESKTOP-${tag}`;
    case "android":
      return `${f.manufacturer}_${f.model.replace(/\s+/g, "")}_${tag.slice(0, 4)}`;
  }
}

/** The full entity: every metadata property, single-GET-only ones with their real values. */
function entityOf(ctx: GraphContext, f: DeviceFacts, overlay: DeviceOverlay | undefined): Entity {
  const now = ctx.clock.now();
  // Intune devices check in about every 8 h once settled (§A10).
  const period = 8 * HOUR;
  const phase = stableInt("sync", f.id) % period;
  const lastSync = Math.max(f.enrolledAt, Math.floor((now - phase) / period) * period + phase);
  const apple = f.platform === "ios" || f.platform === "ipados" || f.platform === "macos";
  const upnLocal = f.upn?.split("@")[0] ?? "userless";
  const total = [64, 128, 256, 512][stableInt("disk", f.id) % 4]! * 1024 ** 3;
  const compliance = f.compliance === "noncompliant" ? ctx.options.nonCompliantSpelling : f.compliance;
  const e: Entity = {
    id: f.id,
    activationLockBypassCode: null,
    androidSecurityPatchLevel: f.platform === "android" ? "2025-12-01" : "",
    azureADDeviceId: stableGuid("entra-device", f.id),
    azureADRegistered: true,
    complianceGracePeriodExpirationDateTime: "9999-12-31T23:59:59Z",
    complianceState: compliance,
    configurationManagerClientEnabledFeatures: null,
    deviceActionResults: overlay?.actions.map((a) => ({ ...a })) ?? [],
    deviceCategoryDisplayName: "Unknown",
    deviceEnrollmentType: enrollmentType(f),
    deviceHealthAttestationState: null,
    deviceName: deviceName(f),
    deviceRegistrationState: "registered",
    easActivated: false,
    easActivationDateTime: NEVER,
    easDeviceId: "",
    emailAddress: f.person?.mail ?? "",
    enrolledDateTime: graphDate(f.enrolledAt),
    enrollmentProfileName: f.mode === "apple-ade" || f.mode === "macos-ade" ? "Corporate ADE" : null,
    ethernetMacAddress: f.platform === "windows" || f.platform === "macos" ? "" : null,
    exchangeAccessState: "none",
    exchangeAccessStateReason: "none",
    exchangeLastSuccessfulSyncDateTime: NEVER,
    freeStorageSpaceInBytes: Math.floor((total * ((stableInt("free", f.id) % 70) + 10)) / 100),
    iccid: f.imei ? `8944${String(stableInt("iccid", f.id)).padStart(15, "0")}` : "",
    imei: f.imei ? displayImei(f.imei, f.platform) : "",
    isEncrypted: true,
    isSupervised: f.mode === "apple-ade" || f.mode === "macos-ade",
    jailBroken: apple || f.platform === "android" ? "False" : "Unknown",
    lastSyncDateTime: graphDate(overlay?.lastSyncAt ?? lastSync),
    managedDeviceName: `${upnLocal}_${OS_NAME[f.platform]}_${graphDate(f.enrolledAt).slice(0, 10)}`,
    managedDeviceOwnerType:
      f.ownership === "personal" ? "personal" : f.ownership === "corporate" ? "company" : "unknown",
    managementAgent: "mdm",
    managementCertificateExpirationDate: graphDate(f.enrolledAt + 365 * DAY),
    managementState: overlay?.managementState ?? "managed",
    manufacturer: f.manufacturer,
    meid: f.meid ?? "",
    model: f.model,
    notes: null,
    operatingSystem: OS_NAME[f.platform],
    osVersion: f.osVersion,
    partnerReportedThreatState: "unknown",
    phoneNumber: "",
    physicalMemoryInBytes: [4, 8, 16, 32][stableInt("ram", f.id) % 4]! * 1024 ** 3,
    remoteAssistanceSessionErrorDetails: null,
    remoteAssistanceSessionUrl: null,
    requireUserEnrollmentApproval: null,
    serialNumber: f.serial ?? "",
    subscriberCarrier: "",
    totalStorageSpaceInBytes: total,
    udid: f.udid ?? "",
    userDisplayName: f.person?.displayName ?? "",
    userId: f.person?.id ?? "",
    userPrincipalName: f.upn ?? "",
    wiFiMacAddress: f.wifiMac ? f.wifiMac.replace(/[:-]/g, "").toLowerCase() : "",
  };
  return ctx.options.deviceHook ? ctx.options.deviceHook(e) : e;
}

/** The entity as a response carries it: single-GET-only properties at their defaults unless allowed. */
function render(e: Entity, select: readonly string[] | undefined, singleGet: boolean): Entity {
  const names = select ?? MANAGED_DEVICE_PROPERTIES;
  const out: Entity = {};
  for (const n of names) {
    const real = singleGet && select?.includes(n);
    out[n] = n in SINGLE_GET_ONLY && !real ? SINGLE_GET_ONLY[n] : (e[n] ?? null);
  }
  return out;
}

// --- where devices come from --------------------------------------------------------------

/** World devices, with what the scenario knows about each (replacements of lost devices have no scenario entry). */
async function worldFacts(ctx: GraphContext): Promise<DeviceFacts[]> {
  const { world } = ctx;
  const worldIdOf = new Map<string, string>();
  for (const d of world.devices()) if (d.targetId) worldIdOf.set(d.targetId, d.worldId);
  const out: DeviceFacts[] = [];
  for await (const r of world.ports.targetInventory.listDevices())
    out.push(factsOf(ctx, r, worldIdOf.get(r.targetId)));
  return out;
}

/** One world device by its Intune id, without listing them all (a `$batch` of GETs by id is common). */
function worldDevice(ctx: GraphContext, id: string): DeviceFacts | undefined {
  const found = ctx.world.targetRecord(id);
  return found && factsOf(ctx, found.record, found.worldId);
}

function factsOf(ctx: GraphContext, r: TargetDeviceRecord, worldId: string | undefined): DeviceFacts {
  const index = worldId ? Number(worldId.slice(2)) - 1 : -1;
  const s: ScenarioDevice | undefined = ctx.world.scenario.devices[index];
  const ids = r.identifiers;
  const hw = s?.hardware;
  return {
    id: r.targetId,
    platform: r.platform,
    mode: s ? (s.mode === "android-device-admin" ? "android-work-profile" : s.mode) : undefined,
    ownership: s?.ownership,
    osVersion: r.osVersion,
    model: r.model,
    manufacturer: r.manufacturer,
    serial: ids.serial ? (hw?.serial ?? ids.serial) : undefined,
    imei: ids.imei ? (hw?.imei ?? ids.imei) : undefined,
    meid: ids.meid ? (hw?.meid ?? ids.meid) : undefined,
    udid: ids.udid ? (hw?.udid ?? ids.udid) : undefined,
    wifiMac: ids.wifiMac ? (hw?.wifiMac ?? ids.wifiMac) : undefined,
    compliance: r.compliance,
    enrolledAt: r.enrolledAt,
    person: r.userPrincipalName ? personByName(ctx, r.userPrincipalName) : undefined,
    upn: r.userPrincipalName,
  };
}

const peopleIndex = new WeakMap<GraphContext, Map<string, ScenarioPerson>>();

/** A directory user by UPN, mail or object id (any case). */
export function personByName(ctx: GraphContext, name: string): ScenarioPerson | undefined {
  let index = peopleIndex.get(ctx);
  if (!index) {
    index = new Map();
    for (const p of ctx.world.scenario.people) {
      index.set(p.upn.toLowerCase(), p);
      index.set(p.mail.toLowerCase(), p);
      index.set(p.id.toLowerCase(), p);
    }
    peopleIndex.set(ctx, index);
  }
  return index.get(name.trim().toLowerCase());
}

// --- the benchmark fixture ----------------------------------------------------------------

const SYNTHETIC_PREFIX = "bbbbbbbb-0000-4000-8000-";

function syntheticId(i: number): string {
  return `${SYNTHETIC_PREFIX}${i.toString(16).padStart(12, "0")}`;
}

function syntheticIndex(ctx: GraphContext, id: string): number | undefined {
  if (!id.startsWith(SYNTHETIC_PREFIX)) return undefined;
  const i = Number.parseInt(id.slice(SYNTHETIC_PREFIX.length), 16);
  return Number.isInteger(i) && i < ctx.options.syntheticDevices && syntheticId(i) === id ? i : undefined;
}

const SYNTHETIC_PLATFORMS: Platform[] = [
  "windows",
  "windows",
  "windows",
  "windows",
  "windows",
  "windows",
  "windows",
  "windows",
  "ios",
  "ios",
  "ios",
  "ios",
  "ios",
  "ios",
  "android",
  "android",
  "android",
  "android",
  "macos",
  "ipados",
];

const SYNTHETIC_MODEL: Record<Platform, [string, string, string]> = {
  windows: ["Latitude 7450", "Dell Inc.", "10.0.26100.7171"],
  ios: ["iPhone 16", "Apple", "26.1"],
  ipados: ["iPad Air 13-inch (M3)", "Apple", "26.1"],
  macos: ["MacBook Air (M4)", "Apple", "26.1"],
  android: ["Pixel 9", "Google", "15"],
};

const regular = new WeakMap<GraphContext, ScenarioPerson[]>();

function regularPeople(ctx: GraphContext): ScenarioPerson[] {
  let people = regular.get(ctx);
  if (!people) {
    people = ctx.world.scenario.people.filter((p) => !p.breakGlass);
    regular.set(ctx, people);
  }
  return people;
}

/** BENCHMARK FIXTURE: the i-th synthetic device, the same every time. */
function syntheticFacts(ctx: GraphContext, i: number): DeviceFacts {
  const platform = SYNTHETIC_PLATFORMS[i % SYNTHETIC_PLATFORMS.length]!;
  const [model, manufacturer, osVersion] = SYNTHETIC_MODEL[platform];
  const people = regularPeople(ctx);
  const person = people.length > 0 ? people[i % people.length] : undefined;
  const apple = platform === "ios" || platform === "ipados" || platform === "macos";
  const phone = platform === "ios" || platform === "android";
  const digits = String(350000000000000 + i * 7).slice(0, 15);
  return {
    id: syntheticId(i),
    platform,
    mode: undefined,
    ownership: i % 3 === 0 ? "personal" : "corporate",
    osVersion,
    model,
    manufacturer,
    serial: `BENCH${i.toString(36).toUpperCase().padStart(7, "0")}`,
    imei: phone ? digits : undefined,
    udid: apple ? stableGuid("udid", i).replace(/-/g, "").padEnd(40, "0") : undefined,
    wifiMac: `02:be:${[(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join(":")}`,
    compliance: i % 25 === 0 ? "noncompliant" : i % 50 === 1 ? "unknown" : "compliant",
    enrolledAt: ctx.world.options.start - (i % 700) * HOUR,
    person,
    upn: person?.upn,
    deviceName: `BENCH-${String(i).padStart(6, "0")}`,
  };
}

// --- lookups and listings -----------------------------------------------------------------

function gone(ctx: GraphContext, id: string): boolean {
  const o = ctx.state.devices.get(id);
  return o?.goneAt !== undefined && o.goneAt <= ctx.clock.now();
}

/** Every device present now: the world's, then the benchmark fixture's, lazily. */
async function deviceListing(ctx: GraphContext, only?: (f: DeviceFacts) => boolean): Promise<Listing> {
  const facts = (await worldFacts(ctx)).filter((f) => !gone(ctx, f.id) && (!only || only(f)));
  const synthetic = only ? 0 : ctx.options.syntheticDevices;
  return {
    size: facts.length + synthetic,
    at: (i) => {
      if (i < facts.length) return entityOf(ctx, facts[i]!, ctx.state.devices.get(facts[i]!.id));
      const f = syntheticFacts(ctx, i - facts.length);
      return gone(ctx, f.id) ? undefined : entityOf(ctx, f, ctx.state.devices.get(f.id));
    },
  };
}

async function findDevice(ctx: GraphContext, id: string): Promise<DeviceFacts | undefined> {
  if (gone(ctx, id)) return undefined;
  const i = syntheticIndex(ctx, id);
  if (i !== undefined) return syntheticFacts(ctx, i);
  return worldDevice(ctx, id);
}

function notFound(ctx: GraphContext, req: EmulatorRequest, id: string) {
  return intuneError(
    404,
    "ResourceNotFound",
    `The requested resource does not exist. managedDevice '${id}' was not found`,
    req,
    ctx.options.intuneErrorStyle,
  );
}

const POLICY_PLATFORM: Record<Platform, string> = {
  ios: "iOS",
  ipados: "iOS",
  macos: "macOS",
  windows: "windows10AndLater",
  android: "androidForWork",
};

// --- routes -------------------------------------------------------------------------------

export function deviceRoutes(ctx: GraphContext): Route[] {
  const scope = GRAPH_THROTTLE_SCOPES.intuneDevices;
  const refuse = (req: EmulatorRequest) => (message: string) =>
    intuneError(400, "BadRequest", message, req, ctx.options.intuneErrorStyle);
  const pageSize = Math.min(1000, ctx.options.devicePageSize);

  const list = (req: EmulatorRequest, only?: (f: DeviceFacts) => boolean) =>
    page(req, {
      cursors: ctx.cursors,
      stats: ctx.stats,
      open: () => deviceListing(ctx, only),
      filter: parseFilter(req, {
        support: MANAGED_DEVICE_FILTERS,
        resource: "managedDevice",
        unsupported: ctx.options.unsupportedFilters,
        refuse: refuse(req),
      }),
      select: parseSelect(req, PROPERTIES, "managedDevice"),
      render: (e, select) => render(e, select, false),
      defaultPageSize: pageSize,
      maxPageSize: pageSize,
      topAboveMax: "clamp",
      context: "deviceManagement/managedDevices",
    }).then((body) => json(body));

  const action = (name: "retire" | "wipe" | "syncDevice" | "delete") => async (req: EmulatorRequest) => {
    const id = req.params.id!;
    const f = await findDevice(ctx, id);
    if (!f) throw notFound(ctx, req, id);
    const now = ctx.clock.now();
    const o: DeviceOverlay = ctx.state.devices.get(id) ?? { managementState: "managed", actions: [] };
    const stamp = graphDate(now);
    if (name === "syncDevice") {
      o.lastSyncAt = now;
      o.actions.push({
        actionName: "syncDevice",
        actionState: "done",
        startDateTime: stamp,
        lastUpdatedDateTime: stamp,
      });
    } else if (name === "delete") {
      o.goneAt = now;
    } else {
      if (o.managementState === "managed")
        o.managementState = name === "retire" ? "retirePending" : "wipePending";
      o.goneAt ??= now + ctx.options.retireCheckInMs;
      o.actions.push({
        actionName: name,
        actionState: "pending",
        startDateTime: stamp,
        lastUpdatedDateTime: stamp,
      });
    }
    ctx.state.devices.set(id, o);
    return noContent(204);
  };

  return [
    graphRoute(ctx, {
      method: "GET",
      path: "/deviceManagement/managedDevices",
      scope,
      permission: PERMISSION_RULES.devicesRead,
      handler: (req) => list(req),
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/deviceManagement/managedDevices/:id",
      scope,
      permission: PERMISSION_RULES.devicesRead,
      handler: async (req) => {
        const f = await findDevice(ctx, req.params.id!);
        if (!f) throw notFound(ctx, req, req.params.id!);
        const select = parseSelect(req, PROPERTIES, "managedDevice");
        const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
        return json({
          "@odata.context": `${origin}/v1.0/$metadata#deviceManagement/managedDevices/$entity`,
          ...render(entityOf(ctx, f, ctx.state.devices.get(f.id)), select, true),
        });
      },
    }),
    graphRoute(ctx, {
      method: "DELETE",
      path: "/deviceManagement/managedDevices/:id",
      scope,
      permission: PERMISSION_RULES.devicesDelete,
      handler: action("delete"),
    }),
    ...(["retire", "wipe", "syncDevice"] as const).map((name) =>
      graphRoute(ctx, {
        method: "POST",
        path: `/deviceManagement/managedDevices/:id/${name}`,
        scope,
        permission: PERMISSION_RULES.devicesActions,
        handler: action(name),
      }),
    ),
    graphRoute(ctx, {
      method: "GET",
      path: "/deviceManagement/managedDevices/:id/deviceCompliancePolicyStates",
      scope: GRAPH_THROTTLE_SCOPES.intuneConfiguration,
      permission: PERMISSION_RULES.configurationRead,
      handler: async (req) => {
        const f = await findDevice(ctx, req.params.id!);
        if (!f) throw notFound(ctx, req, req.params.id!);
        // complianceStatus spells it nonCompliant, unlike managedDevice.complianceState (§A4).
        const state = f.compliance === "noncompliant" ? "nonCompliant" : f.compliance;
        return json({
          value: [
            {
              id: stableGuid("policy-state", f.id),
              displayName: `${OS_NAME[f.platform]} compliance policy`,
              platformType: POLICY_PLATFORM[f.platform],
              settingCount: 4,
              settingStates: [],
              state,
              version: 1,
            },
          ],
        });
      },
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/users/:id/managedDevices",
      scope,
      permission: PERMISSION_RULES.devicesRead,
      handler: (req) => {
        const p = personByName(ctx, req.params.id!);
        if (!p) throw notFound(ctx, req, req.params.id!);
        return list(req, (f) => f.person?.id === p.id);
      },
    }),
  ];
}
