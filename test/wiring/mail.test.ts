/** buildOutboxMailer: what `ferry run` and `ferry serve` get when SMTP is configured. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OutgoingMail } from "../../src/core/ports/mailer.ts";
import { ManualClock, MINUTE } from "../../src/core/time.ts";
import type { Store } from "../../src/store/open.ts";
import {
  buildOutboxMailer,
  type OutboxMailerWiring,
  smtpConfigProblems,
  smtpOptionsFromConfig,
} from "../../src/wiring/mail.ts";
import { startSmtp, type TestSmtp } from "../notify/smtp-harness.ts";
import { dropTestStore, newStoreLocation, openTestStore, type StoreLocation } from "../support/store.ts";

const START = Date.UTC(2027, 2, 2, 10); // Tuesday 11:00 in Berlin
const HELPDESK = { name: "IT", phone: "+49 30 1234", email: "it@contoso.example", hours: "9–17" };

function mail(i: number, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    to: `person${i}@contoso.example`,
    personId: `p${i}`,
    template: "instructions",
    subject: "Move your devices",
    text: `Hello ${i}`,
    idempotencyKey: `mail:instructions:w1:p${i}:0`,
    data: {
      person: { id: `p${i}`, displayName: `Person ${i}`, locale: "de-DE", timeZone: "Europe/Berlin" },
      wave: { id: "w1", name: "Welle 1" },
      devices: [
        {
          id: `d${i}`,
          name: "Pixel 8",
          platform: "android",
          mode: "android-work-profile",
          path: "self-service",
        },
      ],
    },
    ...over,
  };
}

describe("buildOutboxMailer", () => {
  let smtp: TestSmtp;
  let store: Store;
  let location: StoreLocation;
  const clock = new ManualClock(START);
  const closers: (() => void)[] = [];

  before(async () => {
    smtp = await startSmtp();
    location = newStoreLocation();
    store = await openTestStore(location);
  });
  after(async () => {
    for (const c of closers) c();
    await smtp.close();
    await store.close();
    await dropTestStore(location);
  });

  function build(over: Partial<OutboxMailerWiring> = {}, port = smtp.port) {
    const m = buildOutboxMailer({
      db: store.db,
      clock,
      smtp: {
        host: "127.0.0.1",
        port,
        starttls: "off",
        from: "IT <it@contoso.example>",
        messageIdDomain: "ferry.test",
      },
      portalLink: (id) => `https://ferry.example/portal#token-${id}`,
      helpdesk: HELPDESK,
      ...over,
    });
    closers.push(() => m.close());
    return m;
  }

  it("refuses SMTP timeouts that could outlive the outbox's lease", () => {
    assert.throws(
      () =>
        build({
          smtp: { host: "127.0.0.1", port: 25, from: "it@contoso.example", timeouts: { socket: 9 * MINUTE } },
        }),
      /shorter than the outbox lease/,
    );
    assert.throws(() => build({ outbox: { lease: 60_000 } }), /shorter than the outbox lease/);
  });

  it("queues on send (nothing reaches SMTP), then delivers everything due in one call, batch after batch", async () => {
    const m = build({ outbox: { batchSize: 2 } });
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await m.mailer.send(mail(i))).messageId);
    assert.equal(smtp.received.length, 0, "send only queues");
    assert.equal(
      (await m.mailer.send(mail(1, { subject: "changed" }))).messageId,
      ids[0],
      "idempotent by key",
    );
    const report = await m.deliver();
    assert.equal(report.sent.length, 5);
    assert.deepEqual(
      smtp.received.map((r) => r.parsed.messageId).sort(),
      [...ids].sort(),
      "each once, with the Message-ID send() returned",
    );
    const first = smtp.received.find((r) => r.parsed.messageId === ids[0])!.parsed;
    assert.match(first.subject!, /^Handlungsbedarf/, "rendered from the data, in the reader's language");
    assert.ok(String(first.html).includes("https://ferry.example/portal#token-p1"));
    assert.deepEqual((await m.deliver()).sent, []);
  });

  it("runs one delivery at a time: concurrent calls never send a message twice", async () => {
    const m = build();
    const before = smtp.received.length;
    for (let i = 10; i < 16; i++) await m.mailer.send(mail(i));
    const [a, b] = await Promise.all([m.deliver(), m.deliver()]);
    assert.equal(a.sent.length + b.sent.length, 6);
    assert.equal(a.skipped.length + b.skipped.length, 0);
    assert.equal(smtp.received.length - before, 6);
  });

  it("stops at the first transport error and keeps the messages for later", async () => {
    const down = await startSmtp();
    const port = down.port;
    await down.close(); // nothing listens there any more
    const m = build({}, port);
    await m.mailer.send(mail(20));
    await m.mailer.send(mail(21));
    const report = await m.deliver();
    assert.ok(report.transportError, "the report says why");
    assert.equal(report.failed.length, 0, "the mail system being down is not the message's fault");
    assert.equal(report.retrying.length, 1, "the batch stopped at the first message");
    const up = build();
    clock.set(START + 2 * 60 * MINUTE);
    assert.deepEqual(
      (await up.deliver()).sent.sort(),
      [mail(20).idempotencyKey, mail(21).idempotencyKey].sort(),
    );
  });

  it("describes the connection without the password and refuses to deliver once closed", async () => {
    const m = build({
      smtp: {
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        from: "it@contoso.example",
        auth: { user: "ferry", pass: "s3cret-passw0rd" },
      },
    });
    const shown = JSON.stringify(m.describe());
    assert.match(shown, /"user":"ferry"/);
    assert.doesNotMatch(shown, /s3cret/);
    m.close();
    await assert.rejects(m.deliver(), /after close/);
  });
});

describe("SMTP from the configuration", () => {
  const config = {
    host: "smtp.contoso.example",
    port: 587,
    user: "ferry@contoso.example",
    passwordEnv: "FERRY_SMTP_PASSWORD",
    from: "IT Service Desk <it-migration@contoso.example>",
    messageIdDomain: "contoso.example",
  };

  it("takes host, port, TLS and user from the file and the password from the variable it names", () => {
    const o = smtpOptionsFromConfig(config, { FERRY_SMTP_PASSWORD: "pa55-word" });
    assert.deepEqual(o, {
      host: "smtp.contoso.example",
      port: 587,
      auth: { user: "ferry@contoso.example", pass: "pa55-word" },
      from: "IT Service Desk <it-migration@contoso.example>",
      messageIdDomain: "contoso.example",
    });
    const relay = smtpOptionsFromConfig(
      { host: "relay.local", port: 465, secure: true, from: "it@contoso.example" },
      {},
    );
    assert.deepEqual(relay, { host: "relay.local", port: 465, secure: true, from: "it@contoso.example" });
  });

  it("names the missing variable, never a value", () => {
    assert.throws(() => smtpOptionsFromConfig(config, {}), /FERRY_SMTP_PASSWORD \(the password\) is not set/);
    const mistaken = { ...config, passwordEnv: "hunter2 is my password" };
    const problems = smtpConfigProblems(mistaken);
    assert.equal(problems.length, 1);
    assert.doesNotMatch(problems[0]!, /hunter2/);
    assert.match(smtpConfigProblems({ ...config, password: "hunter2" }).join(), /must not hold the password/);
    assert.match(
      smtpConfigProblems({ ...config, passwordEnv: undefined }).join(),
      /needs "smtp.passwordEnv"/,
    );
  });

  it("lists every problem of a bad section", () => {
    assert.deepEqual(smtpConfigProblems({ port: 0, secure: "yes", starttls: "maybe" }), [
      '"smtp.host" must be a host name',
      '"smtp.port" must be a port number',
      '"smtp.secure" must be true or false',
      '"smtp.starttls" must be one of required, opportunistic, off',
      '"smtp.from" must be the sender\'s address',
    ]);
    assert.deepEqual(smtpConfigProblems("smtp.example"), ['"smtp" must be an object']);
  });
});
