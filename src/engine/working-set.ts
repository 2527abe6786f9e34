/**
 * One reconcile pass works on the whole store in memory: rows are loaded once, decisions
 * change them here, and every change — rows, new actions, audit — is written in one
 * transaction at the end. A crash before that commit leaves the store as it was.
 */
import type { Transaction } from "kysely";
import { updateRows } from "../store/bulk-update.ts";
import type { Db } from "../store/open.ts";
import type { Database, DeviceRow, NewDeviceRow, PersonRow, WaveRow } from "../store/schema.ts";
import { enqueue, type NewAction } from "./actions.ts";
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

  static async load(db: Db, now: number): Promise<WorkingSet> {
    const ws = new WorkingSet(now);
    for (const w of await db.selectFrom("waves").selectAll().orderBy("ordinal").execute())
      ws.waves.set(w.id, w);
    for (const p of await db.selectFrom("people").selectAll().execute()) ws.people.set(p.id, p);
    for (const d of await db.selectFrom("devices").selectAll().execute()) ws.devices.set(d.id, d);
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
    for (const { action, people, devices } of this.#actions) {
      const id = await enqueue(trx, action, this.now);
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
