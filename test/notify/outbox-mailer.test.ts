import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ManualClock } from "../../src/core/time.ts";
import {
  deviceInfoFromRow,
  type MailData,
  MemoryOutboxStore,
  Outbox,
  OutboxMailer,
  personInfoFromRow,
  SmtpMailer,
} from "../../src/notify/index.ts";
import { startSmtp, type TestSmtp } from "./smtp-harness.ts";

const HELPDESK = {
  name: "IT Service Desk",
  phone: "+49 30 1234 5678",
  email: "servicedesk@contoso.example",
  hours: "Mo–Fr 8–18 Uhr",
  locale: "de-DE",
  timeZone: "Europe/Berlin",
};

describe("the engine's mailer, backed by the outbox", () => {
  let smtp: TestSmtp;
  after(async () => smtp.close());

  it("renders from the engine's data, queues, returns the Message-ID, and delivers HTML and text", async () => {
    smtp = await startSmtp();
    const clock = new ManualClock(Date.UTC(2026, 2, 10, 9));
    const smtpMailer = new SmtpMailer({
      host: "127.0.0.1",
      port: smtp.port,
      starttls: "off",
      from: "it@contoso.example",
    });
    const store = new MemoryOutboxStore();
    const outbox = new Outbox(store, smtpMailer, { clock });
    const port = new OutboxMailer(outbox, {
      portalLink: (id) => `https://ferry.contoso.example/me/${id}?sig=abc`,
      consoleLink: (id) => `https://ferry.contoso.example/helpdesk/people/${id}`,
      helpdesk: HELPDESK,
    });
    // the rows as the store has them
    const person = personInfoFromRow({
      id: "p9",
      display_name: "Jana Müller",
      locale: "de-DE",
      time_zone: "Europe/Berlin",
      email: "jana@contoso.example",
    });
    const device = deviceInfoFromRow({
      id: "d9",
      model: "Pixel 8",
      platform: "android",
      mode: "android-work-profile",
      path: "self-service",
      apple_deadline_at: null,
      state_since: Date.UTC(2026, 2, 1),
    });
    const data: MailData = { person, wave: { id: "w1", name: "Welle 1" }, devices: [device] };
    const sent = await port.send({
      to: "jana@contoso.example",
      personId: "p9",
      template: "instructions",
      subject: "(plain fallback)",
      text: "(plain fallback)",
      idempotencyKey: "mail:instructions:w1:p9:0",
      data,
    });
    assert.equal(sent.messageId, outbox.messageIdFor("mail:instructions:w1:p9:0"));
    const queued = (await store.get("mail:instructions:w1:p9:0"))!;
    assert.equal(queued.status, "pending");
    assert.equal(queued.timeZone, "Europe/Berlin");
    assert.match(queued.subject, /Handlungsbedarf/);

    // the helpdesk's escalation: its link, its zone
    await port.send({
      to: HELPDESK.email,
      personId: "p9",
      template: "helpdesk-escalation",
      subject: "",
      text: "",
      idempotencyKey: "mail:helpdesk-escalation:w1:p9:d9",
      data: { ...data, devices: [{ ...device, stateSince: Date.UTC(2026, 2, 5) }] },
    });
    // a message without data goes out as the plain text it came with
    await port.send({
      to: "x@contoso.example",
      personId: "p1",
      template: "custom",
      subject: "Plain",
      text: "Just text",
      idempotencyKey: "k-plain",
    });

    const report = await outbox.deliver();
    smtpMailer.close();
    assert.equal(report.sent.length, 3);
    const byTemplate = new Map(
      smtp.received.map((r) => [r.parsed.headers.get("x-ferry-template"), r.parsed]),
    );
    const instructions = byTemplate.get("instructions")!;
    assert.equal(instructions.messageId, sent.messageId);
    assert.ok(String(instructions.html).includes("https://ferry.contoso.example/me/p9?sig=abc"));
    assert.ok(instructions.text?.includes("Arbeitsprofil"));
    const escalation = byTemplate.get("helpdesk-escalation")!;
    assert.ok(String(escalation.html).includes("https://ferry.contoso.example/helpdesk/people/p9"));
    assert.match(escalation.subject!, /Jana Müller/);
    const plain = byTemplate.get("custom")!;
    assert.equal(plain.html, false);
    assert.equal(plain.text?.trim(), "Just text");
  });
});
