/**
 * Waiting, injected. The client never calls `setTimeout` to wait for a backoff or a rate
 * budget: it calls the `Sleep` it was given. Production passes {@link realSleep}; tests and
 * benchmarks pass a {@link FakeSleep}, which moves a ManualClock instead of waiting.
 */
import type { ManualClock, Millis } from "../../core/time.ts";

/** Resolves after `ms` (of whatever time the caller lives in); rejects with the signal's reason if aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits in wall time. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

interface Sleeper {
  wake: Millis;
  seq: number;
  resolve: () => void;
}

export interface FakeSleepOptions {
  /**
   * Fake time moves only while this says the system is idle, e.g.
   * `() => client.inFlight === 0`: then requests on the wire take no fake time, and a
   * server on the same clock sees them at exactly the instants the client sent them.
   * Without it, fake time may run ahead of real I/O when requests run concurrently.
   */
  idle?: () => boolean;
}

/**
 * A sleep that advances a ManualClock instead of waiting. Sleepers wake one per event-loop
 * turn, earliest wake time first, each moving the clock to its wake time (never backwards),
 * so concurrent sleeps overlap in fake time as they would in real time. Real I/O keeps
 * running between wake-ups. `calls` records every requested duration, for assertions.
 *
 * @example
 * const clock = new ManualClock(0);
 * const fake = new FakeSleep(clock, { idle: () => client.inFlight === 0 });
 * const client = new HttpClient({ baseUrl, clock, sleep: fake.sleep });
 * // … then: assert.equal(fake.calls.length, 4); assert.equal(clock.now(), 4000);
 */
export class FakeSleep {
  readonly calls: number[] = [];
  readonly #clock: ManualClock;
  readonly #idle: () => boolean;
  readonly #pending: Sleeper[] = [];
  #seq = 0;
  #scheduled = false;

  constructor(clock: ManualClock, options: FakeSleepOptions = {}) {
    this.#clock = clock;
    this.#idle = options.idle ?? (() => true);
  }

  /** The sum of every requested duration. */
  get total(): number {
    return this.calls.reduce((a, b) => a + b, 0);
  }

  readonly sleep: Sleep = (ms, signal) => {
    this.calls.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#pending.indexOf(sleeper);
        if (i >= 0) this.#pending.splice(i, 1);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        wake: this.#clock.now() + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.push(sleeper);
      this.#schedule();
    });
  };

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#wakeOne());
  }

  #wakeOne(): void {
    if (!this.#idle()) {
      setTimeout(() => this.#wakeOne(), 1); // real I/O in flight: check again shortly, without spinning
      return;
    }
    this.#scheduled = false;
    this.#pending.sort((a, b) => a.wake - b.wake || a.seq - b.seq);
    const next = this.#pending.shift();
    if (next) {
      if (next.wake > this.#clock.now()) this.#clock.set(next.wake);
      next.resolve();
    }
    if (this.#pending.length > 0) this.#schedule();
  }
}
