/**
 * A ManualClock that *is* the world's time: reading it reads the world's clock, and moving it
 * runs the world up to the new time (`world.advanceTo`), so every event due meanwhile
 * happens. Hand it to the connectors' `FakeSleep`, and a client that waits (a backoff, a rate
 * budget, a Retry-After) lets the simulated organisation, and the emulator serving it, live
 * through that wait.
 *
 * @example
 * const fake = new FakeSleep(new WorldTime(world), { idle: () => client.inFlight === 0 });
 */
import { ManualClock, type Millis } from "../../core/time.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";

export class WorldTime extends ManualClock {
  readonly #world: SimulatedOrganisation;

  constructor(world: SimulatedOrganisation) {
    super(world.clock.now());
    this.#world = world;
  }

  override now(): Millis {
    return this.#world.clock.now();
  }

  override set(to: Millis): void {
    if (to > this.#world.clock.now()) this.#world.advanceTo(to);
  }
}
