/**
 * Conditional access as it is actually in effect. A membership change made through an API
 * is visible when read back at once, but takes effect only after a propagation delay; each
 * system's effective enforcement per person is what the ground-truth log records.
 */
import type { Millis } from "../core/time.ts";
import type { GroundTruthSystem, GroundTruthWriter } from "./ground-truth.ts";
import type { Simulation } from "./simulation.ts";
import type { PersonState } from "./state.ts";

/**
 * A group or list whose declared membership changes at once and whose effective membership
 * follows after `delay`. Changes take effect in the order they were made.
 */
export class PropagatingMembership {
  readonly declared: Set<string>;
  readonly effective: Set<string>;
  readonly #sim: Simulation;
  readonly #delay: Millis;
  readonly #onEffective: (key: string) => void;

  constructor(sim: Simulation, delay: Millis, initial: Iterable<string>, onEffective: (key: string) => void) {
    this.#sim = sim;
    this.#delay = delay;
    this.declared = new Set(initial);
    this.effective = new Set(this.declared);
    this.#onEffective = onEffective;
  }

  set(key: string, member: boolean): void {
    // The last scheduled change for this key already leads to the declared value.
    if (this.declared.has(key) === member) return;
    if (member) this.declared.add(key);
    else this.declared.delete(key);
    this.#sim.after(this.#delay, () => {
      if (member) this.effective.add(key);
      else this.effective.delete(key);
      this.#onEffective(key);
    });
  }
}

/**
 * One system's effective enforcement per person. `evaluate` says whether the system's CA
 * applies to a person right now; `update` logs a line whenever the answer changes.
 */
export class CaLedger {
  readonly enforced = new Set<string>();
  readonly #system: GroundTruthSystem;
  readonly #sim: Simulation;
  readonly #log: GroundTruthWriter;
  readonly #evaluate: (p: PersonState) => boolean;
  #onChange: ((p: PersonState, enforced: boolean) => void) | undefined;

  constructor(
    system: GroundTruthSystem,
    sim: Simulation,
    log: GroundTruthWriter,
    evaluate: (p: PersonState) => boolean,
  ) {
    this.#system = system;
    this.#sim = sim;
    this.#log = log;
    this.#evaluate = evaluate;
  }

  onChange(listener: (p: PersonState, enforced: boolean) => void): void {
    this.#onChange = listener;
  }

  /** Logs every person's initial state. */
  start(people: readonly PersonState[]): void {
    for (const p of people) {
      const enforced = this.#evaluate(p);
      if (enforced) this.enforced.add(p.s.upn);
      this.#log.ca(this.#sim.now(), this.#system, p.s.upn, enforced);
    }
  }

  isEnforced(p: PersonState): boolean {
    return this.enforced.has(p.s.upn);
  }

  update(p: PersonState): void {
    const enforced = this.#evaluate(p);
    if (enforced === this.enforced.has(p.s.upn)) return;
    if (enforced) this.enforced.add(p.s.upn);
    else this.enforced.delete(p.s.upn);
    this.#log.ca(this.#sim.now(), this.#system, p.s.upn, enforced);
    this.#onChange?.(p, enforced);
  }
}
