/**
 * The `Mailer` port over `POST /users/{sender}/sendMail` → 202 (vendor-apis.md §A6). Graph
 * returns no message id, so the one Ferry records is derived from the idempotency key
 * (`<sha256(key)@ferry.graph>`), as the SMTP mailer derives its Message-ID. The template,
 * person and idempotency key travel as `X-Ferry-*` internet message headers, so a receiving
 * system (or the emulator) can tell them apart and spot a repeat.
 *
 * A send is retried by the HTTP pipeline when Graph answered transiently (throttled, 5xx, a
 * dropped connection). That can deliver a message twice if Graph had accepted it; the
 * engine's outbox retries a failed send the same way, so delivery is at least once either
 * way, and a repeat carries the same `X-Ferry-Idempotency-Key`.
 */
import { createHash } from "node:crypto";
import type { Mailer, OutgoingMail } from "../../core/ports/index.ts";
import { type GraphClient, MAIL_SCOPE } from "./client.ts";

export function graphMessageId(idempotencyKey: string): string {
  return `<${createHash("sha256").update(idempotencyKey).digest("hex")}@ferry.graph>`;
}

export class GraphMailer implements Mailer {
  readonly #client: GraphClient;
  readonly #sender: string;

  constructor(client: GraphClient) {
    const sender = client.config.mailSender;
    if (!sender)
      throw new RangeError("Microsoft Graph connector: the mailer needs mailSender (a mailbox UPN)");
    this.#client = client;
    this.#sender = sender;
  }

  async send(mail: OutgoingMail & { html?: string }): Promise<{ messageId: string }> {
    if (!mail.idempotencyKey)
      throw new Error("Microsoft Graph mailer: refusing a message without an idempotency key");
    const html = typeof mail.html === "string" && mail.html !== "";
    await this.#client.request({
      method: "POST",
      path: `/users/${encodeURIComponent(this.#sender)}/sendMail`,
      body: {
        message: {
          subject: mail.subject,
          body: { contentType: html ? "HTML" : "Text", content: html ? mail.html : mail.text },
          toRecipients: [{ emailAddress: { address: mail.to } }],
          internetMessageHeaders: [
            { name: "X-Ferry-Template", value: mail.template },
            { name: "X-Ferry-Person", value: mail.personId },
            { name: "X-Ferry-Idempotency-Key", value: mail.idempotencyKey },
          ],
        },
        saveToSentItems: false,
      },
      scope: MAIL_SCOPE,
      idempotent: true,
      expect: [200, 202],
    });
    return { messageId: graphMessageId(mail.idempotencyKey) };
  }
}
