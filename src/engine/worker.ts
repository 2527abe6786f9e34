/**
 * The worker: claims ready actions with a lease, executes them through the ports, records
 * the result, and retries failures with capped exponential backoff. A worker that dies
 * mid-action loses nothing: its lease expires and the next worker takes the action over.
 */
import { createHash } from "node:crypto";
import type { Ports } from "../core/ports/index.ts";
import type { Store } from "../store/open.ts";
import type { ActionRow } from "../store/schema.ts";
import type { ActionKind, ActionPayloads } from "./actions.ts";
import { audit } from "./audit.ts";
import { handlers } from "./handlers.ts";
import type { EngineSettings } from "./settings.ts";

export interface WorkerStats {
  executed: number;
  failed: number;
  retried: number;
}

export class Worker {
  readonly stats: WorkerStats = { executed: 0, failed: 0, retried: 0 };

  constructor(
    private readonly store: Store,
    private readonly ports: Ports,
    private readonly settings: EngineSettings,
    readonly id = "worker-1",
  ) {}

  /**
   * Claims up to `limit` ready actions (pending and due, or running with an expired lease),
   * fairly across waves: in turns, one wave's next action after another's, starting from a
   * different wave each claim. By id alone a wave of thousands announced at once would hold
   * a small wave's next step (a rollback, say) behind every one of its e-mails.
   */
  async claim(limit: number): Promise<ActionRow[]> {
    const now = this.ports.clock.now();
    const { db } = this.store;
    const order = await this.#fairCandidates(limit, now);
    if (order.length === 0) return [];
    const ready = db
      .selectFrom("actions")
      .select("id")
      .where("id", "in", order)
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "pending"), eb("not_before", "<=", now)]),
          eb.and([eb("status", "=", "running"), eb("lease_until", "<", now)]),
        ]),
      );
    // Several workers on PostgreSQL skip each other's rows instead of waiting on them; SQLite
    // serialises writers, so its single UPDATE is already atomic.
    const claimable = this.store.capabilities.skipLocked ? ready.forUpdate().skipLocked() : ready;
    const rows = await db
      .updateTable("actions")
      .set({
        status: "running",
        lease_owner: this.id,
        lease_until: now + this.settings.leaseFor,
        updated_at: now,
      })
      .where("id", "in", claimable)
      .returningAll()
      .execute();
    const rank = new Map(order.map((id, i) => [id, i]));
    return rows.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  }

  #turn = 0;

  /**
   * Up to `limit` ready action ids in the order to run them: actions a dead worker left
   * (expired leases) first, then the waves' (and wave-less actions') in turns. One indexed
   * query per wave: there are tens of waves, and hundreds of thousands of actions.
   */
  async #fairCandidates(limit: number, now: number): Promise<number[]> {
    const { db } = this.store;
    const expired = await db
      .selectFrom("actions")
      .select("id")
      .where("status", "=", "running")
      .where("lease_until", "<", now)
      .orderBy("id")
      .limit(limit)
      .execute();
    const waves: (string | null)[] = [
      ...(await db.selectFrom("waves").select("id").orderBy("ordinal").execute()).map((w) => w.id),
      null,
    ];
    const queues: number[][] = [];
    const start = this.#turn++ % waves.length;
    for (let i = 0; i < waves.length; i++) {
      const wave = waves[(start + i) % waves.length]!;
      const rows = await db
        .selectFrom("actions")
        .select("id")
        .where((eb) => (wave === null ? eb("wave_id", "is", null) : eb("wave_id", "=", wave)))
        .where("status", "=", "pending")
        .where("not_before", "<=", now)
        .orderBy("id")
        .limit(limit)
        .execute();
      if (rows.length > 0) queues.push(rows.map((r) => r.id));
    }
    const out = expired.map((r) => r.id);
    for (let k = 0; out.length < limit && queues.some((q) => k < q.length); k++) {
      for (const q of queues) if (k < q.length && out.length < limit) out.push(q[k]!);
    }
    return out;
  }

  /**
   * Runs until nothing is ready now; returns how many actions it finished. Claims are small
   * so a batch usually finishes within its lease; when throttling stretches it, each action
   * is held again before it starts, and one another worker took over meanwhile is skipped.
   */
  async drain(batch = 10): Promise<number> {
    let done = 0;
    for (;;) {
      const claimed = await this.claim(batch);
      if (claimed.length === 0) return done;
      for (const action of claimed) {
        if (!(await this.hold(action))) continue;
        await this.execute(action);
        done++;
      }
    }
  }

  /**
   * Makes sure the lease on a claimed action is still ours and has at least half its length
   * left, renewing it if not. False when the lease expired and another worker claimed the
   * action: it runs it, and running it here too would do it twice.
   */
  async hold(action: ActionRow): Promise<boolean> {
    const now = this.ports.clock.now();
    if (action.lease_until !== null && now < action.lease_until - this.settings.leaseFor / 2) return true;
    const leaseUntil = now + this.settings.leaseFor;
    const renewed = await this.store.db
      .updateTable("actions")
      .set({ lease_until: leaseUntil })
      .where("id", "=", action.id)
      .where("lease_owner", "=", this.id)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (Number(renewed.numUpdatedRows) === 0) return false;
    action.lease_until = leaseUntil;
    return true;
  }

  async execute(action: ActionRow): Promise<void> {
    const kind = action.kind as ActionKind;
    const payload = JSON.parse(action.payload) as ActionPayloads[ActionKind];
    let result: Record<string, unknown>;
    // One call can outlast the lease (a vendor's Retry-After, a slow tenant): renew it while
    // the handler runs, every third of the lease in real time, which is the clock's time in
    // a real installation (simulated runs seldom wait that long in real time).
    const heartbeat = setInterval(() => {
      this.hold(action).catch(() => {}); // a failed renewal is retried at the next beat
    }, this.settings.leaseFor / 3);
    heartbeat.unref();
    try {
      const handler = handlers[kind] as (
        p: Ports,
        payload: unknown,
        key?: string,
      ) => Promise<Record<string, unknown>>;
      result = await handler(this.ports, payload, action.key);
    } catch (error) {
      await this.#fail(action, error);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    await this.#finish(action, "done", JSON.stringify(result), null);
    this.stats.executed++;
  }

  async #fail(action: ActionRow, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = action.attempts + 1;
    if (attempts >= this.settings.maxAttempts) {
      await this.#finish(action, "failed", null, message, attempts);
      this.stats.failed++;
      return;
    }
    const now = this.ports.clock.now();
    await this.store.db
      .updateTable("actions")
      .set({
        status: "pending",
        attempts,
        last_error: message,
        not_before: now + this.backoff(action.key, attempts),
        lease_owner: null,
        lease_until: null,
        updated_at: now,
      })
      .where("id", "=", action.id)
      .where("lease_owner", "=", this.id)
      .execute();
    this.stats.retried++;
  }

  /** Exponential backoff with jitter; the jitter is derived from the key so runs stay reproducible. */
  backoff(key: string, attempts: number): number {
    const ceiling = Math.min(this.settings.backoffMax, this.settings.backoffBase * 2 ** (attempts - 1));
    const h = createHash("sha256").update(`${key}#${attempts}`).digest().readUInt32BE(0) / 0xffffffff;
    return Math.round(ceiling * (0.5 + h / 2));
  }

  async #finish(
    action: ActionRow,
    status: "done" | "failed",
    result: string | null,
    error: string | null,
    attempts = action.attempts + 1,
  ): Promise<void> {
    const now = this.ports.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("actions")
        .set({
          status,
          result,
          last_error: error,
          attempts,
          lease_owner: null,
          lease_until: null,
          updated_at: now,
        })
        .where("id", "=", action.id)
        .where("lease_owner", "=", this.id)
        .where("status", "=", "running")
        .executeTakeFirst();
      // Lost the lease to another worker meanwhile: that worker records the outcome.
      if (Number(updated.numUpdatedRows) === 0) return;
      // The people and devices that waited on this action are released by the next pass,
      // which sees the action finished, observes what actually changed and decides again.
      await audit(trx, [
        {
          at: now,
          actor: this.id,
          kind: status === "done" ? `action-done` : "alert-action-failed",
          waveId: action.wave_id,
          message:
            status === "done"
              ? `${action.kind} done`
              : `${action.kind} failed after ${attempts} attempts: ${error}`,
          data: { actionId: action.id, key: action.key, result: result ? JSON.parse(result) : null },
        },
      ]);
    });
  }
}
