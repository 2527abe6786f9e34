/**
 * Generates the simulated organisation from a seed: directory users, their devices with
 * realistic models, OS versions and identifiers, and each person's disposition.
 */
import type { DeviceIdentifiers } from "../core/identifiers.ts";
import {
  compareVersions,
  type EnrollmentMode,
  majorVersion,
  minimumOsFor,
  type Ownership,
  type Platform,
} from "../core/platform.ts";
import { HOUR, type Millis } from "../core/time.ts";
import {
  type BehaviourMix,
  drawBehaviour,
  type LeaveWay,
  leaveWayOf,
  type PersonBehaviour,
} from "./behaviour.ts";
import {
  ANDROID_MODELS,
  DEPARTMENTS,
  DOMAIN,
  FIRST_NAMES,
  IPADS,
  IPHONES,
  LAST_NAMES,
  LEGACY_DOMAIN,
  MACS,
  MODE_MIX,
  type ModelSpec,
  type ModeSpec,
  OFFICES,
  OS_VERSIONS,
  OTHER_LANGUAGES,
  RUGGED_ANDROID,
  UNOWNED_MODE_MIX,
  WINDOWS_MODELS,
} from "./catalog.ts";
import { type Hardware, hardwareFor, visibleIdentifiers } from "./hardware.ts";
import { Rng } from "./rng.ts";

export interface ScenarioOptions {
  seed: number;
  people: number;
  start: Millis;
  behaviour: BehaviourMix;
}

export interface ScenarioPerson {
  index: number;
  /** Entra ID object id */
  id: string;
  upn: string;
  mail: string;
  displayName: string;
  department: string;
  officeLocation: string;
  timeZone: string | undefined;
  preferredLanguage: string | undefined;
  vip: boolean;
  breakGlass: boolean;
  behaviour: PersonBehaviour;
  /** indexes into Scenario.devices, in the order they were generated */
  devices: number[];
}

export interface ScenarioDevice {
  index: number;
  /** stable id of the physical device, used in the ground-truth log for both systems */
  worldId: string;
  /** the source's record id ("" for devices that were never in the source) */
  sourceId: string;
  /** the directory person who owns it; undefined for unowned devices and departed owners */
  owner: ScenarioPerson | undefined;
  /** the owner as the source records it: UPN, mail, or a departed employee's UPN; varied case */
  sourceOwner: string | undefined;
  /** the owner's UPN for the ground-truth log (a departed owner's too); undefined = no owner */
  ownerUpn: string | undefined;
  departedOwner: boolean;
  platform: Platform;
  mode: EnrollmentMode;
  ownership: Ownership;
  osVersion: string;
  model: string;
  manufacturer: string;
  hardware: Hardware;
  /** what the source can see */
  sourceIdentifiers: DeviceIdentifiers;
  /** what Intune will see once the device enrolls there */
  targetIdentifiers: DeviceIdentifiers;
  /** at or above Intune's minimum OS */
  supported: boolean;
  leaveWay: LeaveWay;
  /** the device checks in every `period`, the last time before the start being `anchor` */
  checkIn: { anchor: Millis; period: Millis };
}

export interface Scenario {
  /** directory users: the regular people, then the break-glass accounts */
  people: ScenarioPerson[];
  devices: ScenarioDevice[];
  vipUpns: string[];
  breakGlassUpns: string[];
}

const DEVICES_PER_PERSON: [number, number][] = [
  [0, 10],
  [1, 45],
  [2, 33],
  [3, 10],
  [4, 2],
];

export function generateScenario(options: ScenarioOptions): Scenario {
  const rng = new Rng(options.seed, "people");
  const people: ScenarioPerson[] = [];
  const usedLocals = new Set<string>();
  for (let i = 0; i < options.people; i++) people.push(makePerson(i, rng, usedLocals));

  for (const index of rng.shuffle(people.map((p) => p.index)).slice(0, vipCount(options.people))) {
    people[index]!.vip = true;
  }

  const factory = new DeviceFactory(options.start);
  const deviceRng = new Rng(options.seed, "devices");
  for (const person of people) {
    const count = deviceRng.weighted(DEVICES_PER_PERSON);
    for (let k = 0; k < count; k++) {
      const spec = deviceRng.weighted(MODE_MIX.map((s) => [s, s.weight] as const));
      person.devices.push(factory.make(spec, person, deviceRng).index);
    }
  }
  const owned = factory.devices.length;
  const extra = Math.max(1, Math.round(owned * 0.01));
  for (let k = 0; k < extra; k++) {
    const local = uniqueLocal(deviceRng, "anglo", usedLocals);
    const spec = deviceRng.weighted(MODE_MIX.map((s) => [s, s.weight] as const));
    factory.make(spec, undefined, deviceRng, `${local}@${DOMAIN}`);
  }
  for (let k = 0; k < extra; k++) factory.make(deviceRng.weighted(UNOWNED_MODE_MIX), undefined, deviceRng);

  // The source numbered its records in enrollment order, which has nothing to do with ours.
  const order = deviceRng.shuffle(factory.devices.map((d) => d.index));
  order.forEach((index, n) => {
    factory.devices[index]!.sourceId = String(10001 + n);
  });

  for (const person of people) {
    person.behaviour = drawBehaviour(
      options.behaviour,
      person.devices.length,
      options.start,
      new Rng(options.seed, "behaviour", person.index),
    );
  }

  const breakGlass = [1, 2].map((n) => breakGlassAccount(people.length + n - 1, n, rng));
  return {
    people: [...people, ...breakGlass],
    devices: factory.devices,
    vipUpns: people.filter((p) => p.vip).map((p) => p.upn),
    breakGlassUpns: breakGlass.map((p) => p.upn),
  };
}

function vipCount(people: number): number {
  return people === 0 ? 0 : Math.max(1, Math.round(people * 0.01));
}

function makePerson(index: number, rng: Rng, usedLocals: Set<string>): ScenarioPerson {
  const office = rng.weighted(OFFICES);
  const first = rng.pick(FIRST_NAMES[office.names]);
  const last = rng.pick(LAST_NAMES[office.names]);
  const local = localPart(first, last, usedLocals);
  const upn = `${local}@${DOMAIN}`;
  const legacyMail = rng.bernoulli(0.02);
  const languageRoll = rng.next();
  return {
    index,
    id: rng.guid(),
    upn,
    mail: legacyMail ? `${local}@${LEGACY_DOMAIN}` : upn,
    displayName: `${first} ${last}`,
    department: rng.weighted(DEPARTMENTS),
    officeLocation: office.city,
    timeZone: rng.bernoulli(0.01) ? undefined : office.timeZone,
    preferredLanguage:
      languageRoll < 0.01 ? undefined : languageRoll < 0.1 ? rng.pick(OTHER_LANGUAGES) : office.language,
    vip: false,
    breakGlass: false,
    behaviour: { profile: "prompt", leave: undefined, enrollsFirst: false, loss: undefined },
    devices: [],
  };
}

/** first.last, then first.last2, first.last3… as directories do on collisions. */
function localPart(first: string, last: string, used: Set<string>): string {
  const base = `${first}.${last}`.toLowerCase();
  let local = base;
  for (let n = 2; used.has(local); n++) local = `${base}${n}`;
  used.add(local);
  return local;
}

function uniqueLocal(rng: Rng, pool: "anglo", used: Set<string>): string {
  return localPart(rng.pick(FIRST_NAMES[pool]), rng.pick(LAST_NAMES[pool]), used);
}

function breakGlassAccount(index: number, n: number, rng: Rng): ScenarioPerson {
  const upn = `breakglass${n}@${DOMAIN}`;
  return {
    index,
    id: rng.guid(),
    upn,
    mail: upn,
    displayName: `Break Glass ${n}`,
    department: "IT",
    officeLocation: "London",
    timeZone: "Europe/London",
    preferredLanguage: "en-GB",
    vip: false,
    breakGlass: true,
    behaviour: { profile: "prompt", leave: undefined, enrollsFirst: false, loss: undefined },
    devices: [],
  };
}

/** Builds devices with unique identifiers; also makes the replacements of lost devices. */
export class DeviceFactory {
  readonly devices: ScenarioDevice[] = [];
  readonly #used = new Set<string>();
  readonly #start: Millis;

  /** `existing`: devices made earlier (by another factory), whose identifiers must not repeat. */
  constructor(start: Millis, existing: readonly ScenarioDevice[] = []) {
    this.#start = start;
    for (const d of existing) {
      this.devices.push(d);
      this.#remember(d.hardware);
    }
  }

  make(spec: ModeSpec, owner: ScenarioPerson | undefined, rng: Rng, departedUpn?: string): ScenarioDevice {
    const osVersion = rng.weighted(osListFor(spec));
    return this.#build(
      spec.mode,
      spec.platform,
      rng.bernoulli(spec.personal),
      osVersion,
      owner,
      rng,
      departedUpn,
    );
  }

  /**
   * A brand-new device of the same platform as `lost`, on a current OS, in the same mode
   * (a device administrator phone is replaced by a work-profile one: Intune has no device admin).
   */
  replacementFor(lost: ScenarioDevice, rng: Rng): ScenarioDevice {
    const mode = lost.mode === "android-device-admin" ? "android-work-profile" : lost.mode;
    const newest = osListFor({ mode, platform: lost.platform })[0]![0];
    const personal = mode === "android-work-profile" || lost.ownership === "personal";
    const device = this.#build(mode, lost.platform, personal, newest, lost.owner, rng);
    device.sourceId = "";
    return device;
  }

  #build(
    mode: EnrollmentMode,
    platform: Platform,
    personal: boolean,
    osVersion: string,
    owner: ScenarioPerson | undefined,
    rng: Rng,
    departedUpn?: string,
  ): ScenarioDevice {
    const index = this.devices.length;
    const model = modelFor(mode, platform, osVersion, rng);
    const hardware = this.#uniqueHardware(platform, model, rng);
    const ownership: Ownership = personal ? "personal" : "corporate";
    const ownerUpn = owner?.upn ?? departedUpn;
    const period = rng.uniform(18 * HOUR, 30 * HOUR);
    const device: ScenarioDevice = {
      index,
      worldId: `d-${String(index + 1).padStart(6, "0")}`,
      sourceId: "",
      owner,
      sourceOwner: owner ? sourceOwnerName(owner, rng) : departedUpn,
      ownerUpn,
      departedOwner: departedUpn !== undefined,
      platform,
      mode,
      ownership,
      osVersion,
      model: model.model,
      manufacturer: model.manufacturer,
      hardware,
      sourceIdentifiers: visibleIdentifiers(mode, osVersion, hardware),
      // Intune has no device administrator any more: those devices come back as work profiles.
      targetIdentifiers: visibleIdentifiers(
        mode === "android-device-admin" ? "android-work-profile" : mode,
        osVersion,
        hardware,
      ),
      supported: compareVersions(osVersion, minimumOsFor(platform, mode)) >= 0,
      leaveWay: leaveWayOf(mode, ownership, osVersion),
      checkIn: { anchor: Math.round(this.#start - rng.uniform(0, period)), period: Math.round(period) },
    };
    this.devices.push(device);
    return device;
  }

  #uniqueHardware(platform: Platform, model: ModelSpec, rng: Rng): Hardware {
    for (;;) {
      const hw = hardwareFor(platform, model, rng);
      if (hardwareKeys(hw).some((k) => this.#used.has(k))) continue;
      this.#remember(hw);
      return hw;
    }
  }

  #remember(hw: Hardware): void {
    for (const k of hardwareKeys(hw)) this.#used.add(k);
  }
}

function hardwareKeys(hw: Hardware): string[] {
  const keys = [`s:${hw.serial}`, `m:${hw.wifiMac}`];
  if (hw.imei) keys.push(`i:${hw.imei}`);
  if (hw.udid) keys.push(`u:${hw.udid}`);
  return keys;
}

/** How the source spells the owner: people with a legacy mail are known by it; some by a capitalised UPN. */
function sourceOwnerName(owner: ScenarioPerson, rng: Rng): string {
  const capitalise = rng.bernoulli(0.05);
  if (owner.mail !== owner.upn) return owner.mail;
  if (!capitalise) return owner.upn;
  const [local = "", domain = ""] = owner.upn.split("@");
  const name = local
    .split(".")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(".");
  return `${name}@${domain}`;
}

function osListFor(spec: Pick<ModeSpec, "mode" | "platform">): [string, number][] {
  switch (spec.platform) {
    case "ios":
    case "ipados":
      return OS_VERSIONS.apple;
    case "macos":
      return OS_VERSIONS.macos;
    case "windows":
      return OS_VERSIONS.windows;
    case "android":
      if (spec.mode === "android-device-admin") return OS_VERSIONS.androidLegacy;
      if (spec.mode === "android-dedicated") return [...OS_VERSIONS.android, ["7.1.2", 2]];
      return OS_VERSIONS.android;
  }
}

/**
 * A model that runs `osVersion`: an old OS comes with an old model (whose last OS it is, or
 * close), a current OS with a current model.
 */
function modelFor(mode: EnrollmentMode, platform: Platform, osVersion: string, rng: Rng): ModelSpec {
  const major = majorVersion(osVersion);
  if (platform === "windows") return rng.pick(WINDOWS_MODELS);
  if (mode === "android-dedicated") return rng.pick(RUGGED_ANDROID);
  const [buckets, modernFrom] =
    platform === "ios"
      ? [IPHONES, 17]
      : platform === "ipados"
        ? [IPADS, 17]
        : platform === "macos"
          ? [MACS, 14]
          : [ANDROID_MODELS, 12];
  const candidates = buckets
    .filter((b) => (b.maxMajor === 99 ? major >= modernFrom : b.maxMajor >= major && b.maxMajor <= major + 3))
    .flatMap((b) => b.models);
  const model = rng.pick(candidates.length > 0 ? candidates : buckets[buckets.length - 1]!.models);
  // Android tablets are rarely cellular; iPads sometimes are.
  if (platform === "ipados" && rng.bernoulli(0.35)) return { ...model, cellular: true };
  return model;
}
