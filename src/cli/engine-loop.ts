/**
 * `ferry run --watch`: the engine as a long-running process. A pass every --interval of real
 * time, each followed by the worker draining the queue (and the mail outbox, when SMTP is
 * configured); an early pass when someone asked for one (the portal's "check again", the
 * API's "run a pass now"), looked for every 2 s. Against the simulated organisation each
 * interval also moves the simulated clock by --advance. SIGTERM or SIGINT: the pass under way
 * finishes, then the loop ends.
 */
import { hostname } from "node:os";
import type { Clock } from "../core/time.ts";
import { DAY, systemClock } from "../core/time.ts";
import type { Engine } from "../engine/engine.ts";
import type { EngineLoopStatus } from "../engine/meta.ts";
import { forgetEngineLoops, setEngineLoop } from "../engine/meta.ts";
import type { Worker } from "../engine/worker.ts";
import type { DeliveryReport } from "../notify/outbox.ts";
import { type PassResult, PassRunner } from "../server/runner.ts";
import type { Store } from "../store/open.ts";
import type { OutboxMail } from "../wiring/mail.ts";
import type { Context } from "./context.ts";
import { isoDay } from "./format.ts";

/** What the loop drives: a CLI context, or the benchmark's synthetic installation. */
export interface LoopParts {
  store: Store;
  engine: Engine;
  worker: Worker;
  /** the engine's clock */
  clock: Clock;
  mail?: OutboxMail | undefined;
  /** moves a simulated clock by `ms` (nothing to do against real systems) */
  advance(ms: number): void;
  /** before each pass, e.g. switching the simulated source off once the store says so */
  beforePass?(): Promise<void>;
}

export function loopParts(ctx: Context): LoopParts {
  return {
    store: ctx.store,
    engine: ctx.engine,
    worker: ctx.worker,
    clock: ctx.ports.clock,
    mail: ctx.mail,
    // Real systems keep their own time: nothing to move.
    advance: (ms) => ctx.simulation?.advanceTo(ctx.now() + ms),
    beforePass: () => ctx.syncSourceRetirement(),
  };
}

export interface WatchOptions {
  /** real ms between passes */
  interval: number;
  /** simulated ms moved per interval (default: interval) */
  advance?: number;
  json: boolean;
  /** real ms between looks for requests (default 2 s) */
  poll?: number;
}

type Reason = "interval" | "requested" | "check-again";

const HEARTBEAT_EVERY = 10_000;

export async function watch(ctx: LoopParts, opts: WatchOptions): Promise<void> {
  const poll = opts.poll ?? 2_000;
  let mail: DeliveryReport | undefined;
  const runner = new PassRunner(ctx.store.db, ctx.clock, ctx.engine, ctx.worker, {
    ...(ctx.mail
      ? {
          afterDrain: async () => {
            mail = await ctx.mail?.deliver();
          },
        }
      : {}),
  });
  const status: EngineLoopStatus = {
    pid: process.pid,
    host: hostname(),
    startedAt: systemClock.now(),
    heartbeatAt: systemClock.now(),
    intervalMs: opts.interval,
    passStartedAt: null,
    passes: 0,
    worker: ctx.worker.stats,
  };
  const report = async (changes: Partial<EngineLoopStatus> = {}) => {
    Object.assign(status, changes, { heartbeatAt: systemClock.now(), worker: { ...ctx.worker.stats } });
    await setEngineLoop(ctx.store.db, status);
  };

  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  // Started by `ferry serve` (an IPC channel): a server that is gone, even killed, stops us too.
  if (process.send) process.once("disconnect", stop);
  const line = (fields: Record<string, unknown>, text: string) =>
    process.stdout.write(opts.json ? `${JSON.stringify(fields)}\n` : `${text}\n`);

  try {
    // Loops stopped or killed more than a day ago are gone for good: keep the list short.
    await forgetEngineLoops(ctx.store.db, systemClock.now() - DAY);
    await report();
    line(
      { event: "started", pid: process.pid, intervalMs: opts.interval, mail: ctx.mail !== undefined },
      `engine loop started (pid ${process.pid}): a pass every ${opts.interval / 1000}s${ctx.mail ? ", mail through SMTP" : ""}`,
    );
    let lastPass: number | undefined;
    while (!stopping) {
      const reason = await nextReason(runner, lastPass, opts.interval);
      if (reason) {
        if (reason === "interval") {
          // Against the simulated organisation, each interval moves its clock (not the first pass).
          if (lastPass !== undefined) ctx.advance(opts.advance ?? opts.interval);
          lastPass = systemClock.now();
        }
        const started = systemClock.now();
        await report({ passStartedAt: started });
        mail = undefined;
        try {
          await ctx.beforePass?.();
          const r = await runner.run();
          status.passes++;
          logPass(line, reason, status.passes, r, systemClock.now() - started, mail);
        } catch (error) {
          line(
            { event: "pass-failed", reason, error: (error as Error).message },
            `engine pass failed (${(error as Error).message}); trying again at the next interval`,
          );
        }
        await report({ passStartedAt: null });
      } else if (systemClock.now() - status.heartbeatAt >= HEARTBEAT_EVERY) await report();
      if (!stopping)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, poll);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      wake = undefined;
    }
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    process.off("disconnect", stop);
    // Tell the server at once that nobody answers requests any more.
    Object.assign(status, { passStartedAt: null, heartbeatAt: 0, worker: { ...ctx.worker.stats } });
    await setEngineLoop(ctx.store.db, status).catch(() => undefined);
    line({ event: "stopped", passes: status.passes }, `engine loop stopped after ${status.passes} passes`);
    // The channel to `ferry serve` would keep this process alive.
    if (process.connected) process.disconnect();
  }
}

async function nextReason(
  runner: PassRunner,
  lastPass: number | undefined,
  interval: number,
): Promise<Reason | undefined> {
  if (lastPass === undefined || systemClock.now() - lastPass >= interval) return "interval";
  const pending = await runner.pending();
  if (pending.pass) return "requested";
  if (pending.recheck) return "check-again";
  return undefined;
}

function logPass(
  line: (fields: Record<string, unknown>, text: string) => void,
  reason: Reason,
  n: number,
  r: PassResult,
  ms: number,
  mail: DeliveryReport | undefined,
): void {
  const sent = mail
    ? {
        sent: mail.sent.length,
        deferred: mail.deferred.length,
        retrying: mail.retrying.length,
        failed: mail.failed.length,
        ...(mail.transportError !== undefined ? { transportError: String(mail.transportError) } : {}),
      }
    : undefined;
  line(
    {
      event: "pass",
      pass: n,
      reason,
      at: new Date(r.at).toISOString(),
      ms: Math.round(ms),
      actionsQueued: r.actionsQueued,
      executed: r.executed,
      rechecksHandled: r.rechecksHandled,
      passRequestHandled: r.passRequestHandled,
      sourceDevices: r.sourceDevices,
      targetDevices: r.targetDevices,
      ...(sent ? { mail: sent } : {}),
    },
    `${isoDay(r.at)}  pass ${n} (${reason}): ${r.actionsQueued} actions queued, ${r.executed} executed` +
      `${r.rechecksHandled ? `, ${r.rechecksHandled} re-checks answered` : ""}` +
      `${sent ? `, mail ${sent.sent} sent, ${sent.deferred} held for quiet hours, ${sent.failed} failed` : ""}` +
      `  [${(ms / 1000).toFixed(1)} s]`,
  );
}
