/**
 * How the simulated people behave. Every person's disposition is drawn once, when the
 * organisation is generated, so what they do never depends on the order Ferry calls things.
 * The timings of individual actions come from the device's own random stream.
 */
import { type EnrollmentMode, majorVersion } from "../core/platform.ts";
import { DAY, HOUR, MINUTE, type Millis } from "../core/time.ts";
import type { Rng } from "./rng.ts";

/** Shares of the four exclusive profiles, plus two independent flags (probabilities). */
export interface BehaviourMix {
  /** acts within about a day of being asked */
  prompt: number;
  /** acts within about a week */
  slow: number;
  /** never acts; only Apple's forced migration or an admin moves their devices */
  never: number;
  /** away for 1–4 weeks starting within the first 3 weeks; acts (promptly) after returning */
  onLeave: number;
  /** enrolls Windows / Android work profile / macOS devices in Intune before leaving the source */
  enrollsFirst: number;
  /** one device goes silent for good; a replacement is enrolled straight into Intune 2–10 days later */
  losesDevice: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourMix = {
  prompt: 0.6,
  slow: 0.25,
  never: 0.08,
  onLeave: 0.04,
  enrollsFirst: 0.04,
  losesDevice: 0.01,
};

export type Profile = "prompt" | "slow" | "never" | "onLeave";
const PROFILES: readonly Profile[] = ["prompt", "slow", "never", "onLeave"];

export interface Leave {
  from: Millis;
  to: Millis;
}

export interface DeviceLoss {
  /** index, within the person's own devices, of the one that is lost */
  which: number;
  at: Millis;
  /** from the loss to the replacement's enrollment in Intune */
  replacementAfter: Millis;
}

export interface PersonBehaviour {
  profile: Profile;
  leave: Leave | undefined;
  enrollsFirst: boolean;
  loss: DeviceLoss | undefined;
}

/** Draws one person's disposition. Always consumes the same number of draws, whatever the mix. */
export function drawBehaviour(
  mix: BehaviourMix,
  deviceCount: number,
  start: Millis,
  rng: Rng,
): PersonBehaviour {
  const profileRoll = rng.next();
  const firstRoll = rng.next();
  const lossRoll = rng.next();
  const leaveStart = rng.uniform(0, 21 * DAY);
  const leaveLength = rng.uniform(7 * DAY, 28 * DAY);
  const lossWhich = rng.next();
  const lossAt = rng.uniform(DAY, 42 * DAY);
  const replacementAfter = rng.uniform(2 * DAY, 10 * DAY);

  const total = PROFILES.reduce((sum, p) => sum + Math.max(0, mix[p]), 0);
  let profile: Profile = "prompt";
  if (total > 0) {
    let r = profileRoll * total;
    for (const p of PROFILES) {
      r -= Math.max(0, mix[p]);
      if (r < 0) {
        profile = p;
        break;
      }
    }
  }
  return {
    profile,
    leave:
      profile === "onLeave"
        ? { from: start + Math.round(leaveStart), to: start + Math.round(leaveStart + leaveLength) }
        : undefined,
    enrollsFirst: firstRoll < mix.enrollsFirst,
    loss:
      deviceCount > 0 && lossRoll < mix.losesDevice
        ? {
            which: Math.floor(lossWhich * deviceCount),
            at: start + Math.round(lossAt),
            replacementAfter: Math.round(replacementAfter),
          }
        : undefined,
  };
}

/**
 * How a device can physically leave the source, whatever Ferry plans (vendor-apis.md §G).
 * The world keeps its own copy of these facts instead of importing Ferry's readiness rules,
 * so a mistake there shows up as a failed migration here.
 */
export type LeaveWay = "self" | "admin" | "reset" | "apple-migration";

export function leaveWayOf(
  mode: EnrollmentMode,
  ownership: "personal" | "corporate",
  osVersion: string,
): LeaveWay {
  switch (mode) {
    case "apple-ade":
      return majorVersion(osVersion) >= 26 ? "apple-migration" : "reset";
    case "macos-ade":
      return majorVersion(osVersion) >= 26 ? "apple-migration" : "admin";
    case "android-fully-managed":
    case "android-cope":
    case "android-dedicated":
      return "reset";
    default:
      // Corporate profiles are installed as non-removable: only the admin can take them off.
      return ownership === "personal" ? "self" : "admin";
  }
}

/** Modes whose users can (and some do) enroll in Intune while the old product still manages the device. */
export function canEnrollFirst(mode: EnrollmentMode): boolean {
  return mode === "windows" || mode === "android-work-profile" || mode === "macos-profile";
}

/** Medians and spreads (σ of the logarithm) of people's reaction times. */
export const REACTION = {
  /** from the first instructions to removing the old profile */
  unenroll: { prompt: DAY, slow: 6 * DAY, onLeave: DAY, spread: 0.9 },
  /** from removing the old profile to starting the Intune enrollment */
  enrollAfterUnenroll: { median: 2 * HOUR, spread: 0.6 },
  /** enrollsFirst people: from the announcement to enrolling in Intune */
  enrollFirst: { median: DAY, spread: 0.8 },
  /** blocked by Intune, or told so: enroll (or unenroll, or fix) soon */
  urgent: { median: 4 * HOUR, spread: 0.6 },
  /** blocked and the step is a factory reset: takes longer */
  urgentReset: { median: DAY, spread: 0.6 },
  /** from the admin's retire reaching the device to the person enrolling in Intune */
  afterRetire: { median: DAY, spread: 0.8 },
  /** from the reset instructions to the factory reset */
  reset: { prompt: 3 * DAY, slow: 10 * DAY, onLeave: 3 * DAY, spread: 0.7 },
  /** a noncompliant device gets fixed */
  fix: { median: DAY, spread: 0.8 },
  /** after returning from leave, catching up on mail */
  catchUp: { median: 6 * HOUR, spread: 0.8 },
  /** Apple migration, prompt people: accepted within this much */
  appleAcceptPrompt: 2 * DAY,
} as const;

/** Device-side timings: these don't depend on the person. */
export const DEVICE_TIMING = {
  /** after an Intune enrollment starts: zero-touch / ADE after a reset takes longer */
  afterResetEnrollMin: 15 * MINUTE,
  afterResetEnrollMax: HOUR,
  /** Apple's migration moves source and target records within this of each other */
  appleMigrationSkew: MINUTE,
} as const;
