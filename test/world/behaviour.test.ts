import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY, HOUR, MINUTE } from "../../src/core/time.ts";
import { canEnrollFirst } from "../../src/world/behaviour.ts";
import { checkGroundTruth } from "../../src/world/ground-truth.ts";
import type { ScenarioDevice } from "../../src/world/scenario.ts";
import type { SimulatedOrganisation } from "../../src/world/world.ts";
import {
  COOPERATIVE,
  enrollmentHistory,
  mail,
  makeWorld,
  ms,
  START,
  sourceRecords,
  targetRecords,
} from "./helpers.ts";

/** Everybody never acts (the shares are normalised: the others must be zeroed). */
const NEVER = { prompt: 0, slow: 0, onLeave: 0, never: 1, enrollsFirst: 0, losesDevice: 0 };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function ownedDevice(world: SimulatedOrganisation, f: (d: ScenarioDevice) => boolean): ScenarioDevice {
  const d = world.scenario.devices.find((d) => d.owner !== undefined && d.supported && f(d));
  assert.ok(d, "the organisation has such a device");
  return d;
}

function truthOf(world: SimulatedOrganisation, worldId: string) {
  const d = world.devices().find((x) => x.worldId === worldId);
  assert.ok(d);
  return d;
}

describe("self-service devices", () => {
  it("leave the source after the instructions, then enroll in Intune with a new id", async () => {
    const { world, lines } = makeWorld({ behaviour: COOPERATIVE });
    const selfDevices = world.scenario.devices.filter((d) => d.owner && d.supported && d.leaveWay === "self");
    assert.ok(selfDevices.length > 50);
    for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    world.advanceTo(START + 30 * DAY);

    const delays: number[] = [];
    for (const d of selfDevices) {
      const [left] = enrollmentHistory(lines, d.worldId, "source").filter((l) => !l.enrolled);
      const [joined] = enrollmentHistory(lines, d.worldId, "target").filter((l) => l.enrolled);
      assert.ok(left && joined, `${d.worldId} moved`);
      assert.ok(ms(joined.at) >= ms(left.at) + 5 * MINUTE, "unenrolled before enrolling");
      delays.push(ms(left.at) - START);
      const t = truthOf(world, d.worldId);
      assert.match(t.targetId!, GUID);
    }
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)]!;
    assert.ok(median > 0.5 * DAY && median < 2 * DAY, `median unenroll ${median / HOUR} h`);
    // Devices with other ways out did not move on plain instructions.
    for (const d of world.scenario.devices.filter((d) => d.leaveWay !== "self")) {
      assert.equal(truthOf(world, d.worldId).source, "enrolled", `${d.mode} stays until its own step`);
    }
    const records = await targetRecords(world);
    assert.ok(
      records.every((r) => r.compliance === "compliant"),
      "cooperative people fix noncompliance",
    );
    assert.ok(records.every((r) => r.userPrincipalName !== undefined));
  });

  it("are first evaluated as unknown, then compliant or noncompliant, and noncompliant ones get fixed", async () => {
    const { world } = makeWorld({ behaviour: COOPERATIVE });
    for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    const seen = new Map<string, Set<string>>();
    for (let t = START; t <= START + 20 * DAY; t += 20 * MINUTE) {
      world.advanceTo(t);
      for (const r of await targetRecords(world)) {
        const states = seen.get(r.targetId) ?? new Set();
        states.add(r.compliance);
        seen.set(r.targetId, states);
      }
    }
    const all = [...seen.values()];
    assert.ok(all.length > 50);
    assert.ok(all.filter((s) => s.has("unknown")).length > all.length * 0.8, "records start unknown");
    const noncompliant = all.filter((s) => s.has("noncompliant")).length;
    assert.ok(
      noncompliant > all.length * 0.03 && noncompliant < all.length * 0.2,
      `${noncompliant}/${all.length}`,
    );
    assert.ok(
      all.filter((s) => s.has("noncompliant")).every((s) => s.has("compliant")),
      "fixed later",
    );
  });
});

describe("admin retire", () => {
  it("goes retire-pending, disappears at the next check-in, then the person enrolls in Intune", async () => {
    const { world, lines } = makeWorld({ behaviour: COOPERATIVE });
    const d = ownedDevice(world, (x) => x.leaveWay === "admin");
    await world.ports.sourceOffboarding.retire(d.sourceId);
    const pending = (await sourceRecords(world)).find((r) => r.sourceId === d.sourceId);
    assert.equal(pending?.enrollment, "retire-pending");
    await world.ports.sourceOffboarding.retire(d.sourceId); // idempotent
    world.advanceTo(START + 6 * HOUR);
    assert.equal(
      (await sourceRecords(world)).find((r) => r.sourceId === d.sourceId),
      undefined,
    );
    await world.ports.sourceOffboarding.retire(d.sourceId); // gone: still fine
    world.advanceTo(START + 15 * DAY);
    const t = truthOf(world, d.worldId);
    assert.match(t.targetId!, GUID);
    assert.notEqual(t.targetId, d.sourceId);
    const record = (await targetRecords(world)).find((r) => r.targetId === t.targetId);
    assert.equal(record?.userPrincipalName, d.owner!.upn);
    assert.equal(record?.model, d.model);
    const [left] = enrollmentHistory(lines, d.worldId, "source").filter((l) => !l.enrolled);
    const [joined] = enrollmentHistory(lines, d.worldId, "target").filter((l) => l.enrolled);
    assert.ok(ms(left!.at) - START < 6 * HOUR && ms(joined!.at) > ms(left!.at));
  });

  it("refuses a source id that never existed", async () => {
    const { world } = makeWorld({ people: 20 });
    await assert.rejects(world.ports.sourceOffboarding.retire("999999"), /999999/);
  });
});

describe("Apple migration with a deadline", () => {
  it("moves an ADE device on OS 26+ within a minute between the two systems when a prompt user accepts", async () => {
    const { world, lines } = makeWorld({ behaviour: COOPERATIVE });
    const d = ownedDevice(world, (x) => x.leaveWay === "apple-migration" && x.mode === "apple-ade");
    // Any spelling of the serial: lower case with dashes.
    const serial = d.hardware.serial.toLowerCase().replace(/(.{4})/, "$1-");
    await world.ports.appleAssignment.reassignToTarget(serial, START + 30 * DAY);
    world.advanceTo(START + 3 * DAY);
    const [left] = enrollmentHistory(lines, d.worldId, "source").filter((l) => !l.enrolled);
    const [joined] = enrollmentHistory(lines, d.worldId, "target").filter((l) => l.enrolled);
    assert.ok(left && joined, "migrated");
    assert.ok(Math.abs(ms(left.at) - ms(joined.at)) <= MINUTE);
    assert.ok(ms(joined.at) - START <= 2 * DAY + MINUTE);
  });

  it("forces the move at the deadline for people who never act", async () => {
    const { world, lines } = makeWorld({ behaviour: NEVER });
    const d = ownedDevice(world, (x) => x.leaveWay === "apple-migration");
    await world.ports.appleAssignment.reassignToTarget(d.hardware.serial, START + 20 * DAY);
    world.advanceTo(START + 20 * DAY - MINUTE - 1);
    assert.equal(truthOf(world, d.worldId).source, "enrolled");
    world.advanceTo(START + 21 * DAY);
    const [joined] = enrollmentHistory(lines, d.worldId, "target").filter((l) => l.enrolled);
    assert.ok(joined && Math.abs(ms(joined.at) - (START + 20 * DAY)) <= MINUTE);
    assert.equal(truthOf(world, d.worldId).source, "absent");
  });

  it("refuses serials that are not ADE on OS 26+, and deadlines beyond 90 days", async () => {
    const { world } = makeWorld();
    const old = ownedDevice(world, (x) => x.mode === "apple-ade" && x.leaveWay === "reset");
    const personal = ownedDevice(world, (x) => x.mode === "apple-device");
    const ok = ownedDevice(world, (x) => x.leaveWay === "apple-migration");
    for (const serial of [old.hardware.serial, personal.hardware.serial, "NOSUCHSERIAL"]) {
      await assert.rejects(
        world.ports.appleAssignment.reassignToTarget(serial, START + 30 * DAY),
        (e: Error) => e.message.includes(serial),
      );
    }
    await assert.rejects(world.ports.appleAssignment.reassignToTarget(ok.hardware.serial, START + 91 * DAY));
    await assert.rejects(world.ports.appleAssignment.reassignToTarget(ok.hardware.serial, Number.NaN));
    await world.ports.appleAssignment.reassignToTarget(ok.hardware.serial, START + 90 * DAY);
  });
});

describe("factory reset", () => {
  it("follows the reset instructions: the source record goes at once, Intune's appears within the hour", async () => {
    const { world, lines } = makeWorld({ behaviour: COOPERATIVE });
    const d = ownedDevice(world, (x) => x.mode === "android-fully-managed");
    await mail(world, d.owner!.upn, "instructions"); // not enough for a reset
    world.advanceTo(START + 10 * DAY);
    assert.equal(truthOf(world, d.worldId).source, "enrolled");
    await mail(world, d.owner!.upn, "reset-instructions");
    world.advanceTo(START + 40 * DAY);
    const [left] = enrollmentHistory(lines, d.worldId, "source").filter((l) => !l.enrolled);
    const [joined] = enrollmentHistory(lines, d.worldId, "target").filter((l) => l.enrolled);
    assert.ok(left && joined, "reset and re-enrolled");
    const gap = ms(joined.at) - ms(left.at);
    assert.ok(gap >= 15 * MINUTE && gap <= HOUR, `${gap / MINUTE} min`);
  });
});

describe("people who enroll first", () => {
  it("are in both systems for a while, which the checker counts as an anomaly, not a violation", async () => {
    const { world, lines } = makeWorld({ behaviour: { ...COOPERATIVE, enrollsFirst: 1 } });
    const d = ownedDevice(world, (x) => canEnrollFirst(x.mode) && x.leaveWay === "self");
    await mail(world, d.owner!.upn, "announcement");
    world.advanceTo(START + 10 * DAY);
    assert.equal(truthOf(world, d.worldId).source, "enrolled");
    assert.ok(truthOf(world, d.worldId).targetId, "already in Intune");
    await mail(world, d.owner!.upn, "instructions");
    world.advanceTo(START + 30 * DAY);
    assert.equal(truthOf(world, d.worldId).source, "absent");
    const report = checkGroundTruth(lines);
    assert.ok(report.devicesInBoth >= 1);
    assert.equal(report.violations.length, 0);
  });
});

describe("people who never act", () => {
  it("ignore every e-mail; a retire takes their device out but they never enroll it", async () => {
    const { world } = makeWorld({ behaviour: NEVER });
    for (const p of world.scenario.people) {
      for (const t of ["announcement", "instructions", "reset-instructions", "reminder", "blocked"]) {
        await mail(world, p.upn, t);
      }
    }
    const d = ownedDevice(world, (x) => x.leaveWay === "self");
    await world.ports.sourceOffboarding.retire(d.sourceId);
    world.advanceTo(START + 60 * DAY);
    assert.equal(world.truth().devicesInSource, world.scenario.devices.length - 1);
    assert.equal(world.truth().devicesInTarget, 0);
    assert.equal(truthOf(world, d.worldId).source, "absent");
  });
});

describe("being blocked", () => {
  it("makes slow people act within hours rather than days", async () => {
    const slow = { ...COOPERATIVE, prompt: 0, slow: 1 };
    const unblocked = makeWorld({ behaviour: slow, seed: 4 });
    const blocked = makeWorld({ behaviour: slow, seed: 4 });
    const selfDevices = unblocked.world.scenario.devices.filter(
      (d) => d.owner && d.supported && d.leaveWay === "self",
    );
    for (const { world } of [unblocked, blocked]) {
      for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    }
    const people = blocked.world.scenario.people.filter((p) => !p.breakGlass);
    await blocked.world.ports.sourceAccess.exclude(people.map((p) => p.upn));
    blocked.world.advanceTo(START + 10 * MINUTE);
    await blocked.world.ports.targetAccess.enforce(people.map((p) => p.id));
    for (const { world } of [unblocked, blocked]) world.advanceTo(START + 2 * DAY);
    const movedShare = (world: SimulatedOrganisation) =>
      selfDevices.filter((d) => truthOf(world, d.worldId).source === "absent").length / selfDevices.length;
    assert.ok(movedShare(unblocked.world) < 0.3, `unblocked ${movedShare(unblocked.world)}`);
    assert.ok(movedShare(blocked.world) > 0.9, `blocked ${movedShare(blocked.world)}`);
    assert.equal(checkGroundTruth(blocked.lines).violations.length, 0);
  });
});

describe("people on leave", () => {
  it("act only after they come back", async () => {
    const { world, lines } = makeWorld({ behaviour: { ...COOPERATIVE, prompt: 0, onLeave: 1 } });
    for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    world.advanceTo(START + 90 * DAY);
    let checked = 0;
    for (const d of world.scenario.devices.filter((d) => d.owner && d.supported && d.leaveWay === "self")) {
      const leave = d.owner!.behaviour.leave!;
      const [left] = enrollmentHistory(lines, d.worldId, "source").filter((l) => !l.enrolled);
      assert.ok(left);
      const t = ms(left.at);
      assert.ok(t < leave.from || t >= leave.to, "not while away");
      if (leave.from === START || leave.from < START + HOUR) assert.ok(t >= leave.to);
      checked++;
    }
    assert.ok(checked > 50);
  });
});

describe("lost devices", () => {
  it("go silent, never leave on their own, and are replaced straight into Intune 2-10 days later", async () => {
    const { world, lines } = makeWorld({ behaviour: { ...COOPERATIVE, losesDevice: 1 } });
    world.advanceTo(START + 45 * DAY); // every loss happens within the first 6 weeks
    const lost = world.devices().filter((d) => d.lost);
    const replacements = world.devices().filter((d) => d.replacement);
    assert.ok(lost.length > 100);
    const lostInSource = lost.filter((d) => d.source === "enrolled");
    const before = new Map((await sourceRecords(world)).map((r) => [r.sourceId, r.lastSeenAt]));
    for (const d of lostInSource) await world.ports.sourceOffboarding.retire(d.sourceId);
    for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    world.advanceTo(START + 80 * DAY);
    const after = await sourceRecords(world);
    for (const d of lostInSource) {
      const r = after.find((x) => x.sourceId === d.sourceId);
      assert.equal(r?.enrollment, "retire-pending", "a lost device never checks in");
      assert.equal(r?.lastSeenAt, before.get(d.sourceId), "last seen is frozen");
    }
    const live = after.filter((r) => r.enrollment === "enrolled");
    assert.ok(
      live.every((r) => r.lastSeenAt! > START + 78 * DAY),
      "live devices keep checking in",
    );
    assert.ok(replacements.length > 50);
    for (const r of world.devices().filter((d) => d.replacement)) {
      assert.equal(r.sourceId, "");
      assert.ok(r.targetId);
      assert.equal(enrollmentHistory(lines, r.worldId, "source").length, 0);
      const [joined] = enrollmentHistory(lines, r.worldId, "target");
      assert.equal(joined?.enrolled, true);
    }
  });
});

describe("unsupported and unowned devices", () => {
  it("never move, whatever happens", async () => {
    const { world } = makeWorld({ people: 400, behaviour: COOPERATIVE });
    for (const p of world.scenario.people) {
      for (const t of ["announcement", "instructions", "reset-instructions", "blocked"])
        await mail(world, p.upn, t);
    }
    world.advanceTo(START + 60 * DAY);
    const stuck = world.scenario.devices.filter((d) => !d.supported || !d.owner);
    assert.ok(stuck.length > 10);
    for (const d of stuck) {
      const t = truthOf(world, d.worldId);
      assert.equal(t.source, "enrolled");
      assert.equal(t.targetId, undefined);
    }
  });
});
