/**
 * `ferry demo`: a whole Migrate-to-Intune campaign against the simulated organisation, on an
 * accelerated clock. It wires the real engine, store and worker to the world's ports, exactly
 * as an installation wires them to connectors.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Capacity } from "../core/capacity.ts";
import { isMigrated } from "../core/device-state.ts";
import type { DeviceState } from "../core/model.ts";
import { defaultCapacity, defaultPlanOptions, type PlanPerson, planWaves } from "../core/planner.ts";
import { type Clock, HOUR } from "../core/time.ts";
import { checkStore } from "../engine/checker.ts";
import { Engine } from "../engine/engine.ts";
import { setMeta } from "../engine/meta.ts";
import { importPeople } from "../engine/people-import.ts";
import { buildReport, type Report } from "../engine/report.ts";
import { MANUAL_ITEMS } from "../engine/retirement.ts";
import { buildWaveViews, waveProgress } from "../engine/wave-view.ts";
import { savePlan, startWave } from "../engine/waves.ts";
import { Worker } from "../engine/worker.ts";
import type { WorkingSet } from "../engine/working-set.ts";
import { openStore, type Store } from "../store/open.ts";
import {
  type EmulatedOrganisation,
  emulateOrganisation,
  type SourceVendor,
} from "../wiring/emulated-organisation.ts";
import { GroundTruthChecker, type GroundTruthLine } from "../world/ground-truth.ts";
import { SimulatedOrganisation, type WorldOptions } from "../world/world.ts";
import { DEMO_PILOT_MODE, DEMO_WAVE_SETTINGS } from "./settings.ts";

export interface DemoOptions {
  people: number;
  seed: number;
  /** ground-truth log destination (JSON lines) */
  eventsFile?: string;
  /** SQLite path or PostgreSQL URL; SQLite in memory by default */
  database?: string;
  /** PostgreSQL schema to use (created if missing) */
  schema?: string;
  /** simulated time between passes */
  tick?: number;
  /** stop after this many simulated days even if unfinished (the report says so) */
  maxDays?: number;
  behaviour?: WorldOptions["behaviour"];
  /**
   * "in-process" (default): the engine drives the simulated organisation's ports directly;
   * "http": the real connectors talk to each vendor's emulator on loopback.
   */
  transport?: "http" | "in-process";
  /** the old product, over HTTP */
  source?: SourceVendor;
  /** share of requests every emulator faults, over HTTP */
  faultRate?: number;
  onProgress?: (p: DemoProgress) => void;
  /** called once the store holds the organisation and its plan (e.g. to serve the console over it) */
  onReady?: (store: Store, clock: Clock) => Promise<void>;
  /** awaited after every pass (e.g. to pace the demo for people watching the console) */
  afterPass?: () => Promise<void>;
  /** awaited at the end, before the store closes (e.g. to keep the console up until Ctrl-C) */
  onFinished?: () => Promise<void>;
}

export interface DemoProgress {
  day: number;
  waves: { name: string; status: string; migrated: number; devices: number }[];
  migrated: number;
  devices: number;
  phase: "migrating" | "retiring" | "done";
}

export interface DemoResult {
  /**
   * Over HTTP: requests each emulator received (retries included), how many it answered with
   * success, faulted or throttled, and per route (`"GET /path"` → count).
   */
  requests?: Record<
    string,
    {
      requests: number;
      succeeded: number;
      faulted: number;
      throttled: number;
      byRoute: Record<string, number>;
      /** collections read page by page: listings, pages served, the fewest pages possible */
      listings: Record<string, { listings: number; pages: number; minimumPages: number }>;
    }
  >;
  /** Over HTTP: the Graph client's own counts, with the simulated time it paced itself under Graph's limits. */
  graphClient?: {
    requests: number;
    retries: number;
    throttled: number;
    budgetWaits: number;
    budgetWaitMs: number;
  };
  report: Report;
  groundTruth: ReturnType<GroundTruthChecker["report"]>;
  storeViolations: number;
  finished: boolean;
  passes: number;
  wallMs: number;
}

/** The demo starts on a Monday morning, like a real campaign. */
export const DEMO_START = Date.UTC(2027, 0, 4, 8, 0, 0);

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const wallStart = performance.now();
  // Every pass lists both inventories in full, over HTTP as a real installation would. Passes
  // twice a simulated day keep the demo quick; the same end state is reached with 3-hour
  // passes (see bench/README.md), only later in the day.
  const tick = options.tick ?? 12 * HOUR;
  const maxDays = options.maxDays ?? 365;
  const fd = options.eventsFile ? openSync(options.eventsFile, "w") : undefined;
  const checker = new GroundTruthChecker();
  let buffered: string[] = [];
  const sink = (line: GroundTruthLine) => {
    checker.feed(line);
    if (fd !== undefined) {
      buffered.push(JSON.stringify(line));
      if (buffered.length >= 2000) flush();
    }
  };
  const flush = () => {
    if (fd !== undefined && buffered.length > 0) writeSync(fd, `${buffered.join("\n")}\n`);
    buffered = [];
  };

  const world = new SimulatedOrganisation({
    seed: options.seed,
    people: options.people,
    start: DEMO_START,
    sink,
    ...(options.behaviour ? { behaviour: options.behaviour } : {}),
  });
  let emulated: EmulatedOrganisation | undefined;
  const store = await openStore(
    options.database ?? ":memory:",
    options.schema ? { schema: options.schema } : {},
  );
  try {
    if ((await store.db.selectFrom("people").select("id").limit(1).execute()).length > 0) {
      throw new Error("the demo needs an empty store: give --db a new file or PostgreSQL schema");
    }
    emulated =
      options.transport !== "http"
        ? undefined
        : await emulateOrganisation(world, {
            source: options.source ?? "workspace-one",
            seed: options.seed,
            ...(options.faultRate ? { faultRate: options.faultRate } : {}),
          });
    const ports = emulated?.ports ?? world.ports;
    const engine = new Engine(store, ports);
    const worker = new Worker(store, ports, engine.settings);
    const pass = async () => {
      await engine.reconcile();
      await worker.drain();
    };
    const clock = world.clock;

    await importPeople(store.db, ports.directory, clock.now(), {
      breakGlassUpns: world.breakGlassUpns,
      vipUpns: world.vipUpns,
    });
    await pass(); // first pass: inventories and readiness
    await planAndApprove(store, clock.now());
    await options.onReady?.(store, clock);

    let passes = 1;
    let phase: DemoProgress["phase"] = "migrating";
    const end = DEMO_START + maxDays * 24 * HOUR;
    // Passes run on a fixed grid (start + n × tick): time a connector spends waiting inside a
    // pass does not shift every later pass.
    let next = clock.now();
    while (clock.now() < end) {
      next += tick;
      world.advanceTo(Math.max(next, clock.now()));
      await pass();
      await options.afterPass?.();
      passes++;
      const progress = snapshot(engine.lastPass, clock.now(), phase);
      options.onProgress?.(progress);
      if (phase === "migrating" && progress.waves.every((w) => w.status === "complete")) {
        phase = "retiring";
        await setMeta(store.db, "retirement", {
          requestedAt: clock.now(),
          by: "demo-admin",
          confirmations: {},
        });
      } else if (phase === "retiring" && !(await ports.sourceAccess.policyEnabled())) {
        // The old product's CA is off and read back: the admin confirms the manual items
        // and cancels the subscription.
        const confirmations = Object.fromEntries(
          Object.keys(MANUAL_ITEMS).map((id) => [id, { by: "demo-admin", at: clock.now() }]),
        );
        await setMeta(store.db, "retirement", { requestedAt: clock.now(), by: "demo-admin", confirmations });
        world.decommissionSource();
        await setMeta(store.db, "sourceRetired", { at: clock.now() });
        await pass(); // observe the product gone
        phase = "done";
        options.onProgress?.(snapshot(engine.lastPass, clock.now(), phase));
        break;
      }
    }
    flush();
    await options.onFinished?.();
    const report = await buildReport(store.db, clock.now(), DEMO_START);
    const groundTruth = checker.report();
    const storeViolations = (await checkStore(store.db)).length;
    report.invariantViolations = groundTruth.violations.length + storeViolations;
    return {
      report,
      groundTruth,
      storeViolations,
      finished: phase === "done",
      passes,
      wallMs: performance.now() - wallStart,
      ...(emulated ? { requests: requestCounts(emulated), graphClient: graphClientCounts(emulated) } : {}),
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
    await emulated?.close();
    await store.close();
  }
}

function requestCounts(emulated: EmulatedOrganisation): DemoResult["requests"] {
  return Object.fromEntries(
    Object.entries(emulated.stats().emulators).map(([name, s]) => {
      // Graph's $batch counts its inner requests as routes of their own ("$batch …"): they
      // are not requests on the wire, so they are kept apart.
      const routes = Object.entries(s.byRoute);
      const wire = routes.filter(([route]) => !route.startsWith("$batch "));
      const total = (byStatus: Record<string, number>) => Object.values(byStatus).reduce((a, b) => a + b, 0);
      return [
        name,
        {
          requests: s.requests,
          succeeded: wire.reduce(
            (n, [, byStatus]) =>
              n + Object.entries(byStatus).reduce((m, [st, c]) => (/^2/.test(st) ? m + c : m), 0),
            0,
          ),
          faulted: s.faulted,
          throttled: s.throttled,
          byRoute: Object.fromEntries(routes.map(([route, byStatus]) => [route, total(byStatus)])),
          listings: structuredClone(s.listings),
        },
      ];
    }),
  );
}

function graphClientCounts(emulated: EmulatedOrganisation): DemoResult["graphClient"] {
  const { requests, retries, throttled, budgetWaits, budgetWaitMs } = emulated.stats().graphClient.total;
  return { requests, retries, throttled, budgetWaits, budgetWaitMs };
}

/**
 * The simulated organisation's helpdesk grows with it: the default 40 tickets a day up to
 * 20,000 people, one more a day for every further 500. A fixed helpdesk would make a
 * 100,000-person campaign five times as long as a 20,000-person one (waves are capped by
 * the tickets the helpdesk absorbs), which no organisation of that size would plan.
 */
export function demoCapacity(people: number): Capacity {
  const base = defaultCapacity();
  return { ...base, ticketsPerDay: Math.max(base.ticketsPerDay, Math.floor(people / 500)) };
}

/** The demo's plan (pilot in its own CA mode), approved and every wave started at once, by `actor`. */
export async function planAndApprove(store: Store, now: number, actor = "demo-admin"): Promise<void> {
  const people = await store.db.selectFrom("people").selectAll().execute();
  const devices = await store.db.selectFrom("devices").select(["person_id", "path"]).execute();
  const movable = new Map<string, number>();
  for (const d of devices) {
    if (!d.person_id || d.path === "unsupported-os" || d.path === "no-owner") continue;
    movable.set(d.person_id, (movable.get(d.person_id) ?? 0) + 1);
  }
  const planPeople: PlanPerson[] = people.map((p) => ({
    id: p.id,
    department: p.department,
    location: p.location,
    vip: p.vip === 1,
    breakGlass: p.break_glass === 1,
    devices: movable.get(p.id) ?? 0,
  }));
  const plan = planWaves(
    planPeople,
    defaultPlanOptions(now, DEMO_WAVE_SETTINGS, demoCapacity(people.length)),
  );
  const waves = plan.waves.map((w) =>
    w.pilot ? { ...w, settings: { ...w.settings, caMode: DEMO_PILOT_MODE } } : w,
  );
  await savePlan(store.db, waves, now, actor);
  for (const w of waves) await startWave(store.db, `w${w.ordinal}`, now, actor);
}

function snapshot(ws: WorkingSet | undefined, now: number, phase: DemoProgress["phase"]): DemoProgress {
  const waves: DemoProgress["waves"] = [];
  let migrated = 0;
  let devices = 0;
  if (ws) {
    for (const v of [...buildWaveViews(ws).values()].sort((a, b) => a.row.ordinal - b.row.ordinal)) {
      const p = waveProgress(v, now);
      waves.push({ name: v.row.name, status: v.row.status, migrated: p.migrated, devices: p.devices });
    }
    for (const d of ws.devices.values()) {
      devices++;
      if (isMigrated(d.state as DeviceState)) migrated++;
    }
  }
  return { day: (now - DEMO_START) / (24 * HOUR), phase, waves, migrated, devices };
}
