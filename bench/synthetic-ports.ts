/**
 * Ports over a synthetic installation (synthetic.ts). The inventories and CA read-backs report
 * exactly what the seeded store holds; records are built page by page as a connector would
 * decode them from an API response, so observe() pays for fresh objects on every pass. Every
 * write (CA changes, retires, reassignments, mail) is a no-op that counts its calls: a
 * reconcile pass makes none, so non-zero counts after a pass mean something is wrong.
 */
import type {
  DirectoryUser,
  Ports,
  SourceDeviceRecord,
  TargetDeviceRecord,
  TargetPolicyCheck,
} from "../src/core/ports/index.ts";
import { ManualClock } from "../src/core/time.ts";
import type { Installation } from "./synthetic.ts";

/** Records per page, as a vendor API pages inventory listings. */
export const PAGE_SIZE = 500;

export interface PortCalls {
  sourceInventoryPages: number;
  targetInventoryPages: number;
  sourceExcludedReads: number;
  targetExemptReads: number;
  policyVerifications: number;
  /** writes: all stay 0 during a reconcile pass */
  exclude: number;
  include: number;
  exempt: number;
  enforce: number;
  disablePolicy: number;
  retire: number;
  reassign: number;
  mail: number;
}

export interface SyntheticPorts extends Ports {
  clock: ManualClock;
  readonly calls: PortCalls;
  /** performance.now() when the last read of a pass finished (observe's end) */
  readonly lastReadAt: number;
}

export function syntheticPorts(
  inst: Installation,
  clock: ManualClock = new ManualClock(inst.now),
): SyntheticPorts {
  const calls: PortCalls = {
    sourceInventoryPages: 0,
    targetInventoryPages: 0,
    sourceExcludedReads: 0,
    targetExemptReads: 0,
    policyVerifications: 0,
    exclude: 0,
    include: 0,
    exempt: 0,
    enforce: 0,
    disablePolicy: 0,
    retire: 0,
    reassign: 0,
    mail: 0,
  };
  let lastReadAt = 0;
  const read = <T>(value: T): T => {
    lastReadAt = performance.now();
    return value;
  };

  async function* sourceDevices(): AsyncIterable<SourceDeviceRecord> {
    for (let start = 0; start < inst.devices; start += PAGE_SIZE) {
      await Promise.resolve(); // one API call per page
      calls.sourceInventoryPages++;
      const page: SourceDeviceRecord[] = [];
      const end = Math.min(inst.devices, start + PAGE_SIZE);
      for (let j = start; j < end; j++) {
        const f = inst.device(j);
        if (inst.inSource(f)) page.push(inst.sourceRecord(f));
      }
      yield* page;
    }
    read(undefined);
  }

  async function* targetDevices(): AsyncIterable<TargetDeviceRecord> {
    for (let start = 0; start < inst.devices; start += PAGE_SIZE) {
      await Promise.resolve();
      calls.targetInventoryPages++;
      const page: TargetDeviceRecord[] = [];
      const end = Math.min(inst.devices, start + PAGE_SIZE);
      for (let j = start; j < end; j++) {
        const f = inst.device(j);
        if (inst.inTarget(f)) page.push(inst.targetRecord(f));
      }
      yield* page;
    }
    read(undefined);
  }

  const directoryUser = (k: number): DirectoryUser => {
    const row = inst.personRow(k);
    return {
      id: inst.directoryId(k),
      userPrincipalName: row.upn,
      mail: row.email,
      displayName: row.display_name,
      department: row.department,
      officeLocation: row.location,
      timeZone: row.time_zone,
      preferredLanguage: row.locale,
    };
  };

  const ports: SyntheticPorts = {
    clock,
    calls,
    get lastReadAt() {
      return lastReadAt;
    },
    sourceInventory: { listDevices: sourceDevices },
    targetInventory: { listDevices: targetDevices },
    sourceOffboarding: {
      retire: async () => {
        calls.retire++;
      },
    },
    sourceAccess: {
      exclude: async () => {
        calls.exclude++;
      },
      include: async () => {
        calls.include++;
      },
      listExcluded: async () => {
        calls.sourceExcludedReads++;
        const out = new Set<string>();
        for (let k = 0; k < inst.people; k++) {
          if (inst.access(inst.person(k)).sourceExcluded) out.add(inst.upn(k));
        }
        return read(out);
      },
      policyEnabled: async () => read(true),
      disablePolicy: async () => {
        calls.disablePolicy++;
      },
    },
    appleAssignment: {
      reassignToTarget: async () => {
        calls.reassign++;
      },
    },
    targetAccess: {
      exempt: async () => {
        calls.exempt++;
      },
      enforce: async () => {
        calls.enforce++;
      },
      listExempt: async () => {
        calls.targetExemptReads++;
        const out = new Set<string>();
        for (let k = 0; k < inst.people; k++) {
          if (inst.access(inst.person(k)).targetExempt) out.add(inst.directoryId(k));
        }
        return read(out);
      },
      verifyPolicy: async (): Promise<TargetPolicyCheck> => {
        calls.policyVerifications++;
        return read({ enabled: true, excludesNotYetMigrated: true, excludesBreakGlass: true, problems: [] });
      },
    },
    directory: {
      listUsers: async function* () {
        for (let k = 0; k < inst.people; k++) yield directoryUser(k);
      },
      findUser: async (upnOrMail) => {
        const k = inst.personIndexOf(upnOrMail);
        return k === undefined ? undefined : directoryUser(k);
      },
    },
    mailer: {
      send: async () => {
        calls.mail++;
        return { messageId: `<${calls.mail}@bench.example>` };
      },
    },
  };
  return ports;
}
