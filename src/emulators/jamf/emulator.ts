/**
 * An emulator of the Jamf Pro API (vendor-apis.md §C), as an HTTP facade over a simulated
 * organisation's source. Jamf manages Apple devices only, so it serves the world's macOS
 * devices as computers and its iOS/iPadOS devices as mobile devices; Android and Windows
 * devices are not there. It changes state only through the world's `sourceOffboarding.retire`:
 * `remove-mdm-profile` / `unmanage` queue an MDM command that stays PENDING until the device
 * checks in (the world's delay), when `managed` becomes false. Its clock is the world's.
 *
 * Checklist (§C "Emulator:"): bearer tokens from Basic (`/api/v1/auth/token`, keep-alive,
 * invalidate) and from OAuth client credentials (`/api/oauth/token`, api-role scopes), both
 * short-lived on the world clock; page/page-size paging with `totalCount`; a minimal RSQL
 * `filter`; the computers-inventory version aliases v1–v4 (v4's `lastContact`);
 * `remove-mdm-profile` returning a `commandUuid`; latency that grows with concurrent
 * connections instead of 429s (and a count of them); an optional "other node" serving reads up
 * to a minute stale unless the sticky-session cookie pins the client; Jamf's error body
 * `{httpStatus, errors:[{code, field, description, id}]}`; kit fault injection.
 */
import type { SimulatedOrganisation } from "../../world/world.ts";
import {
  basicCredentials,
  bearerToken,
  EmulatorError,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorStats,
  type FaultOptions,
  json,
  type KitLogger,
  noContent,
  type Route,
  type RouteHandler,
  startEmulator,
  TokenIssuer,
} from "../kit/index.ts";
import { type SourceView, stableUuid, WorldSource } from "../workspace-one/world-source.ts";
import {
  computerRecord,
  isComputer,
  iso,
  jamfManages,
  managementIdOf,
  mobileDetail,
  mobileListItem,
} from "./records.ts";
import { evaluateRsql, parseRsql, type RsqlNode, rsqlFields } from "./rsql.ts";

/** Jamf Pro privilege names Ferry needs ([U]: the two unmanage privileges' exact names). */
export const JAMF_PRIVILEGES = Object.freeze({
  readComputers: "Read Computers",
  readMobileDevices: "Read Mobile Devices",
  unmanageComputers: "Send Computer Unmanage Command",
  unmanageMobileDevices: "Send Mobile Device Unmanage Command",
  viewMdmCommands: "View MDM command information in Jamf Pro API",
});
export const ALL_JAMF_PRIVILEGES: readonly string[] = Object.values(JAMF_PRIVILEGES);

/** [U] The command types the unmanage endpoints queue, as `GET /api/v2/mdm/commands` reports them. */
export const JAMF_UNMANAGE_COMMANDS = Object.freeze({
  computer: "REMOVE_MDM_PROFILE",
  mobile: "UNMANAGE_DEVICE",
});

export interface JamfUser {
  username: string;
  password: string;
  privileges?: readonly string[];
}

export interface JamfApiClient {
  clientId: string;
  clientSecret: string;
  /** `api-role:N` scopes assigned to the client. */
  roles?: readonly string[];
}

export interface JamfEmulatorSettings {
  /** Basic-auth accounts for `/api/v1/auth/token`; default one with every privilege. */
  users?: readonly JamfUser[];
  /** API clients for `/api/oauth/token`; default one with `api-role:1`. */
  apiClients?: readonly JamfApiClient[];
  /** `api-role:N` → privileges; default `api-role:1` with every privilege. */
  apiRoles?: Record<string, readonly string[]>;
  /** Lifetime of `/api/v1/auth/token` tokens (default 1800 s), on the world clock. */
  tokenTtlSeconds?: number;
  /** Lifetime of OAuth access tokens (default 599 s, as in Jamf's example). */
  oauthTokenTtlSeconds?: number;
  /** Which `/api/vN/computers-inventory` versions exist (default 1–4). */
  computerInventoryVersions?: readonly (1 | 2 | 3 | 4)[];
  /** Largest page-size honoured (default 2000 [U]); larger values are cut silently. */
  maxPageSize?: number;
  /** [U] Whether a mobile device shows `managed: false` as soon as `unmanage` is sent (default) or only after it checks in. */
  mobileUnmanage?: "immediately" | "at-check-in";
  /** [U] Extension attribute carrying computer ownership ("Company"/"Personal"), default `Ownership`; null = none. */
  computerOwnershipAttribute?: string | null;
  /** Real-time latency: `baseMs` + `perExtraConnectionMs` for each connection beyond `comfortable` (default 5). */
  latency?: { baseMs?: number; perExtraConnectionMs?: number; comfortable?: number };
  /** Jamf Cloud's other node: a share of unpinned requests read a cache refreshed every `refreshMs` (default 60 000). */
  staleReads?: { share: number; refreshMs?: number };
  /** Name of the sticky-session cookie (default `jpro-ingress`; older clouds `APBALANCEID`). */
  stickyCookie?: string;
}

export interface StartJamfEmulatorOptions {
  world: SimulatedOrganisation;
  port?: number;
  random: () => number;
  /** Jamf never answers 429: leave the `429` kinds out of the weights to stay faithful. */
  faults?: FaultOptions;
  options?: JamfEmulatorSettings;
  log?: KitLogger;
}

export interface JamfEmulatorConfig {
  /** e.g. `http://127.0.0.1:4567` (paths start with `/api`). */
  url: string;
  basic: { username: string; password: string };
  oauth: { tokenUrl: string; clientId: string; clientSecret: string };
}

export interface JamfCommand {
  uuid: string;
  sourceId: string;
  clientType: "COMPUTER" | "MOBILE_DEVICE";
  commandType: string;
  managementId: string;
  sentAt: number;
  node: string;
  completedAt?: number;
}

export interface JamfEmulator {
  url: string;
  stats: EmulatorStats;
  config: JamfEmulatorConfig;
  /** Unmanage commands queued, in order. */
  readonly commands: readonly JamfCommand[];
  /** Requests being handled right now, and the most ever at once. */
  readonly concurrency: { readonly now: number; readonly peak: number; reset(): void };
  close(): Promise<void>;
}

const DEFAULT_USER: JamfUser = { username: "ferry-api", password: "emulator-password" };
const DEFAULT_CLIENT: JamfApiClient = {
  clientId: stableUuid("jamf-client:ferry"),
  clientSecret: "emulator-client-secret",
  roles: ["api-role:1"],
};

const COMPUTER_SECTIONS = [
  "GENERAL",
  "DISK_ENCRYPTION",
  "PURCHASING",
  "APPLICATIONS",
  "STORAGE",
  "USER_AND_LOCATION",
  "CONFIGURATION_PROFILES",
  "PRINTERS",
  "SERVICES",
  "HARDWARE",
  "LOCAL_USER_ACCOUNTS",
  "CERTIFICATES",
  "ATTACHMENTS",
  "PLUGINS",
  "PACKAGE_RECEIPTS",
  "FONTS",
  "SECURITY",
  "OPERATING_SYSTEM",
  "LICENSED_SOFTWARE",
  "IBEACONS",
  "SOFTWARE_UPDATES",
  "EXTENSION_ATTRIBUTES",
  "CONTENT_CACHING",
  "GROUP_MEMBERSHIPS",
];
const MOBILE_SECTIONS = [
  "GENERAL",
  "HARDWARE",
  "USER_AND_LOCATION",
  "PURCHASING",
  "SECURITY",
  "APPLICATIONS",
  "EBOOKS",
  "NETWORK",
  "SERVICE_SUBSCRIPTIONS",
  "CERTIFICATES",
  "PROFILES",
  "USER_PROFILES",
  "EXTENSION_ATTRIBUTES",
];

/** section name in the query → key in the record */
function sectionKey(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const COMPUTER_FILTERS: Record<string, string> = Object.fromEntries(
  [
    "id",
    "udid",
    "general.name",
    "general.platform",
    "general.remoteManagement.managed",
    "general.supervised",
    "general.enrolledViaAutomatedDeviceEnrollment",
    "general.managementId",
    "hardware.serialNumber",
    "hardware.macAddress",
    "hardware.model",
    "userAndLocation.email",
    "userAndLocation.username",
    "operatingSystem.version",
  ].map((f) => [f, f]),
);
const MOBILE_FILTERS: Record<string, string> = {
  id: "mobileDeviceId",
  mobileDeviceId: "mobileDeviceId",
  serialNumber: "hardware.serialNumber",
  udid: "general.udid",
  wifiMacAddress: "hardware.wifiMacAddress",
  imei: "network.imei",
  emailAddress: "userAndLocation.emailAddress",
  username: "userAndLocation.username",
  managed: "general.managed",
  supervised: "general.supervised",
  managementId: "general.managementId",
  displayName: "general.displayName",
};
const MOBILE_LIST_SORT: Record<string, string> = {
  id: "id",
  name: "name",
  serialNumber: "serialNumber",
  udid: "udid",
};
const COMMAND_FILTERS: Record<string, string> = {
  uuid: "uuid",
  clientManagementId: "client.managementId",
  command: "commandType",
  status: "commandState",
  clientType: "client.clientType",
};

function at(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

/** What one Jamf Cloud node sees. */
interface NodeView {
  views: SourceView[];
  byId: Map<string, SourceView>;
  commands: JamfCommand[];
}

export async function startJamfEmulator(options: StartJamfEmulatorOptions): Promise<JamfEmulator> {
  const { world, random } = options;
  const s = options.options ?? {};
  const clock = world.clock;
  const source = new WorldSource(world, jamfManages);
  const users = s.users ?? [DEFAULT_USER];
  const clients = s.apiClients ?? [DEFAULT_CLIENT];
  const roles = s.apiRoles ?? { "api-role:1": ALL_JAMF_PRIVILEGES };
  const versions = new Set(s.computerInventoryVersions ?? [1, 2, 3, 4]);
  const maxPageSize = s.maxPageSize ?? 2000;
  const ownershipAttribute =
    s.computerOwnershipAttribute === undefined ? "Ownership" : s.computerOwnershipAttribute;
  const cookieName = s.stickyCookie ?? "jpro-ingress";
  const issuer = new TokenIssuer({ clock, random });
  const commands: JamfCommand[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wakers = new Set<() => void>();
  let inFlight = 0;
  let peak = 0;
  let stale: { takenAt: number; views: SourceView[]; commandsSeen: number } | undefined;

  const fail = (status: number, code: string, description: string) =>
    new EmulatorError(status, code, description);

  // --- auth -------------------------------------------------------------------------------

  interface Principal {
    kind: "user" | "client";
    name: string;
    privileges: ReadonlySet<string>;
    scope?: string;
  }

  const unauthorized = (description: string) =>
    new EmulatorError(401, "INVALID_TOKEN", description, { "www-authenticate": 'Bearer realm="Jamf Pro"' });

  const authenticate = (req: EmulatorRequest): void => {
    const check = issuer.check(bearerToken(req));
    if (!check.ok) {
      throw unauthorized(
        check.reason === "expired"
          ? "Unauthorized: the token has expired"
          : check.reason === "revoked"
            ? "Unauthorized: the token was invalidated"
            : "Unauthorized",
      );
    }
    const claims = check.grant.claims as { kind?: string; scope?: string };
    if (claims.kind === "client") {
      const granted = (claims.scope ?? "").split(" ").filter(Boolean);
      const privileges = new Set(granted.flatMap((r) => roles[r] ?? []));
      req.principal = {
        kind: "client",
        name: check.grant.subject,
        privileges,
        scope: claims.scope,
      } satisfies Principal;
    } else {
      const user = users.find((u) => u.username === check.grant.subject);
      req.principal = {
        kind: "user",
        name: check.grant.subject,
        privileges: new Set(user?.privileges ?? ALL_JAMF_PRIVILEGES),
      } satisfies Principal;
    }
  };

  function need(req: EmulatorRequest, privilege: string): void {
    const p = req.principal as Principal | undefined;
    if (p?.privileges.has(privilege)) return;
    throw fail(
      403,
      "INVALID_PRIVILEGE",
      `Forbidden: the ${p?.kind === "client" ? "API client" : "account"} lacks the privilege "${privilege}"`,
    );
  }

  const tokenBody = (token: string, expiresAt: number) => ({ token, expires: iso(expiresAt) });

  const authRoutes: Route[] = [
    {
      method: "POST",
      path: "/api/v1/auth/token",
      public: true,
      faults: false,
      handler: (req) => {
        const c = basicCredentials(req);
        const user = c && users.find((u) => u.username === c.user && u.password === c.password);
        if (!user) {
          throw new EmulatorError(401, "INVALID_CREDENTIALS", "Unauthorized: invalid username or password", {
            "www-authenticate": 'Basic realm="Jamf Pro"',
          });
        }
        const grant = issuer.issue(user.username, s.tokenTtlSeconds ?? 1800, { kind: "user" });
        return json(tokenBody(grant.token, grant.expiresAt));
      },
    },
    {
      method: "POST",
      path: "/api/v1/auth/keep-alive",
      faults: false,
      handler: (req) => {
        const old = bearerToken(req)!;
        const p = req.principal as Principal;
        const previous = issuer.check(old);
        const claims = previous.ok ? previous.grant.claims : { kind: p.kind };
        const ttl = p.kind === "client" ? (s.oauthTokenTtlSeconds ?? 599) : (s.tokenTtlSeconds ?? 1800);
        issuer.revoke(old);
        const grant = issuer.issue(p.name, ttl, claims);
        return json(tokenBody(grant.token, grant.expiresAt));
      },
    },
    {
      method: "POST",
      path: "/api/v1/auth/invalidate-token",
      faults: false,
      handler: (req) => {
        issuer.revoke(bearerToken(req)!);
        return noContent();
      },
    },
    {
      method: "GET",
      path: "/api/v1/auth",
      faults: false,
      handler: (req) => {
        const p = req.principal as Principal;
        return json({
          account: {
            id: "1",
            username: p.name,
            realName: "",
            email: "",
            accessLevel: "FullAccess",
            privilegeSet: "CUSTOM",
            privileges: [...p.privileges],
          },
          accountGroups: [],
          sites: [],
          authenticationType: p.kind === "client" ? "API_CLIENT" : "JSS",
          ...(p.scope ? { scope: p.scope } : {}),
        });
      },
    },
    {
      method: "POST",
      path: "/api/oauth/token",
      public: true,
      faults: false,
      handler: (req) => {
        const form = req.form ?? new URLSearchParams();
        const refuse = (status: number, error: string, description: string) =>
          json({ error, error_description: description }, status);
        if (form.get("grant_type") !== "client_credentials") {
          return refuse(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        const client = clients.find((c) => c.clientId === form.get("client_id"));
        if (!client || client.clientSecret !== form.get("client_secret")) {
          return refuse(401, "invalid_client", "Invalid client id or secret");
        }
        const assigned = client.roles ?? ["api-role:1"];
        const asked = (form.get("scope") ?? "").split(" ").filter(Boolean);
        if (asked.some((r) => !assigned.includes(r))) {
          return refuse(
            400,
            "invalid_scope",
            `The client is not assigned ${asked.filter((r) => !assigned.includes(r)).join(" ")}`,
          );
        }
        const scope = (asked.length > 0 ? asked : assigned).join(" ");
        const grant = issuer.issue(client.clientId, s.oauthTokenTtlSeconds ?? 599, { kind: "client", scope });
        return json({ access_token: grant.token, scope, token_type: "Bearer", expires_in: grant.expiresIn });
      },
    },
  ];

  // --- nodes (Jamf Cloud is clustered) ---------------------------------------------------

  function pickNode(req: EmulatorRequest): string {
    const cookie = String(req.headers.cookie ?? "");
    const pinned = new RegExp(`(?:^|;\\s*)${cookieName}=([^;]+)`).exec(cookie)?.[1];
    if (pinned === "node1" || pinned === "node2") return pinned;
    if (s.staleReads && random() < s.staleReads.share) return "node2";
    return "node1";
  }

  async function viewOf(node: string): Promise<NodeView> {
    let views: SourceView[];
    let visible: JamfCommand[];
    if (node === "node2" && s.staleReads) {
      const refreshMs = s.staleReads.refreshMs ?? 60_000;
      if (!stale || clock.now() - stale.takenAt >= refreshMs) {
        stale = { takenAt: clock.now(), views: await source.all(), commandsSeen: commands.length };
      }
      views = stale.views;
      const seen = stale.commandsSeen;
      visible = commands.filter((c, i) => i < seen || c.node === node);
    } else {
      views = await source.all();
      visible = commands;
    }
    return { views, byId: new Map(views.map((v) => [v.device.sourceId, v])), commands: visible };
  }

  function managedIn(view: NodeView, v: SourceView): boolean {
    if (!v.record) return false;
    if (isComputer(v.device) || s.mobileUnmanage === "at-check-in") return true;
    return !view.commands.some((c) => c.sourceId === v.device.sourceId);
  }

  function commandJson(view: NodeView, c: JamfCommand): Record<string, unknown> {
    const done = !view.byId.get(c.sourceId)?.record;
    if (done && c.completedAt === undefined && view.commands === commands) c.completedAt = clock.now();
    return {
      uuid: c.uuid,
      dateSent: iso(c.sentAt),
      dateCompleted: done ? iso(c.completedAt ?? clock.now()) : null,
      client: { managementId: c.managementId, clientType: c.clientType },
      commandState: done ? "ACKNOWLEDGED" : "PENDING",
      commandType: c.commandType,
    };
  }

  // --- latency and connection count --------------------------------------------------------

  function pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        timers.delete(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timers.add(timer);
      wakers.add(wake);
    });
  }

  type NodeHandler = (
    req: EmulatorRequest,
    view: () => Promise<NodeView>,
    node: string,
  ) => Promise<EmulatorResponse> | EmulatorResponse;

  function onNode(handler: NodeHandler): RouteHandler {
    return async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        const l = s.latency;
        if (l) {
          const extra = Math.max(0, inFlight - (l.comfortable ?? 5));
          await pause((l.baseMs ?? 0) + extra * (l.perExtraConnectionMs ?? 0));
        }
        const node = pickNode(req);
        const response = await handler(req, () => viewOf(node), node);
        response.headers = { ...response.headers, "set-cookie": `${cookieName}=${node}; Path=/; HttpOnly` };
        return response;
      } finally {
        inFlight--;
      }
    };
  }

  // --- query helpers ----------------------------------------------------------------------

  function paging(req: EmulatorRequest): { page: number; size: number } {
    const num = (name: string, fallback: number, min: number) => {
      const raw = req.query.get(name);
      if (raw === null || raw === "") return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min)
        throw fail(400, "INVALID_FIELD", `${name} must be a whole number ≥ ${min}, got "${raw}"`);
      return n;
    };
    return { page: num("page", 0, 0), size: Math.min(num("page-size", 100, 1), maxPageSize) };
  }

  function filterOf(req: EmulatorRequest, allowed: Record<string, string>): RsqlNode | undefined {
    const raw = req.query.get("filter");
    if (raw === null || raw.trim() === "") return undefined;
    let node: RsqlNode;
    try {
      node = parseRsql(raw);
    } catch (e) {
      throw fail(400, "INVALID_FILTER", (e as Error).message);
    }
    const bad = rsqlFields(node).filter((f) => !Object.hasOwn(allowed, f));
    if (bad.length > 0)
      throw fail(400, "INVALID_FILTER", `filter field(s) not allowed here: ${bad.join(", ")}`);
    return node;
  }

  function apply<T>(items: T[], node: RsqlNode | undefined, allowed: Record<string, string>): T[] {
    if (!node) return items;
    return items.filter((item) => evaluateRsql(node, (f) => at(item, allowed[f]!)));
  }

  function sorted<T>(
    req: EmulatorRequest,
    items: T[],
    allowed: Record<string, string>,
    fallback: string,
  ): T[] {
    const spec = req.query
      .getAll("sort")
      .flatMap((s) => s.split(","))
      .filter(Boolean);
    const keys = (spec.length > 0 ? spec : [fallback]).map((part) => {
      const [field = "", dir = "asc"] = part.split(":");
      if (!Object.hasOwn(allowed, field)) throw fail(400, "INVALID_SORT", `cannot sort by ${field}`);
      if (dir !== "asc" && dir !== "desc")
        throw fail(400, "INVALID_SORT", `sort direction must be asc or desc, got ${dir}`);
      return { path: allowed[field]!, desc: dir === "desc" };
    });
    const cmp = (a: unknown, b: unknown) => {
      const na = Number(a);
      const nb = Number(b);
      if (Number.isFinite(na) && Number.isFinite(nb) && a !== "" && b !== "") return na - nb;
      return String(a ?? "").localeCompare(String(b ?? ""));
    };
    return [...items].sort((x, y) => {
      for (const k of keys) {
        const c = cmp(at(x, k.path), at(y, k.path));
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
  }

  function sectionsOf(req: EmulatorRequest, known: string[], fallback: string[]): string[] {
    const asked = req.query
      .getAll("section")
      .flatMap((s) => s.split(","))
      .filter(Boolean);
    for (const a of asked) if (!known.includes(a)) throw fail(400, "INVALID_FIELD", `unknown section ${a}`);
    return asked.length > 0 ? asked : fallback;
  }

  function project(
    full: Record<string, unknown>,
    sections: string[],
    all: string[],
    keep: string[],
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of keep) out[k] = full[k];
    for (const name of all) {
      const key = sectionKey(name);
      out[key] = sections.includes(name) ? (full[key] ?? null) : null;
    }
    return out;
  }

  function page<T>(items: T[], p: { page: number; size: number }) {
    return { totalCount: items.length, results: items.slice(p.page * p.size, (p.page + 1) * p.size) };
  }

  /** A record built on first use, so a plain page (no filter, ordered by id) builds only what it returns. */
  interface Lazy {
    id: number;
    readonly r: Record<string, unknown>;
  }

  function lazy(id: string, build: () => Record<string, unknown>): Lazy {
    let built: Record<string, unknown> | undefined;
    return {
      id: Number(id),
      get r() {
        built ??= build();
        return built;
      },
    };
  }

  /** filter → sort → page over lazily built records; sorting by `idField` alone builds nothing. */
  function listing(
    req: EmulatorRequest,
    items: Lazy[],
    allowed: Record<string, string>,
    fallbackSort: string,
    idField: string,
  ): { totalCount: number; results: Record<string, unknown>[] } {
    const p = paging(req);
    const node = filterOf(req, allowed);
    const kept = node ? items.filter((x) => evaluateRsql(node, (f) => at(x.r, allowed[f]!))) : items;
    const spec = req.query
      .getAll("sort")
      .flatMap((x) => x.split(","))
      .filter(Boolean);
    let ordered: Lazy[];
    if (spec.length === 1 && (spec[0] === `${idField}:asc` || spec[0] === `${idField}:desc`)) {
      const desc = spec[0].endsWith(":desc");
      ordered = [...kept].sort((a, b) => (desc ? b.id - a.id : a.id - b.id));
    } else {
      const prefixed = Object.fromEntries(Object.entries(allowed).map(([k, v]) => [k, `r.${v}`]));
      ordered = sorted(req, kept, prefixed, fallbackSort);
    }
    const results = ordered.slice(p.page * p.size, (p.page + 1) * p.size).map((x) => x.r);
    return { totalCount: ordered.length, results };
  }

  // --- computers --------------------------------------------------------------------------

  function computersIn(view: NodeView, version: number): Lazy[] {
    const o = { ownershipAttribute };
    return view.views
      .filter((v) => isComputer(v.device))
      .map((v) => lazy(v.device.sourceId, () => computerRecord(v, managedIn(view, v), version, o)));
  }

  const computerRoutes: Route[] = [];
  for (const version of [1, 2, 3, 4] as const) {
    if (!versions.has(version)) continue;
    const known =
      version >= 4 ? COMPUTER_SECTIONS.filter((x) => x !== "PLUGINS" && x !== "FONTS") : COMPUTER_SECTIONS;
    computerRoutes.push(
      {
        method: "GET",
        path: `/api/v${version}/computers-inventory`,
        handler: onNode(async (req, view) => {
          need(req, JAMF_PRIVILEGES.readComputers);
          const sections = sectionsOf(req, known, ["GENERAL"]);
          const items = computersIn(await view(), version);
          const { totalCount, results } = listing(req, items, COMPUTER_FILTERS, "general.name:asc", "id");
          return json({
            totalCount,
            results: results.map((r) => project(r, sections, known, ["id", "udid"])),
          });
        }),
      },
      {
        method: "GET",
        path: `/api/v${version}/computers-inventory/:id`,
        handler: onNode(async (req, view) => {
          need(req, JAMF_PRIVILEGES.readComputers);
          const sections = sectionsOf(req, known, ["GENERAL"]);
          const found = computersIn(await view(), version).find((x) => String(x.id) === req.params.id);
          if (!found) throw fail(404, "INVALID_ID", `Computer with id ${req.params.id} not found`);
          return json(project(found.r, sections, known, ["id", "udid"]));
        }),
      },
    );
  }

  async function unmanage(req: EmulatorRequest, view: NodeView, node: string, kind: "computer" | "mobile") {
    const id = req.params.id!;
    const v = view.byId.get(id);
    if (!v || isComputer(v.device) !== (kind === "computer")) {
      throw fail(
        404,
        "INVALID_ID",
        `${kind === "computer" ? "Computer" : "Mobile device"} with id ${id} not found`,
      );
    }
    if (!managedIn(view, v)) throw fail(400, "DEVICE_NOT_MANAGED", `The device ${id} is not managed`);
    const command: JamfCommand = {
      uuid: stableUuid(`command:${commands.length}:${id}:${clock.now()}`),
      sourceId: id,
      clientType: kind === "computer" ? "COMPUTER" : "MOBILE_DEVICE",
      commandType: kind === "computer" ? JAMF_UNMANAGE_COMMANDS.computer : JAMF_UNMANAGE_COMMANDS.mobile,
      managementId: managementIdOf(v.device),
      sentAt: clock.now(),
      node,
    };
    commands.push(command);
    await source.retire(id);
    return command;
  }

  const removeProfile: RouteHandler = onNode(async (req, view, node) => {
    need(req, JAMF_PRIVILEGES.unmanageComputers);
    const command = await unmanage(req, await view(), node, "computer");
    return json({ deviceId: req.params.id, commandUuid: command.uuid });
  });
  if ([1, 2, 3].some((v) => versions.has(v as 1 | 2 | 3))) {
    computerRoutes.push({
      method: "POST",
      path: "/api/v1/computer-inventory/:id/remove-mdm-profile",
      handler: removeProfile,
    });
  }
  if (versions.has(4)) {
    computerRoutes.push({
      method: "POST",
      path: "/api/v4/computers-inventory/:id/remove-mdm-profile",
      handler: removeProfile,
    });
  }

  // --- mobile devices ---------------------------------------------------------------------

  function mobilesIn(view: NodeView): Lazy[] {
    return view.views
      .filter((v) => !isComputer(v.device))
      .map((v) => lazy(v.device.sourceId, () => mobileDetail(v, managedIn(view, v))));
  }

  const mobileRoutes: Route[] = [
    {
      method: "GET",
      path: "/api/v2/mobile-devices/detail",
      handler: onNode(async (req, view) => {
        need(req, JAMF_PRIVILEGES.readMobileDevices);
        const sections = sectionsOf(req, MOBILE_SECTIONS, ["GENERAL"]);
        const items = mobilesIn(await view());
        const { totalCount, results } = listing(
          req,
          items,
          MOBILE_FILTERS,
          "displayName:asc",
          "mobileDeviceId",
        );
        return json({
          totalCount,
          results: results.map((r) =>
            project(r, sections, MOBILE_SECTIONS, ["mobileDeviceId", "deviceType"]),
          ),
        });
      }),
    },
    {
      method: "GET",
      path: "/api/v2/mobile-devices",
      handler: onNode(async (req, view) => {
        need(req, JAMF_PRIVILEGES.readMobileDevices);
        const p = paging(req);
        const v = await view();
        const items = v.views
          .filter((x) => !isComputer(x.device))
          .map((x) => mobileListItem(x, managedIn(v, x)));
        return json(page(sorted(req, items, MOBILE_LIST_SORT, "id:asc"), p));
      }),
    },
    {
      method: "GET",
      path: "/api/v2/mobile-devices/:id/detail",
      handler: onNode(async (req, view) => {
        need(req, JAMF_PRIVILEGES.readMobileDevices);
        const found = mobilesIn(await view()).find((x) => String(x.id) === req.params.id);
        if (!found) throw fail(404, "INVALID_ID", `Mobile device with id ${req.params.id} not found`);
        return json(found.r);
      }),
    },
    {
      method: "GET",
      path: "/api/v2/mobile-devices/:id",
      handler: onNode(async (req, view) => {
        need(req, JAMF_PRIVILEGES.readMobileDevices);
        const v = await view();
        const found = v.byId.get(req.params.id!);
        if (!found || isComputer(found.device))
          throw fail(404, "INVALID_ID", `Mobile device with id ${req.params.id} not found`);
        return json(mobileListItem(found, managedIn(v, found)));
      }),
    },
    {
      method: "POST",
      path: "/api/v2/mobile-devices/:id/unmanage",
      handler: onNode(async (req, view, node) => {
        need(req, JAMF_PRIVILEGES.unmanageMobileDevices);
        await unmanage(req, await view(), node, "mobile");
        return noContent(202);
      }),
    },
    {
      method: "GET",
      path: "/api/v2/mdm/commands",
      handler: onNode(async (req, view) => {
        need(req, JAMF_PRIVILEGES.viewMdmCommands);
        const p = paging(req);
        const filter = filterOf(req, COMMAND_FILTERS);
        if (!filter)
          throw fail(400, "INVALID_FILTER", "The filter parameter must contain at least one filter field");
        const v = await view();
        const all = apply(
          v.commands.map((c) => commandJson(v, c)),
          filter,
          COMMAND_FILTERS,
        );
        return json(page(sorted(req, all, { dateSent: "dateSent", uuid: "uuid" }, "dateSent:asc"), p));
      }),
    },
  ];

  const FIELD_OF: Record<string, string> = {
    INVALID_FILTER: "filter",
    INVALID_SORT: "sort",
    INVALID_ID: "id",
  };

  const emu = await startEmulator({
    routes: [...authRoutes, ...computerRoutes, ...mobileRoutes],
    clock,
    random,
    authenticate,
    requestIdHeader: "x-request-id",
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.log ? { log: options.log } : {}),
    errorBody: (status, code, description) => ({
      httpStatus: status,
      errors: [{ code, field: FIELD_OF[code] ?? null, description, id: "0" }],
    }),
  });
  const user = users[0] ?? DEFAULT_USER;
  const client = clients[0] ?? DEFAULT_CLIENT;
  return {
    url: emu.url,
    stats: emu.stats,
    commands,
    concurrency: {
      get now() {
        return inFlight;
      },
      get peak() {
        return peak;
      },
      reset() {
        peak = inFlight;
      },
    },
    config: {
      url: emu.url,
      basic: { username: user.username, password: user.password },
      oauth: {
        tokenUrl: `${emu.url}/api/oauth/token`,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
      },
    },
    close: async () => {
      for (const wake of [...wakers]) wake();
      for (const t of timers) clearTimeout(t);
      await emu.close();
    },
  };
}

/**
 * The Jamf connector's configuration (connectors/jamf `JamfConfig`) and the environment holding
 * its secret, for talking to `emu` — for `ferry emulate` and the HTTP demo. Plain data: the
 * emulator layer does not import the connector.
 */
export function jamfConnectorSettings(
  emu: Pick<JamfEmulator, "config">,
  auth: "oauth" | "basic" = "oauth",
  envPrefix = "FERRY_JAMF",
): { config: Record<string, unknown>; env: Record<string, string> } {
  const c = emu.config;
  if (auth === "basic") {
    return {
      config: {
        kind: "jamf",
        url: c.url,
        auth: { method: "basic", username: c.basic.username, passwordEnv: `${envPrefix}_PASSWORD` },
      },
      env: { [`${envPrefix}_PASSWORD`]: c.basic.password },
    };
  }
  return {
    config: {
      kind: "jamf",
      url: c.url,
      auth: { method: "oauth", clientId: c.oauth.clientId, clientSecretEnv: `${envPrefix}_CLIENT_SECRET` },
    },
    env: { [`${envPrefix}_CLIENT_SECRET`]: c.oauth.clientSecret },
  };
}
