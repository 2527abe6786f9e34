/**
 * How a failed send is treated. `temporary`: the server said 4xx about this message (a full
 * mailbox, greylisting): retry it later with backoff, up to a limit. `permanent`: 5xx about
 * this message (no such user, rejected content): never retry, mark it failed. `transport`:
 * the mail system itself is unreachable or refuses us (connection, TLS, authentication, 421):
 * nothing is wrong with the message, so it waits and never fails for that, and the rest of
 * the batch waits too.
 */
export type MailFailure = "temporary" | "permanent" | "transport";

export class MailSendError extends Error {
  constructor(
    message: string,
    readonly failure: MailFailure,
    readonly responseCode?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "MailSendError";
  }
}

const TRANSPORT_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "EPROTOCOL",
  "EREQUIRETLS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
]);

/** Commands whose failure says nothing about the message: the session never got to it. */
const SESSION_COMMANDS = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH\b)/;

/** Classifies an error from any mailer: ours, nodemailer's, or a plain Error (temporary). */
export function classifyMailError(error: unknown): MailFailure {
  if (error instanceof MailSendError) return error.failure;
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const command = typeof e.command === "string" ? e.command : "";
  if (code && TRANSPORT_CODES.has(code)) return "transport";
  if (SESSION_COMMANDS.test(command)) return "transport";
  if (responseCode === 421) return "transport"; // "service not available, closing channel"
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) return "permanent";
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) return "temporary";
  // refused before talking to a server: a malformed address never gets better
  if (code === "EENVELOPE" && command === "API") return "permanent";
  return "temporary";
}
