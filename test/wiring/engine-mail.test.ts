/**
 * The engine's e-mail end to end: a wave in the simulated organisation whose mailer is the
 * outbox mailer over the store's `mail_outbox` table, delivering to a real SMTP server after
 * every worker drain. What the server receives is parsed with mailparser and also handed to
 * the simulated people's mailboxes, so they act on the mail that really arrived (late when
 * quiet hours held it back). A delivery is abandoned after the server accepted a message and
 * before the outbox recorded it, and the process restarts on the same store.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ParsedMail } from "mailparser";
import type { MailData } from "../../src/core/ports/mailer.ts";
import { DAY, HOUR, MINUTE, type Millis } from "../../src/core/time.ts";
import { Engine } from "../../src/engine/engine.ts";
import { importPeople } from "../../src/engine/people-import.ts";
import { Worker } from "../../src/engine/worker.ts";
import { DateFormatter, formattingLocale, resolveLocale } from "../../src/notify/locale.ts";
import type { DeliveryReport } from "../../src/notify/outbox.ts";
import type { OutboxRecord, OutboxStore } from "../../src/notify/outbox-store.ts";
import { isQuiet, nextAllowedTime } from "../../src/notify/quiet-hours.ts";
import { escapeHtml } from "../../src/notify/templates/layout.ts";
import { deviceSteps } from "../../src/notify/templates/steps.ts";
import {
  createPortalLink,
  DEFAULT_PORTAL_LINK_TTL,
  verifyPortalLinkSignature,
} from "../../src/server/portal-links.ts";
import { secretsFromMasterKey } from "../../src/server/secrets.ts";
import type { PersonRow } from "../../src/store/schema.ts";
import { buildOutboxMailer, type OutboxMail } from "../../src/wiring/mail.ts";
import { SqlOutboxStore } from "../../src/wiring/sql-outbox-store.ts";
import { Rig, type RigOptions } from "../engine/harness.ts";
import { startSmtp, type TestSmtp, until } from "../notify/smtp-harness.ts";
import { DIALECT } from "../support/store.ts";

const DOMAIN = "ferry.test";
const FROM = "IT Service Desk <it-migration@contoso.example>";
const PORTAL = "https://ferry.example/portal#";
const SECRETS = secretsFromMasterKey(Buffer.alloc(32, 7));
const HELPDESK = {
  name: "IT Service Desk",
  phone: "+44 20 7946 0000",
  email: "servicedesk@contoso.example",
  hours: "Mon–Fri 08:00–18:00",
  locale: "en-GB",
  timeZone: "Europe/London",
};
const LEASE = 10 * MINUTE;

/** `<sha256(key)@domain>`, computed here rather than asked of the code under test. */
function expectedMessageId(key: string): string {
  return `<${createHash("sha256").update(key).digest("hex")}@${DOMAIN}>`;
}

/**
 * The store of a process that dies right after the SMTP server accepted a message: armed, its
 * next `markSent` never returns (nor does anything after it), as if the process were killed.
 */
class DyingStore implements OutboxStore {
  armed = false;
  died: { key: string; messageId: string } | undefined;
  constructor(private readonly inner: OutboxStore) {}
  insert(r: OutboxRecord) {
    return this.inner.insert(r);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  byMessageId(id: string) {
    return this.inner.byMessageId(id);
  }
  byPerson(id: string) {
    return this.inner.byPerson(id);
  }
  due(now: Millis, limit: number) {
    return this.inner.due(now, limit);
  }
  claim(key: string, expected: Pick<OutboxRecord, "status" | "attempts">, lease: Millis, now: Millis) {
    return this.inner.claim(key, expected, lease, now);
  }
  markSent(key: string, messageId: string, now: Millis): Promise<void> {
    if (this.armed) {
      this.died = { key, messageId };
      return new Promise<void>(() => {}); // killed: the write never happens, the promise never settles
    }
    return this.inner.markSent(key, messageId, now);
  }
  markRetry(key: string, attempts: number, next: Millis, error: string, now: Millis) {
    return this.inner.markRetry(key, attempts, next, error, now);
  }
  markFailed(key: string, attempts: number, error: string, now: Millis) {
    return this.inner.markFailed(key, attempts, error, now);
  }
  defer(key: string, expected: Pick<OutboxRecord, "status" | "attempts">, until: Millis, now: Millis) {
    return this.inner.defer(key, expected, until, now);
  }
  markBounced(messageId: string, reason: string, now: Millis) {
    return this.inner.markBounced(messageId, reason, now);
  }
}

/** The engine rig with e-mail the way `ferry run` wires it when SMTP is configured. */
class MailRig extends Rig {
  mail!: OutboxMail;
  outboxStore!: DyingStore;
  /** messages the server received that were already put in the people's mailboxes */
  #handedOver = 0;

  constructor(
    options: RigOptions,
    readonly smtp: TestSmtp,
  ) {
    super(options);
  }

  static async start(options: RigOptions, smtp: TestSmtp): Promise<MailRig> {
    const rig = new MailRig(options, smtp);
    await rig.open();
    await importPeople(rig.store.db, rig.world.ports.directory, rig.now, {
      breakGlassUpns: rig.world.breakGlassUpns,
      vipUpns: rig.world.vipUpns,
    });
    await rig.pass();
    return rig;
  }

  override async open(): Promise<void> {
    await super.open();
    const clock = this.world.clock;
    this.outboxStore = new DyingStore(new SqlOutboxStore(this.store.db));
    this.mail = buildOutboxMailer({
      db: this.store.db,
      clock,
      smtp: {
        host: "127.0.0.1",
        port: this.smtp.port,
        starttls: "off",
        from: FROM,
        messageIdDomain: DOMAIN,
        timeouts: { connection: 5_000, greeting: 5_000, socket: 10_000 },
      },
      portalLink: (personId) =>
        `${PORTAL}${createPortalLink(personId, clock.now(), DEFAULT_PORTAL_LINK_TTL, SECRETS)}`,
      helpdesk: HELPDESK,
      brand: { organisation: "Contoso" },
      outbox: { lease: LEASE },
      store: this.outboxStore,
    });
    // the simulated organisation's ports, with the outbox mailer in place of its mailbox
    const ports = { ...this.world.ports, mailer: this.mail.mailer };
    this.engine = new Engine(this.store, ports, this.options.engine);
    this.worker = new Worker(this.store, ports, this.engine.settings, `worker-${Math.round(this.now)}`);
  }

  override async pass(): Promise<void> {
    await super.pass();
    await this.deliver();
  }

  /** deliver(), then what the server received goes to the people's mailboxes, so they act on it. */
  async deliver(): Promise<DeliveryReport> {
    const report = await this.mail.deliver();
    this.handOver();
    return report;
  }

  handOver(): void {
    for (; this.#handedOver < this.smtp.received.length; this.#handedOver++) {
      const m = this.smtp.received[this.#handedOver]!.parsed;
      void this.world.ports.mailer.send({
        to: addressOf(m),
        personId: String(m.headers.get("x-ferry-person")),
        template: String(m.headers.get("x-ferry-template")),
        subject: m.subject ?? "",
        text: m.text ?? "",
        idempotencyKey: m.messageId ?? "",
      });
    }
  }

  /** The process dies and starts again on the same store. */
  async restart(): Promise<void> {
    this.mail.close();
    await this.store.close();
    await this.open();
  }

  override async close(): Promise<void> {
    this.mail.close();
    await super.close();
  }
}

function addressOf(m: ParsedMail): string {
  const to = Array.isArray(m.to) ? m.to[0] : m.to;
  return to?.value[0]?.address ?? "";
}

describe(`e-mail from a wave, through the outbox and a real SMTP server (${DIALECT})`, () => {
  let smtp: TestSmtp;
  let rig: MailRig;
  let dir: string;
  let people: PersonRow[];
  const byId = new Map<string, PersonRow>();
  let crashed: { key: string; messageId: string };
  let beforeLease: DeliveryReport;
  let idle: DeliveryReport;
  let afterLease: DeliveryReport;
  let copiesWhileLeased = 0;

  before(async () => {
    smtp = await startSmtp();
    dir = mkdtempSync(join(tmpdir(), "ferry-mail-"));
    rig = await MailRig.start(
      {
        people: 30,
        seed: 11,
        database: join(dir, "ferry.db"),
        behaviour: { prompt: 0.5, slow: 0.3, never: 0.2, onLeave: 0, enrollsFirst: 0, losesDevice: 0 },
      },
      smtp,
    );
    people = await rig.people();
    for (const p of people) byId.set(p.id, p);

    // The wave is announced; the worker queues the announcements; a delivery starts and the
    // process dies after the server accepted the first message, before it was recorded.
    await rig.oneWave({ caMode: "grace" });
    await rig.engine.reconcile();
    await rig.worker.drain();
    rig.outboxStore.armed = true;
    void rig.mail.deliver(); // abandoned: it never settles
    await until(() => rig.outboxStore.died !== undefined, "the first message to be accepted");
    crashed = rig.outboxStore.died!;
    assert.equal(smtp.received.length, 1, "the server has exactly the one message");

    // A new process on the same store, the lease still running: everything else goes out.
    await rig.restart();
    beforeLease = await rig.deliver();
    idle = await rig.deliver();
    copiesWhileLeased = smtp.received.filter((r) => r.parsed.messageId === crashed.messageId).length;
    // after the lease: the message whose record was lost is sent again
    rig.world.advanceTo(rig.now + LEASE + MINUTE);
    afterLease = await rig.deliver();

    // and the wave runs on for a week, mail delivered after every drain
    const end = rig.now + 7 * DAY;
    await rig.run(() => rig.now >= end, 8, 2 * HOUR);
  });

  after(async () => {
    await rig?.close();
    await smtp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const received = (messageId: string) => smtp.received.filter((r) => r.parsed.messageId === messageId);
  const ofPerson = (personId: string, template: string) =>
    smtp.received
      .map((r) => r.parsed)
      .filter(
        (m) => m.headers.get("x-ferry-person") === personId && m.headers.get("x-ferry-template") === template,
      );

  async function mailActions() {
    const rows = await rig.store.db.selectFrom("actions").selectAll().where("kind", "=", "mail").execute();
    return rows.map((a) => ({
      ...a,
      payload: JSON.parse(a.payload) as { personId: string; to: string; template: string; data?: MailData },
    }));
  }

  it("does not resend a message whose lease still runs, and resends it once after the lease", async () => {
    assert.equal(crashed.messageId, expectedMessageId(crashed.key));
    assert.ok(!beforeLease.sent.includes(crashed.key), "not resent while its lease runs");
    assert.equal(copiesWhileLeased, 1);
    assert.ok(beforeLease.sent.length > 0, "the rest of the batch went out");
    assert.deepEqual(idle.sent, [], "nothing due twice at one instant");
    assert.deepEqual(afterLease.sent, [crashed.key]);
    const copies = received(crashed.messageId);
    assert.equal(copies.length, 2, "at most one extra copy, after the crash");
    const [a, b] = copies.map((c) => c.parsed);
    assert.equal(b!.subject, a!.subject);
    assert.equal(b!.text, a!.text, "the same message, rendered once");
    assert.equal(b!.html, a!.html);
    const row = (await new SqlOutboxStore(rig.store.db).get(crashed.key))!;
    assert.equal(row.status, "sent");
    assert.equal(row.attempts, 2);
  });

  it("delivers every other message exactly once, with the Message-ID derived from its action's key", async () => {
    const counts = new Map<string, number>();
    for (const r of smtp.received)
      counts.set(r.parsed.messageId!, (counts.get(r.parsed.messageId!) ?? 0) + 1);
    for (const [id, n] of counts)
      assert.equal(n, id === crashed.messageId ? 2 : 1, `${id} arrived ${n} times`);
    assert.equal(rig.world.truth().duplicateEmails, 1, "the people saw one duplicate: the crash's");

    const actions = await mailActions();
    const outbox = new SqlOutboxStore(rig.store.db);
    let sent = 0;
    for (const a of actions) {
      assert.equal(a.status, "done", `${a.key}: ${a.last_error}`);
      const id = expectedMessageId(a.key);
      assert.equal((JSON.parse(a.result!) as { messageId: string }).messageId, id, "the action records it");
      const row = (await outbox.get(a.key))!;
      assert.ok(row, `${a.key} is in the outbox`);
      assert.equal(row.messageId, id);
      if (row.status !== "sent") {
        assert.equal(row.status, "pending", `${a.key}: ${row.status} (${row.lastError})`);
        assert.equal(received(id).length, 0);
        continue;
      }
      sent++;
      const [m] = received(id).map((r) => r.parsed);
      assert.ok(m, `${a.key} was sent but never arrived`);
      assert.equal(m.headers.get("x-ferry-template"), a.payload.template);
      assert.equal(m.headers.get("x-ferry-person"), a.payload.personId);
      assert.equal(addressOf(m), a.payload.to);
    }
    assert.equal(counts.size, sent, "nothing arrived that the outbox did not send");
    const templates = new Set(actions.map((a) => a.payload.template));
    for (const t of ["announcement", "instructions", "reminder"]) assert.ok(templates.has(t), `no ${t} sent`);
  });

  it("announces the wave to each person once, in their language, with their own working portal link", async () => {
    const locales = new Set<string>();
    for (const p of people) {
      const [m, ...more] = ofPerson(p.id, "announcement");
      assert.ok(m, `${p.upn} got no announcement`);
      assert.ok(
        more.every((x) => x.messageId === m.messageId),
        `${p.upn}: one announcement`,
      );
      assert.equal(addressOf(m), p.email);
      const locale = resolveLocale(p.locale);
      locales.add(locale);
      assert.match(String(m.html), new RegExp(`<html lang="${locale}"`));
      assertPortalLink(m, p);
    }
    for (const l of ["en-US", "en-GB", "de-DE"]) assert.ok(locales.has(l), `no reader in ${l}`);
  });

  it("gives each person the steps for their own devices, per platform, in their language", async () => {
    const instructed = (await mailActions()).filter((a) => a.payload.template === "instructions");
    assert.ok(instructed.length >= people.length / 2, `only ${instructed.length} instructions`);
    const devices = await rig.store.db.selectFrom("devices").select(["id", "person_id"]).execute();
    const owner = new Map(devices.map((d) => [d.id, d.person_id]));
    const platforms = new Set<string>();
    for (const a of instructed) {
      const p = byId.get(a.payload.personId)!;
      const [m, ...more] = ofPerson(p.id, "instructions");
      assert.ok(m, `${p.upn} got no instructions`);
      assert.equal(more.length, 0, `${p.upn}: one set of instructions`);
      assert.equal(m.messageId, expectedMessageId(a.key));
      const data = a.payload.data!;
      assert.ok(data.devices.length > 0);
      const locale = resolveLocale(p.locale);
      const dates = new DateFormatter(formattingLocale(p.locale, locale), p.time_zone);
      const text = m.text ?? "";
      const html = String(m.html);
      for (const d of data.devices) {
        assert.equal(owner.get(d.id!), p.id, `${p.upn} was told about ${d.id}, not theirs`);
        platforms.add(d.platform);
        const expected = deviceSteps(d, locale, dates);
        assert.ok(text.includes(expected.title), `${p.upn}: ${expected.title} missing`);
        assert.ok(html.includes(escapeHtml(expected.title)));
        for (const step of expected.steps) {
          assert.ok(text.includes(step), `${p.upn} (${locale}): step "${step}" missing from the text`);
          assert.ok(html.includes(escapeHtml(step)), `${p.upn}: step missing from the HTML`);
        }
      }
      if (locale === "de-DE") assert.match(m.subject!, /^Handlungsbedarf/);
      if (locale === "en-GB") assert.doesNotMatch(text, /\benroll(s|ment|ments)?\b/i, "British spelling");
      if (locale === "en-US") assert.match(text, /\benroll/);
      assertPortalLink(m, p);
    }
    assert.ok(platforms.size >= 3, `platforms: ${[...platforms]}`);
  });

  it("holds back mail in the reader's night and sends it when their morning comes; locked-out people at once", async () => {
    const rows = (await Promise.all(people.map((p) => rig.mail.outbox.store.byPerson(p.id)))).flat();
    const sent = rows.filter((r) => r.status === "sent");
    for (const r of sent) {
      const arrived = received(r.messageId!).at(-1)!.parsed.date!.getTime();
      assert.equal(arrived, r.sentAt, "the Date header is the clock's");
      if (!r.urgent)
        assert.ok(!isQuiet(r.sentAt!, r.timeZone), `${r.key} sent at night in ${r.timeZone}: ${arrived}`);
    }
    const nightReminders = sent.filter((r) => r.template === "reminder" && isQuiet(r.createdAt, r.timeZone));
    assert.ok(nightReminders.length > 0, "some reminder fell due at night");
    for (const r of nightReminders) {
      const morning = nextAllowedTime(r.createdAt, r.timeZone);
      assert.ok(morning > r.createdAt);
      // sent by the first pass (every 2 h) once the reader's morning came
      assert.ok(
        r.sentAt! >= morning && r.sentAt! < morning + 2 * HOUR,
        `${r.key} waited for the morning only`,
      );
    }
    for (const r of sent.filter((x) => x.template === "blocked"))
      assert.equal(r.sentAt, r.createdAt, `${r.key}: blocked people hear at once, night or not`);
  });

  it("lets the people act on the mail that arrived", async () => {
    const migrated = await rig.store.db
      .selectFrom("devices")
      .select("id")
      .where("state", "in", ["compliant", "in-target"])
      .execute();
    assert.ok(migrated.length > 0, "nobody moved: the mail never reached the people");
    const mailbox = rig.world.mailbox(people[0]!.upn);
    assert.ok(mailbox.some((m) => m.template === "announcement"));
  });
});

/** The portal link is in the HTML (the button) and the text (its own line), and opens this person. */
function assertPortalLink(m: ParsedMail, p: PersonRow): void {
  const text = m.text ?? "";
  const line = text.split("\n").find((l) => l.startsWith(PORTAL));
  assert.ok(line, `${p.upn}: no portal link in the text`);
  assert.equal(line.trim(), line, "the link alone on its line");
  assert.ok(String(m.html).includes(`href="${escapeHtml(line)}"`), `${p.upn}: the HTML links elsewhere`);
  const token = line.slice(PORTAL.length);
  const check = verifyPortalLinkSignature(token, m.date!.getTime(), SECRETS);
  assert.ok(check.ok, `${p.upn}: the link does not open (${check.ok ? "" : check.reason})`);
  assert.equal(check.link.personId, p.id, "the link opens this person's page");
}
