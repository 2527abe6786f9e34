/**
 * A real SMTP server for the notification tests: smtp-server on 127.0.0.1, port 0, keeping
 * every message it accepts (raw and parsed with mailparser) and answering RCPT TO as a test
 * script says (451 for the first N attempts, 550 always, …).
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { verifyPortalLinkSignature } from "../../src/server/portal-links.ts";
import type { Secrets } from "../../src/server/secrets.ts";

export interface Received {
  raw: Buffer;
  parsed: ParsedMail;
  mailFrom: string;
  rcptTo: string[];
  /** ENVID as the client sent it with MAIL FROM (DSN extension) */
  envelopeId: string | undefined;
  secure: boolean;
  user: unknown;
}

export interface TestSmtp {
  port: number;
  received: Received[];
  /** RCPT TO commands seen, accepted or not */
  rcptAttempts(): number;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** the answer to the n-th RCPT TO (1-based); undefined accepts */
  rcpt?: (attempt: number, address: string) => { code: number; message: string } | undefined;
  /** offer STARTTLS (with smtp-server's built-in test certificate) */
  starttls?: boolean;
  /** require AUTH with these credentials */
  auth?: { user: string; pass: string };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  let rcpt = 0;
  const disabled: string[] = [];
  if (!options.starttls) disabled.push("STARTTLS");
  if (!options.auth) disabled.push("AUTH");
  const server = new SMTPServer({
    disabledCommands: disabled,
    authOptional: !options.auth,
    allowInsecureAuth: !options.starttls,
    logger: false,
    disableReverseLookup: true,
    hideDSN: false, // advertise DSN, so the client's ENVID and NOTIFY reach us
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      return callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onRcptTo(address, _session, callback) {
      rcpt++;
      const answer = options.rcpt?.(rcpt, address.address);
      if (answer) return callback(smtpError(answer.code, answer.message));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom;
            received.push({
              raw,
              parsed,
              mailFrom: from ? from.address : "",
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              envelopeId: (session.envelope as { dsn?: { envid?: string } }).dsn?.envid,
              secure: session.secure,
              user: session.user,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    rcptAttempts: () => rcpt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits (in real time, briefly) until `check` holds; for promises the test abandons on purpose. */
export async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A delivery status notification as Postfix writes it. */
export function postfixDsn(
  messageId: string | undefined,
  recipient: string,
  options: { action?: string; envelopeId?: string; returned?: "headers" | "message" | "none" } = {},
): string {
  const action = options.action ?? "failed";
  const returned = options.returned ?? "headers";
  return [
    "From: MAILER-DAEMON@mx.contoso.example (Mail Delivery System)",
    "To: bounces@contoso.example",
    "Subject: Undelivered Mail Returned to Sender",
    "Message-ID: <20260115100001.1A2B3C@mx.contoso.example>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"',
    "",
    "--B0UND",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "I'm sorry to have to inform you that your message could not be delivered.",
    "",
    "--B0UND",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.contoso.example",
    ...(options.envelopeId ? [`Original-Envelope-Id: ${options.envelopeId}`] : []),
    "Arrival-Date: Thu, 15 Jan 2026 10:00:00 +0000",
    "",
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822;${recipient}`,
    `Action: ${action}`,
    `Status: ${action === "failed" ? "5.1.1" : "4.4.1"}`,
    "Remote-MTA: dns; mail.contoso.example",
    `Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected:`,
    "    User unknown in virtual mailbox table",
    "",
    ...(returned === "none"
      ? []
      : [
          "--B0UND",
          `Content-Type: ${returned === "headers" ? "text/rfc822-headers" : "message/rfc822"}`,
          "",
          "From: Ferry <ferry@contoso.example>",
          `To: ${recipient}`,
          "Subject: Erinnerung",
          ...(messageId ? [`Message-ID: ${messageId}`] : []),
          ...(returned === "message" ? ["Content-Type: text/plain", "", "Hallo Jana,"] : []),
          "",
        ]),
    "--B0UND--",
    "",
  ].join("\r\n");
}

/**
 * A message from the installation whose `mail.publicUrl` is https://ferry.contoso.example: it
 * carries a portal link signed with `secrets`, for the person its X-Ferry-Person names.
 */
export function assertSignedPortalLink(m: Received, secrets: Secrets): void {
  const link = /https:\/\/ferry\.contoso\.example\/portal#(fp1\.[A-Za-z0-9_.-]+)/.exec(m.parsed.text ?? "");
  assert.ok(link, `a portal link in ${m.parsed.text}`);
  const check = verifyPortalLinkSignature(link[1]!, Date.now(), secrets);
  assert.equal(check.ok, true);
  assert.equal(check.link?.personId, m.parsed.headers.get("x-ferry-person"));
}
