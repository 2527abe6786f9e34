/**
 * Observe: read what every system reports right now. Nothing here writes; the pass applies
 * these facts to the store in one transaction.
 */
import type {
  Ports,
  SourceDeviceRecord,
  TargetDeviceRecord,
  TargetPolicyCheck,
} from "../core/ports/index.ts";

export interface Observations {
  at: number;
  source: SourceDeviceRecord[];
  target: TargetDeviceRecord[];
  /** lower-cased UPNs on the source's CA exclusion list */
  sourceExcluded: ReadonlySet<string>;
  sourcePolicyEnabled: boolean;
  /** directory ids in Intune's not-yet-migrated group */
  targetExempt: ReadonlySet<string>;
  /** present only on passes that verified the policy (it is rate limited to ~1 request/s per tenant) */
  targetPolicy: TargetPolicyCheck | undefined;
}

export type ObservePorts = Pick<
  Ports,
  "sourceInventory" | "targetInventory" | "sourceAccess" | "targetAccess" | "clock"
>;

export async function observe(ports: ObservePorts, verifyPolicy: boolean): Promise<Observations> {
  const at = ports.clock.now();
  const source: SourceDeviceRecord[] = [];
  for await (const r of ports.sourceInventory.listDevices()) source.push(r);
  const target: TargetDeviceRecord[] = [];
  for await (const r of ports.targetInventory.listDevices()) target.push(r);
  const excluded = await ports.sourceAccess.listExcluded();
  return {
    at,
    source,
    target,
    sourceExcluded: new Set([...excluded].map((u) => u.toLowerCase())),
    sourcePolicyEnabled: await ports.sourceAccess.policyEnabled(),
    targetExempt: await ports.targetAccess.listExempt(),
    targetPolicy: verifyPolicy ? await ports.targetAccess.verifyPolicy() : undefined,
  };
}
