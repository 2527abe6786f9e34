/**
 * E-mail as `ferry run` and `ferry serve` use it when SMTP is configured: the engine's
 * `Mailer` port is the outbox mailer (render from the action's data, enqueue, done), the
 * outbox lives in the store's `mail_outbox` table, and `deliver()` — called after each
 * worker drain — hands what is due to the SMTP server, outside quiet hours, with retries.
 *
 * ```ts
 * const mail = buildOutboxMailer({ db: store.db, clock, smtp, portalLink, helpdesk });
 * const ports = { ...ports, mailer: mail.mailer };
 * // each pass: await engine.reconcile(); await worker.drain(); await mail.deliver();
 * ```
 */
import type { Mailer } from "../core/ports/mailer.ts";
import type { Clock } from "../core/time.ts";
import { type DeliveryReport, Outbox, type OutboxOptions } from "../notify/outbox.ts";
import { OutboxMailer } from "../notify/outbox-mailer.ts";
import type { OutboxStore } from "../notify/outbox-store.ts";
import { SmtpMailer, type SmtpMailerOptions } from "../notify/smtp-mailer.ts";
import type { Brand, HelpdeskContact } from "../notify/templates/context.ts";
import type { Db } from "../store/open.ts";
import { SqlOutboxStore } from "./sql-outbox-store.ts";

/** What the outbox may be tuned with here (the clock and Message-ID domain come from above). */
export type OutboxTuning = Omit<OutboxOptions, "clock" | "messageIdDomain">;

export interface OutboxMailerWiring {
  db: Db;
  /** the engine's clock: enqueue times, quiet hours, leases and the Date header */
  clock: Clock;
  smtp: SmtpMailerOptions;
  /** the person's signed portal link, e.g. `${publicUrl}/portal#${createPortalLink(…)}` */
  portalLink(personId: string): string;
  /** the person's page in the console, for the helpdesk's escalations; default: portalLink */
  consoleLink?(personId: string): string;
  helpdesk: HelpdeskContact;
  brand?: Brand;
  /** quiet hours, lease, retries, batch size, logger; the outbox's defaults otherwise */
  outbox?: OutboxTuning;
  /** batches one deliver() sends at most before leaving the rest to the next call. Default 20 */
  maxBatches?: number;
  /** where the outbox keeps its messages; default the store's `mail_outbox` table */
  store?: OutboxStore;
}

export interface OutboxMail {
  /** the engine's `Mailer` port: renders and enqueues, returns the Message-ID at once */
  mailer: Mailer;
  /** sends what is due now; one delivery at a time per instance (calls queue up) */
  deliver(): Promise<DeliveryReport>;
  /** the outbox itself: bounces (`processDsn`, `recordBounce`) and the console's views */
  outbox: Outbox;
  /** host, port, TLS mode and user; never the password */
  describe(): Record<string, unknown>;
  /** closes the SMTP transport and its pooled connections (the store stays open: it is the caller's) */
  close(): void;
}

const DEFAULT_LEASE = 10 * 60_000;
const DEFAULT_BATCH = 50;
/** SmtpMailer's defaults, ms */
const DEFAULT_SMTP_TIMEOUTS = { connection: 30_000, greeting: 30_000, socket: 60_000 };

export function buildOutboxMailer(wiring: OutboxMailerWiring): OutboxMail {
  const lease = wiring.outbox?.lease ?? DEFAULT_LEASE;
  const t = wiring.smtp.timeouts ?? {};
  const longest =
    (t.connection ?? DEFAULT_SMTP_TIMEOUTS.connection) +
    (t.greeting ?? DEFAULT_SMTP_TIMEOUTS.greeting) +
    (t.socket ?? DEFAULT_SMTP_TIMEOUTS.socket);
  if (!(longest < lease)) {
    // a send that outlives its claim could be sent again by another delivery meanwhile
    throw new RangeError(
      `mail: the SMTP timeouts (${longest} ms together) must be shorter than the outbox lease (${lease} ms)`,
    );
  }
  // one connection for a whole delivery rather than one per message, unless told otherwise
  const smtp = new SmtpMailer({ clock: wiring.clock, pool: true, ...wiring.smtp });
  const store = wiring.store ?? new SqlOutboxStore(wiring.db);
  const outbox = new Outbox(store, smtp, { ...wiring.outbox, clock: wiring.clock });
  const mailer = new OutboxMailer(outbox, {
    portalLink: wiring.portalLink,
    ...(wiring.consoleLink ? { consoleLink: wiring.consoleLink } : {}),
    helpdesk: wiring.helpdesk,
    ...(wiring.brand ? { brand: wiring.brand } : {}),
  });
  const maxBatches = wiring.maxBatches ?? 20;
  const batchSize = wiring.outbox?.batchSize ?? DEFAULT_BATCH;
  let closed = false;
  let tail: Promise<unknown> = Promise.resolve();

  /** Batch after batch until nothing is left that is due now, the mail system is down, or the cap. */
  async function deliverDue(): Promise<DeliveryReport> {
    const total = emptyReport();
    for (let i = 0; i < maxBatches; i++) {
      const r = await outbox.deliver();
      for (const k of LISTS) total[k].push(...r[k]);
      if (r.transportError !== undefined) {
        total.transportError = r.transportError;
        break;
      }
      // everything a batch touches leaves the due set (sent, leased, backed off, deferred), so
      // a short batch means done, and so does one that only met other processes' claims
      const n = handled(r);
      if (n < batchSize || r.skipped.length === n) break;
    }
    return total;
  }

  return {
    mailer,
    outbox,
    deliver() {
      if (closed) return Promise.reject(new Error("mail: deliver() after close()"));
      const next = tail.then(deliverDue);
      tail = next.catch(() => undefined);
      return next;
    },
    describe: () => smtp.describe(),
    close() {
      closed = true;
      smtp.close();
    },
  };
}

const LISTS = ["sent", "retrying", "failed", "deferred", "unrecorded", "skipped"] as const;

function handled(r: DeliveryReport): number {
  return LISTS.reduce((n, k) => n + r[k].length, 0);
}

function emptyReport(): DeliveryReport {
  return { sent: [], retrying: [], failed: [], deferred: [], unrecorded: [], skipped: [] };
}

/**
 * SMTP as `ferry.json` has it (`"smtp": { … }`). The password is never in the file: the file
 * names the environment variable that holds it.
 */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (usually port 465); otherwise STARTTLS as `starttls` says */
  secure?: boolean;
  /** default "required" (never in clear text); "off" only for a local relay */
  starttls?: "required" | "opportunistic" | "off";
  user?: string;
  /** the environment variable with the password, e.g. "FERRY_SMTP_PASSWORD"; needed with `user` */
  passwordEnv?: string;
  /** the From header, e.g. `"IT Service Desk" <it-migration@contoso.example>` */
  from: string;
  replyTo?: string;
  /** envelope sender: where bounces go */
  bounceAddress?: string;
  /** the right-hand side of Message-IDs: your mail domain */
  messageIdDomain?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STARTTLS = ["required", "opportunistic", "off"];

/** What is wrong with an `smtp` section, one message per problem; never echoes a value that may be secret. */
export function smtpConfigProblems(raw: unknown, where = "smtp"): string[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [`"${where}" must be an object`];
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const text = (k: string) => typeof c[k] === "string" && (c[k] as string).trim() !== "";
  if (!text("host")) problems.push(`"${where}.host" must be a host name`);
  if (!Number.isInteger(c.port) || (c.port as number) < 1 || (c.port as number) > 65535)
    problems.push(`"${where}.port" must be a port number`);
  if (c.secure !== undefined && typeof c.secure !== "boolean")
    problems.push(`"${where}.secure" must be true or false`);
  if (c.starttls !== undefined && !STARTTLS.includes(c.starttls as string))
    problems.push(`"${where}.starttls" must be one of ${STARTTLS.join(", ")}`);
  if (!text("from")) problems.push(`"${where}.from" must be the sender's address`);
  for (const k of ["user", "replyTo", "bounceAddress", "messageIdDomain"])
    if (c[k] !== undefined && !text(k)) problems.push(`"${where}.${k}" must be a non-empty string`);
  if (c.passwordEnv !== undefined && !(typeof c.passwordEnv === "string" && ENV_NAME.test(c.passwordEnv)))
    problems.push(`"${where}.passwordEnv" must be the name of an environment variable (letters, digits, _)`);
  if (c.user !== undefined && c.passwordEnv === undefined)
    problems.push(`"${where}.user" needs "${where}.passwordEnv": the variable that holds the password`);
  if ("password" in c || "pass" in c)
    problems.push(`"${where}" must not hold the password: name its environment variable in "passwordEnv"`);
  return problems;
}

/** The mailer's options from the configuration, the password read from the environment. */
export function smtpOptionsFromConfig(
  config: SmtpConfig,
  env: Readonly<Record<string, string | undefined>>,
): SmtpMailerOptions {
  const problems = smtpConfigProblems(config);
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  let auth: SmtpMailerOptions["auth"];
  if (config.user) {
    const pass = env[config.passwordEnv!];
    if (!pass)
      throw new RangeError(`smtp: the environment variable ${config.passwordEnv} (the password) is not set`);
    auth = { user: config.user, pass };
  }
  return {
    host: config.host,
    port: config.port,
    ...(config.secure !== undefined ? { secure: config.secure } : {}),
    ...(config.starttls ? { starttls: config.starttls } : {}),
    ...(auth ? { auth } : {}),
    from: config.from,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    ...(config.bounceAddress ? { bounceAddress: config.bounceAddress } : {}),
    ...(config.messageIdDomain ? { messageIdDomain: config.messageIdDomain } : {}),
  };
}
