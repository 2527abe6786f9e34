/** What a simulated organisation is built from. */
import { DAY, HOUR, MINUTE, type Millis } from "../core/time.ts";
import { type BehaviourMix, DEFAULT_BEHAVIOUR } from "./behaviour.ts";
import type { GroundTruthLine } from "./ground-truth.ts";

export interface WorldDelays {
  /** from a change to the source exclusion list (or disabling its policy) to it taking effect */
  sourceCaPropagation: Millis;
  /** from a change to the Intune not-yet-migrated group to it taking effect */
  targetCaPropagation: Millis;
  /** the admin put every non-break-glass user in the NYM group beforehand; false = a misconfigured tenant */
  nymPrepopulated: boolean;
  /** from starting an Intune enrollment to the record appearing (uniform between the two) */
  enrollmentMin: Millis;
  enrollmentMax: Millis;
  /** from the record appearing to its first compliance evaluation (uniform between the two) */
  complianceEvaluationMin: Millis;
  complianceEvaluationMax: Millis;
  /** share of first evaluations that find the device compliant */
  compliantShare: number;
  /** median time for a retired device to check in and drop its source record */
  retireCheckInMedian: Millis;
}

export const DEFAULT_DELAYS: WorldDelays = {
  sourceCaPropagation: 10 * MINUTE,
  targetCaPropagation: 5 * MINUTE,
  nymPrepopulated: true,
  enrollmentMin: 5 * MINUTE,
  enrollmentMax: 20 * MINUTE,
  complianceEvaluationMin: 15 * MINUTE,
  complianceEvaluationMax: 2 * HOUR,
  compliantShare: 0.9,
  retireCheckInMedian: 20 * MINUTE,
};

export interface WorldOptions {
  /** default 1 */
  seed?: number;
  /** regular people (break-glass accounts come on top); default 2000 */
  people?: number;
  /** simulation start; default Monday 2026-01-05 08:00 UTC */
  start?: Millis;
  /** receives ground-truth lines in time order */
  sink?: (line: GroundTruthLine) => void;
  /** shares of profiles and flags; e.g. {never: 0, slow: 0, onLeave: 0, enrollsFirst: 0, losesDevice: 0} for a fully cooperative org */
  behaviour?: Partial<BehaviourMix>;
  delays?: Partial<WorldDelays>;
}

export interface ResolvedWorldOptions {
  seed: number;
  people: number;
  start: Millis;
  sink: ((line: GroundTruthLine) => void) | undefined;
  behaviour: BehaviourMix;
  delays: WorldDelays;
}

export const DEFAULT_START: Millis = Date.UTC(2026, 0, 5, 8);

export function resolveOptions(options: WorldOptions): ResolvedWorldOptions {
  const resolved = {
    seed: options.seed ?? 1,
    people: options.people ?? 2000,
    start: options.start ?? DEFAULT_START,
    sink: options.sink,
    behaviour: { ...DEFAULT_BEHAVIOUR, ...definedOnly(options.behaviour) },
    delays: { ...DEFAULT_DELAYS, ...definedOnly(options.delays) },
  };
  if (!Number.isInteger(resolved.people) || resolved.people < 0) {
    throw new RangeError(`people must be a non-negative integer, got ${resolved.people}`);
  }
  if (!Number.isFinite(resolved.seed)) throw new RangeError(`seed must be a number, got ${resolved.seed}`);
  if (resolved.delays.enrollmentMax < resolved.delays.enrollmentMin) {
    throw new RangeError("delays.enrollmentMax is below delays.enrollmentMin");
  }
  if (resolved.delays.complianceEvaluationMax < resolved.delays.complianceEvaluationMin) {
    throw new RangeError("delays.complianceEvaluationMax is below delays.complianceEvaluationMin");
  }
  return resolved;
}

function definedOnly<T extends object>(partial: Partial<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Apple Business Manager accepts a migration deadline of at most 90 days (vendor-apis.md §G). */
export const LONGEST_APPLE_DEADLINE: Millis = 90 * DAY;
