/**
 * A migration run by worker *processes* (`worker-process.ts`) on one PostgreSQL schema, with a
 * parent that owns everything the workers must not: the simulated organisation, its vendor
 * emulators on loopback, the ground-truth log and the clock. It is the harness of the
 * multi-worker, crash and fault suites (test/resilience, bench/crash.ts, bench/faults.ts).
 * It lives in demo/ beside `runDemo`, whose campaign (start, plan, retirement) it runs.
 *
 * Ticks: the parent moves the world to the next point of a fixed grid (as `runDemo` does) and
 * sends `{now}` to every live worker; each runs one engine pass and drains the outbox, then
 * answers `done`; the next tick starts when every live worker has answered. Within a tick the
 * world moves only when a worker's connector waits (it asks the parent, which advances the
 * world and tells every worker the new time), so a one-worker run replays exactly.
 *
 * Kills: at planned points (`planKills`, seeded) the parent SIGKILLs a worker mid-tick — after
 * the n-th response the emulators send, after the n-th e-mail accepted, or after a real delay
 * — then, if asked, starts a new process in its place and sends it the same tick again.
 * After each kill it looks at what the dead worker held: a mail action still `running` under
 * its lease whose e-mail the world already received is a kill that landed mid-send (the one
 * case where a duplicate e-mail is expected).
 */
import { fork } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../connectors/http/index.ts";
import { HOUR } from "../core/time.ts";
import type { FaultOptions } from "../emulators/kit/index.ts";
import { checkStore } from "../engine/checker.ts";
import { setMeta } from "../engine/meta.ts";
import { importPeople } from "../engine/people-import.ts";
import { buildReport, type Report } from "../engine/report.ts";
import { MANUAL_ITEMS } from "../engine/retirement.ts";
import { openPostgresStore, type Store } from "../store/open.ts";
import { type FleetEmulators, startFleetEmulators } from "../wiring/fleet-connection.ts";
import type { ChildMessage, ParentMessage, WorkerInit } from "../wiring/worker-process.ts";
import { GroundTruthChecker } from "../world/ground-truth.ts";
import { SimulatedOrganisation, type WorldTruth } from "../world/world.ts";
// The demo's start and plan settings, so that a fleet run is comparable with `runDemo`.
import { DEMO_START, planAndApprove } from "./run.ts";

export type KillTrigger =
  /** after the n-th response the emulators send (counted from the tick's (re)start) */
  | { after: "responses"; n: number }
  /** after the n-th sendMail the Graph emulator accepts: the e-mail is in the world, its action not yet recorded */
  | { after: "mail"; n: number }
  /** when the target worker starts its n-th action (it holds the rest of its claimed batch) */
  | { after: "actions"; n: number }
  /** after `ms` of real time */
  | { after: "ms"; ms: number };

export interface KillPoint {
  /** the tick (0 = the first pass) at or after which this kill is armed */
  tick: number;
  /** which worker (0-based) */
  slot: number;
  trigger: KillTrigger;
}

export interface FleetOptions {
  people: number;
  seed: number;
  databaseUrl: string;
  /** a PostgreSQL schema that does not exist yet (or is empty) */
  schema: string;
  /** worker processes (default 1) */
  workers?: number;
  /** fault injection of both emulators */
  faults?: FaultOptions;
  /** the connectors' real-time bound on one send (below `faults.holdMs` when timeouts are injected) */
  connectorTimeoutMs?: number;
  /** simulated time between ticks (default 12 h, as the demo) */
  tick?: number;
  maxDays?: number;
  /**
   * Keep ticking after the campaign is done, to this simulated day (from the start): two runs
   * whose campaigns ended a tick apart are then compared at the same instant, after the same
   * stretch of the world's own life (late fixes, replacements of lost devices).
   */
  untilDay?: number;
  /** kills, in order; each lands in the first tick (from its own) in which its trigger fires */
  kills?: readonly KillPoint[];
  /** start a new worker in place of a killed one (default true) */
  restart?: boolean;
  onTick?: (p: FleetProgress) => void;
}

export interface FleetProgress {
  tick: number;
  day: number;
  phase: "migrating" | "retiring" | "done";
  waves: { name: string; status: string }[];
  kills: number;
  wallMs: number;
}

/** What one kill found. */
export interface KillRecord {
  tick: number;
  workerId: string;
  trigger: KillTrigger;
  /** actions still `running` under the dead worker's lease */
  held: { id: number; kind: string }[];
  /** a held mail action whose e-mail the world had already received */
  midSend: boolean;
  /** per held action, once the run is over: who executed it next and how it ended */
  takeovers: { id: number; by: string | undefined; status: string }[];
}

/** The comparable end state: what "the same end state" means across runs. */
export interface FleetEndState {
  finished: boolean;
  devices: Report["devices"];
  retired: Report["sourceRetired"];
  waves: { name: string; status: string }[];
  /** person id → CA governance */
  governance: Record<string, string>;
  /** device id → state (and exclusion reason) */
  deviceStates: Record<string, string>;
}

export interface FleetResult {
  end: FleetEndState;
  report: Report;
  groundTruthViolations: ReturnType<GroundTruthChecker["report"]>["violations"];
  storeViolations: number;
  /**
   * The world's own counts; `duplicateEmails` are deliveries of an idempotency key delivered
   * before — the key names person, stage (template), wave and round (engine/messages.ts).
   */
  truth: Omit<WorldTruth, "sourceEnforced" | "targetEnforced">;
  kills: KillRecord[];
  /** kills planned that never found a moment to land (the run ended first) */
  killsNotLanded: number;
  ticks: number;
  /** the ticks until the campaign was done (all of them if it never was) */
  campaignTicks: number;
  /** requests each emulator received (retries included), faulted and throttled */
  requests: Record<string, { requests: number; faulted: number; throttled: number }>;
  /** injected faults by kind, both emulators together */
  faultKinds: Record<string, number>;
  /** worker errors reported per tick (failed passes, failed drains) */
  tickErrors: string[];
  /** an action executed by two workers at once: `action id: worker a / worker b` */
  overlaps: string[];
  /** every action's executions, in order: action id → worker ids */
  executions: Map<number, string[]>;
  /** actions by final status */
  actions: Record<string, number>;
  wallMs: number;
}

interface Slot {
  index: number;
  incarnation: number;
  workerId: string;
  child: ReturnType<typeof fork> | undefined;
  alive: boolean;
  /** the tick it is working on, if any */
  busy: number | undefined;
  onDone: ((m: Extract<ChildMessage, { t: "done" }> | "killed") => void) | undefined;
  exited: Promise<void>;
  stderr: string;
  /** SIGKILLed by us (not a crash) */
  killed: boolean;
  /** actions this slot's workers have started, all incarnations */
  started: number;
}

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const wallStart = performance.now();
  const tickLength = options.tick ?? 12 * HOUR;
  const end = DEMO_START + (options.untilDay ?? options.maxDays ?? 365) * 24 * HOUR;
  const restart = options.restart ?? true;
  const checker = new GroundTruthChecker();
  const world = new SimulatedOrganisation({
    seed: options.seed,
    people: options.people,
    start: DEMO_START,
    sink: (line) => checker.feed(line),
  });

  // Every idempotency key the world's mail system received, to tell a kill mid-send. The
  // Graph emulator hands each message to `world.ports.mailer`, so wrapping it sees them all.
  const delivered = new Set<string>();
  const worldMailer = world.ports.mailer;
  world.ports.mailer = {
    send: async (mail) => {
      const r = await worldMailer.send(mail);
      delivered.add(mail.idempotencyKey);
      return r;
    },
  };

  let responses = 0;
  let mails = 0;
  let armed: { fire: () => void; check: () => void; cancel: () => void } | undefined;
  const emulators: FleetEmulators = await startFleetEmulators(world, {
    seed: options.seed,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.connectorTimeoutMs === undefined ? {} : { timeoutMs: options.connectorTimeoutMs }),
    onResponse: (_emulator, route, status) => {
      responses++;
      if (route.endsWith("/users/:id/sendMail") && status === 202) mails++;
      armed?.check();
    },
  });
  // The emulators are closed in the `finally` below; a store that cannot open must not leave
  // them listening, or this process never exits.
  const store: Store = await openPostgresStore(options.databaseUrl, { schema: options.schema }).catch(
    async (error: unknown) => {
      await emulators.close();
      throw error;
    },
  );
  const execLog = `${tmpdirPath()}/ferry-fleet-${options.schema}.log`;
  // Opened for appending, as every worker opens it: O_APPEND writes land whole and in the
  // order they were made, so the file's order is real time across processes.
  closeSync(openSync(execLog, "w"));
  const execFd = openSync(execLog, "a");
  const slots: Slot[] = [];
  const kills: KillRecord[] = [];
  const tickErrors: string[] = [];
  const plan = [...(options.kills ?? [])];
  let tick = 0;

  const startSlot = async (slot: Slot): Promise<void> => {
    slot.incarnation++;
    slot.workerId = `worker-${slot.index + 1}.${slot.incarnation}`;
    slot.killed = false;
    slot.stderr = "";
    const init: WorkerInit = {
      workerId: slot.workerId,
      databaseUrl: options.databaseUrl,
      schema: options.schema,
      connection: emulators.connection,
      seed: options.seed * 10 + slot.index,
      now: world.clock.now(),
      execLog,
    };
    const child = fork(WORKER_ENTRY, [], {
      execArgv: childExecArgv(),
      env: { ...process.env, FERRY_WORKER_INIT: JSON.stringify(init) },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    slot.child = child;
    slot.alive = true;
    child.stderr?.on("data", (d: Buffer) => {
      slot.stderr = (slot.stderr + d.toString()).slice(-4000);
    });
    slot.exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const ready = new Promise<void>((resolve, reject) => {
      child.once("exit", (code, signal) => {
        slot.alive = false;
        const done = slot.onDone;
        slot.onDone = undefined;
        if (slot.killed) done?.("killed");
        else {
          const e = new Error(`${slot.workerId} exited (${code ?? signal}): ${slot.stderr.trim()}`);
          fatal ??= e;
          reject(e);
          done?.("killed");
        }
      });
      child.on("message", (m: ChildMessage) => {
        switch (m.t) {
          case "ready":
            return resolve();
          case "started":
            slot.started++;
            return armed?.check();
          case "done": {
            const done = slot.onDone;
            slot.onDone = undefined;
            slot.busy = undefined;
            for (const e of m.errors) tickErrors.push(`tick ${m.seq} ${slot.workerId}: ${e}`);
            return done?.(m);
          }
          case "sleep": {
            // The connector waits: that much time passes in the world, for everyone.
            if (m.until > world.clock.now()) world.advanceTo(m.until);
            const now = world.clock.now();
            post(slot, { t: "woke", id: m.id, now });
            for (const other of slots) if (other !== slot) post(other, { t: "time", now });
            return;
          }
          case "apple": {
            world.ports.appleAssignment.reassignToTarget(m.serial, m.deadlineAt).then(
              () => post(slot, { t: "apple-done", id: m.id }),
              (e: unknown) => post(slot, { t: "apple-done", id: m.id, error: (e as Error).message }),
            );
            return;
          }
        }
      });
    });
    await ready;
  };
  let fatal: Error | undefined;

  const post = (slot: Slot, m: ParentMessage) => {
    if (slot.alive && slot.child?.connected) slot.child.send(m);
  };

  const armedFrom = new Map<KillPoint, number>();
  const rearmed = new Map<KillPoint, number>();
  /** Arms the next planned kill, if it is due in this tick. */
  const arm = () => {
    if (armed || plan.length === 0 || plan[0]!.tick > tick) return;
    const point = plan[0]!;
    const target = slots[point.slot];
    const fire = () => {
      if (!armed) return;
      armed.cancel();
      armed = undefined;
      if (!target?.alive || target.busy === undefined) return; // nothing to interrupt: try again next tick
      plan.shift();
      target.killed = true;
      target.child?.kill("SIGKILL");
      kills.push({
        tick,
        workerId: target.workerId,
        trigger: point.trigger,
        held: [],
        midSend: false,
        takeovers: [],
      });
    };
    const t = point.trigger;
    // Counting starts when the kill is first armed and carries over from tick to tick, so a
    // trigger larger than one tick's traffic still lands (at the next tick's first chance);
    // a delay longer than the tick is halved each time it is armed again.
    let from = armedFrom.get(point);
    if (from === undefined) {
      from = t.after === "mail" ? mails : t.after === "actions" ? (target?.started ?? 0) : responses;
      armedFrom.set(point, from);
    }
    const delay = t.after === "ms" ? t.ms / 2 ** (rearmed.get(point) ?? 0) : 0;
    rearmed.set(point, (rearmed.get(point) ?? 0) + 1);
    let timer: NodeJS.Timeout | undefined;
    if (t.after === "ms") timer = setTimeout(fire, delay);
    armed = {
      fire,
      check: () => {
        if (t.after === "responses" && responses - (from ?? 0) >= t.n) fire();
        else if (t.after === "mail" && mails - (from ?? 0) >= t.n) fire();
        else if (t.after === "actions" && (target?.started ?? 0) - (from ?? 0) >= t.n) fire();
      },
      cancel: () => clearTimeout(timer),
    };
  };

  /** After a kill: what the dead worker held, then a new worker in its place (or none). */
  const afterKill = async (slot: Slot) => {
    await slot.exited;
    writeSync(execFd, `${slot.workerId}\tkilled\n`);
    const record = kills.findLast((k) => k.workerId === slot.workerId);
    const held = await store.db
      .selectFrom("actions")
      .select(["id", "kind", "key"])
      .where("status", "=", "running")
      .where("lease_owner", "=", slot.workerId)
      .execute();
    if (record) {
      record.held = held.map((a) => ({ id: a.id, kind: a.kind }));
      record.midSend = held.some((a) => a.kind === "mail" && delivered.has(a.key));
    }
    if (restart) await startSlot(slot);
  };

  /** One tick on one worker, again after every kill until it completes (or the worker stays dead). */
  const driveSlot = async (slot: Slot, seq: number): Promise<void> => {
    for (;;) {
      if (!slot.alive) return;
      const outcome = await new Promise<Extract<ChildMessage, { t: "done" }> | "killed">((resolve) => {
        slot.onDone = resolve;
        slot.busy = seq;
        post(slot, { t: "tick", seq, now: world.clock.now() });
      });
      slot.busy = undefined;
      if (fatal) throw fatal;
      if (outcome !== "killed") return;
      await afterKill(slot);
      arm();
    }
  };

  const runTick = async () => {
    arm();
    await Promise.all(slots.map((s) => driveSlot(s, tick)));
    // A trigger that did not fire in this tick stays planned for the next one.
    armed?.cancel();
    armed = undefined;
    tick++;
  };

  const wavesNow = async () =>
    (await store.db.selectFrom("waves").select(["name", "status"]).orderBy("ordinal").execute()).map((w) => ({
      name: w.name,
      status: w.status,
    }));

  try {
    await importPeople(store.db, world.ports.directory, world.clock.now(), {
      breakGlassUpns: world.breakGlassUpns,
      vipUpns: world.vipUpns,
    });
    for (let i = 0; i < (options.workers ?? 1); i++) {
      const slot: Slot = {
        index: i,
        incarnation: 0,
        workerId: "",
        child: undefined,
        alive: false,
        busy: undefined,
        onDone: undefined,
        exited: Promise.resolve(),
        stderr: "",
        killed: false,
        started: 0,
      };
      slots.push(slot);
      await startSlot(slot);
    }
    await runTick(); // the first pass: inventories and readiness
    await planAndApprove(store, world.clock.now(), "fleet-admin");

    let phase: FleetProgress["phase"] = "migrating";
    let campaignTicks: number | undefined;
    let next = world.clock.now();
    while (world.clock.now() < end) {
      next += tickLength;
      world.advanceTo(Math.max(next, world.clock.now()));
      for (const s of slots) post(s, { t: "time", now: world.clock.now() });
      await runTick();
      if (slots.every((s) => !s.alive)) throw new Error("every worker is dead");
      const waves = await wavesNow();
      options.onTick?.({
        tick,
        day: (world.clock.now() - DEMO_START) / (24 * HOUR),
        phase,
        waves,
        kills: kills.length,
        wallMs: performance.now() - wallStart,
      });
      if (phase === "migrating" && waves.every((w) => w.status === "complete")) {
        phase = "retiring";
        await setMeta(store.db, "retirement", {
          requestedAt: world.clock.now(),
          by: "fleet-admin",
          confirmations: {},
        });
      } else if (phase === "retiring" && !(await world.ports.sourceAccess.policyEnabled())) {
        const now = world.clock.now();
        const confirmations = Object.fromEntries(
          Object.keys(MANUAL_ITEMS).map((id) => [id, { by: "fleet-admin", at: now }]),
        );
        await setMeta(store.db, "retirement", { requestedAt: now, by: "fleet-admin", confirmations });
        world.decommissionSource();
        await setMeta(store.db, "sourceRetired", { at: now });
        await runTick(); // observe the product gone
        phase = "done";
        campaignTicks = tick;
        if (options.untilDay === undefined) break;
      }
    }

    const now = world.clock.now();
    const report = await buildReport(store.db, now, DEMO_START);
    const storeViolations = (await checkStore(store.db)).length;
    const groundTruth = checker.report();
    const people = await store.db.selectFrom("people").select(["id", "ca_governance"]).execute();
    const devices = await store.db.selectFrom("devices").select(["id", "state", "excluded_reason"]).execute();
    const { sourceEnforced: _s, targetEnforced: _t, ...truth } = world.truth();
    const executions = parseExecLog(execLog);
    const statuses = new Map(
      (await store.db.selectFrom("actions").select(["id", "status"]).execute()).map((a) => [a.id, a.status]),
    );
    for (const k of kills) {
      k.takeovers = k.held.map(({ id }) => {
        const runs = executions.byAction.get(id) ?? [];
        return {
          id,
          by: runs.slice(runs.lastIndexOf(k.workerId) + 1).find((w) => w !== k.workerId),
          status: statuses.get(id) ?? "missing",
        };
      });
    }
    return {
      end: {
        finished: phase === "done",
        devices: report.devices,
        retired: report.sourceRetired,
        waves: await wavesNow(),
        governance: Object.fromEntries(people.map((p) => [p.id, p.ca_governance])),
        deviceStates: Object.fromEntries(
          devices.map((d) => [d.id, d.excluded_reason ? `${d.state}:${d.excluded_reason}` : d.state]),
        ),
      },
      report,
      groundTruthViolations: groundTruth.violations,
      storeViolations,
      truth,
      kills,
      killsNotLanded: plan.length,
      ticks: tick,
      campaignTicks: campaignTicks ?? tick,
      requests: Object.fromEntries(
        Object.entries(emulators.stats).map(([name, s]) => [
          name,
          { requests: s.requests, faulted: s.faulted, throttled: s.throttled },
        ]),
      ),
      faultKinds: Object.values(emulators.stats).reduce<Record<string, number>>((acc, s) => {
        for (const [k, n] of Object.entries(s.faults)) acc[k] = (acc[k] ?? 0) + n;
        return acc;
      }, {}),
      tickErrors,
      overlaps: executions.overlaps,
      executions: executions.byAction,
      actions: [...statuses.values()].reduce<Record<string, number>>((acc, st) => {
        acc[st] = (acc[st] ?? 0) + 1;
        return acc;
      }, {}),
      wallMs: performance.now() - wallStart,
    };
  } finally {
    armed?.cancel();
    for (const s of slots) {
      if (s.alive) {
        s.killed = true;
        s.child?.kill("SIGKILL");
      }
    }
    await Promise.all(slots.map((s) => s.exited));
    closeSync(execFd);
    rmSync(execLog, { force: true });
    await emulators.close();
    await store.close();
  }
}

/**
 * Seeded kill points spread over ticks `[from, to)`, a quarter of each trigger: after the n-th
 * e-mail of a tick (between the send and its record), at the worker's n-th action (in a
 * drain, holding a claimed batch), after the n-th emulator response (mostly in a pass's
 * reads), after a real delay (anywhere, database work included).
 */
export function planKills(options: {
  count: number;
  seed: number;
  from: number;
  to: number;
  slot?: number;
  /** about how many emulator responses a tick sees (from an uninterrupted run) */
  responsesPerTick: number;
  /** about how long a tick takes, in real ms */
  tickMs: number;
}): KillPoint[] {
  const random = seededRandom(options.seed);
  const points: KillPoint[] = [];
  for (let i = 0; i < options.count; i++) {
    const tick = options.from + Math.floor(random() * Math.max(1, options.to - options.from));
    const kind = Math.floor(random() * 4);
    const trigger: KillTrigger =
      kind === 0
        ? { after: "mail", n: 1 + Math.floor(random() * 5) }
        : kind === 1
          ? { after: "actions", n: 1 + Math.floor(random() * 10) }
          : kind === 2
            ? { after: "responses", n: 1 + Math.floor(random() * Math.max(1, options.responsesPerTick)) }
            : { after: "ms", ms: Math.round(random() * Math.max(1, options.tickMs)) };
    points.push({ tick, slot: options.slot ?? 0, trigger });
  }
  return points.sort((a, b) => a.tick - b.tick);
}

/**
 * Every fault kind at equal weights, the real-time ones included: a `timeout` holds the
 * connection `holdMs` (give the connectors a shorter `connectorTimeoutMs`), a `slow` response
 * waits `slowMs` (give them a longer one).
 */
export function allFaults(rate: number, real: { holdMs: number; slowMs: number }): FaultOptions {
  return { rate, weights: { timeout: 1, slow: 1 }, holdMs: real.holdMs, slowMs: real.slowMs };
}

/**
 * The stated bound on requests with faults, from a fault-free run's count: each faulted
 * request is sent again (1/(1−rate) sends per request on average), plus a quarter for what a
 * failed write costs beyond its own retry — a POST that cannot be resent blind fails its
 * action, which the worker retries later with its reads (a `target-enforce` reads the
 * exclusion list again) — and new tokens. A retry storm blows through it at once.
 */
export function requestBound(cleanRequests: number, rate: number): number {
  return Math.ceil((cleanRequests / (1 - rate)) * 1.25);
}

/** Two end states' differences, as readable lines (empty when they are the same). */
export function compareEndStates(a: FleetEndState, b: FleetEndState, limit = 20): string[] {
  const out: string[] = [];
  for (const key of ["finished", "devices", "retired", "waves"] as const) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      out.push(`${key}: ${JSON.stringify(a[key])} ≠ ${JSON.stringify(b[key])}`);
  }
  for (const key of ["governance", "deviceStates"] as const) {
    const ids = new Set([...Object.keys(a[key]), ...Object.keys(b[key])]);
    for (const id of [...ids].sort()) {
      if (a[key][id] !== b[key][id]) out.push(`${key} ${id}: ${a[key][id]} ≠ ${b[key][id]}`);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

const WORKER_ENTRY = fileURLToPath(new URL("../wiring/worker-process.ts", import.meta.url));

/** The parent's node flags minus the test runner's, plus tsx if it is not already loaded. */
function childExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--test") || a === "--watch") continue;
    out.push(a);
  }
  if (!out.some((a) => a.includes("tsx"))) out.push("--import", "tsx");
  return out;
}

function tmpdirPath(): string {
  return process.env.TMPDIR ?? "/tmp";
}

/** Reads the execution log: who ran what, and any action run by two workers at the same time. */
function parseExecLog(path: string): { byAction: Map<number, string[]>; overlaps: string[] } {
  const byAction = new Map<number, string[]>();
  const running = new Map<number, string>(); // action → worker running it now
  const byWorker = new Map<string, Set<number>>();
  const overlaps: string[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    const [worker, what, idText] = line.split("\t") as [string, string, string?];
    if (what === "killed") {
      for (const id of byWorker.get(worker) ?? []) if (running.get(id) === worker) running.delete(id);
      byWorker.delete(worker);
      continue;
    }
    const id = Number(idText);
    if (what === "start") {
      const other = running.get(id);
      if (other !== undefined && other !== worker) overlaps.push(`action ${id}: ${other} / ${worker}`);
      running.set(id, worker);
      if (!byWorker.has(worker)) byWorker.set(worker, new Set());
      byWorker.get(worker)?.add(id);
      byAction.set(id, [...(byAction.get(id) ?? []), worker]);
    } else if (running.get(id) === worker) {
      running.delete(id);
      byWorker.get(worker)?.delete(id);
    }
  }
  return { byAction, overlaps };
}
