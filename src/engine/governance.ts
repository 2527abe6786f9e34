/**
 * Who governs a person's access, derived from what the two systems report. "both" is the
 * one state Ferry exists to prevent: the checker reports it and the engine repairs it.
 */
export type ObservedGovernance = "source" | "none" | "target" | "both";

export interface GovernanceFacts {
  sourcePolicyEnabled: boolean;
  sourceExcluded: boolean;
  targetPolicyEnabled: boolean;
  targetExempt: boolean;
  breakGlass: boolean;
}

export function deriveGovernance(f: GovernanceFacts): ObservedGovernance {
  const source = f.sourcePolicyEnabled && !f.sourceExcluded;
  const target = f.targetPolicyEnabled && !f.targetExempt && !f.breakGlass;
  if (source && target) return "both";
  if (source) return "source";
  if (target) return "target";
  return "none";
}
