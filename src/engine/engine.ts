/**
 * The migration engine: one `reconcile()` is a level-triggered pass — observe every system,
 * apply what it reports to the store, decide what should happen next, and write those
 * decisions as actions — all in one transaction. The worker executes the actions.
 */
import { sql } from "kysely";
import type { Ports } from "../core/ports/index.ts";
import type { Store } from "../store/open.ts";
import { applyObservations } from "./apply-observations.ts";
import { decideAccess } from "./decide-access.ts";
import { decideDevices, RETIRE_WINDOW } from "./decide-devices.ts";
import { decideWaves } from "./decide-waves.ts";
import { getMeta, type MetaValues, setMeta } from "./meta.ts";
import { type Observations, observe } from "./observe.ts";
import { decideRetirement } from "./retirement.ts";
import { defaultEngineSettings, type EngineSettings } from "./settings.ts";
import { maybeSnapshot } from "./snapshots.ts";
import { buildWaveViews } from "./wave-view.ts";
import { WorkingSet } from "./working-set.ts";

/** The advisory lock key that serialises engine passes ("ferry" in ASCII). */
const PASS_LOCK = 0x6665727279;

export interface PassSummary {
  at: number;
  actionsQueued: number;
  sourceDevices: number;
  targetDevices: number;
}

export class Engine {
  readonly settings: EngineSettings;
  /** rows kept from the last committed pass, and the generation they belong to */
  #cache: { ws: WorkingSet; generation: number } | undefined;
  #lastSnapshot: number | undefined;

  constructor(
    readonly store: Store,
    readonly ports: Ports,
    settings: Partial<EngineSettings> = {},
  ) {
    this.settings = { ...defaultEngineSettings, ...settings };
  }

  async reconcile(): Promise<PassSummary> {
    const { db } = this.store;
    const now = this.ports.clock.now();
    const lastCheck = await getMeta(db, "targetPolicy");
    const verify = !lastCheck || now - lastCheck.checkedAt >= this.settings.policyCheckEvery || !lastCheck.ok;
    // Every read from the outside happens before the transaction: no lock is held during I/O.
    const obs = await observe(this.ports, verify);

    try {
      return await this.#pass(now, obs, lastCheck);
    } catch (error) {
      this.#cache = undefined; // rows in memory may hold changes that were rolled back
      throw error;
    }
  }

  /** The rows of the last pass (read-only use: progress displays). */
  get lastPass(): WorkingSet | undefined {
    return this.#cache?.ws;
  }

  async #pass(
    now: number,
    obs: Observations,
    lastCheck: MetaValues["targetPolicy"] | undefined,
  ): Promise<PassSummary> {
    return this.store.db.transaction().execute(async (trx) => {
      // One pass at a time across processes: two passes deciding from the same rows would
      // queue the same move twice.
      if (this.store.capabilities.advisoryLocks)
        await sql`select pg_advisory_xact_lock(${PASS_LOCK})`.execute(trx);
      const generation = (await getMeta(trx, "generation")) ?? 0;
      const ws =
        this.#cache && this.#cache.generation === generation
          ? WorkingSet.reuse(this.#cache.ws, now)
          : await WorkingSet.load(trx, now);
      // Actions still to finish hold their people and devices; so do those that finished
      // after this pass's observations were read (another process's worker, meanwhile): what
      // they changed may not be in the observations yet, and deciding from the state before
      // them could undo them (a rollback's re-inclusion in the old product's CA seen as not
      // yet made). The next pass, observing afterwards, releases them.
      const open = await trx
        .selectFrom("actions")
        .select("id")
        .where("status", "in", ["pending", "running"])
        .union(trx.selectFrom("actions").select("id").where("updated_at", ">", now))
        .execute();
      let policy: MetaValues["targetPolicy"] | undefined = lastCheck;
      if (obs.targetPolicy) {
        const ok =
          obs.targetPolicy.enabled &&
          obs.targetPolicy.excludesNotYetMigrated &&
          obs.targetPolicy.excludesBreakGlass;
        policy = {
          checkedAt: now,
          enabled: obs.targetPolicy.enabled,
          ok,
          problems: obs.targetPolicy.problems,
        };
        if (!ok && (lastCheck?.ok ?? true)) {
          ws.note({
            kind: "alert-target-policy",
            message: `Intune CA policy is not safe to hand over to: ${obs.targetPolicy.problems.join("; ") || "check its exclusions"}. Handover held.`,
          });
        }
        await setMeta(trx, "targetPolicy", policy);
      }
      const targetPolicyOk = policy?.ok ?? false;
      applyObservations(
        ws,
        obs,
        {
          targetPolicyEnabled: policy?.enabled ?? true,
          sourceRetired: (await getMeta(trx, "sourceRetired")) !== undefined,
        },
        this.settings,
        new Set(open.map((a) => a.id)),
      );

      const views = buildWaveViews(ws);
      const retirement = await getMeta(trx, "retirement");
      decideWaves({ ws, views, targetPolicyOk });
      decideAccess({ ws, views, settings: this.settings, targetPolicyOk, sourceInService: !retirement });
      const recentRetires = await trx
        .selectFrom("actions")
        .select(sql<number>`count(*)`.as("n"))
        .where("kind", "=", "source-retire")
        .where("created_at", ">", now - RETIRE_WINDOW)
        .executeTakeFirstOrThrow();
      decideDevices({
        ws,
        views,
        settings: this.settings,
        retireBudget: this.settings.maxRetiresPerHour - Number(recentRetires.n),
      });
      decideRetirement(ws, views, retirement, obs.sourcePolicyEnabled);

      const actionsQueued = ws.pendingActionCount;
      await ws.commit(trx);
      await setMeta(trx, "lastPassAt", now);
      await setMeta(trx, "sourcePolicyEnabled", obs.sourcePolicyEnabled);
      const snapshotAt = await maybeSnapshot(trx, ws, this.#lastSnapshot);
      // Passes bump the generation too, so an engine in another process knows its rows are stale.
      await setMeta(trx, "generation", generation + 1);
      this.#cache = { ws, generation: generation + 1 };
      this.#lastSnapshot = snapshotAt;
      return { at: now, actionsQueued, sourceDevices: obs.source.length, targetDevices: obs.target.length };
    });
  }
}
