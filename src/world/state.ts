/** The mutable state of each simulated person and physical device while the world runs. */
import type { Millis } from "../core/time.ts";
import { Rng } from "./rng.ts";
import type { ScenarioDevice, ScenarioPerson } from "./scenario.ts";

export interface MailboxEntry {
  template: string;
  at: Millis;
  subject: string;
  text: string;
  messageId: string;
}

export interface PersonState {
  readonly s: ScenarioPerson;
  /** the person's devices, including replacements of lost ones */
  readonly devices: DeviceState[];
  readonly mailbox: MailboxEntry[];
  /** received `reset-instructions` (knows that a reset is the way out) */
  resetInstructed: boolean;
  /** enforced by Intune with no compliant device there, as last evaluated */
  blocked: boolean;
}

export type SourceState = "enrolled" | "retire-pending" | "absent";
export type Compliance = "unknown" | "compliant" | "noncompliant";

export interface TargetRecordState {
  targetId: string;
  compliance: Compliance;
  enrolledAt: Millis;
}

/** Actions a person has scheduled for a device; a later trigger may only bring one earlier. */
export type Slot = "unenroll" | "enroll" | "reset" | "apple-accept" | "fix";

export interface DeviceState {
  readonly s: ScenarioDevice;
  readonly person: PersonState | undefined;
  /** the device's own random streams: its timings don't depend on anyone else's */
  readonly random: DeviceRandom;
  source: SourceState;
  target: TargetRecordState | undefined;
  /** an Intune enrollment has started and its record has not appeared yet */
  enrolling: boolean;
  /** the device went silent for good (lost): it never checks in or acts again */
  lostAt: Millis | undefined;
  /** Apple Business Manager reassignment to Intune, with its deadline */
  appleDeadline: Millis | undefined;
  readonly slots: Map<Slot, { at: Millis; token: number }>;
  nextToken: number;
}

export function newDeviceState(
  s: ScenarioDevice,
  person: PersonState | undefined,
  seed: number,
): DeviceState {
  return {
    s,
    person,
    random: new DeviceRandom(seed, s.index),
    source: s.sourceId === "" ? "absent" : "enrolled",
    target: undefined,
    enrolling: false,
    lostAt: undefined,
    appleDeadline: undefined,
    slots: new Map(),
    nextToken: 0,
  };
}

/** When the source last heard from the device: it checks in every period; a lost device stopped. */
export function lastSeenAt(d: DeviceState, now: Millis): Millis {
  const t = d.lostAt === undefined ? now : Math.min(now, d.lostAt);
  const { anchor, period } = d.s.checkIn;
  return anchor + Math.floor((t - anchor) / period) * period;
}

/** What a device draws for; see `DeviceRandom`. */
export type DrawPurpose =
  | "identity"
  | "reaction"
  | "fix"
  | "enrollment"
  | "evaluation"
  | "retire"
  | "apple"
  | "replacement";

/**
 * One stream per purpose, made on first use. With one stream for everything, a draw made
 * once more for one purpose (a reminder the engine sent a tick later, a duplicate e-mail
 * after a crash) shifted every later draw for the others: the same device could then come
 * out noncompliant in one run and compliant in another. Per purpose, the compliance of a
 * device's first evaluation is the same in every run with the same seed, however the
 * engine's timing varied.
 */
export class DeviceRandom {
  readonly #seed: number;
  readonly #index: number;
  readonly #streams = new Map<DrawPurpose, Rng>();

  constructor(seed: number, index: number) {
    this.#seed = seed;
    this.#index = index;
  }

  for(purpose: DrawPurpose): Rng {
    let rng = this.#streams.get(purpose);
    if (!rng) {
      rng = new Rng(this.#seed, "device", this.#index, purpose);
      this.#streams.set(purpose, rng);
    }
    return rng;
  }
}
