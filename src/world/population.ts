/**
 * What people and their devices do: react to e-mails, to being blocked by Intune, to the
 * admin's retire and to Apple's reassignment; unenroll, reset, enroll, get evaluated, get
 * fixed, get lost. Every action is an event on the simulation's queue.
 *
 * A person schedules at most one pending action of each kind per device (a *slot*); a later
 * trigger may bring it earlier, never later.
 */
import type { Millis } from "../core/time.ts";
import { canEnrollFirst, DEVICE_TIMING, REACTION } from "./behaviour.ts";
import type { WorldDelays } from "./options.ts";
import type { DeviceFactory } from "./scenario.ts";
import type { Simulation } from "./simulation.ts";
import type { SourceSystem } from "./source-system.ts";
import { type DeviceState, type DrawPurpose, newDeviceState, type PersonState, type Slot } from "./state.ts";
import type { TargetSystem } from "./target-system.ts";

/** E-mail templates the simulated people react to. Any other template is read and ignored. */
export const REACTIVE_TEMPLATES = [
  "announcement",
  "instructions",
  "reminder",
  "deadline",
  "reset-instructions",
  "blocked",
] as const;

export class Population {
  readonly devices: DeviceState[];
  readonly #sim: Simulation;
  readonly #source: SourceSystem;
  readonly #target: TargetSystem;
  readonly #factory: DeviceFactory;
  readonly #delays: WorldDelays;
  readonly #seed: number;

  constructor(
    sim: Simulation,
    source: SourceSystem,
    target: TargetSystem,
    factory: DeviceFactory,
    devices: DeviceState[],
    delays: WorldDelays,
    seed: number,
  ) {
    this.#sim = sim;
    this.#source = source;
    this.#target = target;
    this.#factory = factory;
    this.devices = devices;
    this.#delays = delays;
    this.#seed = seed;
  }

  /** Schedules what happens regardless of Ferry: lost devices. */
  start(people: readonly PersonState[]): void {
    for (const p of people) {
      const loss = p.s.behaviour.loss;
      const d = loss ? p.devices[loss.which] : undefined;
      if (loss && d) this.#sim.at(loss.at, () => this.#lose(d, loss.replacementAfter));
    }
  }

  // --- triggers -----------------------------------------------------------------------

  onMail(p: PersonState, template: string): void {
    switch (template) {
      case "announcement":
        this.#announced(p);
        break;
      case "instructions":
      case "reminder":
      case "deadline":
        this.#instructed(p);
        break;
      case "reset-instructions":
        this.#resetInstructed(p);
        break;
      case "blocked":
        this.#blocked(p);
        break;
    }
  }

  /** The admin retired the device through the source API. */
  retire(d: DeviceState): void {
    if (d.source !== "enrolled") return; // already pending or gone: nothing more to do
    this.#source.markRetirePending(d);
    if (d.lostAt !== undefined) return; // never checks in: pending for ever
    this.#sim.after(d.random.for("retire").lognormal(this.#delays.retireCheckInMedian, 0.6), () => {
      if (d.source !== "retire-pending" || d.lostAt !== undefined) return;
      this.#source.remove(d);
      const p = d.person;
      if (p && this.#canAct(d) && !d.target && !d.enrolling) {
        const r = p.blocked ? REACTION.urgent : REACTION.afterRetire;
        this.#plan(d, "enroll", this.#personTime(d, r.median, r.spread));
      }
    });
  }

  /** Apple Business Manager reassigned the device to Intune with a deadline (OS 26+). */
  appleReassigned(d: DeviceState, deadline: Millis): void {
    if (d.target || d.enrolling || d.appleDeadline !== undefined) return; // already moving or moved
    d.appleDeadline = deadline;
    this.#sim.at(deadline, () => this.#appleMigrate(d)); // Apple forces it at the deadline
    const p = d.person;
    if (!p || !this.#canAct(d)) return;
    const now = this.#sim.now();
    switch (p.s.behaviour.profile) {
      case "prompt":
        this.#plan(
          d,
          "apple-accept",
          Math.min(deadline, now + d.random.for("apple").uniform(0, REACTION.appleAcceptPrompt)),
        );
        break;
      case "slow":
        this.#plan(d, "apple-accept", now + (deadline - now) / 2);
        break;
      default: // on leave: the deadline arrives first
    }
  }

  /** Intune's CA for the person changed: they may now find themselves blocked. */
  targetCaChanged(p: PersonState): void {
    this.#checkBlocked(p);
  }

  /** The source is gone: people who were blocked waiting for it can enroll now. */
  afterDecommission(people: readonly PersonState[]): void {
    for (const p of people) if (p.blocked) this.#blocked(p);
  }

  // --- reactions ----------------------------------------------------------------------

  /** enrollsFirst people enroll eligible devices in Intune as soon as they hear of it. */
  #announced(p: PersonState): void {
    if (!p.s.behaviour.enrollsFirst) return;
    for (const d of p.devices) {
      if (this.#canAct(d) && canEnrollFirst(d.s.mode) && d.source === "enrolled" && !d.target) {
        this.#plan(
          d,
          "enroll",
          this.#personTime(d, REACTION.enrollFirst.median, REACTION.enrollFirst.spread),
        );
      }
    }
  }

  /** Instructions, a reminder or a deadline: leave the old product, then enroll. */
  #instructed(p: PersonState): void {
    const profile = p.s.behaviour.profile;
    if (profile === "never") return;
    const median = REACTION.unenroll[profile];
    for (const d of p.devices) {
      if (!this.#canAct(d)) continue;
      if (p.s.behaviour.enrollsFirst && canEnrollFirst(d.s.mode) && d.source === "enrolled" && !d.target) {
        const r = REACTION.enrollAfterUnenroll;
        this.#plan(d, "enroll", this.#personTime(d, r.median, r.spread));
      }
      if (d.s.leaveWay === "self" && d.source === "enrolled") {
        this.#plan(d, "unenroll", this.#personTime(d, median, REACTION.unenroll.spread));
      } else if (d.source === "absent" && !d.target && !d.enrolling) {
        // in neither system (retired, decommissioned): the instructions say how to enroll
        this.#plan(d, "enroll", this.#personTime(d, median, REACTION.unenroll.spread));
      }
    }
  }

  #resetInstructed(p: PersonState): void {
    p.resetInstructed = true;
    const profile = p.s.behaviour.profile;
    if (profile === "never") return;
    for (const d of p.devices) {
      if (!this.#canAct(d) || d.s.leaveWay !== "reset" || d.target || d.enrolling) continue;
      if (d.source === "retire-pending") continue;
      this.#plan(d, "reset", this.#personTime(d, REACTION.reset[profile], REACTION.reset.spread));
    }
  }

  /** Blocked by Intune (or told so): do whatever gets a compliant device there, soon. */
  #blocked(p: PersonState): void {
    const profile = p.s.behaviour.profile;
    if (profile === "never") return;
    const urgent = (d: DeviceState) => this.#personTime(d, REACTION.urgent.median, REACTION.urgent.spread);
    for (const d of p.devices) {
      if (!this.#canAct(d)) continue;
      if (d.target) {
        if (d.target.compliance === "noncompliant") this.#plan(d, "fix", urgent(d));
        continue;
      }
      if (d.enrolling || d.source === "retire-pending") continue; // the retire's check-in will follow
      if (d.source === "absent") {
        this.#plan(d, "enroll", urgent(d));
        continue;
      }
      if (p.s.behaviour.enrollsFirst && canEnrollFirst(d.s.mode)) this.#plan(d, "enroll", urgent(d));
      switch (d.s.leaveWay) {
        case "self":
          this.#plan(d, "unenroll", urgent(d));
          break;
        case "reset":
          if (p.resetInstructed) {
            this.#plan(
              d,
              "reset",
              this.#personTime(d, REACTION.urgentReset.median, REACTION.urgentReset.spread),
            );
          }
          break;
        case "apple-migration":
          if (d.appleDeadline !== undefined && profile !== "onLeave")
            this.#plan(d, "apple-accept", urgent(d));
          break;
        case "admin": // waits for IT
          break;
      }
    }
  }

  #checkBlocked(p: PersonState | undefined): void {
    if (!p) return;
    const live = p.devices.filter((d) => d.lostAt === undefined);
    const blocked =
      this.#target.ca.isEnforced(p) &&
      live.length > 0 &&
      !live.some((d) => d.target?.compliance === "compliant");
    const was = p.blocked;
    p.blocked = blocked;
    if (blocked && !was) this.#blocked(p);
  }

  // --- actions ------------------------------------------------------------------------

  #canAct(d: DeviceState): boolean {
    return (
      d.person !== undefined &&
      d.lostAt === undefined &&
      d.s.supported &&
      d.person.s.behaviour.profile !== "never"
    );
  }

  /** When the owner gets round to something that takes them about `median`: later if they are away. */
  #personTime(d: DeviceState, median: Millis, spread: number, purpose: DrawPurpose = "reaction"): Millis {
    const rng = d.random.for(purpose);
    const t = this.#sim.now() + rng.lognormal(median, spread);
    const leave = d.person?.s.behaviour.leave;
    if (leave && t >= leave.from && t < leave.to) {
      return leave.to + rng.lognormal(REACTION.catchUp.median, REACTION.catchUp.spread);
    }
    return t;
  }

  #plan(d: DeviceState, slot: Slot, at: Millis): void {
    const current = d.slots.get(slot);
    if (current && current.at <= at) return;
    const token = ++d.nextToken;
    d.slots.set(slot, { at, token });
    this.#sim.at(at, () => {
      if (d.slots.get(slot)?.token !== token) return;
      d.slots.delete(slot);
      if (d.lostAt !== undefined) return;
      this.#run(d, slot);
    });
  }

  #run(d: DeviceState, slot: Slot): void {
    switch (slot) {
      case "unenroll":
        this.#source.remove(d);
        if (!d.target && !d.enrolling && this.#canAct(d)) {
          const r = REACTION.enrollAfterUnenroll;
          this.#plan(d, "enroll", this.#personTime(d, r.median, r.spread));
        }
        break;
      case "enroll":
        this.#startEnrollment(
          d,
          d.random.for("enrollment").uniform(this.#delays.enrollmentMin, this.#delays.enrollmentMax),
        );
        break;
      case "reset":
        // The reset ends the old management at once; zero-touch / ADE enrolls the device in Intune.
        this.#source.remove(d);
        this.#startEnrollment(
          d,
          d.random
            .for("enrollment")
            .uniform(DEVICE_TIMING.afterResetEnrollMin, DEVICE_TIMING.afterResetEnrollMax),
        );
        break;
      case "apple-accept":
        this.#appleMigrate(d);
        break;
      case "fix":
        if (d.target?.compliance === "noncompliant") {
          this.#target.setCompliance(d, "compliant");
          this.#checkBlocked(d.person);
        }
        break;
    }
  }

  #startEnrollment(d: DeviceState, delay: Millis): void {
    if (d.target || d.enrolling || !d.s.supported || d.lostAt !== undefined) return;
    d.enrolling = true;
    this.#sim.after(delay, () => this.#recordAppears(d));
  }

  #recordAppears(d: DeviceState): void {
    d.enrolling = false;
    if (d.lostAt !== undefined || d.target) return;
    this.#target.addRecord(d);
    const { complianceEvaluationMin: min, complianceEvaluationMax: max } = this.#delays;
    this.#sim.after(d.random.for("evaluation").uniform(min, max), () => this.#evaluate(d));
    this.#checkBlocked(d.person);
  }

  #evaluate(d: DeviceState): void {
    if (!d.target || d.lostAt !== undefined) return; // a silent device is never evaluated
    const compliant = d.random.for("evaluation").bernoulli(this.#delays.compliantShare);
    this.#target.setCompliance(d, compliant ? "compliant" : "noncompliant");
    if (!compliant && this.#canAct(d))
      this.#plan(d, "fix", this.#personTime(d, REACTION.fix.median, REACTION.fix.spread, "fix"));
    this.#checkBlocked(d.person);
  }

  /** Apple moves the device: the source record goes and the Intune one appears within a minute of each other. */
  #appleMigrate(d: DeviceState): void {
    if (d.lostAt !== undefined || d.target || d.enrolling) return;
    if (d.source === "absent") {
      this.#recordAppears(d);
      return;
    }
    const skew = d.random
      .for("apple")
      .uniform(-DEVICE_TIMING.appleMigrationSkew, DEVICE_TIMING.appleMigrationSkew);
    if (skew < 0) {
      this.#recordAppears(d);
      this.#sim.after(-skew, () => this.#source.remove(d));
    } else {
      this.#source.remove(d);
      d.enrolling = true;
      this.#sim.after(skew, () => this.#recordAppears(d));
    }
  }

  /** The device goes silent for good; IT enrolls a replacement straight into Intune later. */
  #lose(d: DeviceState, replacementAfter: Millis): void {
    if (d.lostAt !== undefined) return;
    d.lostAt = this.#sim.now();
    d.slots.clear();
    const p = d.person;
    this.#checkBlocked(p);
    if (!p) return;
    this.#sim.after(replacementAfter, () => {
      const spec = this.#factory.replacementFor(d.s, d.random.for("replacement"));
      const replacement = newDeviceState(spec, p, this.#seed);
      p.devices.push(replacement);
      this.devices.push(replacement);
      this.#recordAppears(replacement);
    });
  }
}
