/**
 * One reconcile pass works on the whole store in memory: rows are loaded once, decisions
 * change them here, and every change — rows, new actions, audit — is written in one
 * transaction at the end. A crash before that commit leaves the store as it was.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { updateRows } from "../store/bulk-update.ts";
import { dialectOf } from "../store/dialect.ts";
import type { Database, DeviceRow, NewDeviceRow, PersonRow, WaveRow } from "../store/schema.ts";
import { enqueueMany, type NewAction } from "./actions.ts";
import { type AuditEntry, audit } from "./audit.ts";

interface PendingAction {
  action: NewAction;
  /** rows that must point at the action once its id is known */
  people: string[];
  devices: string[];
}

export class WorkingSet {
  readonly people = new Map<string, PersonRow>();
  readonly devices = new Map<string, DeviceRow>();
  readonly waves = new Map<string, WaveRow>();
  readonly #personChanges = new Map<string, Partial<PersonRow>>();
  readonly #deviceChanges = new Map<string, Partial<DeviceRow>>();
  readonly #waveChanges = new Map<string, Partial<WaveRow>>();
  readonly #newDevices: NewDeviceRow[] = [];
  readonly #newDeviceIds = new Set<string>();
  readonly #actions: PendingAction[] = [];
  readonly #audit: AuditEntry[] = [];

  constructor(readonly now: number) {}

  /**
   * A new pass over rows an earlier pass left in memory. Valid only while nobody else wrote
   * people, devices or waves since (see `generation` in meta.ts).
   */
  static reuse(previous: WorkingSet, now: number): WorkingSet {
    const ws = new WorkingSet(now);
    for (const [k, v] of previous.waves) ws.waves.set(k, v);
    for (const [k, v] of previous.people) ws.people.set(k, v);
    for (const [k, v] of previous.devices) ws.devices.set(k, v);
    return ws;
  }

  /**
   * Reads every wave, person and device. People and devices come a page at a time and each
   * row becomes at once a fixed-shape object (personRow/deviceRow below): better-sqlite3's own
   * row objects for these wide rows are dictionary-mode (~2.3 KB a device), and a million of
   * them at once did not fit in node's default heap. A page is garbage as soon as it is
   * copied, so it dies young and cheap.
   */
  static async load(db: Kysely<Database>, now: number): Promise<WorkingSet> {
    const ws = new WorkingSet(now);
    for (const w of await db.selectFrom("waves").selectAll().orderBy("ordinal").execute())
      ws.waves.set(w.id, w);
    const strings = new Interner();
    await forEachRow(db, "people", PERSON_COLUMNS, (v) => {
      const p = personRow(v, strings);
      ws.people.set(p.id, p);
    });
    await forEachRow(db, "devices", DEVICE_COLUMNS, (v) => {
      const d = deviceRow(v, strings);
      ws.devices.set(d.id, d);
    });
    return ws;
  }

  updatePerson(row: PersonRow, change: Partial<PersonRow>): void {
    Object.assign(row, change);
    this.#personChanges.set(row.id, { ...this.#personChanges.get(row.id), ...change });
  }

  updateDevice(row: DeviceRow, change: Partial<DeviceRow>): void {
    Object.assign(row, change);
    if (this.#newDeviceIds.has(row.id)) return; // inserted whole at commit
    this.#deviceChanges.set(row.id, { ...this.#deviceChanges.get(row.id), ...change });
  }

  updateWave(row: WaveRow, change: Partial<WaveRow>): void {
    Object.assign(row, change);
    this.#waveChanges.set(row.id, { ...this.#waveChanges.get(row.id), ...change });
  }

  addDevice(row: DeviceRow): void {
    this.devices.set(row.id, row);
    this.#newDevices.push(row);
    this.#newDeviceIds.add(row.id);
  }

  /** Queues an action; the listed people/devices get its id in `ca_action_id` / `action_id`. */
  act(action: NewAction, attach: { people?: string[]; devices?: string[] } = {}): void {
    this.#actions.push({ action, people: attach.people ?? [], devices: attach.devices ?? [] });
  }

  note(entry: Omit<AuditEntry, "at" | "actor"> & { actor?: string }): void {
    this.#audit.push({ actor: "engine", at: this.now, ...entry });
  }

  get pendingActionCount(): number {
    return this.#actions.length;
  }

  async commit(trx: Transaction<Database>): Promise<void> {
    // Actions first: their ids are written into the rows that wait on them.
    const ids = await enqueueMany(
      trx,
      this.#actions.map((a) => a.action),
      this.now,
    );
    for (let i = 0; i < this.#actions.length; i++) {
      const { people, devices } = this.#actions[i]!;
      const id = ids[i]!;
      for (const p of people) {
        const row = this.people.get(p);
        if (row) this.updatePerson(row, { ca_action_id: id });
      }
      for (const d of devices) {
        const row = this.devices.get(d);
        if (row) this.updateDevice(row, { action_id: id });
      }
    }
    for (let i = 0; i < this.#newDevices.length; i += 500) {
      await trx
        .insertInto("devices")
        .values(this.#newDevices.slice(i, i + 500))
        .execute();
    }
    await updateRows(trx, "waves", this.#waveChanges);
    await updateRows(trx, "people", this.#personChanges);
    await updateRows(trx, "devices", this.#deviceChanges);
    await audit(trx, this.#audit);
  }
}

/** Rows per page when loading: a page of driver rows is transient (tens of MB). */
const PAGE_ROWS = 50_000;

/**
 * Calls `each` with every row of `table` as an array of its values in `columns` order, a page
 * at a time. Each row comes from the database as one JSON array (`json_array` on SQLite,
 * `json_build_array` on PostgreSQL) rather than as a driver row object: better-sqlite3 builds
 * a 35-column row as a dictionary-mode object, which took about twice as long as encoding and
 * parsing the same values as JSON, and far more heap while alive.
 *
 * SQLite pages in rowid order — the order a plain `select * from table` returns — so what a
 * pass decides, and in which order, is what it was before paging. PostgreSQL pages by primary
 * key (keyset: each page an index range scan, no giant result), a stable order across runs.
 */
async function forEachRow(
  db: Kysely<Database>,
  table: "people" | "devices",
  columns: readonly string[],
  each: (values: readonly unknown[]) => void,
): Promise<void> {
  const postgres = dialectOf(db) === "postgres";
  const key = postgres ? sql<string | number>`id` : sql<string | number>`rowid`;
  const values = sql<string | unknown[]>`${sql.raw(postgres ? "json_build_array" : "json_array")}(${sql.join(
    columns.map((c) => sql.ref(c)),
  )})`;
  let after: string | number | undefined;
  for (;;) {
    let q = db
      .selectFrom(table)
      .select([key.as("k"), values.as("v")])
      .orderBy(key)
      .limit(PAGE_ROWS);
    if (after !== undefined) q = q.where(key, ">", after);
    const page = await q.execute();
    for (const r of page) each(typeof r.v === "string" ? (JSON.parse(r.v) as unknown[]) : r.v);
    if (page.length < PAGE_ROWS) return;
    after = page[page.length - 1]!.k;
  }
}

/**
 * One copy of each distinct value of the low-cardinality text columns (platform, model, state,
 * path_why, …): every row would otherwise hold its own copy, and at a million devices the
 * duplicates alone were hundreds of MB of heap for the collector to trace.
 */
class Interner {
  readonly #seen = new Map<string, string>();
  get(value: unknown): string {
    const text = value as string;
    const known = this.#seen.get(text);
    if (known !== undefined) return known;
    // Free text could make this grow without bound; past a few thousand values it stops adding.
    if (this.#seen.size < 10_000) this.#seen.set(text, text);
    return text;
  }
  maybe(value: unknown): string | null {
    return value === null ? null : this.get(value);
  }
}

/**
 * A person from its values (in PERSON_COLUMNS order) as an object literal with every column:
 * all rows share one hidden class (fast properties, no per-row dictionary). Properties are
 * initialised in source order, so `v[i++]` walks the columns, and PERSON_COLUMNS is read off
 * this very literal: the two cannot disagree. A column added to PeopleTable is a type error
 * here until it is added too.
 */
function personRow(v: readonly unknown[], s: Interner): PersonRow {
  let i = 0;
  return {
    id: v[i++] as string,
    upn: v[i++] as string,
    email: v[i++] as string,
    display_name: v[i++] as string,
    department: s.get(v[i++]),
    location: s.get(v[i++]),
    time_zone: s.get(v[i++]),
    locale: s.get(v[i++]),
    vip: v[i++] as number,
    break_glass: v[i++] as number,
    directory_id: v[i++] as string | null,
    wave_id: s.maybe(v[i++]),
    source_excluded: v[i++] as number,
    source_excluded_since: v[i++] as number | null,
    target_exempt: v[i++] as number,
    target_exempt_since: v[i++] as number | null,
    ca_governance: s.get(v[i++]),
    ca_since: v[i++] as number,
    ca_action_id: v[i++] as number | null,
    ca_seq: v[i++] as number,
    instructions_at: v[i++] as number | null,
    reminders_sent: v[i++] as number,
    last_reminder_at: v[i++] as number | null,
    deadline_notice_at: v[i++] as number | null,
    blocked_notice_at: v[i++] as number | null,
    done_notice_at: v[i++] as number | null,
    deadline_extension: v[i++] as number,
  };
}

/** A device from its values in DEVICE_COLUMNS order (see personRow). */
function deviceRow(v: readonly unknown[], s: Interner): DeviceRow {
  let i = 0;
  return {
    id: v[i++] as string,
    person_id: v[i++] as string | null,
    origin: s.get(v[i++]),
    platform: s.get(v[i++]),
    mode: s.get(v[i++]),
    ownership: s.get(v[i++]),
    os_version: s.get(v[i++]),
    model: s.get(v[i++]),
    manufacturer: s.get(v[i++]),
    serial: v[i++] as string | null,
    imei: v[i++] as string | null,
    meid: v[i++] as string | null,
    udid: v[i++] as string | null,
    wifi_mac: v[i++] as string | null,
    path: s.get(v[i++]),
    path_why: s.get(v[i++]),
    source_id: v[i++] as string | null,
    source_presence: s.get(v[i++]),
    source_last_seen: v[i++] as number | null,
    source_left_at: v[i++] as number | null,
    target_id: v[i++] as string | null,
    target_compliance: s.maybe(v[i++]),
    target_enrolled_at: v[i++] as number | null,
    match_rule: s.maybe(v[i++]),
    unenroll_requested_at: v[i++] as number | null,
    reset_notice_at: v[i++] as number | null,
    apple_deadline_at: v[i++] as number | null,
    excluded_reason: s.maybe(v[i++]),
    retired_reason: s.maybe(v[i++]),
    state: s.get(v[i++]),
    state_since: v[i++] as number,
    action_id: v[i++] as number | null,
    retire_requested_at: v[i++] as number | null,
    retire_requested_by: v[i++] as string | null,
    limbo_escalated_at: v[i++] as number | null,
  };
}

const PERSON_COLUMNS = Object.keys(personRow([], new Interner()));
const DEVICE_COLUMNS = Object.keys(deviceRow([], new Interner()));
