import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../src/core/time.ts";
import {
  MemoryOutboxStore,
  messageIdFor,
  Outbox,
  parseDsn,
  type RichMailer,
} from "../../src/notify/index.ts";
import { postfixDsn } from "./smtp-harness.ts";

const ID = messageIdFor("mail:blocked:w1:p7:0", "ferry.test");

describe("delivery status notifications", () => {
  it("reads a Postfix DSN with returned headers", async () => {
    const r = (await parseDsn(postfixDsn(ID, "alice@contoso.example")))!;
    assert.equal(r.originalMessageId, ID);
    assert.equal(r.failed, true);
    assert.equal(r.reportingMta, "mx.contoso.example");
    assert.deepEqual(r.recipients, [
      {
        finalRecipient: "alice@contoso.example",
        originalRecipient: "alice@contoso.example",
        action: "failed",
        status: "5.1.1",
        diagnosticCode:
          "550 5.1.1 <alice@contoso.example>: Recipient address rejected: User unknown in virtual mailbox table",
        remoteMta: "mail.contoso.example",
      },
    ]);
  });

  it("finds the original Message-ID in a returned message, or by the envelope id", async () => {
    assert.equal(
      (await parseDsn(postfixDsn(ID, "a@contoso.example", { returned: "message" })))!.originalMessageId,
      ID,
    );
    const envidOnly = (await parseDsn(
      postfixDsn(undefined, "a@contoso.example", { returned: "none", envelopeId: ID.slice(1, 65) }),
    ))!;
    assert.equal(envidOnly.originalMessageId, undefined);
    assert.equal(envidOnly.originalEnvelopeId, ID.slice(1, 65));

    // the outbox maps the envelope id back to its message
    const clock = new ManualClock(0);
    const mailer: RichMailer = {
      messageIdFor: (k) => messageIdFor(k, "ferry.test"),
      send: async () => ({ messageId: "" }),
    };
    const outbox = new Outbox(new MemoryOutboxStore(), mailer, { clock });
    await outbox.enqueue({
      key: "mail:blocked:w1:p7:0",
      personId: "p7",
      template: "blocked",
      to: "a@contoso.example",
      subject: "s",
      text: "t",
    });
    const { bounce } = await outbox.processDsn(
      postfixDsn(undefined, "a@contoso.example", { returned: "none", envelopeId: ID.slice(1, 65) }),
    );
    assert.equal(bounce?.personId, "p7");
  });

  it("does not count a delay as a bounce, and ignores messages that are not DSNs", async () => {
    const delayed = (await parseDsn(postfixDsn(ID, "a@contoso.example", { action: "delayed" })))!;
    assert.equal(delayed.failed, false);
    assert.equal(delayed.recipients[0]!.action, "delayed");
    const plain =
      "From: someone@example.com\r\nTo: bounces@contoso.example\r\nSubject: out of office\r\n\r\nBack Monday.\r\n";
    assert.equal(await parseDsn(plain), undefined);
    const clock = new ManualClock(0);
    const outbox = new Outbox(new MemoryOutboxStore(), { send: async () => ({ messageId: "" }) }, { clock });
    assert.deepEqual(await outbox.processDsn(plain), { report: undefined, bounce: undefined });
  });
});
