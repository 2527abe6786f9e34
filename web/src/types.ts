/** The shapes the console reads from Ferry's API (docs/api.md; the contract is /openapi.json). */

export type Role = "admin" | "operator" | "helpdesk" | "auditor";

export type Permission =
  | "signed-in"
  | "dashboard.read"
  | "waves.read"
  | "waves.write"
  | "access.read"
  | "readiness.read"
  | "people.read"
  | "devices.read"
  | "helpdesk.act"
  | "retirement.read"
  | "retirement.write"
  | "audit.read"
  | "settings.read"
  | "settings.write"
  | "accounts.manage"
  | "engine.read"
  | "engine.run"
  | "tasks.read"
  | "tasks.write"
  | "templates.read";

export interface Me {
  kind: "session" | "token";
  id: string;
  username: string;
  displayName: string;
  role: Role;
  permissions: Permission[];
  csrfToken?: string;
}

export interface AuthConfig {
  password: boolean;
  oidc: { displayName: string; loginUrl: string } | null;
  setupNeeded: boolean;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export type DeviceState =
  | "in-source"
  | "unenroll-requested"
  | "limbo"
  | "in-target"
  | "compliant"
  | "noncompliant"
  | "in-both"
  | "excluded"
  | "retired";

export const DEVICE_STATES: DeviceState[] = [
  "in-source",
  "unenroll-requested",
  "limbo",
  "in-target",
  "compliant",
  "noncompliant",
  "in-both",
  "excluded",
  "retired",
];

export const PATHS = [
  "self-service",
  "admin-retire",
  "factory-reset",
  "apple-migration-deadline",
  "unsupported-os",
  "no-owner",
] as const;

export const PLATFORMS = ["ios", "ipados", "android", "macos", "windows"] as const;

export type Governance = "source" | "none" | "target" | "both";
export const GOVERNANCES: Governance[] = ["source", "none", "target", "both"];

export interface Owner {
  id: string;
  displayName: string;
  upn: string;
}

export interface Device {
  id: string;
  owner: Owner | null;
  platform: string;
  mode: string;
  ownership: string;
  osVersion: string;
  model: string;
  manufacturer: string;
  serial: string | null;
  imei: string | null;
  state: DeviceState;
  stateSince: string;
  stateAgeMs: number;
  path: string;
  pathWhy: string;
  sourcePresence: string;
  targetCompliance: string | null;
  excludedReason: string | null;
  retiredReason: string | null;
  retireRequestedAt: string | null;
  retireRequestedBy: string | null;
}

export interface AgedDevice extends Device {
  alert: boolean;
}

export interface AgedPage extends Paged<AgedDevice> {
  alertAfterMs: number;
}

export interface PersonSummary {
  id: string;
  displayName: string;
  upn: string;
  email: string;
  department: string;
  location: string;
  vip: boolean;
  breakGlass: boolean;
  waveId: string | null;
  governance: Governance;
  governanceSince: string;
}

export interface PersonListItem extends PersonSummary {
  devices: number;
  openDevices: number;
}

export interface NextStep {
  who: "person" | "ferry" | "nobody";
  text: string;
}

export interface TimelineEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  message: string;
  deviceId: string | null;
  waveId: string | null;
}

export interface PersonPage {
  person: PersonSummary & {
    wave: { id: string; name: string; status: string } | null;
    deadline: string | null;
    deadlineExtensionDays: number;
    instructionsSentAt: string | null;
    remindersSent: number;
  };
  devices: (Device & { nextStep: NextStep; canRequestRetire: boolean; canMark: boolean })[];
  timeline: TimelineEntry[];
  allowedActions: {
    resendInstructions: boolean;
    extendDeadline: boolean;
    markDevice: boolean;
    requestRetire: boolean;
    issuePortalLink: boolean;
  };
}

export interface StageCounts {
  total: number;
  announced: number;
  unenrolled: number;
  enrolled: number;
  compliant: number;
}

export interface Funnel {
  people: StageCounts;
  devices: StageCounts;
}

export interface DashboardAlert {
  kind: string;
  severity: "critical" | "warning";
  count: number;
  message: string;
  since: string | null;
}

export interface DashboardWave {
  id: string;
  name: string;
  pilot: boolean;
  status: string;
  announceAt: string;
  people: number;
  devices: number;
  migrated: number;
  migratable: number;
  successShare: number;
  successThreshold: number;
  gate: string | null;
  funnel: Funnel;
}

export interface Dashboard {
  at: string;
  lastPassAt: string | null;
  /** when the figures were computed (after the last pass, or since the last change) */
  computedAt: string;
  funnel: Funnel;
  waves: DashboardWave[];
  governance: Record<string, number>;
  alerts: DashboardAlert[];
}

export interface BurndownPoint {
  at: string;
  total: number;
  remaining: number;
  migrated: number;
  states: Record<string, number>;
}

export interface Burndown {
  wave: string | null;
  points: BurndownPoint[];
}

export interface WaveSummary {
  id: string;
  name: string;
  ordinal: number;
  pilot: boolean;
  status: string;
  caMode: string;
  people: number;
  devices: number;
  migrated: number;
  migratable: number;
  successShare: number;
  successThreshold: number;
  announceAt: string;
  announcedAt: string | null;
  handoverAt: string | null;
  enforcedAt: string | null;
  completedAt: string | null;
  rolledBackAt: string | null;
  rollbacks: number;
  gate: string | null;
}

export interface WaveDetail extends WaveSummary {
  settings: {
    caMode: string;
    gracePeriodDays: number;
    announceLeadDays: number;
    unenrollDeadlineDays: number;
    reminderEveryDays: number;
    maxReminders: number;
    successThreshold: number;
    appleDeadlineDays?: number;
  };
  groups: string[];
  devicesByState: Record<string, number>;
  peopleByGovernance: Record<string, number>;
}

export interface PlanResult {
  saved: boolean;
  waves: {
    id: string;
    name: string;
    ordinal: number;
    pilot: boolean;
    announceAt: string;
    caMode: string;
    people: number;
    devices: number;
    groups: string[];
  }[];
  unplaced: number;
  limits: { maxPeoplePerWave: number; binding: string; helpdeskPerWave: number; apiPerWave: number };
}

export interface BlockedPerson {
  id: string;
  displayName: string;
  upn: string;
  governance: string;
  devices: { id: string; model: string; platform: string; state: string; path: string }[];
}

export interface Access {
  counts: Record<string, number>;
  sourcePolicyEnabled: boolean;
  targetPolicy: { ok: boolean; enabled: boolean; problems: string[]; checkedAt: string } | null;
  check: { passed: boolean; violations: { rule: string; subject: string; detail: string }[] };
  people: Paged<{
    id: string;
    displayName: string;
    upn: string;
    waveId: string | null;
    governance: Governance;
    since: string;
    breakGlass: boolean;
  }>;
  forecasts: {
    waveId: string;
    waveName: string;
    status: string;
    caMode: string;
    expectedEnforcementAt: string | null;
    people: number;
    blocked: number;
    sample: BlockedPerson[];
  }[];
}

export interface Forecast extends Paged<BlockedPerson> {
  waveId: string;
  expectedEnforcementAt: string | null;
}

export interface Readiness {
  paths: string[];
  platforms: string[];
  counts: Record<string, Record<string, number>>;
  total: number;
  intuneSupportedOs: { asOf: string; minimum: Record<string, string> };
  needsAdmin: Paged<Device>;
}

export interface Retirement {
  requestedAt: string | null;
  requestedBy: string | null;
  retired: boolean;
  retiredAt: string | null;
  items: { id: string; title: string; done: boolean; detail: string }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  kind: string;
  waveId: string | null;
  personId: string | null;
  deviceId: string | null;
  message: string;
  data: unknown;
}

export interface Configured {
  configured: boolean;
}

export interface Settings {
  waves: {
    caMode: "immediate" | "grace";
    gracePeriodDays: number;
    announceLeadDays: number;
    unenrollDeadlineDays: number;
    reminderEveryDays: number;
    maxReminders: number;
    successThreshold: number;
    appleDeadlineDays: number;
  };
  planning: {
    waveSpacingDays: number;
    pilotShare: number;
    vipPlacement: "own-wave" | "with-group" | "last-wave";
    maxPeoplePerWave: number | null;
  };
  capacity: {
    ticketsPerDay: number;
    helpShare: number;
    apiRequestsPerDay: number;
    requestsPerPerson: number;
  };
  helpdesk: { name: string; email: string; phone: string; url: string; hours: string };
  quietHours: { enabled: boolean; start: string; end: string; timeZone: string };
  connections: {
    source: {
      vendor: string;
      baseUrl: string;
      username: string;
      clientId: string;
      password: Configured;
      clientSecret: Configured;
      apiKey: Configured;
    };
    graph: { tenantId: string; clientId: string; authority: string; clientSecret: Configured };
    smtp: {
      host: string;
      port: number;
      secure: boolean;
      username: string;
      from: string;
      password: Configured;
    };
  };
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  password: boolean;
  oidc: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface EngineStatus {
  now: string;
  running: boolean;
  lastPassAt: string | null;
  actions: Record<string, number>;
  worker: { executed: number; failed: number; retried: number } | null;
  recheckRequests: number;
  /** a pass was asked for and has not run yet */
  passRequested: boolean;
  /** the engine process that reported last */
  loop: EngineLoop | null;
  /** every engine process that has reported lately, most recent first */
  loops: EngineLoop[];
}

export interface EngineLoop {
  pid: number;
  host: string;
  startedAt: string;
  heartbeatAt: string;
  intervalMs: number;
  passes: number;
  inPass: boolean;
  /** reported within the last minute, or in a pass */
  alive: boolean;
  worker: { executed: number; failed: number; retried: number };
}

/** POST /api/engine/pass: queued for the engine process, which runs it within seconds. */
export interface PassQueued {
  queued: "pass";
  requestedAt: string;
  requestedBy: string;
  engineRunning: boolean;
  lastPassAt: string | null;
  message: string;
}

export interface PortalDevice {
  id: string;
  model: string;
  manufacturer: string;
  platform: string;
  serialEnding: string | null;
  state: DeviceState;
  status: string;
  since: string;
  nextStep: NextStep;
  /** what the person does, in their language (the same steps as the e-mails) */
  steps: string[];
  canRequestRetire: boolean;
}

export interface PortalView {
  /** the language the texts are in (the person's, unless ?lang= asked for another) */
  locale: string;
  locales: string[];
  person: { displayName: string; email: string };
  wave: { name: string; status: string } | null;
  deadline: string | null;
  devices: PortalDevice[];
  helpdesk: { name: string; email: string; phone: string; url: string; hours: string };
  recheckRequestedAt: string | null;
  linkExpiresAt: string;
}

/** GET /api/templates/previews */
export interface TemplatePreviews {
  stages: string[];
  platforms: string[];
  locales: string[];
  helpdeskConfigured: boolean;
  portalUrl: string | null;
  previews: {
    stage: string;
    locale: string;
    platform: string | null;
    subject: string;
    html: string;
    text: string;
  }[];
}
