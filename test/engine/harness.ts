/**
 * A small migration rig for engine tests: a simulated organisation, a real store (SQLite),
 * the engine and a worker, driven on the world's manual clock.
 */
import type { WaveSettings } from "../../src/core/model.ts";
import { DAY, HOUR } from "../../src/core/time.ts";
import { Engine } from "../../src/engine/engine.ts";
import { importPeople } from "../../src/engine/people-import.ts";
import type { EngineSettings } from "../../src/engine/settings.ts";
import { savePlan, startWave } from "../../src/engine/waves.ts";
import { Worker } from "../../src/engine/worker.ts";
import type { Store } from "../../src/store/open.ts";
import { GroundTruthChecker, type GroundTruthLine } from "../../src/world/ground-truth.ts";
import { SimulatedOrganisation, type WorldOptions } from "../../src/world/world.ts";
import { dropTestStore, newStoreLocation, openTestStore, type StoreLocation } from "../support/store.ts";

export const START = Date.UTC(2027, 2, 1, 8);

/** Everybody does what they are asked, promptly: the engine's own behaviour shows clearly. */
export const COOPERATIVE: WorldOptions["behaviour"] = {
  prompt: 1,
  slow: 0,
  never: 0,
  onLeave: 0,
  enrollsFirst: 0,
  losesDevice: 0,
};

export const SETTINGS: WaveSettings = {
  caMode: "immediate",
  gracePeriod: 3 * DAY,
  announceLead: 1 * DAY,
  unenrollDeadline: 5 * DAY,
  reminderEvery: 2 * DAY,
  maxReminders: 2,
  successThreshold: 0.8,
  appleDeadline: 10 * DAY,
};

export interface RigOptions {
  people?: number;
  seed?: number;
  behaviour?: WorldOptions["behaviour"];
  delays?: WorldOptions["delays"];
  database?: string;
  engine?: Partial<EngineSettings>;
}

export class Rig {
  readonly lines: GroundTruthLine[] = [];
  readonly world: SimulatedOrganisation;
  engine!: Engine;
  worker!: Worker;
  store!: Store;
  readonly location: StoreLocation;

  constructor(readonly options: RigOptions = {}) {
    this.location = newStoreLocation(options.database);
    this.world = new SimulatedOrganisation({
      seed: options.seed ?? 7,
      people: options.people ?? 60,
      start: START,
      sink: (l) => this.lines.push(l),
      behaviour: options.behaviour ?? COOPERATIVE,
      ...(options.delays ? { delays: options.delays } : {}),
    });
  }

  static async create(options: RigOptions = {}): Promise<Rig> {
    const rig = new Rig(options);
    await rig.open();
    await importPeople(rig.store.db, rig.world.ports.directory, rig.now, {
      breakGlassUpns: rig.world.breakGlassUpns,
      vipUpns: rig.world.vipUpns,
    });
    await rig.pass();
    return rig;
  }

  /** (Re)opens the store and builds a fresh engine and worker, as a restarted process would. */
  async open(): Promise<void> {
    this.store = await openTestStore(this.location);
    this.engine = new Engine(this.store, this.world.ports, this.options.engine);
    this.worker = new Worker(
      this.store,
      this.world.ports,
      this.engine.settings,
      `worker-${Math.round(this.now)}`,
    );
  }

  get now(): number {
    return this.world.clock.now();
  }

  async pass(): Promise<void> {
    await this.engine.reconcile();
    await this.worker.drain();
  }

  /** Advances the world by `tick` and runs a pass, until `until` holds or `maxDays` pass. */
  async run(until: () => Promise<boolean> | boolean, maxDays = 60, tick = 2 * HOUR): Promise<void> {
    const end = this.now + maxDays * DAY;
    while (!(await until())) {
      if (this.now >= end) throw new Error(`condition not reached within ${maxDays} days`);
      this.world.advanceTo(this.now + tick);
      await this.pass();
    }
  }

  /** One wave with every person who may be moved, approved to start now. */
  async oneWave(settings: Partial<WaveSettings> = {}): Promise<string> {
    const people = await this.store.db
      .selectFrom("people")
      .select("id")
      .where("break_glass", "=", 0)
      .execute();
    await savePlan(
      this.store.db,
      [
        {
          name: "Wave A",
          ordinal: 1,
          pilot: false,
          announceAt: this.now,
          settings: { ...SETTINGS, ...settings },
          personIds: people.map((p) => p.id),
          groups: ["all"],
        },
      ],
      this.now,
      "test",
    );
    await startWave(this.store.db, "w1", this.now, "test");
    return "w1";
  }

  async wave(id = "w1") {
    return this.store.db.selectFrom("waves").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  }

  async people() {
    return this.store.db.selectFrom("people").selectAll().where("break_glass", "=", 0).execute();
  }

  groundTruth() {
    const checker = new GroundTruthChecker({ breakGlassUpns: this.world.breakGlassUpns });
    for (const l of this.lines) checker.feed(l);
    return checker.report();
  }

  /** First time each person became enforced in a system after `after`. */
  enforcedAt(system: "source" | "target", after = START): Map<string, number> {
    const out = new Map<string, number>();
    for (const l of this.lines) {
      if (
        l.type === "ca" &&
        l.system === system &&
        l.enforced &&
        Date.parse(l.at) > after &&
        !out.has(l.person)
      ) {
        out.set(l.person, Date.parse(l.at));
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.store.close();
    await dropTestStore(this.location);
  }
}
