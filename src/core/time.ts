/**
 * Time in Ferry is milliseconds since the Unix epoch, read only through a {@link Clock}.
 * Core and engine code never call `Date.now()`: an injected clock lets weeks of a
 * migration run in seconds and keeps tests deterministic.
 */
export type Millis = number;

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The clock port: where "now" comes from. */
export interface Clock {
  now(): Millis;
}

/** A clock that only moves when told to; the simulated organisation and tests drive it. */
export class ManualClock implements Clock {
  #now: Millis;
  constructor(start: Millis) {
    this.#now = start;
  }
  now(): Millis {
    return this.#now;
  }
  /** Moves time forward; moving backwards is refused because every scheduler here assumes it never happens. */
  set(to: Millis): void {
    if (to < this.#now) throw new RangeError(`clock cannot go back from ${iso(this.#now)} to ${iso(to)}`);
    this.#now = to;
  }
  advance(by: Millis): void {
    this.set(this.#now + by);
  }
}

/** The wall clock, for real installations. The only place Ferry reads the system time. */
export const systemClock: Clock = { now: () => Date.now() };

export function iso(t: Millis): string {
  return new Date(t).toISOString();
}

export function days(n: number): Millis {
  return n * DAY;
}
