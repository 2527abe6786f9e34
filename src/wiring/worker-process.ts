/**
 * A Ferry worker in a process of its own, driven by a parent (`src/demo/fleet.ts`) that owns the
 * simulated organisation, its emulators and its clock. Per tick the parent sends `{now}`; this
 * process runs one engine pass and drains the actions outbox against the emulators over HTTP,
 * on the shared PostgreSQL schema, then answers `done`. The parent may SIGKILL it at any
 * moment: everything it knows is in PostgreSQL, so nothing here needs to survive.
 *
 * Time: the clock is a ManualClock the parent sets. A connector's wait (backoff, Retry-After,
 * a rate budget) asks the parent to let that much world time pass, as `worldSleep` does in
 * process — so the emulators' throttles see the wait, and with one worker a run replays
 * exactly. Apple Business Manager has no emulator, so its one call is relayed to the parent.
 *
 * Started with `fork` (the parent's node and loader flags), configured by the JSON in
 * FERRY_WORKER_INIT (see `WorkerInit`).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Sleep } from "../connectors/http/index.ts";
import type { Ports } from "../core/ports/index.ts";
import { ManualClock } from "../core/time.ts";
import { Engine } from "../engine/engine.ts";
import { Worker } from "../engine/worker.ts";
import { openPostgresStore } from "../store/open.ts";
import type { ActionRow } from "../store/schema.ts";
import { type FleetConnection, fleetConnectorPorts } from "./fleet-connection.ts";

export interface WorkerInit {
  workerId: string;
  databaseUrl: string;
  schema: string;
  connection: FleetConnection;
  seed: number;
  now: number;
  /** File every action's start and end is appended to (synchronously, so its order is real time). */
  execLog?: string;
}

export type ParentMessage =
  | { t: "tick"; seq: number; now: number }
  | { t: "time"; now: number }
  | { t: "woke"; id: number; now: number }
  | { t: "apple-done"; id: number; error?: string };

export type ChildMessage =
  | { t: "ready" }
  /** an action is about to run (the parent's kill trigger counts them) */
  | { t: "started"; id: number }
  | { t: "done"; seq: number; errors: string[]; executed: number }
  | { t: "sleep"; id: number; until: number }
  | { t: "apple"; id: number; serial: string; deadlineAt: number };

async function main(): Promise<void> {
  const init = JSON.parse(process.env.FERRY_WORKER_INIT ?? "") as WorkerInit;
  const send = (m: ChildMessage) => process.send?.(m);
  const clock = new ManualClock(init.now);
  const forward = (now: number) => {
    if (now > clock.now()) clock.set(now);
  };
  let nextId = 0;
  const sleeping = new Map<number, () => void>();
  const apple = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  const sleep: Sleep = (ms, signal) => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = ++nextId;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        sleeping.delete(id);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      sleeping.set(id, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      send({ t: "sleep", id, until: clock.now() + Math.max(0, ms) });
    });
  };

  const store = await openPostgresStore(init.databaseUrl, { schema: init.schema });
  const ports: Ports = {
    clock,
    ...fleetConnectorPorts(init.connection, { clock, sleep, seed: init.seed }),
    appleAssignment: {
      reassignToTarget: (serial, deadlineAt) =>
        new Promise<void>((resolve, reject) => {
          const id = ++nextId;
          apple.set(id, { resolve, reject });
          send({ t: "apple", id, serial, deadlineAt });
        }),
    },
  };
  const engine = new Engine(store, ports);
  const log = init.execLog ? openSync(init.execLog, "a") : undefined;
  const worker = new LoggedWorker(store, ports, engine.settings, init.workerId, log);

  let running: Promise<void> = Promise.resolve();
  process.on("message", (m: ParentMessage) => {
    switch (m.t) {
      case "time":
        return forward(m.now);
      case "woke": {
        forward(m.now);
        const wake = sleeping.get(m.id);
        sleeping.delete(m.id);
        return wake?.();
      }
      case "apple-done": {
        const p = apple.get(m.id);
        apple.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve();
        return;
      }
      case "tick":
        // Ticks never overlap (the parent waits for `done`), but chain them to be sure.
        running = running.then(async () => {
          forward(m.now);
          const errors: string[] = [];
          // A failed pass (an inventory that could not be read) is simply missed: the next
          // one does whatever the facts then call for. Actions queued earlier still run.
          await engine.reconcile().catch((e: unknown) => errors.push(`pass: ${message(e)}`));
          const executed = await worker.drain().catch((e: unknown) => {
            errors.push(`drain: ${message(e)}`);
            return 0;
          });
          send({ t: "done", seq: m.seq, errors, executed });
        });
    }
  });
  process.on("disconnect", () => {
    // The parent is gone: nobody will send another tick.
    if (log !== undefined) closeSync(log);
    void store.close().finally(() => process.exit(0));
  });
  send({ t: "ready" });
}

/** The worker, writing each action's start and end to the shared execution log. */
class LoggedWorker extends Worker {
  constructor(
    store: ConstructorParameters<typeof Worker>[0],
    ports: Ports,
    settings: ConstructorParameters<typeof Worker>[2],
    id: string,
    private readonly log: number | undefined,
  ) {
    super(store, ports, settings, id);
  }

  override async execute(action: ActionRow): Promise<void> {
    if (this.log !== undefined) writeSync(this.log, `${this.id}\tstart\t${action.id}\t${action.kind}\n`);
    process.send?.({ t: "started", id: action.id } satisfies ChildMessage);
    await super.execute(action);
    if (this.log !== undefined) writeSync(this.log, `${this.id}\tend\t${action.id}\t${action.kind}\n`);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

main().catch((e: unknown) => {
  process.stderr.write(`worker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
