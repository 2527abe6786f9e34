import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { inspect } from "node:util";
import { ManualClock } from "../../src/core/time.ts";
import {
  type MailLogger,
  MailSendError,
  messageIdFor,
  renderMessage,
  SmtpMailer,
  sampleContext,
} from "../../src/notify/index.ts";
import { startSmtp, type TestSmtp } from "./smtp-harness.ts";

const FROM = '"IT Service Desk" <it-migration@contoso.example>';

function capture(): { logger: MailLogger; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      info: (obj, msg) => lines.push(`${msg} ${JSON.stringify(obj)}`),
      warn: (obj, msg) => lines.push(`${msg} ${JSON.stringify(obj)}`),
    },
  };
}

describe("SMTP mailer", () => {
  const servers: TestSmtp[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const server = async (...args: Parameters<typeof startSmtp>) => {
    const s = await startSmtp(...args);
    servers.push(s);
    return s;
  };

  it("delivers HTML and text with a Message-ID derived from the key, and Ferry's headers", async () => {
    const smtp = await server();
    const clock = new ManualClock(Date.UTC(2026, 2, 9, 9));
    const mailer = new SmtpMailer({
      host: "127.0.0.1",
      port: smtp.port,
      starttls: "off",
      from: FROM,
      bounceAddress: "bounces@contoso.example",
      messageIdDomain: "ferry.contoso.example",
      clock,
    });
    const rendered = renderMessage("instructions", sampleContext("instructions", "de-DE"));
    const key = "mail:instructions:w2:p-de-de:0";
    const { messageId } = await mailer.send({
      to: "jana.mueller@contoso.example",
      personId: "p-de-de",
      template: "instructions",
      idempotencyKey: key,
      ...rendered,
    });
    mailer.close();
    assert.equal(messageId, messageIdFor(key, "ferry.contoso.example"));
    assert.match(messageId, /^<[0-9a-f]{64}@ferry\.contoso\.example>$/);
    assert.equal(smtp.received.length, 1);
    const got = smtp.received[0]!;
    const m = got.parsed;
    assert.deepEqual(got.rcptTo, ["jana.mueller@contoso.example"]);
    assert.equal(got.mailFrom, "bounces@contoso.example", "bounces go to the bounce mailbox");
    assert.equal(got.envelopeId, messageId.slice(1, 65), "ENVID requested for DSNs");
    assert.equal(m.messageId, messageId);
    assert.equal(m.subject, rendered.subject);
    assert.equal((m.to as { text: string }).text, "jana.mueller@contoso.example");
    assert.equal(m.text?.trim(), rendered.text.trim());
    assert.equal(String(m.html).trim(), rendered.html.trim());
    assert.equal(m.headers.get("x-ferry-template"), "instructions");
    assert.equal(m.headers.get("x-ferry-person"), "p-de-de");
    assert.equal(m.headers.get("auto-submitted"), "auto-generated");
    assert.equal((m.date as Date).getTime(), clock.now(), "Date header from the injected clock");
  });

  it("gives the same key the same Message-ID on every send, and different keys different ones", async () => {
    const smtp = await server();
    const mailer = new SmtpMailer({ host: "127.0.0.1", port: smtp.port, starttls: "off", from: FROM });
    const mail = { to: "a@contoso.example", personId: "p1", template: "reminder", subject: "s", text: "t" };
    const a = await mailer.send({ ...mail, idempotencyKey: "k1" });
    const b = await mailer.send({ ...mail, idempotencyKey: "k1" });
    const c = await mailer.send({ ...mail, idempotencyKey: "k2" });
    mailer.close();
    assert.equal(a.messageId, b.messageId);
    assert.notEqual(a.messageId, c.messageId);
    assert.deepEqual(
      smtp.received.map((r) => r.parsed.messageId),
      [a.messageId, a.messageId, c.messageId],
    );
    await assert.rejects(mailer.send({ ...mail, idempotencyKey: "" }), MailSendError);
  });

  it("upgrades with STARTTLS, authenticates, and never shows the password", async () => {
    const pass = "s3cret-Pa55word!";
    const smtp = await server({ starttls: true, auth: { user: "ferry", pass } });
    const { logger, lines } = capture();
    const mailer = new SmtpMailer({
      host: "127.0.0.1",
      port: smtp.port,
      starttls: "required",
      tls: { rejectUnauthorized: false }, // smtp-server's built-in test certificate
      auth: { user: "ferry", pass },
      from: FROM,
      logger,
    });
    const { messageId } = await mailer.send({
      to: "a@contoso.example",
      personId: "p1",
      template: "blocked",
      subject: "Enroll now",
      text: "t",
      idempotencyKey: "k-tls",
    });
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]!.secure, true, "the message crossed an encrypted connection");
    assert.equal(smtp.received[0]!.user, "ferry");
    assert.equal(smtp.received[0]!.parsed.messageId, messageId);

    const wrong = new SmtpMailer({
      host: "127.0.0.1",
      port: smtp.port,
      tls: { rejectUnauthorized: false },
      auth: { user: "ferry", pass: "wrong-password-123" },
      from: FROM,
      logger,
    });
    const error = await wrong
      .send({
        to: "a@contoso.example",
        personId: "p1",
        template: "t",
        subject: "s",
        text: "t",
        idempotencyKey: "k",
      })
      .then(
        () => assert.fail("sent with a wrong password"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof MailSendError);
    assert.equal(
      error.failure,
      "transport",
      "bad credentials are the mail system's problem, not the message's",
    );
    for (const shown of [
      ...lines,
      error.message,
      JSON.stringify(mailer),
      JSON.stringify(wrong),
      inspect(mailer, { depth: 10, showHidden: true }),
      inspect(wrong, { depth: 10, showHidden: true }),
    ]) {
      assert.ok(!shown.includes(pass), `password shown in: ${shown.slice(0, 120)}`);
      assert.ok(!shown.includes("wrong-password-123"), `password shown in: ${shown.slice(0, 120)}`);
      assert.ok(!shown.includes(Buffer.from(`\u0000ferry\u0000${pass}`).toString("base64")));
    }
    assert.deepEqual(JSON.parse(JSON.stringify(mailer)).user, "ferry");
    mailer.close();
    wrong.close();
  });

  it("refuses to send in clear text when STARTTLS is required but not offered", async () => {
    const smtp = await server({ starttls: false });
    const mailer = new SmtpMailer({ host: "127.0.0.1", port: smtp.port, from: FROM }); // default: required
    await assert.rejects(
      mailer.send({
        to: "a@contoso.example",
        personId: "p1",
        template: "t",
        subject: "s",
        text: "t",
        idempotencyKey: "k",
      }),
      (e: unknown) => e instanceof MailSendError && e.failure === "transport",
    );
    assert.equal(smtp.received.length, 0);
    mailer.close();
  });

  it("classifies the server's answers: 4xx temporary, 5xx permanent", async () => {
    const smtp = await server({
      rcpt: (_n, address) =>
        address.startsWith("full")
          ? { code: 452, message: "4.2.2 Mailbox full" }
          : address.startsWith("gone")
            ? { code: 550, message: "5.1.1 No such user" }
            : undefined,
    });
    const mailer = new SmtpMailer({ host: "127.0.0.1", port: smtp.port, starttls: "off", from: FROM });
    const base = { personId: "p1", template: "t", subject: "s", text: "t", idempotencyKey: "k" };
    const failure = (to: string) =>
      mailer.send({ ...base, to }).then(
        () => "sent",
        (e: MailSendError) => `${e.failure} ${e.responseCode}`,
      );
    assert.equal(await failure("full@contoso.example"), "temporary 452");
    assert.equal(await failure("gone@contoso.example"), "permanent 550");
    assert.equal(await failure("ok@contoso.example"), "sent");
    mailer.close();
  });
});
