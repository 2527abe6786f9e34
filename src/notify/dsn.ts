/**
 * Delivery status notifications (RFC 3464): the standard bounce, a `multipart/report;
 * report-type=delivery-status` message with a machine-readable `message/delivery-status`
 * part and the original message or its headers. Parsed with mailparser; the original
 * Message-ID is taken from the returned headers, else from the envelope id Ferry sent with
 * the message (ENVID, RFC 3461), else from the first Ferry-shaped Message-ID in the report.
 */
import type { ParsedMail } from "mailparser";

/**
 * mailparser is loaded on first use: it is only needed where bounces are read, and package.json
 * lists it among the devDependencies for now (see docs/notifications.md).
 */
async function simpleParser(
  ...args: Parameters<typeof import("mailparser").simpleParser>
): Promise<ParsedMail> {
  const { simpleParser: parse } = await import("mailparser");
  return parse(...args);
}

export interface DsnRecipient {
  finalRecipient?: string;
  originalRecipient?: string;
  /** failed | delayed | delivered | relayed | expanded */
  action: string;
  /** enhanced status code, e.g. 5.1.1 */
  status?: string;
  diagnosticCode?: string;
  remoteMta?: string;
}

export interface DeliveryStatusReport {
  /** the Message-ID of the message the report is about, with angle brackets */
  originalMessageId?: string;
  /** ENVID as sent with MAIL FROM; Ferry's is the hex part of the Message-ID */
  originalEnvelopeId?: string;
  reportingMta?: string;
  recipients: DsnRecipient[];
  /** some recipient's action is `failed`: a bounce */
  failed: boolean;
  /** one line for people: status and diagnostic of the first failed (or any) recipient */
  reason: string;
}

/** Header-style fields (with folded continuation lines), in groups separated by blank lines. */
function fieldGroups(body: string): Array<Map<string, string>> {
  const groups: Array<Map<string, string>> = [];
  let current = new Map<string, string>();
  let last: string | undefined;
  for (const line of body.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trim() === "") {
      if (current.size > 0) groups.push(current);
      current = new Map();
      last = undefined;
    } else if (/^[ \t]/.test(line) && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
    } else {
      const i = line.indexOf(":");
      if (i <= 0) continue;
      last = line.slice(0, i).trim().toLowerCase();
      current.set(last, line.slice(i + 1).trim());
    }
  }
  if (current.size > 0) groups.push(current);
  return groups;
}

/** "rfc822; alice@example.com" → "alice@example.com" */
function typedValue(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const i = v.indexOf(";");
  return (i >= 0 ? v.slice(i + 1) : v).trim() || undefined;
}

function bracketed(id: string): string {
  const t = id.trim();
  return t.startsWith("<") ? t : `<${t}>`;
}

async function returnedMessageId(mail: ParsedMail): Promise<string | undefined> {
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type === "text/rfc822-headers" || type === "message/rfc822" || type === "message/global") {
      const inner = await simpleParser(a.content);
      if (inner.messageId) return bracketed(inner.messageId);
    }
  }
  return undefined;
}

/** The report in a raw message, or undefined when the message is not a delivery-status report. */
export async function parseDsn(raw: Buffer | string): Promise<DeliveryStatusReport | undefined> {
  const mail = await simpleParser(raw, { keepDeliveryStatus: true });
  const ct = mail.headers.get("content-type") as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  if (ct?.value?.toLowerCase() !== "multipart/report") return undefined;
  if ((ct.params?.["report-type"] ?? "").toLowerCase() !== "delivery-status") return undefined;
  const part = mail.attachments.find((a) =>
    ["message/delivery-status", "message/global-delivery-status"].includes(a.contentType.toLowerCase()),
  );
  if (!part) return undefined;
  const [perMessage, ...perRecipient] = fieldGroups(part.content.toString("utf8"));
  const recipients: DsnRecipient[] = perRecipient
    .filter((g) => g.has("action"))
    .map((g) => ({
      finalRecipient: typedValue(g.get("final-recipient")),
      originalRecipient: typedValue(g.get("original-recipient")),
      action: (g.get("action") ?? "").toLowerCase(),
      status: g.get("status"),
      diagnosticCode: typedValue(g.get("diagnostic-code")),
      remoteMta: typedValue(g.get("remote-mta")),
    }));
  const originalEnvelopeId = perMessage?.get("original-envelope-id");
  let originalMessageId = await returnedMessageId(mail);
  if (!originalMessageId) {
    // last resort: a Ferry Message-ID (64 hex digits) anywhere in the report
    const own = mail.messageId ? bracketed(mail.messageId) : undefined;
    const text = typeof raw === "string" ? raw : raw.toString("utf8");
    originalMessageId = [...text.matchAll(/<[0-9a-f]{64}@[A-Za-z0-9.-]+>/g)]
      .map((m) => m[0])
      .find((m) => m !== own);
  }
  const failedOne = recipients.find((r) => r.action === "failed");
  const about = failedOne ?? recipients[0];
  const reason = about
    ? [about.status, about.diagnosticCode].filter(Boolean).join(" ") || about.action
    : "delivery status notification without recipients";
  return {
    originalMessageId,
    originalEnvelopeId,
    reportingMta: typedValue(perMessage?.get("reporting-mta")),
    recipients,
    failed: failedOne !== undefined,
    reason,
  };
}
