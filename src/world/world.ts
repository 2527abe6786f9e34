/**
 * The simulated organisation: people, their devices, the old product, Intune, Entra ID and
 * a mailbox per person, all driven by one manual clock, seeded and deterministic. It offers
 * every port Ferry's engine drives, and writes a ground-truth log of what was really in
 * effect, so the engine's effects can be checked from outside the engine.
 */
import { normaliseIdentifier } from "../core/identifiers.ts";
import { majorVersion } from "../core/platform.ts";
import type { OutgoingMail, Ports, SourceDeviceRecord, TargetDeviceRecord } from "../core/ports/index.ts";
import { iso, type ManualClock, type Millis } from "../core/time.ts";
import { DirectoryIndex } from "./directory.ts";
import { GroundTruthWriter } from "./ground-truth.ts";
import {
  LONGEST_APPLE_DEADLINE,
  type ResolvedWorldOptions,
  resolveOptions,
  type WorldOptions,
} from "./options.ts";
import { Population } from "./population.ts";
import { DeviceFactory, generateScenario, type Scenario } from "./scenario.ts";
import { Simulation } from "./simulation.ts";
import { SourceSystem } from "./source-system.ts";
import {
  type Compliance,
  type DeviceState,
  type MailboxEntry,
  newDeviceState,
  type PersonState,
  type SourceState,
} from "./state.ts";
import { TargetSystem } from "./target-system.ts";

export type { WorldDelays, WorldOptions } from "./options.ts";

/** Records per page in inventory listings, as a vendor API would page them. */
const PAGE_SIZE = 500;

export interface WorldTruth {
  /** UPNs under the source's CA right now */
  sourceEnforced: Set<string>;
  /** UPNs under Intune's CA right now */
  targetEnforced: Set<string>;
  devicesInSource: number;
  devicesInTarget: number;
  emailsDelivered: number;
  /** deliveries of an idempotency key that had been delivered before */
  duplicateEmails: number;
}

/** Where one physical device really is, for tests and reports. */
export interface DeviceTruth {
  worldId: string;
  sourceId: string;
  ownerUpn: string | undefined;
  source: SourceState;
  targetId: string | undefined;
  compliance: Compliance | undefined;
  lost: boolean;
  /** this device replaced a lost one and never was in the source */
  replacement: boolean;
}

export class SimulatedOrganisation {
  readonly clock: ManualClock;
  readonly ports: Ports;
  readonly breakGlassUpns: readonly string[];
  readonly vipUpns: readonly string[];
  /** the generated organisation (people, devices, dispositions) as it was at the start */
  readonly scenario: Scenario;
  readonly options: Readonly<ResolvedWorldOptions>;

  readonly #sim: Simulation;
  readonly #log: GroundTruthWriter;
  readonly #people: PersonState[];
  readonly #directory: DirectoryIndex;
  readonly #source: SourceSystem;
  readonly #target: TargetSystem;
  readonly #population: Population;
  readonly #appleSerials = new Map<string, DeviceState>();
  readonly #deliveredKeys = new Map<string, number>();
  #emails = 0;
  #duplicates = 0;

  constructor(options: WorldOptions = {}) {
    const o = resolveOptions(options);
    this.options = o;
    this.scenario = generateScenario({
      seed: o.seed,
      people: o.people,
      start: o.start,
      behaviour: o.behaviour,
    });
    this.breakGlassUpns = this.scenario.breakGlassUpns;
    this.vipUpns = this.scenario.vipUpns;
    this.#sim = new Simulation(o.start);
    this.clock = this.#sim.clock;
    this.#log = new GroundTruthWriter(o.sink);

    this.#people = this.scenario.people.map((s) => ({
      s,
      devices: [],
      mailbox: [],
      resetInstructed: false,
      blocked: false,
    }));
    const devices = this.scenario.devices.map((s) => {
      const person = s.owner ? this.#people[s.owner.index] : undefined;
      const d = newDeviceState(s, person, o.seed);
      person?.devices.push(d);
      if ((s.mode === "apple-ade" || s.mode === "macos-ade") && majorVersion(s.osVersion) >= 26) {
        this.#appleSerials.set(normaliseIdentifier(s.hardware.serial) ?? s.hardware.serial, d);
      }
      return d;
    });
    this.#directory = new DirectoryIndex(this.#people);
    this.#source = new SourceSystem(
      this.#sim,
      this.#log,
      this.#directory,
      devices,
      o.delays.sourceCaPropagation,
    );
    this.#target = new TargetSystem(
      this.#sim,
      this.#log,
      this.#directory,
      o.delays.targetCaPropagation,
      o.delays.nymPrepopulated,
    );
    // Replacements of lost devices continue the factory's numbering.
    const factory = new DeviceFactory(o.start, this.scenario.devices);
    this.#population = new Population(
      this.#sim,
      this.#source,
      this.#target,
      factory,
      devices,
      o.delays,
      o.seed,
    );
    this.#target.ca.onChange((p) => this.#population.targetCaChanged(p));

    // The initial state, at the start: everyone's CA in each system, then every device.
    // Nobody counts as blocked yet (even in a tenant whose NYM group starts empty): a person
    // notices Intune's CA only when it changes for them.
    this.#source.startCa();
    this.#target.startCa();
    this.#source.startEnrollments();
    this.#target.startEnrollments(devices);
    this.#population.start(this.#people);

    this.ports = this.#buildPorts();
  }

  /** Processes every scheduled event with time <= t in time order, then sets the clock to t. */
  advanceTo(t: Millis): void {
    this.#sim.advanceTo(t);
  }

  /** One device's record in the old product now (what its API returns for a single device). */
  sourceRecord(sourceId: string): SourceDeviceRecord | undefined {
    return this.#source.record(sourceId);
  }

  /** One Intune record by its id, with its device's world id (what a single-device GET returns). */
  targetRecord(targetId: string): { record: TargetDeviceRecord; worldId: string } | undefined {
    return this.#target.record(targetId);
  }

  /** Counts changes to the old product's records other than time passing (see `SourceSystem.revision`). */
  get sourceRevision(): number {
    return this.#source.revision;
  }

  /** The admin cancels the old product: every enrollment still in the source ends (logged), its CA goes off. */
  decommissionSource(): void {
    this.#source.decommission();
    this.#population.afterDecommission(this.#people);
  }

  truth(): WorldTruth {
    return {
      sourceEnforced: new Set(this.#source.ca.enforced),
      targetEnforced: new Set(this.#target.ca.enforced),
      devicesInSource: this.#source.devicesPresent,
      devicesInTarget: this.#target.devicesPresent,
      emailsDelivered: this.#emails,
      duplicateEmails: this.#duplicates,
    };
  }

  /** The mailbox of one person (by UPN or mail); empty for anyone unknown. */
  mailbox(upn: string): MailboxEntry[] {
    return (this.#directory.resolve(upn)?.mailbox ?? []).map((m) => ({ ...m }));
  }

  /** Every physical device, including replacements of lost ones, as it really is now. */
  devices(): DeviceTruth[] {
    return this.#population.devices.map((d) => ({
      worldId: d.s.worldId,
      sourceId: d.s.sourceId,
      ownerUpn: d.s.ownerUpn,
      source: d.source,
      targetId: d.target?.targetId,
      compliance: d.target?.compliance,
      lost: d.lostAt !== undefined,
      replacement: d.s.index >= this.scenario.devices.length,
    }));
  }

  /** Events still scheduled (people's pending actions, propagations, check-ins). */
  get pendingEvents(): number {
    return this.#sim.pending;
  }

  // --- ports --------------------------------------------------------------------------

  #buildPorts(): Ports {
    const source = this.#source;
    const target = this.#target;
    const directory = this.#directory;
    return {
      clock: this.clock,
      sourceInventory: { listDevices: () => paged<SourceDeviceRecord>(() => source.records()) },
      sourceOffboarding: { retire: async (sourceId) => this.#retire(sourceId) },
      sourceAccess: {
        exclude: (upns) => source.exclude(upns),
        include: (upns) => source.include(upns),
        listExcluded: () => source.listExcluded(),
        policyEnabled: () => source.policyEnabled(),
        disablePolicy: () => source.disablePolicy(),
      },
      appleAssignment: {
        reassignToTarget: async (serial, deadlineAt) => this.#reassign(serial, deadlineAt),
      },
      targetInventory: { listDevices: () => paged<TargetDeviceRecord>(() => target.records()) },
      targetAccess: {
        exempt: (ids) => target.exempt(ids),
        enforce: (ids) => target.enforce(ids),
        listExempt: () => target.listExempt(),
        verifyPolicy: () => target.verifyPolicy(),
      },
      directory: {
        listUsers: () => directory.listUsers(),
        findUser: (upnOrMail) => directory.findUser(upnOrMail),
      },
      mailer: { send: async (mail) => this.#send(mail) },
    };
  }

  #retire(sourceId: string): void {
    const d = this.#source.find(sourceId);
    if (!d) throw new Error(`source: no device with id ${JSON.stringify(sourceId)} has ever existed`);
    this.#population.retire(d);
  }

  #reassign(serial: string, deadlineAt: Millis): void {
    const d = this.#appleSerials.get(normaliseIdentifier(serial) ?? "");
    if (!d) {
      throw new Error(
        `Apple Business Manager: serial ${JSON.stringify(serial)} is not an Automated Device Enrollment device on OS 26 or later`,
      );
    }
    const now = this.clock.now();
    if (!Number.isFinite(deadlineAt) || deadlineAt <= now || deadlineAt > now + LONGEST_APPLE_DEADLINE) {
      throw new RangeError(
        `Apple Business Manager: the deadline for serial ${serial} must be after now and at most 90 days ahead, got ${iso(deadlineAt)}`,
      );
    }
    this.#population.appleReassigned(d, deadlineAt);
  }

  #send(mail: OutgoingMail): { messageId: string } {
    const p = this.#directory.resolve(mail.to);
    if (!p)
      throw new Error(
        `mailer: no mailbox for ${JSON.stringify(mail.to)} (not a directory user's UPN or mail)`,
      );
    const now = this.clock.now();
    this.#emails++;
    const messageId = `<${this.#emails}.${this.options.seed}@world.example>`;
    const seen = this.#deliveredKeys.get(mail.idempotencyKey) ?? 0;
    if (seen > 0) this.#duplicates++;
    this.#deliveredKeys.set(mail.idempotencyKey, seen + 1);
    p.mailbox.push({ template: mail.template, at: now, subject: mail.subject, text: mail.text, messageId });
    this.#log.email(now, p.s.upn, mail.template);
    this.#population.onMail(p, mail.template);
    return { messageId };
  }
}

/** Yields a snapshot taken when iteration starts, page by page, as a vendor API would. */
async function* paged<T>(snapshot: () => T[]): AsyncIterable<T> {
  const all = snapshot();
  for (let i = 0; i < all.length; i += PAGE_SIZE) {
    await Promise.resolve();
    yield* all.slice(i, i + PAGE_SIZE);
  }
}
