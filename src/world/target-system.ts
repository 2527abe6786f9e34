/**
 * Intune and its conditional access as they really are: managed-device records, and the
 * "require a compliant device" policy that excludes the not-yet-migrated (NYM) group and
 * the break-glass accounts. State and logging only; behaviour lives in population.ts.
 */
import type { TargetAccessControl, TargetDeviceRecord, TargetPolicyCheck } from "../core/ports/index.ts";
import type { Millis } from "../core/time.ts";
import { CaLedger, PropagatingMembership } from "./access.ts";
import type { DirectoryIndex } from "./directory.ts";
import type { GroundTruthWriter } from "./ground-truth.ts";
import type { Simulation } from "./simulation.ts";
import type { Compliance, DeviceState } from "./state.ts";

export class TargetSystem implements TargetAccessControl {
  readonly ca: CaLedger;
  readonly #sim: Simulation;
  readonly #log: GroundTruthWriter;
  readonly #directory: DirectoryIndex;
  readonly #nym: PropagatingMembership;
  /** current records, in enrollment order */
  readonly #records = new Map<string, DeviceState>();

  constructor(
    sim: Simulation,
    log: GroundTruthWriter,
    directory: DirectoryIndex,
    propagation: Millis,
    nymPrepopulated: boolean,
  ) {
    this.#sim = sim;
    this.#log = log;
    this.#directory = directory;
    const initial = nymPrepopulated ? directory.people.filter((p) => !p.s.breakGlass).map((p) => p.s.id) : [];
    this.#nym = new PropagatingMembership(sim, propagation, initial, (id) => {
      const p = directory.byId(id);
      if (p) this.ca.update(p);
    });
    this.ca = new CaLedger("target", sim, log, (p) => !p.s.breakGlass && !this.#nym.effective.has(p.s.id));
  }

  get devicesPresent(): number {
    return this.#records.size;
  }

  startCa(): void {
    this.ca.start(this.#directory.people);
  }

  /** Logs every pre-existing device as not enrolled in Intune. */
  startEnrollments(devices: readonly DeviceState[]): void {
    for (const d of devices)
      this.#log.enrollment(this.#sim.now(), "target", d.s.worldId, d.s.ownerUpn, false);
  }

  /** A new managed-device record, with a new id and compliance not yet evaluated. */
  addRecord(d: DeviceState): void {
    if (d.target) return;
    d.target = {
      targetId: d.random.for("identity").guid(),
      compliance: "unknown",
      enrolledAt: this.#sim.now(),
    };
    this.#records.set(d.target.targetId, d);
    this.#log.enrollment(this.#sim.now(), "target", d.s.worldId, d.s.ownerUpn, true);
  }

  setCompliance(d: DeviceState, compliance: Compliance): void {
    if (d.target) d.target.compliance = compliance;
  }

  records(): TargetDeviceRecord[] {
    const out: TargetDeviceRecord[] = [];
    for (const d of this.#records.values()) out.push(recordOf(d));
    return out;
  }

  /** One record by its Intune id, with the world id of its device; undefined for an unknown id. */
  record(targetId: string): { record: TargetDeviceRecord; worldId: string } | undefined {
    const d = this.#records.get(targetId);
    return d && { record: recordOf(d), worldId: d.s.worldId };
  }

  // --- TargetAccessControl -------------------------------------------------------------

  async exempt(directoryIds: readonly string[]): Promise<void> {
    this.#change(directoryIds, true);
  }

  async enforce(directoryIds: readonly string[]): Promise<void> {
    this.#change(directoryIds, false);
  }

  #change(ids: readonly string[], member: boolean): void {
    for (const id of ids) {
      const p = this.#directory.byId(id); // unknown principals are ignored
      if (p) this.#nym.set(p.s.id, member);
    }
  }

  async listExempt(): Promise<ReadonlySet<string>> {
    return new Set(this.#nym.declared);
  }

  async verifyPolicy(): Promise<TargetPolicyCheck> {
    return { enabled: true, excludesNotYetMigrated: true, excludesBreakGlass: true, problems: [] };
  }
}

function recordOf(d: DeviceState): TargetDeviceRecord {
  const t = d.target!;
  return {
    targetId: t.targetId,
    userPrincipalName: d.person?.s.upn,
    platform: d.s.platform,
    osVersion: d.s.osVersion,
    model: d.s.model,
    manufacturer: d.s.manufacturer,
    identifiers: { ...d.s.targetIdentifiers },
    compliance: t.compliance,
    enrolledAt: t.enrolledAt,
  };
}
