/**
 * Runs engine passes for the server: one at a time (the serve loop, "run a pass now" and the
 * portal's "check again" share it), each followed by the worker draining what it queued.
 */
import type { Clock } from "../core/time.ts";
import type { Engine, PassSummary } from "../engine/engine.ts";
import type { Worker } from "../engine/worker.ts";
import type { Db } from "../store/open.ts";

export interface PassResult extends PassSummary {
  executed: number;
  rechecksHandled: number;
}

export class PassRunner {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly engine: Engine,
    readonly worker: Worker | undefined,
  ) {}

  /** Queues a pass behind any pass already running. */
  run(): Promise<PassResult> {
    const next = this.#tail.then(() => this.#pass());
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #pass(): Promise<PassResult> {
    const started = this.clock.now();
    const summary = await this.engine.reconcile();
    const executed = this.worker ? await this.worker.drain() : 0;
    const handled = await this.db
      .updateTable("recheck_requests")
      .set({ handled_at: this.clock.now() })
      .where("handled_at", "is", null)
      .where("requested_at", "<=", started)
      .executeTakeFirst();
    return { ...summary, executed, rechecksHandled: Number(handled.numUpdatedRows) };
  }

  /** Whether a person asked for a re-check that no pass has answered yet. */
  async recheckPending(): Promise<boolean> {
    const row = await this.db
      .selectFrom("recheck_requests")
      .select("person_id")
      .where("handled_at", "is", null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
