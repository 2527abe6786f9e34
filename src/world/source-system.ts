/**
 * The old product as it really is: its device records and its conditional access (a policy
 * plus the Ferry-managed exclusion list). Device behaviour lives in population.ts; this
 * class only holds state and logs every change that takes effect.
 */
import type { SourceAccessControl, SourceDeviceRecord } from "../core/ports/index.ts";
import type { Millis } from "../core/time.ts";
import { CaLedger, PropagatingMembership } from "./access.ts";
import type { DirectoryIndex } from "./directory.ts";
import type { GroundTruthWriter } from "./ground-truth.ts";
import type { Simulation } from "./simulation.ts";
import { type DeviceState, lastSeenAt } from "./state.ts";

export class SourceSystem implements SourceAccessControl {
  readonly ca: CaLedger;
  readonly #sim: Simulation;
  readonly #log: GroundTruthWriter;
  readonly #directory: DirectoryIndex;
  readonly #exclusion: PropagatingMembership;
  readonly #delay: Millis;
  /** every device that was ever in the source, in source-id order */
  readonly #records: DeviceState[];
  readonly #bySourceId = new Map<string, DeviceState>();
  #present = 0;
  #revision = 0;
  #policyDeclared = true;
  #policyEffective = true;
  #decommissioned = false;

  constructor(
    sim: Simulation,
    log: GroundTruthWriter,
    directory: DirectoryIndex,
    devices: readonly DeviceState[],
    propagation: Millis,
  ) {
    this.#sim = sim;
    this.#log = log;
    this.#directory = directory;
    this.#delay = propagation;
    this.#records = devices
      .filter((d) => d.source !== "absent")
      .sort((a, b) => Number(a.s.sourceId) - Number(b.s.sourceId));
    for (const d of this.#records) this.#bySourceId.set(d.s.sourceId, d);
    this.#present = this.#records.length;
    const breakGlass = directory.people.filter((p) => p.s.breakGlass).map((p) => p.s.upn);
    this.#exclusion = new PropagatingMembership(sim, propagation, breakGlass, (upn) => {
      const p = directory.resolve(upn);
      if (p) this.ca.update(p);
    });
    this.ca = new CaLedger(
      "source",
      sim,
      log,
      (p) => !this.#decommissioned && this.#policyEffective && !this.#exclusion.effective.has(p.s.upn),
    );
  }

  get devicesPresent(): number {
    return this.#present;
  }

  get decommissioned(): boolean {
    return this.#decommissioned;
  }

  /** Logs the initial state: everyone's CA, then every device enrolled. */
  startCa(): void {
    this.ca.start(this.#directory.people);
  }

  startEnrollments(): void {
    for (const d of this.#records)
      this.#log.enrollment(this.#sim.now(), "source", d.s.worldId, d.s.ownerUpn, true);
  }

  find(sourceId: string): DeviceState | undefined {
    return this.#bySourceId.get(sourceId.trim());
  }

  /**
   * Bumped whenever a record changes other than by time passing, so readers (the vendor
   * emulators, which list the whole inventory once per page request) can keep a view for
   * as long as neither this nor the clock moved.
   */
  get revision(): number {
    return this.#revision;
  }

  markRetirePending(d: DeviceState): void {
    if (d.source === "enrolled") {
      d.source = "retire-pending";
      this.#revision++;
    }
  }

  /** The record disappears (unenrolled, retired, reset or migrated away). */
  remove(d: DeviceState): void {
    if (d.source === "absent") return;
    d.source = "absent";
    this.#revision++;
    this.#present--;
    this.#log.enrollment(this.#sim.now(), "source", d.s.worldId, d.s.ownerUpn, false);
  }

  records(): SourceDeviceRecord[] {
    const now = this.#sim.now();
    const out: SourceDeviceRecord[] = [];
    for (const d of this.#records) if (d.source !== "absent") out.push(recordOf(d, d.source, now));
    return out;
  }

  /** One device's record as the product holds it now; undefined once it is gone. */
  record(sourceId: string): SourceDeviceRecord | undefined {
    const d = this.find(sourceId);
    return d && d.source !== "absent" ? recordOf(d, d.source, this.#sim.now()) : undefined;
  }

  /** The admin cancels the product: every record ends and its CA stops at once. */
  decommission(): void {
    if (this.#decommissioned) return;
    for (const d of this.#records) this.remove(d);
    this.#decommissioned = true;
    this.#policyDeclared = false;
    for (const p of this.#directory.people) this.ca.update(p);
  }

  // --- SourceAccessControl -------------------------------------------------------------

  async exclude(upns: readonly string[]): Promise<void> {
    this.#change(upns, true);
  }

  async include(upns: readonly string[]): Promise<void> {
    this.#change(upns, false);
  }

  #change(upns: readonly string[], member: boolean): void {
    if (this.#decommissioned) return;
    for (const upn of upns) {
      const p = this.#directory.resolve(upn); // unknown principals are ignored
      if (p) this.#exclusion.set(p.s.upn, member);
    }
  }

  async listExcluded(): Promise<ReadonlySet<string>> {
    return new Set(this.#exclusion.declared);
  }

  async policyEnabled(): Promise<boolean> {
    return this.#policyDeclared;
  }

  async disablePolicy(): Promise<void> {
    if (!this.#policyDeclared) return;
    this.#policyDeclared = false;
    this.#sim.after(this.#delay, () => {
      this.#policyEffective = false;
      for (const p of this.#directory.people) this.ca.update(p);
    });
  }
}

function recordOf(
  d: DeviceState,
  enrollment: SourceDeviceRecord["enrollment"],
  now: Millis,
): SourceDeviceRecord {
  return {
    sourceId: d.s.sourceId,
    ownerUpn: d.s.sourceOwner,
    platform: d.s.platform,
    mode: d.s.mode,
    ownership: d.s.ownership,
    osVersion: d.s.osVersion,
    model: d.s.model,
    manufacturer: d.s.manufacturer,
    identifiers: { ...d.s.sourceIdentifiers },
    enrollment,
    lastSeenAt: lastSeenAt(d, now),
  };
}
