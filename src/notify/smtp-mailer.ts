/**
 * The `Mailer` port over SMTP (nodemailer). The Message-ID is derived from the idempotency
 * key, `<sha256(key)@domain>`, so a message sent again after a crash carries the same
 * Message-ID as the first attempt and receiving systems can tell it is the same message.
 * Credentials live only in the transport: they are never logged, never put in an error,
 * and not visible through `JSON.stringify` or `util.inspect` of the mailer.
 */
import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type { Mailer, OutgoingMail } from "../core/ports/mailer.ts";
import type { Clock } from "../core/time.ts";
import { classifyMailError, MailSendError } from "./errors.ts";
import { headerSafe } from "./templates/layout.ts";

/** The port's message plus what e-mail can carry beyond plain text. */
export interface RichMail extends OutgoingMail {
  html?: string;
  /** extra headers; X-Ferry-Template and X-Ferry-Person are always set from the message */
  headers?: Record<string, string>;
}

/** A mailer whose Message-IDs are known before sending (the outbox records them at enqueue). */
export interface RichMailer {
  send(mail: RichMail): Promise<{ messageId: string }>;
  messageIdFor?(idempotencyKey: string): string;
}

/** The part of a pino logger the mailer uses. */
export interface MailLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface SmtpMailerOptions {
  host: string;
  port: number;
  /** implicit TLS from the first byte (usually port 465) */
  secure?: boolean;
  /**
   * STARTTLS on a plain connection (usually 587): "required" refuses to continue in clear
   * text (the default: credentials and personal data never cross the network unencrypted),
   * "opportunistic" upgrades when offered, "off" never upgrades (a local relay).
   */
  starttls?: "required" | "opportunistic" | "off";
  auth?: { user: string; pass: string };
  tls?: {
    rejectUnauthorized?: boolean;
    servername?: string;
    ca?: string | Buffer;
    minVersion?: "TLSv1.2" | "TLSv1.3";
  };
  /** the From header, e.g. `"IT Service Desk" <it-migration@contoso.example>` */
  from: string;
  replyTo?: string;
  /** envelope sender (Return-Path): where delivery status notifications (bounces) go */
  bounceAddress?: string;
  /** the right-hand side of Message-IDs; default "ferry.local" */
  messageIdDomain?: string;
  /** ask the server for failure/delay DSNs (RFC 3461) when it supports them; default true */
  requestDsn?: boolean;
  /** the name said in EHLO */
  clientName?: string;
  /** ms; keep their sum below the outbox lease so a slow send never overlaps its retry */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
  /** reuse connections across messages */
  pool?: boolean;
  logger?: MailLogger;
  /** when given, the Date header comes from it (deterministic tests) */
  clock?: Clock;
}

export const DEFAULT_MESSAGE_ID_DOMAIN = "ferry.local";

/** `<sha256(key)@domain>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, domain = DEFAULT_MESSAGE_ID_DOMAIN): string {
  return `<${createHash("sha256").update(idempotencyKey).digest("hex")}@${domain}>`;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

export class SmtpMailer implements Mailer, RichMailer {
  readonly #transport: Transport;
  readonly #options: SmtpMailerOptions;
  readonly #secrets: string[];

  constructor(options: SmtpMailerOptions) {
    if (!options.host) throw new RangeError("smtp: host is required");
    if (!Number.isInteger(options.port) || options.port <= 0) throw new RangeError("smtp: port is required");
    if (!options.from) throw new RangeError("smtp: from is required");
    const domain = options.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN;
    if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new RangeError(`smtp: ${domain} is not a domain`);
    this.#options = options;
    const starttls = options.secure ? "off" : (options.starttls ?? "required");
    const t = options.timeouts ?? {};
    this.#transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? false,
      requireTLS: starttls === "required",
      ignoreTLS: starttls === "off",
      auth: options.auth ? { user: options.auth.user, pass: options.auth.pass } : undefined,
      tls: options.tls,
      name: options.clientName,
      pool: options.pool ?? false,
      connectionTimeout: t.connection ?? 30_000,
      greetingTimeout: t.greeting ?? 30_000,
      socketTimeout: t.socket ?? 60_000,
      // nodemailer's own logger would print the AUTH exchange; ours logs outcomes only
      logger: false,
      debug: false,
    } as Parameters<typeof nodemailer.createTransport>[0]) as Transport;
    const secrets: string[] = [];
    if (options.auth?.pass) {
      const { user, pass } = options.auth;
      secrets.push(
        pass,
        Buffer.from(pass).toString("base64"),
        Buffer.from(`\u0000${user}\u0000${pass}`).toString("base64"),
      );
    }
    this.#secrets = secrets.filter((s) => s.length >= 3);
  }

  messageIdFor(idempotencyKey: string): string {
    return messageIdFor(idempotencyKey, this.#options.messageIdDomain);
  }

  async send(mail: RichMail): Promise<{ messageId: string }> {
    if (!mail.idempotencyKey)
      throw new MailSendError("smtp: refusing a message without an idempotency key", "permanent");
    const o = this.#options;
    const messageId = this.messageIdFor(mail.idempotencyKey);
    const envelopeId = messageId.slice(1, messageId.indexOf("@"));
    const headers: Record<string, string> = {
      "Auto-Submitted": "auto-generated", // RFC 3834: no auto-replies to this
      "X-Auto-Response-Suppress": "All", // Exchange: no out-of-office replies either
      ...mail.headers,
      "X-Ferry-Template": mail.template,
      "X-Ferry-Person": mail.personId,
    };
    for (const k of Object.keys(headers)) headers[k] = headerSafe(headers[k]!);
    try {
      await this.#transport.sendMail({
        from: o.from,
        to: mail.to,
        replyTo: o.replyTo,
        subject: headerSafe(mail.subject),
        text: mail.text,
        html: mail.html,
        messageId,
        date: o.clock ? new Date(o.clock.now()) : undefined,
        headers,
        envelope: o.bounceAddress ? { from: o.bounceAddress, to: mail.to } : undefined,
        dsn:
          o.requestDsn === false
            ? undefined
            : { id: envelopeId, return: "headers", notify: ["failure", "delay"], recipient: mail.to },
      });
    } catch (error) {
      const failure = classifyMailError(error);
      const e = error as { message?: string; responseCode?: number; code?: string };
      const message = this.#redact(`smtp: ${e.message ?? String(error)}`);
      o.logger?.warn(
        { messageId, template: mail.template, failure, responseCode: e.responseCode, code: e.code },
        "mail not accepted",
      );
      throw new MailSendError(message, failure, e.responseCode, e.code);
    }
    o.logger?.info({ messageId, template: mail.template }, "mail accepted by the SMTP server");
    return { messageId };
  }

  /** Checks connection, TLS and credentials (for `ferry connect`); throws a redacted error. */
  async verify(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (error) {
      const e = error as { message?: string; responseCode?: number; code?: string };
      throw new MailSendError(
        this.#redact(`smtp: ${e.message ?? String(error)}`),
        classifyMailError(error),
        e.responseCode,
        e.code,
      );
    }
  }

  close(): void {
    this.#transport.close();
  }

  /** What may be shown about this mailer: never the password. */
  describe(): Record<string, unknown> {
    const o = this.#options;
    return {
      host: o.host,
      port: o.port,
      secure: o.secure ?? false,
      starttls: o.secure ? "implicit" : (o.starttls ?? "required"),
      user: o.auth?.user,
      from: o.from,
      messageIdDomain: o.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN,
    };
  }

  toJSON(): Record<string, unknown> {
    return this.describe();
  }

  #redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join("[redacted]");
    return out;
  }
}
