import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ReadinessPath } from "../../src/core/model.ts";
import {
  compareVersions,
  ENROLLMENT_MODES,
  MODE_PLATFORMS,
  majorVersion,
  minimumOsFor,
  PLATFORMS,
} from "../../src/core/platform.ts";
import type { DirectoryUser, SourceDeviceRecord } from "../../src/core/ports/index.ts";
import { decidePath } from "../../src/core/readiness.ts";
import type { LeaveWay } from "../../src/world/behaviour.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { collect, START, sourceRecords } from "./helpers.ts";

// One default-sized organisation for the whole file.
let world: SimulatedOrganisation;
let records: SourceDeviceRecord[];
let users: DirectoryUser[];

before(async () => {
  world = new SimulatedOrganisation({ start: START });
  records = await sourceRecords(world);
  users = await collect(world.ports.directory.listUsers());
});

const share = (n: number, total: number) => n / total;

describe("the default organisation", () => {
  it("has 2000 people plus two break-glass accounts, with unique UPNs and ids", () => {
    assert.equal(users.length, 2002);
    assert.equal(new Set(users.map((u) => u.userPrincipalName)).size, 2002);
    assert.equal(new Set(users.map((u) => u.id)).size, 2002);
    for (const u of users) {
      assert.match(u.userPrincipalName, /^[a-z'-]+\.?[a-z'-]*\d*@contoso\.example$/);
      assert.match(u.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.deepEqual(
      [...world.breakGlassUpns],
      ["breakglass1@contoso.example", "breakglass2@contoso.example"],
    );
  });

  it("has about 8 departments of uneven size and 5 offices with IANA time zones", () => {
    const regular = users.filter((u) => !world.breakGlassUpns.includes(u.userPrincipalName));
    const departments = new Map<string, number>();
    for (const u of regular) departments.set(u.department, (departments.get(u.department) ?? 0) + 1);
    assert.equal(departments.size, 8);
    const sizes = [...departments.values()].sort((a, b) => a - b);
    assert.ok(sizes[sizes.length - 1]! > 3 * sizes[0]!, "department sizes are uneven");
    const offices = new Set(regular.map((u) => `${u.officeLocation}|${u.timeZone ?? ""}`));
    const zones = new Set(regular.map((u) => u.timeZone).filter((z) => z !== undefined));
    assert.equal(new Set(regular.map((u) => u.officeLocation)).size, 5);
    assert.equal(zones.size, 5);
    assert.ok(offices.size <= 10);
    for (const zone of zones) assert.doesNotThrow(() => new Intl.DateTimeFormat("en", { timeZone: zone }));
    assert.ok(new Set(regular.map((u) => u.preferredLanguage)).size >= 4);
  });

  it("gives ~2% of people a mail in another domain, and finds people by UPN or mail in any case", async () => {
    const legacy = users.filter((u) => u.mail !== u.userPrincipalName);
    assert.ok(share(legacy.length, users.length) > 0.01 && share(legacy.length, users.length) < 0.035);
    for (const u of legacy) assert.match(u.mail, /@contoso-legacy\.example$/);
    const someone = legacy[0]!;
    assert.equal((await world.ports.directory.findUser(someone.mail.toUpperCase()))?.id, someone.id);
    assert.equal((await world.ports.directory.findUser(someone.userPrincipalName))?.id, someone.id);
    assert.equal(await world.ports.directory.findUser("nobody@contoso.example"), undefined);
  });

  it("flags about 1% of people as VIPs", () => {
    assert.equal(world.vipUpns.length, 20);
    for (const upn of world.vipUpns) assert.ok(users.some((u) => u.userPrincipalName === upn));
  });

  it("has about 1.5 devices per person, some with none and none with more than 4", () => {
    assert.ok(records.length > 2700 && records.length < 3300, `${records.length} devices`);
    const perPerson = world.scenario.people.map((p) => p.devices.length);
    assert.ok(perPerson.some((n) => n === 0));
    assert.ok(perPerson.some((n) => n === 4));
    assert.ok(Math.max(...perPerson) <= 4);
  });

  it("represents every platform and every enrollment mode, in realistic shares", () => {
    const modes = new Set(records.map((r) => r.mode));
    for (const mode of ENROLLMENT_MODES) assert.ok(modes.has(mode), `no ${mode} device`);
    for (const platform of PLATFORMS)
      assert.ok(
        records.some((r) => r.platform === platform),
        `no ${platform}`,
      );
    for (const r of records)
      assert.ok(MODE_PLATFORMS[r.mode].includes(r.platform), `${r.mode} on ${r.platform}`);
    const of = (...platforms: string[]) =>
      share(records.filter((r) => platforms.includes(r.platform)).length, records.length);
    assert.ok(of("ios", "ipados") > 0.4 && of("ios", "ipados") < 0.5);
    assert.ok(of("android") > 0.25 && of("android") < 0.35);
    assert.ok(of("windows") > 0.11 && of("windows") < 0.19);
    assert.ok(of("macos") > 0.07 && of("macos") < 0.13);
    const ade = records.filter((r) => r.mode === "apple-ade");
    assert.ok(
      ade.some((r) => majorVersion(r.osVersion) >= 26) && ade.some((r) => majorVersion(r.osVersion) < 26),
    );
    const android = records.filter((r) => r.platform === "android");
    assert.ok(share(android.filter((r) => r.mode === "android-work-profile").length, android.length) > 0.5);
  });

  it("keeps ownership consistent with the mode", () => {
    const personalOnly = new Set(["apple-user-enrollment", "android-work-profile"]);
    const corporateOnly = new Set([
      "apple-ade",
      "macos-ade",
      "android-fully-managed",
      "android-cope",
      "android-dedicated",
    ]);
    for (const r of records) {
      if (personalOnly.has(r.mode)) assert.equal(r.ownership, "personal", r.mode);
      if (corporateOnly.has(r.mode)) assert.equal(r.ownership, "corporate", r.mode);
    }
    for (const mode of ["apple-device", "windows", "macos-profile"]) {
      const owners = new Set(records.filter((r) => r.mode === mode).map((r) => r.ownership));
      assert.equal(owners.size, 2, `${mode} is mixed`);
    }
  });

  it("has about 4% of devices below Intune's minimum OS", () => {
    const below = records.filter((r) => compareVersions(r.osVersion, minimumOsFor(r.platform, r.mode)) < 0);
    const s = share(below.length, records.length);
    assert.ok(s > 0.025 && s < 0.06, `unsupported share ${s}`);
    assert.ok(new Set(below.map((r) => r.platform)).size >= 3);
  });

  it("has ~1% unowned devices and ~1% owned by someone no longer in the directory", async () => {
    const unowned = records.filter((r) => r.ownerUpn === undefined);
    assert.ok(share(unowned.length, records.length) > 0.005 && share(unowned.length, records.length) < 0.02);
    const listed = new Set(users.flatMap((u) => [u.userPrincipalName.toLowerCase(), u.mail.toLowerCase()]));
    const departed = records.filter((r) => r.ownerUpn !== undefined && !listed.has(r.ownerUpn.toLowerCase()));
    assert.ok(
      share(departed.length, records.length) > 0.005 && share(departed.length, records.length) < 0.02,
    );
    for (const r of departed) assert.equal(await world.ports.directory.findUser(r.ownerUpn!), undefined);
    // Everyone else is found, whatever spelling the source uses (mail, capitalised UPN).
    const owned = records.filter((r) => r.ownerUpn !== undefined && listed.has(r.ownerUpn.toLowerCase()));
    assert.ok(
      owned.some((r) => r.ownerUpn !== r.ownerUpn!.toLowerCase()),
      "some owners are capitalised",
    );
    assert.ok(
      owned.some((r) => r.ownerUpn!.endsWith("@contoso-legacy.example")),
      "some owners are known by mail",
    );
  });

  it("gives break-glass accounts no devices", () => {
    const owners = new Set(records.map((r) => r.ownerUpn?.toLowerCase()));
    for (const upn of world.breakGlassUpns) assert.ok(!owners.has(upn));
  });

  it("reports identifiers normalised, and absent where the mode hides them", () => {
    for (const r of records) {
      for (const value of Object.values(r.identifiers)) assert.match(value!, /^[0-9A-Z]+$/);
      const id = r.identifiers;
      if (r.mode === "apple-user-enrollment") assert.deepEqual(id, {});
      if (r.mode === "android-work-profile" && majorVersion(r.osVersion) >= 12) {
        assert.equal(id.serial, undefined);
        assert.equal(id.imei, undefined);
      }
      if (r.mode === "android-device-admin" && majorVersion(r.osVersion) >= 10)
        assert.equal(id.serial, undefined);
      if (r.platform === "windows") assert.equal(id.imei, undefined);
      if (r.mode !== "apple-user-enrollment" && !(r.platform === "android" && id.serial === undefined)) {
        assert.ok(id.serial, `${r.mode} has a serial`);
      }
      if (["apple-device", "apple-ade", "macos-profile", "macos-ade"].includes(r.mode)) assert.ok(id.udid);
      else assert.equal(id.udid, undefined);
      if (r.platform === "ios" && r.mode !== "apple-user-enrollment") assert.match(id.imei!, /^\d{15}$/);
    }
    const serials = records.map((r) => r.identifiers.serial).filter((s) => s !== undefined);
    assert.equal(new Set(serials).size, serials.length, "serials are unique");
    assert.ok(
      records.some((r) => r.identifiers.meid !== undefined),
      "a few MEIDs",
    );
    assert.ok(
      records.some((r) => r.identifiers.serial?.startsWith("R5CT")),
      "Samsung serials",
    );
    assert.ok(
      records.some((r) => r.mode === "android-work-profile" && r.identifiers.serial === undefined),
      "Android 12+ work profiles without serial",
    );
  });

  it("numbers source records as the source would, in an order unrelated to owners", () => {
    const ids = records.map((r) => Number(r.sourceId));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(ids[0], 10001);
    const firstOwners = records.slice(0, 10).map((r) => r.ownerUpn);
    assert.ok(new Set(firstOwners).size >= 8);
  });

  it("makes every device leave the old product the way Ferry's readiness rules expect", () => {
    const expected: Record<LeaveWay, ReadinessPath> = {
      self: "self-service",
      admin: "admin-retire",
      reset: "factory-reset",
      "apple-migration": "apple-migration-deadline",
    };
    for (const d of world.scenario.devices) {
      const { path } = decidePath({ device: d, ownerInDirectory: d.owner !== undefined });
      if (path === "no-owner") assert.ok(d.owner === undefined);
      else if (path === "unsupported-os") assert.equal(d.supported, false);
      else assert.equal(path, expected[d.leaveWay], `${d.worldId} ${d.mode} ${d.ownership} ${d.osVersion}`);
    }
  });

  it("draws dispositions in the default shares", () => {
    const people = world.scenario.people.filter((p) => !p.breakGlass);
    const count = (f: (p: (typeof people)[number]) => boolean) =>
      share(people.filter(f).length, people.length);
    assert.ok(Math.abs(count((p) => p.behaviour.profile === "prompt") - 0.6 / 0.97) < 0.04);
    assert.ok(Math.abs(count((p) => p.behaviour.profile === "slow") - 0.25 / 0.97) < 0.04);
    assert.ok(Math.abs(count((p) => p.behaviour.profile === "never") - 0.08 / 0.97) < 0.025);
    assert.ok(Math.abs(count((p) => p.behaviour.profile === "onLeave") - 0.04 / 0.97) < 0.02);
    assert.ok(Math.abs(count((p) => p.behaviour.enrollsFirst) - 0.04) < 0.02);
    assert.ok(count((p) => p.behaviour.loss !== undefined) < 0.025);
    for (const p of people) {
      const leave = p.behaviour.leave;
      if (p.behaviour.profile !== "onLeave") assert.equal(leave, undefined);
      else {
        assert.ok(leave!.from >= START && leave!.from < START + 21 * 86_400_000);
        const weeks = (leave!.to - leave!.from) / (7 * 86_400_000);
        assert.ok(weeks >= 1 && weeks <= 4);
      }
    }
  });

  it("lets the behaviour mix change without changing the people or devices", () => {
    const cooperative = new SimulatedOrganisation({
      start: START,
      people: 300,
      behaviour: { never: 0, slow: 0 },
    });
    const usual = new SimulatedOrganisation({ start: START, people: 300 });
    assert.deepEqual(
      cooperative.scenario.devices.map((d) => d.hardware),
      usual.scenario.devices.map((d) => d.hardware),
    );
    assert.ok(
      cooperative.scenario.people.every(
        (p) => p.behaviour.profile === "prompt" || p.behaviour.profile === "onLeave",
      ),
    );
  });
});
