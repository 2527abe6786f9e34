import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DEFAULT_API_REQUESTS_PER_DAY,
  IDENTITY_WRITE_WINDOW,
  IDENTITY_WRITES_PER_WINDOW,
} from "../../src/core/capacity.ts";
import type { WaveSettings } from "../../src/core/model.ts";
import {
  type Capacity,
  defaultCapacity,
  defaultPlanOptions,
  groupLabel,
  movePeople,
  type Plan,
  type PlanOptions,
  type PlanPerson,
  planWaves,
  reschedule,
} from "../../src/core/planner.ts";
import { DAY, HOUR } from "../../src/core/time.ts";

const START = Date.UTC(2026, 2, 2, 9); // a fixed Monday morning

const SETTINGS: WaveSettings = {
  caMode: "grace",
  gracePeriod: 3 * DAY,
  announceLead: 2 * DAY,
  unenrollDeadline: 5 * DAY,
  reminderEvery: DAY,
  maxReminders: 3,
  successThreshold: 0.8,
  appleDeadline: 30 * DAY,
};

function options(overrides: Partial<PlanOptions> = {}, capacity: Partial<Capacity> = {}): PlanOptions {
  return {
    ...defaultPlanOptions(START, SETTINGS, { ...defaultCapacity(), ...capacity }),
    ...overrides,
  };
}

/** A deterministic organisation: sizes per department/location, some VIPs and break-glass. */
function org(spec: Record<string, number>, extra: Partial<PlanPerson>[] = []): PlanPerson[] {
  const people: PlanPerson[] = [];
  for (const [key, count] of Object.entries(spec)) {
    const [department, location] = key.split("/") as [string, string];
    for (let i = 0; i < count; i++) {
      people.push({
        id: `${department.toLowerCase()}-${location.toLowerCase()}-${String(i).padStart(4, "0")}`,
        department,
        location,
        vip: false,
        breakGlass: false,
        devices: (i % 3) + 1,
      });
    }
  }
  extra.forEach((e, i) => {
    people.push({
      id: `extra-${i}`,
      department: "Sales",
      location: "London",
      vip: false,
      breakGlass: false,
      devices: 1,
      ...e,
    });
  });
  return people;
}

const ORG = {
  "Sales/London": 300,
  "Sales/Paris": 120,
  "Engineering/London": 450,
  "Engineering/Berlin": 260,
  "Finance/London": 40,
  "Legal/Paris": 7,
  "HR/Berlin": 3,
};

function placedIds(plan: Plan): string[] {
  return plan.waves.flatMap((w) => w.personIds);
}

function waveOf(plan: Plan, id: string) {
  return plan.waves.find((w) => w.personIds.includes(id));
}

describe("capacity", () => {
  test("defaults follow the documented numbers (vendor-apis §A9)", () => {
    const c = defaultCapacity();
    assert.equal(c.ticketsPerDay, 40);
    assert.equal(c.helpShare, 0.15);
    assert.equal(c.requestsPerPerson, 1);
    // 3,000 identity writes per 2.5 minutes, half of it: 864,000 a day.
    assert.equal(IDENTITY_WRITES_PER_WINDOW, 3000);
    assert.equal(IDENTITY_WRITE_WINDOW, 150_000);
    assert.equal(c.apiRequestsPerDay, 864_000);
    assert.equal(DEFAULT_API_REQUESTS_PER_DAY, 864_000);
  });

  test("helpdesk-bound: floor(tickets × days / share)", () => {
    const plan = planWaves(org(ORG), options());
    assert.deepEqual(plan.limits, {
      maxPeoplePerWave: 1866, // 40 × 7 / 0.15 = 1866.67
      binding: "helpdesk",
      helpdeskPerWave: 1866,
      apiPerWave: 6_048_000,
    });
  });

  test("API-bound: floor(requests × days / requests per person)", () => {
    const plan = planWaves(org(ORG), options({}, { apiRequestsPerDay: 30, requestsPerPerson: 2 }));
    assert.equal(plan.limits.binding, "api");
    assert.equal(plan.limits.apiPerWave, 105); // 30 × 7 / 2
    assert.equal(plan.limits.maxPeoplePerWave, 105);
    assert.equal(plan.limits.helpdeskPerWave, 1866);
  });

  test("admin cap binds when it is the smallest", () => {
    const plan = planWaves(org(ORG), options({ maxPeoplePerWave: 150 }));
    assert.equal(plan.limits.binding, "admin");
    assert.equal(plan.limits.maxPeoplePerWave, 150);
  });

  test("no floating-point surprise at exact values", () => {
    // 30 × 1 / 0.15 is 200 exactly, not 199.
    const plan = planWaves(org(ORG), options({ waveSpacing: DAY }, { ticketsPerDay: 30 }));
    assert.equal(plan.limits.helpdeskPerWave, 200);
  });

  test("a limit below one person, or nonsense capacity, is refused", () => {
    assert.throws(
      () => planWaves(org(ORG), options({ waveSpacing: HOUR }, { ticketsPerDay: 0.1 })),
      /could hold no one/,
    );
    assert.throws(() => planWaves(org(ORG), options({}, { helpShare: 0 })), /helpShare must be a positive/);
    assert.throws(() => planWaves(org(ORG), options({ maxPeoplePerWave: 0 })), /maxPeoplePerWave/);
    const vipPlacement = "first-wave" as PlanOptions["vipPlacement"];
    assert.throws(() => planWaves(org(ORG), options({ vipPlacement })), /vipPlacement must be one of/);
  });
});

describe("planWaves", () => {
  const cases: [string, Partial<PlanOptions>, Partial<Capacity>][] = [
    ["helpdesk-bound", {}, { ticketsPerDay: 10 }], // 466 per wave
    ["API-bound", {}, { apiRequestsPerDay: 20 }], // 140 per wave
    ["admin-bound", { maxPeoplePerWave: 97 }, {}],
    ["VIPs last", { vipPlacement: "last-wave", maxPeoplePerWave: 60 }, {}],
    ["VIPs with their group", { vipPlacement: "with-group", maxPeoplePerWave: 60 }, {}],
  ];
  const people = org(ORG, [
    { breakGlass: true, id: "bg-1" },
    { breakGlass: true, vip: true, id: "bg-2", department: "IT" },
    ...Array.from({ length: 25 }, (_, i) => ({
      vip: true,
      id: `vip-${i}`,
      location: i % 2 ? "Paris" : "London",
    })),
    { devices: 0, id: "no-devices" },
  ]);

  for (const [name, overrides, capacity] of cases) {
    test(`${name}: no wave exceeds the limit, everyone but break-glass placed exactly once`, () => {
      const plan = planWaves(people, options(overrides, capacity));
      for (const w of plan.waves) {
        assert.ok(w.personIds.length <= plan.limits.maxPeoplePerWave, `${w.name} has ${w.personIds.length}`);
        assert.ok(w.personIds.length > 0);
      }
      const placed = placedIds(plan);
      assert.equal(new Set(placed).size, placed.length, "nobody twice");
      const expected = people
        .filter((p) => !p.breakGlass)
        .map((p) => p.id)
        .sort();
      assert.deepEqual([...placed].sort(), expected);
      assert.deepEqual(plan.unplaced, [
        { personId: "bg-1", reason: "break-glass" },
        { personId: "bg-2", reason: "break-glass" },
      ]);
      assert.ok(waveOf(plan, "no-devices"), "people without devices are placed too");
    });
  }

  test("ordinals, times and settings", () => {
    const plan = planWaves(people, options({ maxPeoplePerWave: 200 }));
    plan.waves.forEach((w, i) => {
      assert.equal(w.ordinal, i);
      assert.equal(w.announceAt, START + i * 7 * DAY);
      assert.equal(w.pilot, i === 0);
    });
    assert.equal(plan.waves[0]!.name, "Pilot");
    assert.equal(plan.waves[0]!.settings.successThreshold, 0.9);
    assert.equal(plan.waves[1]!.settings.successThreshold, 0.8);
    assert.deepEqual({ ...plan.waves[1]!.settings, successThreshold: 0.9 }, plan.waves[0]!.settings);
    assert.notEqual(plan.waves[1]!.settings, plan.waves[2]!.settings, "each wave has its own copy");

    const explicit = planWaves(people, options({ pilotThreshold: 0.95 }));
    assert.equal(explicit.waves[0]!.settings.successThreshold, 0.95);
    const stricter = planWaves(people, options({ settings: { ...SETTINGS, successThreshold: 0.97 } }));
    assert.equal(
      stricter.waves[0]!.settings.successThreshold,
      0.97,
      "the pilot is never laxer than the others",
    );
  });

  describe("pilot", () => {
    test("a cross-section: every department, no VIPs, no break-glass, 5% of plannable people", () => {
      const plan = planWaves(people, options());
      const pilot = plan.waves[0]!;
      assert.equal(pilot.pilot, true);
      const plannable = people.filter((p) => !p.breakGlass).length; // 1207
      assert.equal(pilot.personIds.length, Math.ceil(0.05 * plannable));
      const members = pilot.personIds.map((id) => people.find((p) => p.id === id)!);
      assert.ok(members.every((p) => !p.vip && !p.breakGlass));
      const departments = new Set(members.map((p) => p.department));
      assert.deepEqual([...departments].sort(), ["Engineering", "Finance", "HR", "Legal", "Sales"]);
      // Proportional: the biggest group gets the most places; every group of size appears.
      const count = (label: string) =>
        members.filter((p) => groupLabel(p.department, p.location) === label).length;
      assert.ok(count("Engineering / London") >= count("Sales / London"));
      assert.ok(count("Sales / Paris") >= 1);
      assert.deepEqual(pilot.groups, [...new Set(pilot.groups)].sort(), "groups listed once, sorted");
    });

    test("evenly spread over a group, not its first ids", () => {
      const plan = planWaves(org({ "Sales/London": 1000 }), options());
      const pilot = plan.waves[0]!.personIds;
      assert.equal(pilot.length, 50);
      assert.equal(pilot[0], "sales-london-0010");
      assert.equal(pilot.at(-1), "sales-london-0990");
    });

    test("at least 10, at most 200, all when fewer than 10", () => {
      assert.equal(planWaves(org({ "Sales/London": 60 }), options()).waves[0]!.personIds.length, 10);
      assert.equal(planWaves(org({ "Sales/London": 6 }), options()).waves[0]!.personIds.length, 6);
      assert.equal(planWaves(org({ "Sales/London": 10_000 }), options()).waves[0]!.personIds.length, 200);
      const capped = planWaves(org({ "Sales/London": 1000 }), options({ maxPeoplePerWave: 30 }));
      assert.equal(capped.waves[0]!.personIds.length, 30, "the pilot obeys the per-wave limit too");
    });

    test("more departments than places: the largest departments, one each", () => {
      const spec: Record<string, number> = {};
      for (let d = 0; d < 40; d++) spec[`Dept${String(d).padStart(2, "0")}/Oslo`] = d < 5 ? 20 : 3;
      const pilot = planWaves(org(spec), options()).waves[0]!;
      assert.equal(pilot.personIds.length, 11); // ceil(0.05 × 205)
      // The five large departments, then the next six by name.
      assert.deepEqual(
        pilot.groups,
        Array.from({ length: 11 }, (_, d) => `Dept${String(d).padStart(2, "0")} / Oslo`),
      );
    });

    test("explicit pilot members replace the sample", () => {
      const plan = planWaves(
        people,
        options({ pilotPeople: ["vip-3", "sales-paris-0001", "sales-paris-0001"] }),
      );
      assert.deepEqual(plan.waves[0]!.personIds, ["vip-3", "sales-paris-0001"].sort());
      assert.equal(waveOf(plan, "vip-4")!.name, "VIP");
      assert.throws(() => planWaves(people, options({ pilotPeople: ["bg-1"] })), /break-glass/);
      assert.throws(() => planWaves(people, options({ pilotPeople: ["nobody"] })), /"nobody" is not among/);
      const noPilot = planWaves(people, options({ pilotPeople: [] }));
      assert.equal(noPilot.waves[0]!.name, "VIP");
      assert.equal(noPilot.waves[0]!.announceAt, START);
    });
  });

  describe("VIPs", () => {
    const vips = people.filter((p) => p.vip && !p.breakGlass).map((p) => p.id);

    test("own-wave (default): together right after the pilot", () => {
      const plan = planWaves(people, options());
      const vipWave = plan.waves[1]!;
      assert.equal(vipWave.name, "VIP");
      assert.deepEqual([...vipWave.personIds].sort(), [...vips].sort());
      assert.deepEqual(vipWave.groups, ["Sales / London", "Sales / Paris"]);
      assert.ok(plan.waves.slice(2).every((w) => w.personIds.every((id) => !vips.includes(id))));
    });

    test("own-wave split when VIPs exceed the limit", () => {
      const plan = planWaves(people, options({ maxPeoplePerWave: 20 }));
      assert.equal(plan.waves[1]!.name, "VIP (1 of 2)");
      assert.equal(plan.waves[2]!.name, "VIP (2 of 2)");
      assert.deepEqual([...plan.waves[1]!.personIds, ...plan.waves[2]!.personIds].sort(), [...vips].sort());
    });

    test("last-wave: after every other wave", () => {
      const plan = planWaves(people, options({ vipPlacement: "last-wave" }));
      const last = plan.waves.at(-1)!;
      assert.equal(last.name, "VIP");
      assert.equal(last.ordinal, plan.waves.length - 1);
      assert.deepEqual([...last.personIds].sort(), [...vips].sort());
    });

    test("with-group: in their department/location's wave", () => {
      const plan = planWaves(people, options({ vipPlacement: "with-group" }));
      assert.ok(plan.waves.every((w) => !w.name.startsWith("VIP")));
      for (const id of vips) {
        const wave = waveOf(plan, id)!;
        assert.ok(!wave.pilot);
        const location = Number(id.slice(4)) % 2 ? "Paris" : "London";
        assert.ok(wave.groups.includes(`Sales / ${location}`));
      }
    });
  });

  describe("groups", () => {
    test("kept together when they fit, largest first, first fit", () => {
      const plan = planWaves(org(ORG), options({ pilotPeople: [], maxPeoplePerWave: 500 }));
      const names = plan.waves.map((w) => `${w.name} [${w.personIds.length}]`);
      assert.deepEqual(names, [
        "Wave 1 — Engineering / London (+3 groups) [500]", // 450 + Finance 40 + Legal 7 + HR 3
        "Wave 2 — Sales / London (+1 group) [420]", // 300 + Sales / Paris 120
        "Wave 3 — Engineering / Berlin [260]",
      ]);
      assert.deepEqual(plan.waves[0]!.groups, [
        "Engineering / London",
        "Finance / London",
        "Legal / Paris",
        "HR / Berlin",
      ]);
      for (const label of Object.values(plan.groupOf)) {
        assert.equal(plan.waves.filter((w) => w.groups.includes(label)).length, 1, `${label} in one wave`);
      }
    });

    test("split across consecutive waves only when larger than the limit", () => {
      const plan = planWaves(org(ORG), options({ pilotPeople: [], maxPeoplePerWave: 200 }));
      const holding = (label: string) =>
        plan.waves.filter((w) => w.groups.includes(label)).map((w) => w.ordinal);
      assert.deepEqual(holding("Engineering / London"), [0, 1, 2]);
      assert.deepEqual(holding("Sales / London"), [3, 4]);
      assert.deepEqual(holding("Engineering / Berlin"), [5, 6]);
      assert.equal(holding("Sales / Paris").length, 1);
      assert.equal(holding("Finance / London").length, 1);
      assert.equal(plan.waves[0]!.name, "Wave 1 — Engineering / London, part 1 of 3");
      // The last part (50) leaves room that smaller groups fill: Sales / Paris 120, Legal 7, HR 3.
      assert.equal(plan.waves[2]!.personIds.length, 180);
      assert.equal(plan.waves[2]!.name, "Wave 3 — Engineering / London, part 3 of 3 (+3 groups)");
    });
  });

  test("deterministic: same plan whatever the input order", () => {
    const a = planWaves(people, options({ maxPeoplePerWave: 120 }));
    const shuffled = [...people].sort((x, y) => hash(x.id) - hash(y.id));
    const b = planWaves(shuffled, options({ maxPeoplePerWave: 120 }));
    assert.deepEqual(b, a);
    assert.deepEqual(planWaves(people, options({ maxPeoplePerWave: 120 })), a);
  });

  test("duplicate ids and an empty organisation", () => {
    assert.throws(() => planWaves([...org({ "A/B": 2 }), ...org({ "A/B": 1 })], options()), /listed twice/);
    const empty = planWaves([], options());
    assert.deepEqual(empty.waves, []);
    assert.deepEqual(empty.unplaced, []);
  });
});

describe("edits", () => {
  const people = org({ "Sales/London": 30, "Sales/Paris": 20, "Legal/Paris": 5 }, [
    { breakGlass: true, id: "bg-1" },
    { vip: true, id: "vip-1" },
  ]);
  const plan = planWaves(people, options({ maxPeoplePerWave: 25 }));
  // Pilot (10), VIP (1), Wave 1 (Sales / London, 25), Wave 2 (Sales / Paris 17 + Legal / Paris 3)
  const before = structuredClone(plan);

  test("movePeople moves between waves and keeps group labels right", () => {
    const target = plan.waves.find((w) => w.name === "VIP")!;
    const moved = movePeople(plan, ["legal-paris-0000", "vip-1"], target.ordinal);
    assert.deepEqual(moved.waves[target.ordinal]!.personIds, ["vip-1", "legal-paris-0000"]);
    assert.deepEqual(moved.waves[target.ordinal]!.groups, ["Sales / London", "Legal / Paris"]);
    const from = waveOf(plan, "legal-paris-0000")!;
    assert.ok(!moved.waves[from.ordinal]!.personIds.includes("legal-paris-0000"));
    assert.equal(placedIds(moved).length, placedIds(plan).length);
    assert.deepEqual(plan, before, "the input plan is untouched");
  });

  test("moving everyone of a group out drops its label", () => {
    const legal = people.filter((p) => p.department === "Legal").map((p) => p.id);
    const holder = waveOf(plan, legal.find((id) => !plan.waves[0]!.personIds.includes(id))!)!;
    const moved = movePeople(plan, legal, 0, { allowOverLimit: true });
    assert.ok(!moved.waves[holder.ordinal]!.groups.includes("Legal / Paris"));
    assert.ok(moved.waves[0]!.groups.includes("Legal / Paris"));
  });

  test("movePeople errors", () => {
    assert.throws(
      () => movePeople(plan, ["sales-paris-0001"], 99),
      /no wave with ordinal 99: ordinals are 0–3/,
    );
    assert.throws(() => movePeople(plan, ["bg-1"], 1), /"bg-1" is a break-glass account/);
    assert.throws(() => movePeople(plan, ["ghost"], 1), /"ghost" is not in the plan/);
    const full = plan.waves.find((w) => w.personIds.length === 25)!;
    const other = plan.waves.find((w) => w !== full && !w.pilot)!;
    assert.throws(() => movePeople(plan, [other.personIds[0]!], full.ordinal), /more than the limit of 25/);
    const forced = movePeople(plan, [other.personIds[0]!], full.ordinal, { allowOverLimit: true });
    assert.equal(forced.waves[full.ordinal]!.personIds.length, 26);
  });

  test("reschedule", () => {
    const later = reschedule(plan, 2, plan.waves[2]!.announceAt + DAY);
    assert.equal(later.waves[2]!.announceAt, START + 15 * DAY);
    assert.equal(later.waves[3]!.announceAt, plan.waves[3]!.announceAt);
    const same = reschedule(plan, 2, plan.waves[1]!.announceAt);
    assert.equal(same.waves[2]!.announceAt, same.waves[1]!.announceAt, "on the predecessor's day is allowed");
    const shifted = reschedule(plan, 2, plan.waves[2]!.announceAt + 10 * DAY, { shiftFollowing: true });
    assert.deepEqual(
      shifted.waves.map((w) => (w.announceAt - START) / DAY),
      [0, 7, 24, 31],
    );
    const first = reschedule(plan, 0, START - DAY);
    assert.equal(first.waves[0]!.announceAt, START - DAY, "the first wave has no predecessor");
    assert.deepEqual(plan, before);
  });

  test("reschedule errors", () => {
    assert.throws(() => reschedule(plan, 7, START), /no wave with ordinal 7/);
    assert.throws(
      () => reschedule(plan, 2, plan.waves[1]!.announceAt - 1),
      /cannot be announced at .* before its predecessor "VIP"/,
    );
    assert.throws(() => reschedule(plan, 2, plan.waves[3]!.announceAt + 1), /after the next wave/);
    assert.throws(() => reschedule(plan, 2, Number.NaN), /must be a time/);
  });
});

/** A fixed scramble for the determinism test (no randomness needed). */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
