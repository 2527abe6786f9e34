/**
 * Where the outbox keeps its messages: a small interface, an in-memory implementation for
 * tests and the demo, and the SQL table a database implementation maps it to.
 *
 * ```sql
 * CREATE TABLE mail_outbox (
 *   key             TEXT PRIMARY KEY,      -- the idempotency key: unique, enqueue is idempotent by it
 *   person_id       TEXT NOT NULL,
 *   template        TEXT NOT NULL,
 *   recipient       TEXT NOT NULL,
 *   subject         TEXT NOT NULL,
 *   text_body       TEXT NOT NULL,         -- rendered once, at enqueue: a resend is byte-for-byte the same
 *   html_body       TEXT,
 *   headers         TEXT,                  -- JSON object, extra headers
 *   time_zone       TEXT NOT NULL,         -- the recipient's, for quiet hours
 *   urgent          INTEGER NOT NULL,      -- 1: exempt from quiet hours (blocked)
 *   status          TEXT NOT NULL,         -- pending | sending | sent | failed | bounced
 *   message_id      TEXT,                  -- deterministic from the key, known at enqueue
 *   attempts        INTEGER NOT NULL,      -- SMTP attempts so far; also the claim's fencing token
 *   next_attempt_at BIGINT NOT NULL,       -- pending: when due; sending: when the lease expires
 *   last_error      TEXT,
 *   created_at      BIGINT NOT NULL,
 *   updated_at      BIGINT NOT NULL,
 *   sent_at         BIGINT,
 *   bounced_at      BIGINT
 * );
 * CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
 * CREATE UNIQUE INDEX mail_outbox_message_id ON mail_outbox (message_id);
 * CREATE INDEX mail_outbox_person ON mail_outbox (person_id);
 * ```
 *
 * Each method is one statement, so the guarantees hold with several workers on PostgreSQL:
 * `claim` is `UPDATE … SET status='sending', attempts=attempts+1, next_attempt_at=:lease
 * WHERE key=:key AND status=:status AND attempts=:attempts` (one row changed = claimed).
 */
import type { Millis } from "../core/time.ts";

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "failed", "bounced"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxRecord {
  key: string;
  personId: string;
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string> | null;
  timeZone: string;
  urgent: boolean;
  status: OutboxStatus;
  messageId: string | null;
  attempts: number;
  /** pending: when it is due; sending: when the claim's lease expires */
  nextAttemptAt: Millis;
  lastError: string | null;
  createdAt: Millis;
  updatedAt: Millis;
  sentAt: Millis | null;
  bouncedAt: Millis | null;
}

export interface OutboxStore {
  /** Inserts unless the key exists; returns the stored record either way. */
  insert(record: OutboxRecord): Promise<{ created: boolean; record: OutboxRecord }>;
  get(key: string): Promise<OutboxRecord | undefined>;
  byMessageId(messageId: string): Promise<OutboxRecord | undefined>;
  byPerson(personId: string): Promise<OutboxRecord[]>;
  /** Pending and due, or sending with an expired lease; oldest due first. */
  due(now: Millis, limit: number): Promise<OutboxRecord[]>;
  /**
   * Claims a record for one attempt if it is still as `expected` (status and attempts):
   * status `sending`, attempts + 1, nextAttemptAt = leaseUntil. False when someone else won.
   */
  claim(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    leaseUntil: Millis,
    now: Millis,
  ): Promise<boolean>;
  /** The server accepted it. Never undoes `bounced` (a bounce may overtake this write). */
  markSent(key: string, messageId: string, now: Millis): Promise<void>;
  /** Back to pending after a failed attempt, if the claim (attempts) is still ours. */
  markRetry(key: string, attempts: number, nextAttemptAt: Millis, error: string, now: Millis): Promise<void>;
  /** Given up, if the claim (attempts) is still ours. */
  markFailed(key: string, attempts: number, error: string, now: Millis): Promise<void>;
  /** Moves a due record's time later (quiet hours) without claiming it; status unchanged. */
  defer(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    until: Millis,
    now: Millis,
  ): Promise<void>;
  /** Marks the message bounced; returns the record, or undefined for an unknown Message-ID. */
  markBounced(messageId: string, reason: string, now: Millis): Promise<OutboxRecord | undefined>;
}

/** The outbox in memory: for tests, the demo and previews. Records are copied in and out. */
export class MemoryOutboxStore implements OutboxStore {
  readonly #rows = new Map<string, OutboxRecord>();

  async insert(record: OutboxRecord): Promise<{ created: boolean; record: OutboxRecord }> {
    const existing = this.#rows.get(record.key);
    if (existing) return { created: false, record: { ...existing } };
    if (record.messageId && [...this.#rows.values()].some((r) => r.messageId === record.messageId))
      throw new Error(`outbox: message id ${record.messageId} already used`);
    this.#rows.set(record.key, { ...record });
    return { created: true, record: { ...record } };
  }

  async get(key: string): Promise<OutboxRecord | undefined> {
    const r = this.#rows.get(key);
    return r && { ...r };
  }

  async byMessageId(messageId: string): Promise<OutboxRecord | undefined> {
    for (const r of this.#rows.values()) if (r.messageId === messageId) return { ...r };
    return undefined;
  }

  async byPerson(personId: string): Promise<OutboxRecord[]> {
    return [...this.#rows.values()].filter((r) => r.personId === personId).map((r) => ({ ...r }));
  }

  async due(now: Millis, limit: number): Promise<OutboxRecord[]> {
    return [...this.#rows.values()]
      .filter((r) => (r.status === "pending" || r.status === "sending") && r.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.key < b.key ? -1 : 1))
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async claim(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    leaseUntil: Millis,
    now: Millis,
  ): Promise<boolean> {
    const r = this.#rows.get(key);
    if (!r || r.status !== expected.status || r.attempts !== expected.attempts) return false;
    Object.assign(r, {
      status: "sending",
      attempts: r.attempts + 1,
      nextAttemptAt: leaseUntil,
      updatedAt: now,
    });
    return true;
  }

  async markSent(key: string, messageId: string, now: Millis): Promise<void> {
    const r = this.#rows.get(key);
    if (!r || r.status === "sent" || r.status === "bounced") return;
    Object.assign(r, { status: "sent", messageId, sentAt: now, lastError: null, updatedAt: now });
  }

  async markRetry(
    key: string,
    attempts: number,
    nextAttemptAt: Millis,
    error: string,
    now: Millis,
  ): Promise<void> {
    const r = this.#rows.get(key);
    if (r?.status !== "sending" || r.attempts !== attempts) return;
    Object.assign(r, { status: "pending", nextAttemptAt, lastError: error, updatedAt: now });
  }

  async markFailed(key: string, attempts: number, error: string, now: Millis): Promise<void> {
    const r = this.#rows.get(key);
    if (r?.status !== "sending" || r.attempts !== attempts) return;
    Object.assign(r, { status: "failed", lastError: error, updatedAt: now });
  }

  async defer(
    key: string,
    expected: Pick<OutboxRecord, "status" | "attempts">,
    until: Millis,
    now: Millis,
  ): Promise<void> {
    const r = this.#rows.get(key);
    if (!r || r.status !== expected.status || r.attempts !== expected.attempts) return;
    Object.assign(r, { nextAttemptAt: until, updatedAt: now });
  }

  async markBounced(messageId: string, reason: string, now: Millis): Promise<OutboxRecord | undefined> {
    for (const r of this.#rows.values()) {
      if (r.messageId !== messageId) continue;
      if (r.status !== "bounced")
        Object.assign(r, { status: "bounced", bouncedAt: now, lastError: reason, updatedAt: now });
      return { ...r };
    }
    return undefined;
  }

  /** Everything, for tests and the console. */
  all(): OutboxRecord[] {
    return [...this.#rows.values()].map((r) => ({ ...r }));
  }
}
