import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { iso, ManualClock, MINUTE, type Millis } from "../../src/core/time.ts";
import {
  MemoryOutboxStore,
  Outbox,
  type OutboxMessage,
  type OutboxOptions,
  type RichMail,
  type RichMailer,
  renderMessage,
  SmtpMailer,
  sampleContext,
} from "../../src/notify/index.ts";
import { postfixDsn, startSmtp, type TestSmtp, until } from "./smtp-harness.ts";

const FROM = "Ferry <ferry@contoso.example>";
const DOMAIN = "ferry.test";
const LEASE = 10 * MINUTE;
const START = Date.UTC(2026, 0, 15, 10, 0); // Thursday 11:00 in Berlin: not quiet

function message(key: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  const r = renderMessage("reminder", sampleContext("reminder", "de-DE"));
  return {
    key,
    personId: "p-de-de",
    template: "reminder",
    to: "jana.mueller@contoso.example",
    subject: r.subject,
    text: r.text,
    html: r.html,
    timeZone: "Europe/Berlin",
    ...over,
  };
}

/** A store that fails to record `sent` once: the crash between SMTP's 250 and the write. */
class FailingMarkSentStore extends MemoryOutboxStore {
  failures = 1;
  override async markSent(key: string, messageId: string, now: Millis): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("database is gone (simulated crash after the server accepted the message)");
    }
    return super.markSent(key, messageId, now);
  }
}

describe("outbox", () => {
  const servers: TestSmtp[] = [];
  const mailers: SmtpMailer[] = [];
  after(async () => {
    for (const m of mailers) m.close();
    for (const s of servers) await s.close();
  });
  async function setup(
    smtpOptions: Parameters<typeof startSmtp>[0] = {},
    options: Partial<OutboxOptions> = {},
  ) {
    const smtp = await startSmtp(smtpOptions);
    servers.push(smtp);
    const clock = new ManualClock(START);
    const mailer = () => {
      const m = new SmtpMailer({
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        from: FROM,
        messageIdDomain: DOMAIN,
      });
      mailers.push(m);
      return m;
    };
    const store = new MemoryOutboxStore();
    const outbox = (s = store, m: RichMailer = mailer()) =>
      new Outbox(s, m, { clock, lease: LEASE, ...options });
    return { smtp, clock, mailer, store, outbox };
  }

  it("enqueues once per key and sends once", async () => {
    const { smtp, store, outbox } = await setup();
    const box = outbox();
    const first = await box.enqueue(message("k1"));
    const second = await box.enqueue(message("k1", { subject: "something else" }));
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.record.subject, first.record.subject, "the first enqueue wins");
    assert.equal(first.record.messageId, box.messageIdFor("k1"), "the Message-ID is known before sending");
    const report = await box.deliver(START);
    assert.deepEqual(report.sent, ["k1"]);
    assert.deepEqual((await box.deliver(START + LEASE * 2)).sent, []);
    assert.equal(smtp.received.length, 1);
    const row = (await store.get("k1"))!;
    assert.equal(row.status, "sent");
    assert.equal(row.sentAt, START);
    assert.equal(row.attempts, 1);
    assert.equal(smtp.received[0]!.parsed.messageId, row.messageId);
    assert.equal(smtp.received[0]!.parsed.headers.get("x-ferry-person"), "p-de-de");
  });

  it("resends after a crash between the server's acceptance and the record, once, with the same Message-ID", async () => {
    const { smtp, outbox } = await setup();
    const store = new FailingMarkSentStore();
    const first = outbox(store);
    await first.enqueue(message("k-crash"));
    const report = await first.deliver(START);
    assert.deepEqual(report.unrecorded, ["k-crash"]);
    assert.equal(smtp.received.length, 1, "the server has the message");
    assert.equal((await store.get("k-crash"))!.status, "sending");

    // a new process (new outbox, new mailer) while the lease still runs: nothing is sent
    const restarted = outbox(store);
    assert.deepEqual(await restarted.deliver(START + LEASE - MINUTE), {
      sent: [],
      retrying: [],
      failed: [],
      deferred: [],
      unrecorded: [],
      skipped: [],
    });
    assert.equal(smtp.received.length, 1);

    // the lease expired: sent again, with the same Message-ID, and recorded this time
    assert.deepEqual((await restarted.deliver(START + LEASE + MINUTE)).sent, ["k-crash"]);
    assert.equal(smtp.received.length, 2, "at most one extra copy");
    const [a, b] = smtp.received.map((r) => r.parsed);
    assert.equal(a!.messageId, restarted.messageIdFor("k-crash"));
    assert.equal(b!.messageId, a!.messageId);
    assert.equal(b!.subject, a!.subject);
    assert.equal(b!.text, a!.text, "the same content, frozen at enqueue");
    const row = (await store.get("k-crash"))!;
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 2);

    await restarted.deliver(START + 10 * LEASE);
    assert.equal(smtp.received.length, 2, "never a third time");
  });

  it("survives a process abandoned mid-send (its promise never settles)", async () => {
    const { smtp, mailer, store, outbox } = await setup();
    const real = mailer();
    // the server accepts, then the process "dies": the promise never resolves
    const dying: RichMailer = {
      messageIdFor: (k) => real.messageIdFor(k),
      send: async (m: RichMail) => {
        await real.send(m);
        return new Promise<never>(() => {});
      },
    };
    const doomed = outbox(store, dying);
    await doomed.enqueue(message("k-dead"));
    void doomed.deliver(START);
    await until(() => smtp.received.length === 1, "the first copy");
    assert.equal((await store.get("k-dead"))!.status, "sending");

    const next = outbox();
    assert.deepEqual((await next.deliver(START + MINUTE)).sent, [], "lease still running");
    assert.deepEqual((await next.deliver(START + LEASE)).sent, ["k-dead"]);
    assert.equal(smtp.received.length, 2);
    assert.equal(smtp.received[0]!.parsed.messageId, smtp.received[1]!.parsed.messageId);
  });

  it("retries 451 with growing backoff until it is delivered", async () => {
    const { smtp, store, outbox } = await setup({
      rcpt: (n) => (n <= 2 ? { code: 451, message: "4.7.1 Greylisted, try again later" } : undefined),
    });
    const box = outbox();
    await box.enqueue(message("k-grey"));

    assert.deepEqual((await box.deliver(START)).retrying, ["k-grey"]);
    let row = (await store.get("k-grey"))!;
    assert.equal(row.status, "pending");
    assert.equal(row.attempts, 1);
    assert.match(row.lastError!, /451/);
    const firstWait = row.nextAttemptAt - START;
    assert.ok(firstWait >= 30_000 && firstWait <= MINUTE, `first backoff ${firstWait}`);
    assert.deepEqual((await box.deliver(START + firstWait - 1)).retrying, [], "not before the backoff");
    assert.equal(smtp.rcptAttempts(), 1);

    const t2 = row.nextAttemptAt;
    assert.deepEqual((await box.deliver(t2)).retrying, ["k-grey"]);
    row = (await store.get("k-grey"))!;
    const secondWait = row.nextAttemptAt - t2;
    assert.ok(secondWait >= MINUTE && secondWait <= 2 * MINUTE, `second backoff ${secondWait}`);

    assert.deepEqual((await box.deliver(row.nextAttemptAt)).sent, ["k-grey"]);
    assert.equal(smtp.rcptAttempts(), 3);
    assert.equal(smtp.received.length, 1);
    row = (await store.get("k-grey"))!;
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 3);
  });

  it("marks a 550 failed at once and never retries it; gives up on 4xx after maxAttempts", async () => {
    const { smtp, store, outbox } = await setup(
      {
        rcpt: (_n, address) =>
          address.startsWith("gone")
            ? { code: 550, message: "5.1.1 User unknown" }
            : address.startsWith("full")
              ? { code: 452, message: "4.2.2 Mailbox full" }
              : undefined,
      },
      { maxAttempts: 3 },
    );
    const box = outbox();
    await box.enqueue(message("k-gone", { to: "gone@contoso.example" }));
    assert.deepEqual((await box.deliver(START)).failed, ["k-gone"]);
    const gone = (await store.get("k-gone"))!;
    assert.equal(gone.status, "failed");
    assert.match(gone.lastError!, /550/);
    await box.deliver(START + 3 * LEASE);
    assert.equal(smtp.rcptAttempts(), 1, "a permanent failure is not retried");

    await box.enqueue(message("k-full", { to: "full@contoso.example" }));
    let t = START + 3 * LEASE;
    for (let i = 0; i < 3; i++) {
      await box.deliver(t);
      t = (await store.get("k-full"))!.nextAttemptAt;
    }
    assert.equal((await store.get("k-full"))!.status, "failed");
    assert.equal((await store.get("k-full"))!.attempts, 3);
    assert.equal(smtp.received.length, 0);
  });

  it("never fails a message because the mail system is down, and stops the batch", async () => {
    const { outbox, store, smtp } = await setup({}, { maxAttempts: 2 });
    await smtp.close(); // nothing listens on the port any more
    const box = outbox();
    await box.enqueue(message("k-a"));
    await box.enqueue(message("k-b", { to: "other@contoso.example" }));
    let t = START;
    for (let i = 0; i < 4; i++) {
      const report = await box.deliver(t);
      assert.equal(report.retrying.length, 1, "the batch stops at the first transport error");
      assert.match(report.transportError!, /ECONNREFUSED|connect/i);
      t += 2 * 60 * MINUTE;
    }
    const rows = [(await store.get("k-a"))!, (await store.get("k-b"))!];
    assert.ok(
      rows.every((r) => r.status === "pending"),
      "still waiting, never failed",
    );
    assert.ok(rows[0]!.attempts + rows[1]!.attempts >= 4);
    servers.splice(servers.indexOf(smtp), 1);
  });

  it("defers a reminder due at 22:00 Berlin to 07:00, sends blocked at once, and handles the DST night", async () => {
    const { smtp, store, outbox, clock } = await setup();
    const box = outbox();
    const night = Date.UTC(2026, 0, 15, 21, 0); // 22:00 CET
    clock.set(night);
    await box.enqueue(message("k-reminder"));
    await box.enqueue(message("k-blocked", { template: "blocked", subject: "Jetzt registrieren" }));
    const report = await box.deliver(night);
    assert.deepEqual(report.deferred, ["k-reminder"]);
    assert.deepEqual(report.sent, ["k-blocked"], "people locked out get the way in at once");
    assert.equal(iso((await store.get("k-reminder"))!.nextAttemptAt), "2026-01-16T06:00:00.000Z");
    assert.deepEqual(
      smtp.received.map((r) => r.parsed.headers.get("x-ferry-template")),
      ["blocked"],
    );
    assert.deepEqual((await box.deliver(Date.UTC(2026, 0, 16, 5, 59))).sent, []);
    assert.deepEqual((await box.deliver(Date.UTC(2026, 0, 16, 6, 0))).sent, ["k-reminder"]);

    // the night the clocks go forward: 07:00 CEST is 05:00 UTC
    const spring = Date.UTC(2026, 2, 28, 21, 0); // Saturday 22:00 CET
    clock.set(spring);
    await box.enqueue(message("k-spring"));
    assert.deepEqual((await box.deliver(spring)).deferred, ["k-spring"]);
    assert.equal(iso((await store.get("k-spring"))!.nextAttemptAt), "2026-03-29T05:00:00.000Z");
    assert.deepEqual((await box.deliver(Date.UTC(2026, 2, 29, 5, 0))).sent, ["k-spring"]);

    // a recipient in New York is not held to Berlin's night
    const ny = Date.UTC(2026, 2, 30, 21, 0); // 23:00 in Berlin, 17:00 in New York
    clock.set(ny);
    await box.enqueue(message("k-ny", { timeZone: "America/New_York" }));
    assert.deepEqual((await box.deliver(ny)).sent, ["k-ny"]);
  });

  it("marks a bounced message from a DSN and names the person; a bounced message is never resent", async () => {
    const { smtp, store, outbox } = await setup();
    const box = outbox(
      store,
      new SmtpMailer({
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        from: FROM,
        messageIdDomain: DOMAIN,
      }),
    );
    await box.enqueue(message("k-bounce", { to: "nobody@contoso.example", personId: "p-42" }));
    await box.deliver(START);
    const sent = smtp.received[0]!.parsed;
    const dsn = postfixDsn(sent.messageId!, "nobody@contoso.example");
    const { report, bounce } = await box.processDsn(dsn, START + MINUTE);
    assert.ok(report?.failed);
    assert.equal(report.recipients[0]!.status, "5.1.1");
    assert.equal(bounce?.personId, "p-42");
    assert.equal(bounce?.key, "k-bounce");
    assert.match(bounce!.reason, /5\.1\.1.*User unknown/);
    const row = (await store.get("k-bounce"))!;
    assert.equal(row.status, "bounced");
    assert.equal(row.bouncedAt, START + MINUTE);

    // a bounce for a message whose `sent` was never recorded stops the resend too
    const crashy = new FailingMarkSentStore();
    const box2 = outbox(crashy);
    await box2.enqueue(message("k-bounce-2", { personId: "p-43" }));
    await box2.deliver(START);
    const bounce2 = await box2.recordBounce(box2.messageIdFor("k-bounce-2"), "5.1.1 user unknown");
    assert.equal(bounce2?.personId, "p-43");
    await box2.deliver(START + 3 * LEASE);
    assert.equal(smtp.received.length, 2, "not resent after the bounce");

    assert.equal(await box.recordBounce("<unknown@elsewhere.example>", "x"), undefined);
  });
});
