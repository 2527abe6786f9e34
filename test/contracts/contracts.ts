/**
 * One contract suite per port, run with the same assertions against every implementation:
 * the simulated organisation in process, and each connector talking to its vendor's
 * emulator (which is backed by a simulated organisation too). The world behind a subject is
 * the referee: assertions compare what the port reports with what is really there.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { normaliseIdentifier } from "../../src/core/identifiers.ts";
import type { Ports } from "../../src/core/ports/index.ts";
import { HOUR } from "../../src/core/time.ts";
import type { SimulatedOrganisation } from "../../src/world/world.ts";

export interface ContractSubject {
  /** the organisation behind the implementation under test */
  world: SimulatedOrganisation;
  /** the implementation(s) under test */
  ports: Partial<Ports>;
  /** lets time pass in the world (and in anything else the subject runs on the same clock) */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type SubjectFactory = () => Promise<ContractSubject>;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function subjectHook(make: SubjectFactory) {
  const ref: { s?: ContractSubject } = {};
  before(async () => {
    ref.s = await make();
  });
  after(async () => ref.s?.close());
  return () => ref.s!;
}

/** SourceInventory + SourceOffboarding */
export function sourceContract(name: string, make: SubjectFactory): void {
  describe(`${name}: source inventory and offboarding`, () => {
    const s = subjectHook(make);

    it("lists every device the source manages, once, with normalised identifiers", async () => {
      const { world, ports } = s();
      const records = await collect(ports.sourceInventory!.listDevices());
      const truth = world.devices().filter((d) => d.source !== "absent");
      assert.equal(records.length, truth.length);
      assert.equal(
        new Set(records.map((r) => r.sourceId)).size,
        records.length,
        "no duplicates across pages",
      );
      assert.deepEqual(new Set(records.map((r) => r.sourceId)), new Set(truth.map((d) => d.sourceId)));
      for (const r of records) {
        for (const value of Object.values(r.identifiers)) assert.equal(value, normaliseIdentifier(value));
      }
    });

    it("reports each device as the world knows it: owner, platform, mode, ownership, OS, identifiers", async () => {
      const { world, ports } = s();
      const byId = new Map(world.scenario.devices.map((d) => [d.sourceId, d]));
      for (const r of await collect(ports.sourceInventory!.listDevices())) {
        const d = byId.get(r.sourceId)!;
        assert.equal(r.platform, d.platform, r.sourceId);
        assert.equal(r.mode, d.mode, r.sourceId);
        assert.equal(r.ownership, d.ownership, r.sourceId);
        assert.equal(r.osVersion, d.osVersion, r.sourceId);
        assert.equal(r.ownerUpn?.toLowerCase(), d.sourceOwner?.toLowerCase(), r.sourceId);
        const ids = d.sourceIdentifiers;
        for (const kind of ["serial", "imei", "udid", "wifiMac"] as const) {
          assert.equal(r.identifiers[kind], ids[kind], `${r.sourceId} ${kind}`);
        }
      }
    });

    it("retires a device: pending at once, gone after it checks in; retiring again is harmless", async () => {
      const { world, ports } = s();
      const victim = world.devices().find((d) => d.source === "enrolled" && !d.lost)!;
      await ports.sourceOffboarding!.retire(victim.sourceId);
      await ports.sourceOffboarding!.retire(victim.sourceId);
      const pending = (await collect(ports.sourceInventory!.listDevices())).find(
        (r) => r.sourceId === victim.sourceId,
      );
      assert.equal(pending?.enrollment, "retire-pending");
      await s().advance(12 * HOUR);
      const after = (await collect(ports.sourceInventory!.listDevices())).find(
        (r) => r.sourceId === victim.sourceId,
      );
      assert.equal(after, undefined);
      await ports.sourceOffboarding!.retire(victim.sourceId); // already gone: still fine
    });

    it("refuses to retire a device that never existed, naming it", async () => {
      await assert.rejects(s().ports.sourceOffboarding!.retire("999999999"), /999999999/);
    });
  });
}

/** SourceAccessControl */
export function sourceAccessContract(name: string, make: SubjectFactory): void {
  describe(`${name}: source access control`, () => {
    const s = subjectHook(make);

    it("reads back the exclusion list, which starts with the break-glass accounts", async () => {
      const { world, ports } = s();
      const excluded = await ports.sourceAccess!.listExcluded();
      for (const upn of world.breakGlassUpns)
        assert.ok([...excluded].some((u) => u.toLowerCase() === upn.toLowerCase()));
      assert.equal(await ports.sourceAccess!.policyEnabled(), true);
    });

    it("excludes and includes people, idempotently, read back at once and effective after propagation", async () => {
      const { world, ports } = s();
      const people = world.scenario.people.filter((p) => !p.breakGlass).slice(0, 25);
      const upns = people.map((p) => p.upn);
      await ports.sourceAccess!.exclude(upns);
      await ports.sourceAccess!.exclude(upns);
      const excluded = new Set([...(await ports.sourceAccess!.listExcluded())].map((u) => u.toLowerCase()));
      for (const u of upns) assert.ok(excluded.has(u.toLowerCase()), u);
      await s().advance(HOUR);
      for (const u of upns)
        assert.ok(!world.truth().sourceEnforced.has(u), `${u} no longer under the source's CA`);
      await ports.sourceAccess!.include(upns);
      await ports.sourceAccess!.include(upns);
      const after = new Set([...(await ports.sourceAccess!.listExcluded())].map((u) => u.toLowerCase()));
      for (const u of upns) assert.ok(!after.has(u.toLowerCase()), u);
      await s().advance(HOUR);
      for (const u of upns) assert.ok(world.truth().sourceEnforced.has(u));
    });

    it("switches the source's CA off", async () => {
      const { world, ports } = s();
      await ports.sourceAccess!.disablePolicy();
      assert.equal(await ports.sourceAccess!.policyEnabled(), false);
      await s().advance(HOUR);
      assert.equal(world.truth().sourceEnforced.size, 0);
    });
  });
}

/** TargetInventory + TargetAccessControl */
export function targetContract(name: string, make: SubjectFactory): void {
  describe(`${name}: target inventory and access control`, () => {
    const s = subjectHook(make);

    it("verifies the Intune policy: enabled, excluding the not-yet-migrated group and break-glass", async () => {
      const check = await s().ports.targetAccess!.verifyPolicy();
      assert.deepEqual(check, {
        enabled: true,
        excludesNotYetMigrated: true,
        excludesBreakGlass: true,
        problems: [],
      });
    });

    it("starts with everyone but break-glass in the not-yet-migrated group", async () => {
      const { world, ports } = s();
      const exempt = await ports.targetAccess!.listExempt();
      const regular = world.scenario.people.filter((p) => !p.breakGlass);
      assert.equal(exempt.size, regular.length);
      for (const p of regular) assert.ok(exempt.has(p.id), p.upn);
    });

    it("enforces and exempts people in batches, idempotently, read back at once", async () => {
      const { world, ports } = s();
      const people = world.scenario.people.filter((p) => !p.breakGlass).slice(0, 45);
      const ids = people.map((p) => p.id);
      await ports.targetAccess!.enforce(ids);
      await ports.targetAccess!.enforce(ids);
      let exempt = await ports.targetAccess!.listExempt();
      for (const id of ids) assert.ok(!exempt.has(id));
      await s().advance(HOUR);
      for (const p of people) assert.ok(world.truth().targetEnforced.has(p.upn));
      await ports.targetAccess!.exempt(ids);
      await ports.targetAccess!.exempt(ids);
      exempt = await ports.targetAccess!.listExempt();
      for (const id of ids) assert.ok(exempt.has(id));
    });

    it("lists Intune's devices with compliance; a device enrolled later appears with a new id", async () => {
      const { world, ports } = s();
      const before = await collect(ports.targetInventory!.listDevices());
      assert.equal(before.length, world.truth().devicesInTarget);
      // Retire one device in the source through the world; its owner (if any, and willing) re-enrolls.
      await s().advance(3 * 24 * HOUR);
      const now = await collect(ports.targetInventory!.listDevices());
      assert.equal(now.length, world.truth().devicesInTarget);
      const truthIds = new Set(world.devices().flatMap((d) => (d.targetId ? [d.targetId] : [])));
      for (const r of now) {
        assert.ok(truthIds.has(r.targetId), r.targetId);
        assert.ok(["unknown", "compliant", "noncompliant"].includes(r.compliance));
        for (const value of Object.values(r.identifiers)) assert.equal(value, normaliseIdentifier(value));
      }
    });
  });
}

/** Directory */
export function directoryContract(name: string, make: SubjectFactory): void {
  describe(`${name}: directory`, () => {
    const s = subjectHook(make);

    it("lists every user", async () => {
      const { world, ports } = s();
      const users = await collect(ports.directory!.listUsers());
      assert.equal(users.length, world.scenario.people.length);
      assert.deepEqual(new Set(users.map((u) => u.id)), new Set(world.scenario.people.map((p) => p.id)));
    });

    it("finds a user by UPN or by mail, in any case; nobody for an unknown address", async () => {
      const { world, ports } = s();
      const p =
        world.scenario.people.find((x) => x.mail.toLowerCase() !== x.upn.toLowerCase()) ??
        world.scenario.people[0]!;
      assert.equal((await ports.directory!.findUser(p.upn.toUpperCase()))?.id, p.id);
      assert.equal((await ports.directory!.findUser(p.mail))?.id, p.id);
      assert.equal(await ports.directory!.findUser("nobody.at.all@contoso.example"), undefined);
    });
  });
}

/** Mailer */
export function mailerContract(name: string, make: SubjectFactory): void {
  describe(`${name}: mailer`, () => {
    const s = subjectHook(make);

    it("delivers to the person's mailbox", async () => {
      const { world, ports } = s();
      const p = world.scenario.people[3]!;
      const { messageId } = await ports.mailer!.send({
        to: p.mail,
        personId: p.id,
        template: "instructions",
        subject: "Action needed",
        text: "Please move your devices.",
        idempotencyKey: "contract-1",
      });
      assert.ok(messageId.length > 0);
      const box = world.mailbox(p.upn);
      assert.equal(box.at(-1)?.template, "instructions");
    });
  });
}
