/**
 * The store's tables as Kysely sees them. Times are milliseconds since the epoch (bigint
 * columns), flags are 0/1 integers, so SQLite and PostgreSQL share one schema.
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * Small facts as JSON by key (engine/meta.ts lists them), among them the dashboard's summary
 * and "run a pass now" requests (migration 0008 adds only indexes for the summary).
 */
export interface MetaTable {
  key: string;
  value: string;
}

export interface PeopleTable {
  id: string;
  upn: string;
  email: string;
  display_name: string;
  department: string;
  location: string;
  time_zone: string;
  locale: string;
  vip: number;
  break_glass: number;
  directory_id: string | null;
  wave_id: string | null;
  /** observed: on the source's CA exclusion list */
  source_excluded: number;
  /** when the exclusion was first read back (confirmation); null when not excluded */
  source_excluded_since: number | null;
  /** observed: member of Intune's not-yet-migrated group */
  target_exempt: number;
  target_exempt_since: number | null;
  /** derived from the observations: source | none | target | both (an anomaly Ferry repairs) */
  ca_governance: string;
  ca_since: number;
  /** the CA action under way for this person; decide leaves the person alone meanwhile */
  ca_action_id: number | null;
  /** bumped for each CA action, so a repeated move gets a fresh idempotency key */
  ca_seq: number;
  instructions_at: number | null;
  reminders_sent: number;
  last_reminder_at: number | null;
  deadline_notice_at: number | null;
  blocked_notice_at: number | null;
  done_notice_at: number | null;
  /** extra time granted by the helpdesk on top of the wave's deadline */
  deadline_extension: number;
}

export interface DevicesTable {
  id: string;
  person_id: string | null;
  /** "source" when first seen in the old product, "target" when it appeared in Intune unannounced */
  origin: string;
  platform: string;
  mode: string;
  ownership: string;
  os_version: string;
  model: string;
  manufacturer: string;
  serial: string | null;
  imei: string | null;
  meid: string | null;
  udid: string | null;
  wifi_mac: string | null;
  path: string;
  path_why: string;
  source_id: string | null;
  source_presence: string;
  source_last_seen: number | null;
  source_left_at: number | null;
  target_id: string | null;
  target_compliance: string | null;
  target_enrolled_at: number | null;
  match_rule: string | null;
  unenroll_requested_at: number | null;
  reset_notice_at: number | null;
  apple_deadline_at: number | null;
  excluded_reason: string | null;
  retired_reason: string | null;
  state: string;
  state_since: number;
  /** the device-level action under way (retire, reassign) */
  action_id: number | null;
  /** the helpdesk or the owner asked for a remote retire; done once the owner's CA has moved */
  retire_requested_at: number | null;
  retire_requested_by: string | null;
  /** the helpdesk was told this device is stuck in limbo (once per stay) */
  limbo_escalated_at: number | null;
}

export interface WavesTable {
  id: string;
  name: string;
  ordinal: number;
  pilot: number;
  status: string;
  settings: string;
  groups: string;
  announce_at: number;
  announced_at: number | null;
  handover_at: number | null;
  enforced_at: number | null;
  completed_at: number | null;
  rolled_back_at: number | null;
  rollbacks: number;
}

export interface ActionsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  wave_id: string | null;
  payload: string;
  status: string;
  attempts: number;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  kind: string;
  wave_id: string | null;
  person_id: string | null;
  device_id: string | null;
  message: string;
  data: string | null;
  /** the hash chain (see audit-chain.ts); set by every writer through engine/audit.ts */
  prev_hash: string | null;
  hash: string | null;
}

/** A step no API can do, with its console steps, confirmed by a named person. */
export interface ManualTasksTable {
  id: Generated<number>;
  key: string;
  /** "source-exclude" | "source-include" | "source-disable" */
  kind: string;
  /** JSON list of UPNs the task is about */
  subjects: string;
  title: string;
  steps: string;
  created_at: number;
  confirmed_by: string | null;
  confirmed_at: number | null;
}

/** Hourly counts of device states per wave, for burn-down charts. */
export interface SnapshotsTable {
  at: number;
  /** JSON: { waves: { [waveId]: { [state]: count } }, governance: { [g]: count } } */
  data: string;
}

export interface Database {
  manual_tasks: ManualTasksTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  portal_links: PortalLinksTable;
  recheck_requests: RecheckRequestsTable;
  server_settings: ServerSettingsTable;
  snapshots: SnapshotsTable;
  meta: MetaTable;
  people: PeopleTable;
  devices: DevicesTable;
  waves: WavesTable;
  actions: ActionsTable;
  audit: AuditTable;
  mail_outbox: MailOutboxTable;
}

export type PersonRow = Selectable<PeopleTable>;
export type NewPersonRow = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type NewDeviceRow = Insertable<DevicesTable>;
export type DeviceUpdate = Updateable<DevicesTable>;
export type WaveRow = Selectable<WavesTable>;
export type ActionRow = Selectable<ActionsTable>;
export type AuditRow = Selectable<AuditTable>;

// --- the HTTP API (migration 0003) ---------------------------------------------------------

/** A person who signs in to the console: a local password, an OpenID Connect subject, or both. */
export interface AccountsTable {
  id: string;
  /** lower-cased; the sign-in name */
  username: string;
  display_name: string;
  /** admin | operator | helpdesk | auditor */
  role: string;
  /** scrypt$N$r$p$salt$hash (base64url); null for accounts that sign in only through OIDC */
  password_hash: string | null;
  oidc_subject: string | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the session cookie's value: a stolen database holds no usable session */
  id_hash: string;
  account_id: string;
  /** the per-session CSRF token, also sent to the browser in the ferry_csrf cookie */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  /** "password" | "oidc" | "setup" */
  method: string;
}

/** Tokens for automation (Authorization: Bearer ferry_…), stored as SHA-256 digests. */
export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  /** the first characters of the token, to recognise it in a list */
  prefix: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Portal links Ferry issued (and links revoked by nonce); a link's signature is its proof. */
export interface PortalLinksTable {
  nonce: string;
  person_id: string;
  issued_at: number | null;
  expires_at: number;
  issued_by: string | null;
  revoked_at: number | null;
}

/** "Check again" from the portal: the server runs an early pass when one is open. */
export interface RecheckRequestsTable {
  person_id: string;
  device_id: string | null;
  requested_at: number;
  handled_at: number | null;
}

/** Settings edited in the console, as JSON; connection secrets are stored encrypted. */
export interface ServerSettingsTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: string;
}

export type AccountRow = Selectable<AccountsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

// --- the mail outbox (migration 0007; src/notify/outbox-store.ts) ---------------------------

/** One e-mail, rendered once at enqueue; `attempts` is also the fencing token of its claim. */
export interface MailOutboxTable {
  /** the idempotency key: enqueue is idempotent by it */
  key: string;
  person_id: string;
  template: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON object of extra headers */
  headers: string | null;
  /** the recipient's, for quiet hours */
  time_zone: string;
  /** 1: exempt from quiet hours */
  urgent: number;
  /** pending | sending | sent | failed | bounced */
  status: string;
  message_id: string | null;
  attempts: number;
  /** pending: when due; sending: when the claim's lease expires */
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  bounced_at: number | null;
}

export type MailOutboxRow = Selectable<MailOutboxTable>;
