import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { isSettled } from "../../src/core/device-state.ts";
import type { DeviceState } from "../../src/core/model.ts";
import { DAY, HOUR } from "../../src/core/time.ts";
import { checkStore } from "../../src/engine/checker.ts";
import { buildReport, DEVICE_CATEGORIES } from "../../src/engine/report.ts";
import { Rig } from "./harness.ts";

describe("a whole wave, immediate mode, cooperative people", async () => {
  const rig = await Rig.create();
  after(() => rig.close());
  await rig.oneWave({ caMode: "immediate" });
  await rig.run(async () => (await rig.wave()).status === "complete");

  it("moves every person to Intune CA, in order, and never both", async () => {
    const people = await rig.people();
    assert.ok(people.length > 50);
    assert.ok(people.every((p) => p.ca_governance === "target"));
    const gt = rig.groundTruth();
    assert.deepEqual(gt.violations, []);
    assert.deepEqual(gt.breakGlassEnforced, []);
    const truth = rig.world.truth();
    assert.equal(truth.sourceEnforced.size, 0);
    assert.equal(truth.targetEnforced.size, people.length);
  });

  it("enforces Intune CA only after the source exclusion was read back and settled", async () => {
    const wave = await rig.wave();
    const leftSource = new Map<string, number>();
    for (const l of rig.lines) {
      if (l.type === "ca" && l.system === "source" && !l.enforced && Date.parse(l.at) >= wave.handover_at!) {
        leftSource.set(l.person, Date.parse(l.at));
      }
    }
    for (const [person, at] of rig.enforcedAt("target", wave.handover_at!)) {
      const left = leftSource.get(person);
      assert.ok(
        left !== undefined && left < at,
        `${person}: Intune CA at ${new Date(at).toISOString()} before the source let go`,
      );
      assert.ok(at - left >= rig.engine.settings.caSettle - 10 * 60_000, `${person}: no settle time`);
    }
  });

  it("settles every device: migrated or excluded with a reason", async () => {
    const devices = await rig.store.db.selectFrom("devices").selectAll().execute();
    for (const d of devices) {
      assert.ok(
        isSettled(d.state as DeviceState) || d.path === "factory-reset",
        `${d.id} is ${d.state} (${d.path})`,
      );
      if (d.state === "excluded")
        assert.notEqual(d.excluded_reason, null, `${d.id} excluded without a reason`);
    }
    const report = await buildReport(rig.store.db, rig.now, rig.now);
    const sum = DEVICE_CATEGORIES.reduce(
      (a, c) =>
        a +
        (c === "excluded"
          ? Object.values(report.devices.excluded).reduce((x, y) => x + y, 0)
          : report.devices[c]),
      0,
    );
    assert.equal(sum, report.devices.total, "every device in exactly one category");
    assert.ok(report.devices.migrated > 0.8 * report.devices.total);
  });

  it("tells each person what to do, once per stage", async () => {
    const people = await rig.people();
    for (const p of people) {
      const templates = rig.world.mailbox(p.upn).map((m) => m.template);
      assert.equal(templates.filter((t) => t === "announcement").length, 1, `${p.upn}: ${templates}`);
      assert.ok(templates.filter((t) => t === "instructions").length <= 1);
    }
    assert.equal(rig.world.truth().duplicateEmails, 0);
  });

  it("leaves the store consistent with its own invariants", async () => {
    assert.deepEqual(await checkStore(rig.store.db), []);
  });

  it("keeps an audit timeline of every step", async () => {
    const kinds = new Set(
      (await rig.store.db.selectFrom("audit").select("kind").execute()).map((r) => r.kind),
    );
    for (const k of [
      "wave-announced",
      "wave-handover",
      "ca-step",
      "action-done",
      "wave-enforced",
      "target-matched",
      "wave-complete",
    ]) {
      assert.ok(kinds.has(k), `audit has no ${k}`);
    }
  });
});

describe("grace versus immediate", async () => {
  const grace = await Rig.create({ seed: 11 });
  const immediate = await Rig.create({ seed: 11 });
  after(async () => {
    await grace.close();
    await immediate.close();
  });
  await grace.oneWave({ caMode: "grace", gracePeriod: 4 * DAY });
  await immediate.oneWave({ caMode: "immediate" });
  const enforced = async (r: Rig) =>
    (await r.wave()).status === "enforced" || (await r.wave()).status === "complete";
  await grace.run(() => enforced(grace), 30, HOUR);
  await immediate.run(() => enforced(immediate), 30, HOUR);

  it("immediate mode applies Intune CA within hours of the handover", async () => {
    const w = await immediate.wave();
    const times = [...immediate.enforcedAt("target", w.handover_at!).values()];
    assert.ok(times.length > 0);
    assert.ok(Math.max(...times) - w.handover_at! < 12 * HOUR, "all enforced within 12 h");
  });

  it("grace mode applies Intune CA only after the grace period", async () => {
    const w = await grace.wave();
    const times = [...grace.enforcedAt("target", w.handover_at!).values()];
    assert.ok(times.length > 0);
    assert.ok(Math.min(...times) >= w.handover_at! + 4 * DAY, "nobody enforced during the grace period");
    // In the grace window people were under neither product: the source let go at the handover.
    const leftSource = grace.lines.filter(
      (l) => l.type === "ca" && l.system === "source" && !l.enforced && Date.parse(l.at) >= w.handover_at!,
    );
    assert.ok(leftSource.length > 0 && leftSource.every((l) => Date.parse(l.at) < w.handover_at! + DAY));
  });

  it("both keep never-both", () => {
    assert.deepEqual(grace.groundTruth().violations, []);
    assert.deepEqual(immediate.groundTruth().violations, []);
  });
});
