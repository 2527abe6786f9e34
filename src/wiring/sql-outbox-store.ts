/**
 * The mail outbox in the store's `mail_outbox` table (migration 0007), on SQLite and
 * PostgreSQL alike. Every method is one statement, so the outbox's guarantees hold with
 * several delivering processes: `claim`, `markRetry`, `markFailed` and `defer` are
 * compare-and-set updates fenced by `attempts` (one row changed = the claim is ours), and
 * `markSent` never overwrites a bounce. `insert` is `on conflict (key) do nothing` and, when
 * the key was already there, a read of what is stored.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { Millis } from "../core/time.ts";
import type { OutboxRecord, OutboxStatus, OutboxStore } from "../notify/outbox-store.ts";
import { dialectOf } from "../store/dialect.ts";
import type { Database, MailOutboxTable } from "../store/schema.ts";

type Row = Selectable<MailOutboxTable>;

export class SqlOutboxStore implements OutboxStore {
  readonly #db: Kysely<Database>;
  /** PostgreSQL sorts text by the database's collation; "C" keeps the tie-break by key byte order */
  readonly #keyOrder: ReturnType<typeof sql>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.#keyOrder = dialectOf(db) === "postgres" ? sql`${sql.ref("key")} collate "C"` : sql.ref("key");
  }

  async insert(record: OutboxRecord): Promise<{ created: boolean; record: OutboxRecord }> {
    const result = await this.#db
      .insertInto("mail_outbox")
      .values(toRow(record))
      .onConflict((oc) => oc.column("key").doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) return { created: true, record: copy(record) };
    const stored = await this.get(record.key);
    // the row was there a moment ago and rows are never deleted; a miss means a broken store
    if (!stored) throw new Error(`outbox: ${record.key} was neither inserted nor found`);
    return { created: false, record: stored };
  }

  async get(key: string): Promise<OutboxRecord | undefined> {
    const row = await this.#db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async byMessageId(messageId: string): Promise<OutboxRecord | undefined> {
    const row = await this.#db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("message_id", "=", messageId)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async byPerson(personId: string): Promise<OutboxRecord[]> {
    const rows = await this.#db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("person_id", "=", personId)
      .orderBy("created_at")
      .orderBy(this.#keyOrder)
      .execute();
    return rows.map(fromRow);
  }

  async due(now: Millis, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.#db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("status", "in", ["pending", "sending"])
      .where("next_attempt_at", "<=", now)
      .orderBy("next_attempt_at")
      .orderBy(this.#keyOrder)
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async claim(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    leaseUntil: Millis,
    now: Millis,
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable("mail_outbox")
      .set((eb) => ({
        status: "sending",
        attempts: eb("attempts", "+", 1),
        next_attempt_at: leaseUntil,
        updated_at: now,
      }))
      .where("key", "=", key)
      .where("status", "=", expected.status)
      .where("attempts", "=", expected.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markSent(key: string, messageId: string, now: Millis): Promise<void> {
    await this.#db
      .updateTable("mail_outbox")
      .set({ status: "sent", message_id: messageId, sent_at: now, last_error: null, updated_at: now })
      .where("key", "=", key)
      .where("status", "not in", ["sent", "bounced"])
      .execute();
  }

  async markRetry(
    key: string,
    attempts: number,
    nextAttemptAt: Millis,
    error: string,
    now: Millis,
  ): Promise<void> {
    await this.#db
      .updateTable("mail_outbox")
      .set({ status: "pending", next_attempt_at: nextAttemptAt, last_error: error, updated_at: now })
      .where("key", "=", key)
      .where("status", "=", "sending")
      .where("attempts", "=", attempts)
      .execute();
  }

  async markFailed(key: string, attempts: number, error: string, now: Millis): Promise<void> {
    await this.#db
      .updateTable("mail_outbox")
      .set({ status: "failed", last_error: error, updated_at: now })
      .where("key", "=", key)
      .where("status", "=", "sending")
      .where("attempts", "=", attempts)
      .execute();
  }

  async defer(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    until: Millis,
    now: Millis,
  ): Promise<void> {
    await this.#db
      .updateTable("mail_outbox")
      .set({ next_attempt_at: until, updated_at: now })
      .where("key", "=", key)
      .where("status", "=", expected.status)
      .where("attempts", "=", expected.attempts)
      .execute();
  }

  async markBounced(messageId: string, reason: string, now: Millis): Promise<OutboxRecord | undefined> {
    // One statement: a second bounce for the message keeps the first one's time and reason
    // (SET expressions read the row as it was before the update, on both databases).
    const row = await this.#db
      .updateTable("mail_outbox")
      .set((eb) => {
        const already = eb("status", "=", "bounced");
        return {
          status: "bounced",
          bounced_at: eb.case().when(already).then(eb.ref("bounced_at")).else(now).end(),
          last_error: eb.case().when(already).then(eb.ref("last_error")).else(reason).end(),
          updated_at: eb.case().when(already).then(eb.ref("updated_at")).else(now).end(),
        };
      })
      .where("message_id", "=", messageId)
      .returningAll()
      .executeTakeFirst();
    return row && fromRow(row);
  }
}

function toRow(r: OutboxRecord): Row {
  return {
    key: r.key,
    person_id: r.personId,
    template: r.template,
    recipient: r.to,
    subject: r.subject,
    text_body: r.text,
    html_body: r.html,
    headers: r.headers ? JSON.stringify(r.headers) : null,
    time_zone: r.timeZone,
    urgent: r.urgent ? 1 : 0,
    status: r.status,
    message_id: r.messageId,
    attempts: r.attempts,
    next_attempt_at: r.nextAttemptAt,
    last_error: r.lastError,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    sent_at: r.sentAt,
    bounced_at: r.bouncedAt,
  };
}

function fromRow(row: Row): OutboxRecord {
  return {
    key: row.key,
    personId: row.person_id,
    template: row.template,
    to: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    headers: row.headers === null ? null : (JSON.parse(row.headers) as Record<string, string>),
    timeZone: row.time_zone,
    urgent: Number(row.urgent) === 1,
    status: row.status as OutboxStatus,
    messageId: row.message_id,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    bouncedAt: row.bounced_at === null ? null : Number(row.bounced_at),
  };
}

function copy(r: OutboxRecord): OutboxRecord {
  return { ...r, headers: r.headers ? { ...r.headers } : null };
}
