import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOUR, iso, MINUTE, SECOND } from "../../src/core/time.ts";
import { checkGroundTruth, type GroundTruthLine } from "../../src/world/ground-truth.ts";
import { collect, makeWorld, START, sourceRecords } from "./helpers.ts";

const caLines = (lines: readonly GroundTruthLine[], person: string, system: "source" | "target") =>
  lines.filter((l) => l.type === "ca" && l.person === person && l.system === system);

describe("conditional access at the start", () => {
  it("puts everybody under the source only; break-glass under neither", async () => {
    const { world, lines } = makeWorld({ people: 50 });
    const users = await collect(world.ports.directory.listUsers());
    const regular = users.filter((u) => !world.breakGlassUpns.includes(u.userPrincipalName));
    assert.equal(await world.ports.sourceAccess.policyEnabled(), true);
    assert.deepEqual(
      [...(await world.ports.sourceAccess.listExcluded())].sort(),
      [...world.breakGlassUpns].sort(),
    );
    assert.deepEqual(await world.ports.targetAccess.verifyPolicy(), {
      enabled: true,
      excludesNotYetMigrated: true,
      excludesBreakGlass: true,
      problems: [],
    });
    assert.deepEqual(
      [...(await world.ports.targetAccess.listExempt())].sort(),
      regular.map((u) => u.id).sort(),
    );
    const truth = world.truth();
    assert.deepEqual([...truth.sourceEnforced].sort(), regular.map((u) => u.userPrincipalName).sort());
    assert.equal(truth.targetEnforced.size, 0);
    // One CA line per person per system, then the devices in both systems.
    const devices = world.scenario.devices.length;
    assert.equal(lines.length, 2 * users.length + 2 * devices);
    assert.ok(lines.every((l) => l.at === iso(START)));
    const report = checkGroundTruth(lines);
    assert.equal(report.violations.length, 0);
    assert.equal(report.peopleChecked, users.length);
  });

  it("reports everyone under both when the not-yet-migrated group starts empty, until Ferry repairs it", async () => {
    const { world, lines } = makeWorld({ people: 50, delays: { nymPrepopulated: false } });
    assert.equal((await world.ports.targetAccess.listExempt()).size, 0);
    const start = checkGroundTruth(lines);
    assert.equal(start.violations.length, 50);
    assert.ok(start.violations.every((v) => v.at === iso(START) && v.until === null));
    assert.ok(start.violations.every((v) => !world.breakGlassUpns.includes(v.person)));

    const ids = (await collect(world.ports.directory.listUsers())).map((u) => u.id);
    await world.ports.targetAccess.exempt(ids);
    world.advanceTo(START + 10 * MINUTE);
    const repaired = checkGroundTruth(lines);
    assert.equal(repaired.violations.length, 50);
    assert.ok(repaired.violations.every((v) => v.until === iso(START + 5 * MINUTE)));
    assert.equal(world.truth().targetEnforced.size, 0);
  });
});

describe("propagation of membership changes", () => {
  it("reads back at once and takes effect after the source delay, logged at that instant", async () => {
    const { world, lines } = makeWorld({ people: 30 });
    const upn = world.scenario.people[3]!.upn;
    await world.ports.sourceAccess.exclude([upn.toUpperCase()]); // any case
    assert.ok((await world.ports.sourceAccess.listExcluded()).has(upn));
    assert.ok(world.truth().sourceEnforced.has(upn), "not yet in effect");
    world.advanceTo(START + 10 * MINUTE - SECOND);
    assert.ok(world.truth().sourceEnforced.has(upn), "still not in effect just before the delay");
    world.advanceTo(START + 10 * MINUTE);
    assert.ok(!world.truth().sourceEnforced.has(upn));
    const history = caLines(lines, upn, "source");
    assert.deepEqual(
      history.map((l) => [l.at, l.type === "ca" && l.enforced]),
      [
        [iso(START), true],
        [iso(START + 10 * MINUTE), false],
      ],
    );
  });

  it("takes effect after the target delay for the not-yet-migrated group", async () => {
    const { world, lines } = makeWorld({ people: 30, delays: { targetCaPropagation: 7 * MINUTE } });
    const person = world.scenario.people[4]!;
    await world.ports.sourceAccess.exclude([person.upn]);
    world.advanceTo(START + 10 * MINUTE);
    await world.ports.targetAccess.enforce([person.id]);
    assert.ok(!(await world.ports.targetAccess.listExempt()).has(person.id));
    world.advanceTo(START + 16 * MINUTE);
    assert.ok(!world.truth().targetEnforced.has(person.upn));
    world.advanceTo(START + 17 * MINUTE);
    assert.ok(world.truth().targetEnforced.has(person.upn));
    const last = caLines(lines, person.upn, "target").at(-1)!;
    assert.deepEqual(last, {
      at: iso(START + 17 * MINUTE),
      system: "target",
      type: "ca",
      person: person.upn,
      enforced: true,
    });
    assert.equal(checkGroundTruth(lines).violations.length, 0);
  });

  it("applies quick back-and-forth changes in order", async () => {
    const { world, lines } = makeWorld({ people: 30 });
    const upn = world.scenario.people[5]!.upn;
    await world.ports.sourceAccess.exclude([upn]);
    world.advanceTo(START + MINUTE);
    await world.ports.sourceAccess.include([upn]);
    assert.ok(!(await world.ports.sourceAccess.listExcluded()).has(upn));
    world.advanceTo(START + 30 * MINUTE);
    assert.deepEqual(
      caLines(lines, upn, "source").map((l) => l.at),
      [iso(START), iso(START + 10 * MINUTE), iso(START + 11 * MINUTE)],
    );
    assert.ok(world.truth().sourceEnforced.has(upn));
  });

  it("ignores unknown principals and repeated requests", async () => {
    const { world, lines } = makeWorld({ people: 30 });
    const person = world.scenario.people[6]!;
    const before = lines.length;
    await world.ports.sourceAccess.exclude(["ghost@contoso.example", person.upn, person.upn]);
    await world.ports.sourceAccess.exclude([person.upn]);
    await world.ports.targetAccess.enforce(["00000000-0000-4000-8000-000000000000"]);
    await world.ports.targetAccess.exempt([person.id]); // already a member
    world.advanceTo(START + HOUR);
    assert.equal(lines.length - before, 1);
    assert.ok(!(await world.ports.sourceAccess.listExcluded()).has("ghost@contoso.example"));
  });

  it("catches an engine that enforces Intune before the source exclusion took effect", async () => {
    const { world, lines } = makeWorld({ people: 30 });
    const person = world.scenario.people[7]!;
    await world.ports.sourceAccess.exclude([person.upn]);
    await world.ports.targetAccess.enforce([person.id]); // no settle time: 5 min < 10 min
    world.advanceTo(START + HOUR);
    const report = checkGroundTruth(lines);
    assert.deepEqual(report.violations, [
      { at: iso(START + 5 * MINUTE), person: person.upn, until: iso(START + 10 * MINUTE) },
    ]);
  });

  it("disables the source policy for everyone after the delay; policyEnabled reads back at once", async () => {
    const { world } = makeWorld({ people: 30 });
    await world.ports.sourceAccess.disablePolicy();
    assert.equal(await world.ports.sourceAccess.policyEnabled(), false);
    assert.equal(world.truth().sourceEnforced.size, 30);
    world.advanceTo(START + 10 * MINUTE);
    assert.equal(world.truth().sourceEnforced.size, 0);
  });
});

describe("decommissioning the source", () => {
  it("ends every remaining enrollment and all source CA at once, logged", async () => {
    const { world, lines } = makeWorld({ people: 40 });
    world.advanceTo(START + HOUR);
    const devices = world.truth().devicesInSource;
    const before = lines.length;
    world.decommissionSource();
    const added = lines.slice(before);
    assert.equal(
      added.filter((l) => l.type === "enrollment" && !l.enrolled && l.system === "source").length,
      devices,
    );
    assert.equal(added.filter((l) => l.type === "ca" && l.system === "source" && !l.enforced).length, 40);
    assert.ok(added.every((l) => l.at === iso(START + HOUR)));
    assert.equal(world.truth().devicesInSource, 0);
    assert.equal(world.truth().sourceEnforced.size, 0);
    assert.equal((await sourceRecords(world)).length, 0);
    assert.equal(await world.ports.sourceAccess.policyEnabled(), false);
    world.decommissionSource(); // a second time changes nothing
    assert.equal(lines.length, before + added.length);
  });
});
