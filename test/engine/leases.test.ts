/**
 * Leases under slow work: a worker whose batch outlasts its lease must not run an action
 * another worker has taken over since, and a long call must not lose its own lease.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Ports } from "../../src/core/ports/index.ts";
import { MINUTE } from "../../src/core/time.ts";
import { Worker } from "../../src/engine/worker.ts";
import type { ActionRow } from "../../src/store/schema.ts";
import { Rig } from "./harness.ts";

/** A rig with its first wave's announcements queued and not yet sent. */
async function rigWithQueuedMail(engine: Rig["options"]["engine"] = {}): Promise<Rig> {
  const rig = await Rig.create({ seed: 5, people: 20, engine });
  await rig.oneWave();
  await rig.engine.reconcile();
  return rig;
}

async function statusOf(rig: Rig, id: number) {
  return rig.store.db
    .selectFrom("actions")
    .select(["status", "lease_owner", "lease_until"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

describe("leases", () => {
  it("a worker renews its lease before an action when less than half of it is left", async () => {
    const rig = await rigWithQueuedMail();
    after(() => rig.close());
    const { leaseFor } = rig.engine.settings;
    const a = new Worker(rig.store, rig.world.ports, rig.engine.settings, "a");
    const b = new Worker(rig.store, rig.world.ports, rig.engine.settings, "b");
    const batch = await a.claim(100);
    assert.ok(batch.length >= 2, "announcements queued");
    const [first, second] = batch as [ActionRow, ActionRow];

    rig.world.advanceTo(rig.now + leaseFor * 0.3);
    assert.equal(await a.hold(first), true);
    assert.equal(
      (await statusOf(rig, first.id)).lease_until,
      batch[0]!.lease_until,
      "more than half left: untouched",
    );

    rig.world.advanceTo(rig.now + leaseFor * 0.3);
    assert.equal(await a.hold(first), true);
    assert.equal((await statusOf(rig, first.id)).lease_until, rig.now + leaseFor, "renewed from now");

    // Past the original lease: the renewed action stays a's, the rest of the batch is free.
    rig.world.advanceTo(rig.now + leaseFor * 0.6);
    const taken = (await b.claim(100)).map((x) => x.id);
    assert.ok(!taken.includes(first.id), "the renewed action is not taken over");
    assert.ok(taken.includes(second.id), "an action a never renewed is taken over after its lease");
  });

  it("a worker skips the actions another took over while its batch ran late, so none runs twice", async () => {
    const rig = await rigWithQueuedMail();
    after(() => rig.close());
    const { leaseFor } = rig.engine.settings;
    // a's first e-mail takes longer than the whole lease; meanwhile b takes over everything.
    const b = new Worker(rig.store, rig.world.ports, rig.engine.settings, "b");
    let bClaimed: ActionRow[] = [];
    let first = true;
    const slowMailer: Ports["mailer"] = {
      send: async (mail) => {
        if (first) {
          first = false;
          rig.world.advanceTo(rig.now + leaseFor + MINUTE);
          bClaimed = await b.claim(100);
        }
        return rig.world.ports.mailer.send(mail);
      },
    };
    const a = new Worker(rig.store, { ...rig.world.ports, mailer: slowMailer }, rig.engine.settings, "a");
    const aRan = await a.drain(100);
    let bRan = 0;
    for (const row of bClaimed) {
      if (!(await b.hold(row))) continue;
      await b.execute(row);
      bRan++;
    }

    assert.ok(bClaimed.length >= 2, "b took over a's whole batch");
    assert.equal(aRan, 1, "a ran only the action it was in the middle of");
    assert.equal(bRan, bClaimed.length);
    for (const row of bClaimed) assert.equal((await statusOf(rig, row.id)).status, "done");
    // The e-mail a was in the middle of went out twice (its lease ran out mid-call, which the
    // heartbeat below prevents in real time); every other one once.
    assert.equal(rig.world.truth().duplicateEmails, 1);
  });

  it("a heartbeat keeps the lease of an action whose call outlasts it", async () => {
    const leaseFor = 600; // ms: the heartbeat beats every 200 ms of real time
    const rig = await rigWithQueuedMail({ leaseFor });
    after(() => rig.close());
    const b = new Worker(rig.store, rig.world.ports, rig.engine.settings, "b");
    let takenOver: number[] = [];
    // One call of 1 s, real time and the world's clock moving together.
    const slowMailer: Ports["mailer"] = {
      send: async (mail) => {
        for (let i = 0; i < 20; i++) {
          await sleep(50);
          rig.world.advanceTo(rig.now + 50);
        }
        takenOver = (await b.claim(100)).map((x) => x.id);
        return rig.world.ports.mailer.send(mail);
      },
    };
    const a = new Worker(rig.store, { ...rig.world.ports, mailer: slowMailer }, rig.engine.settings, "a");
    const [row] = (await a.claim(1)) as [ActionRow];
    assert.equal(row.kind, "mail");
    const claimedAt = rig.now;
    await a.execute(row);

    assert.ok(rig.now - claimedAt > leaseFor, "the call outlasted the lease it started with");
    assert.ok(!takenOver.includes(row.id), "b did not take over the action a was still running");
    assert.equal((await statusOf(rig, row.id)).status, "done");
  });
});
