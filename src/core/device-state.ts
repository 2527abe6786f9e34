/**
 * A device's state is derived from what the two systems report plus Ferry's own decisions;
 * it is never set by hand. Derivation order matters: seen in both systems is an anomaly
 * whatever else is true, and an Intune record outranks an exclusion (an excluded device
 * that was updated and enrolled anyway counts as migrated).
 */
import type { DeviceState, ExclusionReason, RetirementReason, SourcePresence } from "./model.ts";

export type TargetCompliance = "unknown" | "compliant" | "noncompliant";

export interface DeviceFacts {
  source: SourcePresence;
  /** undefined: no Intune record matched to this device */
  target: TargetCompliance | undefined;
  unenrollRequested: boolean;
  excluded: ExclusionReason | undefined;
  retired: RetirementReason | undefined;
  /**
   * The old product still lists the device with Ferry's retire pending, but has not heard
   * from it for longer than the staleness limit: the device will never pick the command up
   * (it left the product some other way, or was replaced and lost). The record is a leftover,
   * gone when the old product is retired; it must not hold the device, and its wave, forever.
   */
  sourceLeftover?: boolean;
}

export function deriveState(f: DeviceFacts): DeviceState {
  if (f.retired) return "retired";
  const inSource = f.source !== "absent" && !(f.sourceLeftover && f.target !== undefined);
  if (inSource && f.target !== undefined) return "in-both";
  if (f.target !== undefined) {
    if (f.target === "compliant") return "compliant";
    if (f.target === "noncompliant") return "noncompliant";
    return "in-target";
  }
  if (f.excluded) return "excluded";
  if (f.source === "retire-pending" || (inSource && f.unenrollRequested)) return "unenroll-requested";
  if (inSource) return "in-source";
  return "limbo";
}

/** Migrated means Intune manages the device, whatever its compliance. */
export function isMigrated(state: DeviceState): boolean {
  return state === "in-target" || state === "compliant" || state === "noncompliant";
}

/** States in which nothing more is expected of the device. */
export function isSettled(state: DeviceState): boolean {
  return isMigrated(state) || state === "excluded" || state === "retired";
}
