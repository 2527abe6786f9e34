/**
 * Runs engine passes, one at a time, each followed by the worker draining what it queued and
 * the dashboard's summary being stored. `ferry run --watch` runs one in its own process
 * (`ferry serve` starts that process); tests build one in the server's process. Requests for
 * a pass ("run a pass now" in the API, "check again" in the portal) are rows the runner
 * answers: whoever runs passes picks them up, whichever process recorded them.
 */
import type { Clock } from "../core/time.ts";
import { refreshDashboardSummary } from "../engine/dashboard-summary.ts";
import type { Engine, PassSummary } from "../engine/engine.ts";
import { type EngineLoopStatus, getMeta, setMeta } from "../engine/meta.ts";
import type { Worker } from "../engine/worker.ts";
import type { Db } from "../store/open.ts";

export interface PassResult extends PassSummary {
  executed: number;
  rechecksHandled: number;
  /** an API request for a pass was answered by this one */
  passRequestHandled: boolean;
}

export interface PassRunnerOptions {
  /** after each drain, e.g. handing the mail outbox to SMTP */
  afterDrain?: () => Promise<void>;
}

/** What is waiting for an early pass. */
export interface PendingRequests {
  recheck: boolean;
  pass: boolean;
}

export class PassRunner {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly engine: Engine,
    readonly worker: Worker | undefined,
    private readonly options: PassRunnerOptions = {},
  ) {}

  /** Queues a pass behind any pass already running. */
  run(): Promise<PassResult> {
    const next = this.#tail.then(() => this.#pass());
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #pass(): Promise<PassResult> {
    const started = this.clock.now();
    // Read before the pass: a request recorded during it is left for the next one.
    const request = await getMeta(this.db, "passRequest");
    const summary = await this.engine.reconcile();
    // Stored at once, so the dashboard does not wait for the drain to show the pass.
    await refreshDashboardSummary(this.db, this.clock.now(), this.engine.settings);
    const executed = this.worker ? await this.worker.drain() : 0;
    await this.options.afterDrain?.();
    // The drain moved people and devices along without bumping the generation: store again.
    if (executed > 0) await refreshDashboardSummary(this.db, this.clock.now(), this.engine.settings);
    const handled = await this.db
      .updateTable("recheck_requests")
      .set({ handled_at: this.clock.now() })
      .where("handled_at", "is", null)
      .where("requested_at", "<=", started)
      .executeTakeFirst();
    let passRequestHandled = false;
    if (request && request.seq > ((await getMeta(this.db, "passRequestHandled")) ?? 0)) {
      await setMeta(this.db, "passRequestHandled", request.seq);
      passRequestHandled = true;
    }
    return {
      ...summary,
      executed,
      rechecksHandled: Number(handled.numUpdatedRows),
      passRequestHandled,
    };
  }

  /** Whether a person asked for a re-check that no pass has answered yet. */
  async recheckPending(): Promise<boolean> {
    return recheckPending(this.db);
  }

  /** Re-checks and "run a pass now" requests no pass has answered yet. */
  async pending(): Promise<PendingRequests> {
    return { recheck: await recheckPending(this.db), pass: await passRequestPending(this.db) };
  }
}

export async function recheckPending(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("recheck_requests")
    .select("person_id")
    .where("handled_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function passRequestPending(db: Db): Promise<boolean> {
  const request = await getMeta(db, "passRequest");
  return request !== undefined && request.seq > ((await getMeta(db, "passRequestHandled")) ?? 0);
}

/** Records "run a pass now" for whichever process runs passes; returns the request. */
export async function requestPass(
  db: Db,
  at: number,
  by: string,
): Promise<{ seq: number; requestedAt: number }> {
  const seq = ((await getMeta(db, "passRequest"))?.seq ?? 0) + 1;
  await setMeta(db, "passRequest", { seq, requestedAt: at, by });
  return { seq, requestedAt: at };
}

/** A loop that has not reported for this long (real time) is taken to be gone. */
export const LOOP_SILENT_AFTER = 60_000;
/** A pass longer than this is taken to have died with its process (1M devices: ~2.5 min cold). */
export const PASS_ABANDONED_AFTER = 30 * 60_000;

/** Whether an engine loop reported recently (its heartbeat, or a pass in progress). */
export function loopAlive(loop: EngineLoopStatus | undefined, wallNow: number): boolean {
  if (!loop) return false;
  return wallNow - loop.heartbeatAt < LOOP_SILENT_AFTER || loopInPass(loop, wallNow);
}

/** Whether an engine loop is in the middle of a pass (and will store a new summary after it). */
export function loopInPass(loop: EngineLoopStatus | undefined, wallNow: number): boolean {
  return loop?.passStartedAt != null && wallNow - loop.passStartedAt < PASS_ABANDONED_AFTER;
}
