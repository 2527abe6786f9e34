/**
 * The mail outbox: every message Ferry sends goes through it. `enqueue` is idempotent by
 * key and freezes the rendered message and its Message-ID; `deliver(now)` sends what is due,
 * outside the recipient's quiet hours, with retries and backoff; bounces mark messages and
 * name the person so the helpdesk can call.
 *
 * Guarantees. A message is marked `sending` (a claim with a lease) before the SMTP call and
 * `sent` after it. A process that dies between the server's "250 accepted" and that second
 * write leaves the message `sending`; when the lease expires, the next delivery sends it
 * again with the same Message-ID (and byte-identical content), so receiving systems that
 * deduplicate by Message-ID show it once. That window, and a reply lost on the network
 * after the server accepted, are the only ways a person receives a message twice: at most
 * one extra copy per crash or lost reply, never a different message. A claim whose lease is
 * still running is never resent, so a slow (not dead) worker does not cause duplicates as
 * long as the SMTP timeouts are shorter than the lease.
 */

import { createHash } from "node:crypto";
import type { Clock, Millis } from "../core/time.ts";
import { HOUR, MINUTE } from "../core/time.ts";
import { type DeliveryStatusReport, parseDsn } from "./dsn.ts";
import { classifyMailError } from "./errors.ts";
import { safeTimeZone } from "./locale.ts";
import type { OutboxRecord, OutboxStore } from "./outbox-store.ts";
import { DEFAULT_QUIET_HOURS, nextAllowedTime, type QuietHours, validateQuietHours } from "./quiet-hours.ts";
import { type MailLogger, messageIdFor, type RichMailer } from "./smtp-mailer.ts";

export interface OutboxMessage {
  /** idempotency key: the same key is enqueued (and sent) once */
  key: string;
  personId: string;
  template: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** the recipient's time zone, for quiet hours; the outbox's default when absent */
  timeZone?: string;
  /** not before this instant (default: now) */
  notBefore?: Millis;
  /** exempt from quiet hours; default: the template is one of `urgentTemplates` */
  urgent?: boolean;
}

export interface OutboxOptions {
  clock: Clock;
  /** local window without mail; null turns quiet hours off. Default 20:00–07:00 */
  quietHours?: QuietHours | null;
  /** templates sent at once even in quiet hours. Default: blocked (people locked out need the way in) */
  urgentTemplates?: readonly string[];
  /** for recipients without a (valid) time zone. Default UTC */
  defaultTimeZone?: string;
  /** how long a claim lasts before another delivery may resend. Default 10 min */
  lease?: Millis;
  /** attempts on temporary (4xx) failures before giving up. Default 8 */
  maxAttempts?: number;
  backoffBase?: Millis;
  backoffMax?: Millis;
  /** messages per deliver() call. Default 50 */
  batchSize?: number;
  /** used when the mailer cannot tell its Message-IDs. Default ferry.local */
  messageIdDomain?: string;
  logger?: MailLogger;
}

export interface DeliveryReport {
  sent: string[];
  /** failed for now (4xx or transport), due again later */
  retrying: string[];
  /** permanently failed (5xx, or out of attempts) */
  failed: string[];
  /** due in the recipient's quiet hours, moved to their end */
  deferred: string[];
  /** accepted by the server but not recorded (store error): stays `sending`, resent after the lease */
  unrecorded: string[];
  /** claimed by another delivery first */
  skipped: string[];
  /** the mail system was unreachable or refused us; the batch stopped */
  transportError?: string;
}

export interface BounceResult {
  personId: string;
  key: string;
  template: string;
  to: string;
  messageId: string;
  reason: string;
}

export const DEFAULT_URGENT_TEMPLATES: readonly string[] = ["blocked"];

export class Outbox {
  readonly #store: OutboxStore;
  readonly #mailer: RichMailer;
  readonly #clock: Clock;
  readonly #quiet: QuietHours | null;
  readonly #urgent: ReadonlySet<string>;
  readonly #defaultZone: string;
  readonly #lease: Millis;
  readonly #maxAttempts: number;
  readonly #backoffBase: Millis;
  readonly #backoffMax: Millis;
  readonly #batch: number;
  readonly #domain: string | undefined;
  readonly #log: MailLogger | undefined;

  constructor(store: OutboxStore, mailer: RichMailer, options: OutboxOptions) {
    this.#store = store;
    this.#mailer = mailer;
    this.#clock = options.clock;
    this.#quiet = options.quietHours === undefined ? DEFAULT_QUIET_HOURS : options.quietHours;
    if (this.#quiet) validateQuietHours(this.#quiet);
    this.#urgent = new Set(options.urgentTemplates ?? DEFAULT_URGENT_TEMPLATES);
    this.#defaultZone = safeTimeZone(options.defaultTimeZone ?? "UTC");
    this.#lease = options.lease ?? 10 * MINUTE;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#backoffBase = options.backoffBase ?? MINUTE;
    this.#backoffMax = options.backoffMax ?? HOUR;
    this.#batch = options.batchSize ?? 50;
    this.#domain = options.messageIdDomain;
    this.#log = options.logger;
  }

  /** The Message-ID a key's message has (and keeps across every resend). */
  messageIdFor(key: string): string {
    return this.#mailer.messageIdFor?.(key) ?? messageIdFor(key, this.#domain);
  }

  /** Queues a message once per key; a second enqueue of the key returns the first, unchanged. */
  async enqueue(message: OutboxMessage): Promise<{ created: boolean; record: OutboxRecord }> {
    if (!message.key) throw new RangeError("outbox: a message needs an idempotency key");
    if (!message.to) throw new RangeError(`outbox: message ${message.key} has no recipient`);
    const now = this.#clock.now();
    return this.#store.insert({
      key: message.key,
      personId: message.personId,
      template: message.template,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html ?? null,
      headers: message.headers ?? null,
      timeZone: safeTimeZone(message.timeZone, this.#defaultZone),
      urgent: message.urgent ?? this.#urgent.has(message.template),
      status: "pending",
      messageId: this.messageIdFor(message.key),
      attempts: 0,
      nextAttemptAt: Math.max(now, message.notBefore ?? now),
      lastError: null,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      bouncedAt: null,
    });
  }

  /** Sends what is due at `now` (default: the clock). Safe to run from several processes. */
  async deliver(now?: Millis): Promise<DeliveryReport> {
    const at = () => now ?? this.#clock.now();
    const report: DeliveryReport = {
      sent: [],
      retrying: [],
      failed: [],
      deferred: [],
      unrecorded: [],
      skipped: [],
    };
    const due = await this.#store.due(at(), this.#batch);
    for (const r of due) {
      const t = at();
      if (this.#quiet && !r.urgent) {
        const allowed = nextAllowedTime(t, r.timeZone, this.#quiet);
        if (allowed > t) {
          await this.#store.defer(r.key, r, allowed, t);
          report.deferred.push(r.key);
          continue;
        }
      }
      if (!(await this.#store.claim(r.key, r, t + this.#lease, t))) {
        report.skipped.push(r.key);
        continue;
      }
      const attempts = r.attempts + 1;
      let messageId: string;
      try {
        ({ messageId } = await this.#mailer.send({
          to: r.to,
          personId: r.personId,
          template: r.template,
          subject: r.subject,
          text: r.text,
          html: r.html ?? undefined,
          headers: r.headers ?? undefined,
          idempotencyKey: r.key,
        }));
      } catch (error) {
        const stop = await this.#failed(r, attempts, error, at(), report);
        if (stop) break;
        continue;
      }
      try {
        await this.#store.markSent(r.key, messageId, at());
        report.sent.push(r.key);
      } catch (error) {
        // The server has it; the store did not take the write. The claim stays `sending`
        // and its lease expiry resends it with the same Message-ID: the documented window.
        report.unrecorded.push(r.key);
        this.#log?.warn({ key: r.key, messageId, error: String(error) }, "sent but not recorded");
      }
    }
    return report;
  }

  /** Returns true when the batch should stop (the mail system is down). */
  async #failed(r: OutboxRecord, attempts: number, error: unknown, t: Millis, report: DeliveryReport) {
    const failure = classifyMailError(error);
    const message = error instanceof Error ? error.message : String(error);
    if (failure === "permanent" || (failure === "temporary" && attempts >= this.#maxAttempts)) {
      await this.#store.markFailed(r.key, attempts, message, t);
      report.failed.push(r.key);
      this.#log?.warn({ key: r.key, template: r.template, failure, attempts }, "mail failed for good");
      return false;
    }
    await this.#store.markRetry(r.key, attempts, t + this.backoff(r.key, attempts), message, t);
    report.retrying.push(r.key);
    if (failure === "transport") {
      report.transportError = message;
      return true;
    }
    return false;
  }

  /** Capped exponential backoff; the jitter is derived from the key so runs reproduce. */
  backoff(key: string, attempts: number): Millis {
    const ceiling = Math.min(this.#backoffMax, this.#backoffBase * 2 ** Math.min(attempts - 1, 30));
    const h = createHash("sha256").update(`${key}#${attempts}`).digest().readUInt32BE(0) / 0xffffffff;
    return Math.round(ceiling * (0.5 + h / 2));
  }

  /**
   * A bounce for one of our messages: marks it bounced (it is never sent again) and says
   * whose it was, so the helpdesk can call. Undefined for a Message-ID that is not ours.
   */
  async recordBounce(
    messageId: string,
    reason: string,
    at: Millis = this.#clock.now(),
  ): Promise<BounceResult | undefined> {
    const id = messageId.trim().startsWith("<") ? messageId.trim() : `<${messageId.trim()}>`;
    const r = await this.#store.markBounced(id, reason, at);
    if (!r) return undefined;
    this.#log?.warn({ key: r.key, template: r.template, messageId: id }, "mail bounced");
    return { personId: r.personId, key: r.key, template: r.template, to: r.to, messageId: id, reason };
  }

  /**
   * A raw message from the bounce mailbox: when it is a delivery status report of a failure
   * for one of our messages, records the bounce. Delays and foreign messages change nothing.
   */
  async processDsn(
    raw: Buffer | string,
    at: Millis = this.#clock.now(),
  ): Promise<{ report: DeliveryStatusReport | undefined; bounce: BounceResult | undefined }> {
    const report = await parseDsn(raw);
    if (!report?.failed) return { report, bounce: undefined };
    const candidates = [report.originalMessageId];
    if (report.originalEnvelopeId) {
      const envid = report.originalEnvelopeId.trim();
      const domain = this.messageIdFor("x")
        .replace(/^<[^@]*@/, "")
        .replace(/>$/, "");
      candidates.push(`<${envid}@${domain}>`);
    }
    for (const id of candidates) {
      if (!id) continue;
      const bounce = await this.recordBounce(id, report.reason, at);
      if (bounce) return { report, bounce };
    }
    return { report, bounce: undefined };
  }

  /** The store, for read-only views (console: a person's messages). */
  get store(): OutboxStore {
    return this.#store;
  }
}
