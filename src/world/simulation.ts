/**
 * The simulation's heartbeat: the clock and the queue of scheduled events. Only
 * `advanceTo` moves the clock; each event runs with the clock set to its own time, so
 * everything it logs carries that time.
 */
import { ManualClock, type Millis } from "../core/time.ts";
import { EventQueue } from "./event-queue.ts";

export class Simulation {
  readonly clock: ManualClock;
  readonly #queue = new EventQueue<() => void>();

  constructor(start: Millis) {
    this.clock = new ManualClock(start);
  }

  now(): Millis {
    return this.clock.now();
  }

  /** Runs `fn` at `t` (never earlier than now; whole milliseconds). */
  at(t: Millis, fn: () => void): void {
    this.#queue.push(Math.max(Math.round(t), this.clock.now()), fn);
  }

  after(delay: Millis, fn: () => void): void {
    this.at(this.clock.now() + Math.max(0, delay), fn);
  }

  get pending(): number {
    return this.#queue.size;
  }

  /** Runs every event due at or before `t`, in (time, scheduling order), then sets the clock to `t`. */
  advanceTo(t: Millis): void {
    if (t < this.clock.now()) this.clock.set(t); // throws the clock's own RangeError
    for (let next = this.#queue.peek(); next !== undefined && next.at <= t; next = this.#queue.peek()) {
      this.#queue.pop();
      // If someone moved the clock past a due event without advanceTo, run it now rather than going back.
      if (next.at > this.clock.now()) this.clock.set(next.at);
      next.item();
    }
    this.clock.set(t);
  }
}
