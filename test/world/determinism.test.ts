import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY, HOUR, MINUTE } from "../../src/core/time.ts";
import { checkGroundTruth, formatLine, type GroundTruthLine } from "../../src/world/ground-truth.ts";
import type { SimulatedOrganisation, WorldOptions } from "../../src/world/world.ts";
import { collect, mail, makeWorld, START, sourceRecords } from "./helpers.ts";

/** A small campaign as the engine might run it: every kind of call, at fixed times. */
async function campaign(options: WorldOptions): Promise<{ log: string[]; world: SimulatedOrganisation }> {
  const { world, lines } = makeWorld({ people: 300, ...options });
  const people = world.scenario.people.filter((p) => !p.breakGlass);
  const wave = people.slice(0, 150);
  for (const p of wave) await mail(world, p.mail, "announcement");
  world.advanceTo(START + 2 * DAY);
  await world.ports.sourceAccess.exclude(wave.map((p) => p.upn));
  world.advanceTo(START + 2 * DAY + 15 * MINUTE);
  await world.ports.targetAccess.enforce(wave.map((p) => p.id));
  for (const p of wave) {
    await mail(world, p.upn, "instructions");
    await mail(world, p.upn, "reset-instructions");
  }
  for (const r of await sourceRecords(world)) {
    const owner = wave.find((p) => p.upn.toLowerCase() === r.ownerUpn?.toLowerCase());
    if (!owner) continue;
    if (r.ownership === "corporate" && (r.mode === "windows" || r.mode === "apple-device")) {
      await world.ports.sourceOffboarding.retire(r.sourceId);
    }
  }
  for (const d of world.scenario.devices.filter((d) => d.leaveWay === "apple-migration").slice(0, 10)) {
    await world.ports.appleAssignment.reassignToTarget(d.hardware.serial, world.clock.now() + 30 * DAY);
  }
  for (let t = world.clock.now(); t < START + 50 * DAY; t += 6 * HOUR) {
    world.advanceTo(t);
    if (t >= START + 20 * DAY && t < START + 20 * DAY + 6 * HOUR) {
      for (const p of wave) await mail(world, p.upn, "reminder");
    }
  }
  await world.ports.sourceAccess.disablePolicy();
  world.advanceTo(START + 51 * DAY);
  world.decommissionSource();
  world.advanceTo(START + 60 * DAY);
  return { log: lines.map(formatLine), world };
}

describe("determinism", () => {
  it("gives a byte-identical ground-truth log for the same seed and calls", async () => {
    const a = await campaign({ seed: 11 });
    const b = await campaign({ seed: 11 });
    assert.ok(a.log.length > 3000);
    assert.equal(a.log.join("\n"), b.log.join("\n"));
    assert.deepEqual(a.world.truth(), b.world.truth());
  });

  it("does not depend on how finely the clock is advanced", async () => {
    const coarse = makeWorld({ seed: 8, people: 150 });
    const fine = makeWorld({ seed: 8, people: 150 });
    for (const { world } of [coarse, fine]) {
      for (const p of world.scenario.people) await mail(world, p.upn, "instructions");
    }
    coarse.world.advanceTo(START + 30 * DAY);
    for (let t = START; t <= START + 30 * DAY; t += 17 * MINUTE) fine.world.advanceTo(t);
    fine.world.advanceTo(START + 30 * DAY);
    assert.equal(coarse.lines.map(formatLine).join("\n"), fine.lines.map(formatLine).join("\n"));
  });

  it("gives a different organisation for a different seed", async () => {
    const a = makeWorld({ seed: 1, people: 100 }).world;
    const b = makeWorld({ seed: 2, people: 100 }).world;
    const ua = (await collect(a.ports.directory.listUsers())).map((u) => u.userPrincipalName);
    const ub = (await collect(b.ports.directory.listUsers())).map((u) => u.userPrincipalName);
    assert.notDeepEqual(ua, ub);
    const sa = (await sourceRecords(a)).map((r) => r.identifiers.serial);
    const sb = (await sourceRecords(b)).map((r) => r.identifiers.serial);
    assert.notDeepEqual(sa, sb);
  });

  it("keeps a person's history independent of the order others are mailed", async () => {
    const forward = makeWorld({ seed: 5, people: 100 });
    const backward = makeWorld({ seed: 5, people: 100 });
    const people = forward.world.scenario.people;
    for (const p of people) await mail(forward.world, p.upn, "instructions");
    for (const p of [...people].reverse()) await mail(backward.world, p.upn, "instructions");
    forward.world.advanceTo(START + 40 * DAY);
    backward.world.advanceTo(START + 40 * DAY);
    const about = (lines: GroundTruthLine[], upn: string) =>
      lines.filter((l) => l.type === "enrollment" && l.person === upn).map(formatLine);
    for (const p of people) assert.deepEqual(about(forward.lines, p.upn), about(backward.lines, p.upn));
  });

  it("writes the log in time order, and a campaign that waits for the settle time has no violations", async () => {
    const { log, world } = await campaign({ seed: 3 });
    const lines = log.map((l) => JSON.parse(l) as GroundTruthLine);
    for (let i = 1; i < lines.length; i++) {
      assert.ok(lines[i]!.at >= lines[i - 1]!.at, `line ${i + 1} goes back in time`);
    }
    const report = checkGroundTruth(lines, { breakGlassUpns: world.breakGlassUpns });
    assert.equal(report.outOfOrder.length, 0);
    assert.equal(report.malformed.length, 0);
    assert.equal(report.violations.length, 0);
    assert.equal(report.breakGlassEnforced.length, 0);
    assert.equal(report.emails, world.truth().emailsDelivered);
    assert.equal(world.truth().devicesInSource, 0);
  });
});
