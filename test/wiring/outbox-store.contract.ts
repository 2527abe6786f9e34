/**
 * What every `OutboxStore` must do (src/notify/outbox-store.ts), as one suite run against each
 * implementation: the in-memory store and the SQL store on SQLite and PostgreSQL.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MINUTE } from "../../src/core/time.ts";
import type { OutboxRecord, OutboxStore } from "../../src/notify/outbox-store.ts";

export interface OutboxStoreSubject {
  store: OutboxStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2027, 2, 1, 9);
const LEASE = 10 * MINUTE;

let counter = 0;
/** A fresh record (unique key and Message-ID per call unless given). */
export function record(over: Partial<OutboxRecord> = {}): OutboxRecord {
  counter++;
  const key = over.key ?? `mail:instructions:w1:p${counter}:0`;
  return {
    key,
    personId: `p${counter}`,
    template: "instructions",
    to: `person${counter}@contoso.example`,
    subject: "Action needed: move your devices to Microsoft Intune",
    text: "Hello,\n\nPlease follow these steps › Settings › General.\n",
    html: '<!DOCTYPE html>\n<html lang="en-US"><p>Hello “you”</p></html>',
    headers: { "X-Ferry-Wave": "w1" },
    timeZone: "Europe/Berlin",
    urgent: false,
    status: "pending",
    messageId: `<${key.replace(/[^a-z0-9]/gi, "")}@ferry.test>`,
    attempts: 0,
    nextAttemptAt: T0,
    lastError: null,
    createdAt: T0,
    updatedAt: T0,
    sentAt: null,
    bouncedAt: null,
    ...over,
  };
}

export function outboxStoreContract(name: string, open: () => Promise<OutboxStoreSubject>): void {
  describe(`OutboxStore contract: ${name}`, () => {
    let subject: OutboxStoreSubject;
    let store: OutboxStore;
    before(async () => {
      subject = await open();
      store = subject.store;
    });
    after(() => subject.close());

    /** A record that was inserted and claimed once: `sending`, attempts 1, lease until T0 + LEASE. */
    async function claimed(over: Partial<OutboxRecord> = {}): Promise<OutboxRecord> {
      const r = record(over);
      await store.insert(r);
      assert.equal(await store.claim(r.key, r, T0 + LEASE, T0), true);
      return (await store.get(r.key))!;
    }

    it("stores every field and gives it back as it was", async () => {
      const r = record({ urgent: true, html: null, headers: null, lastError: "451 greylisted" });
      const inserted = await store.insert(r);
      assert.equal(inserted.created, true);
      assert.deepEqual(inserted.record, r);
      assert.deepEqual(await store.get(r.key), r);
      const full = record({ sentAt: T0 + 1, bouncedAt: T0 + 2, status: "bounced" });
      await store.insert(full);
      assert.deepEqual(await store.get(full.key), full);
      assert.equal(await store.get("no-such-key"), undefined);
    });

    it("hands out copies: changing a returned record changes nothing stored", async () => {
      const r = record();
      const { record: back } = await store.insert(r);
      back.subject = "changed";
      r.subject = "changed too";
      const got = (await store.get(r.key))!;
      got.status = "sent";
      assert.equal((await store.get(r.key))!.subject, "Action needed: move your devices to Microsoft Intune");
      assert.equal((await store.get(r.key))!.status, "pending");
    });

    it("inserts once per key: a second insert returns the first, unchanged", async () => {
      const first = record();
      assert.equal((await store.insert(first)).created, true);
      const again = await store.insert({ ...first, subject: "other", text: "other", attempts: 5 });
      assert.equal(again.created, false);
      assert.deepEqual(again.record, first);
      assert.deepEqual(await store.get(first.key), first);
    });

    it("inserts concurrently once per key", async () => {
      const r = record();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.insert({ ...r, subject: `attempt ${i}` })),
      );
      assert.equal(results.filter((x) => x.created).length, 1);
      const winner = results.find((x) => x.created)!.record.subject;
      for (const x of results) assert.equal(x.record.subject, winner);
    });

    it("refuses a second record with the same Message-ID, and keeps the first", async () => {
      const first = record();
      await store.insert(first);
      await assert.rejects(store.insert(record({ messageId: first.messageId })));
      assert.deepEqual(await store.byMessageId(first.messageId!), first);
      // records without a Message-ID do not collide
      const a = record({ messageId: null });
      const b = record({ messageId: null });
      assert.equal((await store.insert(a)).created, true);
      assert.equal((await store.insert(b)).created, true);
    });

    it("finds by Message-ID and by person", async () => {
      const a = record({ personId: "p-lookup", createdAt: T0, key: "lookup:a" });
      const b = record({ personId: "p-lookup", createdAt: T0 + 1, key: "lookup:b" });
      await store.insert(b);
      await store.insert(a);
      await store.insert(record());
      assert.deepEqual(await store.byMessageId(a.messageId!), a);
      assert.equal(await store.byMessageId("<unknown@ferry.test>"), undefined);
      const mine = await store.byPerson("p-lookup");
      assert.deepEqual(
        mine.map((r) => r.key).sort(),
        ["lookup:a", "lookup:b"],
        "every record of the person and no other",
      );
      assert.deepEqual(await store.byPerson("p-nobody"), []);
    });

    describe("due", () => {
      // a time window of its own, so records of other tests never interfere
      const W = T0 + 1000 * 24 * 60 * MINUTE;

      it("is pending and due, or sending with an expired lease; oldest first, then by key; limited", async () => {
        const at = (minutes: number) => W + minutes * MINUTE;
        const rows = [
          record({ key: "due:c", nextAttemptAt: at(2) }),
          record({ key: "due:a", nextAttemptAt: at(1) }),
          record({ key: "due:b", nextAttemptAt: at(1) }),
          record({ key: "due:B", nextAttemptAt: at(1) }),
          record({ key: "due:lease-expired", status: "sending", attempts: 1, nextAttemptAt: at(3) }),
          record({ key: "due:future", nextAttemptAt: at(60) }),
          record({ key: "due:lease-running", status: "sending", attempts: 1, nextAttemptAt: at(60) }),
          record({ key: "due:sent", status: "sent", attempts: 1, nextAttemptAt: at(0), sentAt: at(0) }),
          record({ key: "due:failed", status: "failed", attempts: 8, nextAttemptAt: at(0) }),
          record({ key: "due:bounced", status: "bounced", attempts: 1, nextAttemptAt: at(0) }),
        ];
        for (const r of rows) await store.insert(r);
        const keys = async (now: number, limit = 100) =>
          (await store.due(now, limit)).map((r) => r.key).filter((k) => k.startsWith("due:"));
        assert.deepEqual(await keys(at(5)), ["due:B", "due:a", "due:b", "due:c", "due:lease-expired"]);
        assert.deepEqual(await keys(at(1)), ["due:B", "due:a", "due:b"], "due exactly at its time");
        assert.deepEqual(await keys(at(1) - 1), []);
        const all = await store.due(at(5), 10_000);
        const limited = await store.due(at(5), 2);
        assert.deepEqual(limited, all.slice(0, 2), "the limit keeps the first in order");
        for (let i = 1; i < all.length; i++) {
          const [a, b] = [all[i - 1]!, all[i]!];
          assert.ok(
            a.nextAttemptAt < b.nextAttemptAt || (a.nextAttemptAt === b.nextAttemptAt && a.key < b.key),
          );
        }
        assert.deepEqual(await keys(at(61)), [
          "due:B",
          "due:a",
          "due:b",
          "due:c",
          "due:lease-expired",
          "due:future",
          "due:lease-running",
        ]);
      });
    });

    describe("claim", () => {
      it("sets sending, attempts + 1, the lease and the time, when the record is as expected", async () => {
        const r = record();
        await store.insert(r);
        assert.equal(await store.claim(r.key, { status: "pending", attempts: 0 }, T0 + LEASE, T0 + 5), true);
        assert.deepEqual(await store.get(r.key), {
          ...r,
          status: "sending",
          attempts: 1,
          nextAttemptAt: T0 + LEASE,
          updatedAt: T0 + 5,
        });
      });

      it("is won once when two deliveries claim with the same expectation", async () => {
        const r = record();
        await store.insert(r);
        const results = await Promise.all([
          store.claim(r.key, r, T0 + LEASE, T0),
          store.claim(r.key, r, T0 + LEASE, T0),
        ]);
        assert.deepEqual(results.filter(Boolean).length, 1, `results: ${results}`);
        assert.equal((await store.get(r.key))!.attempts, 1);
      });

      it("is won once among many concurrent claims", async () => {
        const r = record();
        await store.insert(r);
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store.claim(r.key, r, T0 + LEASE, T0)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal((await store.get(r.key))!.attempts, 1);
      });

      it("fails for a stale expectation, another status, or an unknown key, changing nothing", async () => {
        const c = await claimed();
        assert.equal(await store.claim(c.key, { status: "pending", attempts: 0 }, T0 + 2 * LEASE, T0), false);
        assert.equal(await store.claim(c.key, { status: "sending", attempts: 0 }, T0 + 2 * LEASE, T0), false);
        assert.equal(await store.claim(c.key, { status: "pending", attempts: 1 }, T0 + 2 * LEASE, T0), false);
        assert.equal(await store.claim("no-such-key", { status: "pending", attempts: 0 }, T0, T0), false);
        assert.deepEqual(await store.get(c.key), c);
      });

      it("lets a lease expire: the record is due again, a new claim fences out the old claimant", async () => {
        const c = await claimed({ nextAttemptAt: T0 - 1 });
        assert.equal(c.status, "sending");
        const dueKeys = async (now: number) => (await store.due(now, 10_000)).map((r) => r.key);
        assert.ok(!(await dueKeys(T0 + LEASE - 1)).includes(c.key), "not due while the lease runs");
        const again = (await store.due(T0 + LEASE, 10_000)).find((r) => r.key === c.key);
        assert.ok(again, "due again once the lease expired");
        assert.equal(again.status, "sending");
        assert.equal(again.attempts, 1);
        assert.equal(await store.claim(c.key, again, T0 + 3 * LEASE, T0 + LEASE), true);
        assert.equal(await store.claim(c.key, again, T0 + 3 * LEASE, T0 + LEASE), false, "once");
        // the first claimant (attempts 1) comes back late: its writes are fenced out
        await store.markRetry(c.key, 1, T0 + LEASE + MINUTE, "late retry", T0 + LEASE);
        await store.markFailed(c.key, 1, "late failure", T0 + LEASE);
        const now = (await store.get(c.key))!;
        assert.equal(now.status, "sending");
        assert.equal(now.attempts, 2);
        assert.equal(now.nextAttemptAt, T0 + 3 * LEASE);
        assert.equal(now.lastError, null);
      });
    });

    describe("outcomes", () => {
      it("markSent records the Message-ID and the time and clears the error", async () => {
        const c = await claimed({ lastError: "451 try later" });
        await store.markSent(c.key, c.messageId!, T0 + 7);
        assert.deepEqual(await store.get(c.key), {
          ...c,
          status: "sent",
          sentAt: T0 + 7,
          lastError: null,
          updatedAt: T0 + 7,
        });
        assert.ok(
          !(await store.due(T0 + 100 * LEASE, 10_000)).some((r) => r.key === c.key),
          "never due again",
        );
        await store.markSent(c.key, c.messageId!, T0 + 9);
        assert.equal((await store.get(c.key))!.sentAt, T0 + 7, "a second markSent changes nothing");
      });

      it("markSent never undoes a bounce that overtook it", async () => {
        const c = await claimed();
        const bounced = await store.markBounced(c.messageId!, "550 5.1.1 user unknown", T0 + 1);
        assert.equal(bounced?.status, "bounced");
        await store.markSent(c.key, c.messageId!, T0 + 2);
        const r = (await store.get(c.key))!;
        assert.equal(r.status, "bounced");
        assert.equal(r.sentAt, null);
        assert.equal(r.bouncedAt, T0 + 1);
        assert.equal(r.lastError, "550 5.1.1 user unknown");
      });

      it("markRetry puts the claim back to pending with its time and error, if the claim is ours", async () => {
        const c = await claimed();
        await store.markRetry(c.key, 2, T0 + 5 * MINUTE, "not ours", T0 + 1);
        assert.deepEqual(await store.get(c.key), c, "a stale claim (attempts) changes nothing");
        await store.markRetry(c.key, 1, T0 + 5 * MINUTE, "451 4.7.1 greylisted", T0 + 1);
        assert.deepEqual(await store.get(c.key), {
          ...c,
          status: "pending",
          nextAttemptAt: T0 + 5 * MINUTE,
          lastError: "451 4.7.1 greylisted",
          updatedAt: T0 + 1,
        });
        await store.markRetry(c.key, 1, T0 + 9 * MINUTE, "again", T0 + 2);
        assert.equal((await store.get(c.key))!.nextAttemptAt, T0 + 5 * MINUTE, "only from sending");
        const due = (await store.due(T0 + 5 * MINUTE, 10_000)).find((r) => r.key === c.key);
        assert.equal(due?.attempts, 1, "due again with its attempts, ready to be claimed");
      });

      it("markFailed gives up on the claim, if it is ours", async () => {
        const c = await claimed();
        await store.markFailed(c.key, 0, "not ours", T0 + 1);
        assert.equal((await store.get(c.key))!.status, "sending");
        await store.markFailed(c.key, 1, "550 5.1.1 user unknown", T0 + 1);
        assert.deepEqual(await store.get(c.key), {
          ...c,
          status: "failed",
          lastError: "550 5.1.1 user unknown",
          updatedAt: T0 + 1,
        });
        assert.ok(!(await store.due(T0 + 100 * LEASE, 10_000)).some((r) => r.key === c.key));
        const p = record();
        await store.insert(p);
        await store.markFailed(p.key, 0, "not claimed", T0 + 1);
        assert.equal((await store.get(p.key))!.status, "pending", "only from sending");
      });

      it("defer moves a due record later without claiming it, if it is still as expected", async () => {
        const r = record({ nextAttemptAt: T0 - 5 });
        await store.insert(r);
        await store.defer(r.key, { status: "pending", attempts: 1 }, T0 + 11 * 60 * MINUTE, T0);
        assert.deepEqual(await store.get(r.key), r, "a stale expectation changes nothing");
        await store.defer(r.key, r, T0 + 11 * 60 * MINUTE, T0 + 3);
        assert.deepEqual(await store.get(r.key), {
          ...r,
          nextAttemptAt: T0 + 11 * 60 * MINUTE,
          updatedAt: T0 + 3,
        });
        const keys = async (now: number) => (await store.due(now, 10_000)).map((x) => x.key);
        assert.ok(!(await keys(T0 + 11 * 60 * MINUTE - 1)).includes(r.key));
        assert.ok((await keys(T0 + 11 * 60 * MINUTE)).includes(r.key));
        // a leased record whose lease expired in quiet hours is deferred the same way
        const c = await claimed();
        await store.defer(c.key, c, T0 + 20 * LEASE, T0 + LEASE);
        const d = (await store.get(c.key))!;
        assert.equal(d.status, "sending");
        assert.equal(d.attempts, 1);
        assert.equal(d.nextAttemptAt, T0 + 20 * LEASE);
      });

      it("markBounced marks by Message-ID and returns the record; once", async () => {
        const r = record();
        await store.insert(r);
        const b = await store.markBounced(r.messageId!, "550 5.1.1 user unknown", T0 + 60);
        assert.deepEqual(b, {
          ...r,
          status: "bounced",
          bouncedAt: T0 + 60,
          lastError: "550 5.1.1 user unknown",
          updatedAt: T0 + 60,
        });
        assert.deepEqual(await store.get(r.key), b);
        const again = await store.markBounced(r.messageId!, "another report", T0 + 120);
        assert.deepEqual(again, b, "a second bounce keeps the first");
        assert.equal(await store.markBounced("<unknown@ferry.test>", "x", T0), undefined);
        assert.equal(await store.claim(r.key, r, T0 + LEASE, T0), false, "a bounced message is never sent");
        assert.ok(!(await store.due(T0 + 100 * LEASE, 10_000)).some((x) => x.key === r.key));
      });

      it("markBounced also stops a message still waiting to be sent or retried", async () => {
        const c = await claimed();
        await store.markRetry(c.key, 1, T0 + MINUTE, "451", T0);
        await store.markBounced(c.messageId!, "550 5.1.1", T0 + 1);
        assert.ok(!(await store.due(T0 + 100 * LEASE, 10_000)).some((x) => x.key === c.key));
        await store.markRetry(c.key, 1, T0 + MINUTE, "451", T0 + 2);
        await store.markFailed(c.key, 1, "x", T0 + 2);
        assert.equal((await store.get(c.key))!.status, "bounced");
      });
    });
  });
}
