/**
 * Work that overlaps in time: a worker whose batch outlasts its lease must not run an action
 * another worker has taken over since, a long call must not lose its own lease, and a pass
 * must not decide from observations older than an action that finished meanwhile.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Ports } from "../../src/core/ports/index.ts";
import { HOUR, MINUTE } from "../../src/core/time.ts";
import { Engine } from "../../src/engine/engine.ts";
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

describe("an action finished while a pass observed", () => {
  it("keeps its people and devices held until a pass observes after it", async () => {
    const rig = await Rig.create({ seed: 5, people: 20 });
    after(() => rig.close());
    await rig.oneWave({ caMode: "immediate" });
    // Run until some person waits on a CA action (taking them out of the old product's CA).
    let held: { id: string; ca_action_id: number | null } | undefined;
    for (let i = 0; i < 40 && !held; i++) {
      rig.world.advanceTo(rig.now + HOUR);
      await rig.engine.reconcile();
      held = await rig.store.db
        .selectFrom("people")
        .select(["id", "ca_action_id"])
        .where("ca_action_id", "is not", null)
        .executeTakeFirst();
      if (!held) await rig.worker.drain();
    }
    assert.ok(held?.ca_action_id, "a person waits on a CA action");
    const actionId = held.ca_action_id;

    // Another process's worker finishes that action while this pass reads the inventories.
    const other = new Worker(rig.store, rig.world.ports, rig.engine.settings, "other");
    const inventory = rig.world.ports.sourceInventory;
    const ports: Ports = {
      ...rig.world.ports,
      sourceInventory: {
        ...inventory,
        async *listDevices() {
          yield* inventory.listDevices();
          rig.world.advanceTo(rig.now + MINUTE);
          for (const row of await other.claim(100)) if (row.id === actionId) await other.execute(row);
        },
      },
    };
    const engine = new Engine(rig.store, ports, rig.engine.settings);
    await engine.reconcile();
    const status = await statusOf(rig, actionId);
    assert.equal(status.status, "done", "finished during the pass's reads");
    const during = await personAction(rig, held.id);
    assert.equal(during, actionId, "still held: the observations predate the action's effect");

    rig.world.advanceTo(rig.now + MINUTE);
    await engine.reconcile();
    assert.notEqual(await personAction(rig, held.id), actionId, "released by a pass that observed after it");
  });
});

async function personAction(rig: Rig, id: string) {
  const p = await rig.store.db
    .selectFrom("people")
    .select("ca_action_id")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return p.ca_action_id;
}

describe("claims across waves", () => {
  it("takes the waves' ready actions in turns, so a large wave holds no small one back", async () => {
    const rig = await Rig.create({ seed: 5, people: 20 });
    after(() => rig.close());
    await rig.oneWave();
    const w1 = await rig.wave("w1");
    await rig.store.db
      .insertInto("waves")
      .values({ ...w1, id: "w2", name: "Wave B", ordinal: 2 })
      .execute();
    await rig.store.db.deleteFrom("actions").execute();
    const now = rig.now;
    const action = (n: number, wave: string | null) => ({
      key: `fair-${wave}-${n}`,
      kind: "mail",
      wave_id: wave,
      payload: "{}",
      status: "pending",
      attempts: 0,
      not_before: now,
      created_at: now,
      updated_at: now,
    });
    // The big wave's thirty first (lower ids), then the small wave's three, then two of none.
    const rows = [
      ...Array.from({ length: 30 }, (_, n) => action(n, "w1")),
      ...Array.from({ length: 3 }, (_, n) => action(n, "w2")),
      ...Array.from({ length: 2 }, (_, n) => action(n, null)),
    ];
    await rig.store.db.insertInto("actions").values(rows).execute();

    const worker = new Worker(rig.store, rig.world.ports, rig.engine.settings, "fair");
    const first = await worker.claim(6);
    assert.deepEqual(
      first.map((a) => a.wave_id),
      ["w1", "w2", null, "w1", "w2", null],
      "one of each wave in turn",
    );
    const second = await worker.claim(6);
    assert.deepEqual(
      second.map((a) => a.wave_id),
      ["w2", "w1", "w1", "w1", "w1", "w1"],
      "the next claim starts from the next wave; the small one is done first",
    );
    for (const claim of [first, second]) {
      const w1Ids = claim.filter((a) => a.wave_id === "w1").map((a) => a.id);
      assert.deepEqual(
        w1Ids,
        [...w1Ids].sort((a, b) => a - b),
        "each wave in order",
      );
    }
  });
});
