/**
 * The simulated organisation's source, as an emulator reads it: every device that was ever
 * in the source (from the scenario), each with its current record from the world's
 * `sourceInventory` port (undefined once the record is gone). State changes only through the
 * world's `sourceOffboarding` port.
 */
import type { SourceDeviceRecord } from "../../core/ports/index.ts";
import type { Millis } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";

export interface SourceView {
  device: ScenarioDevice;
  /** the world's record while the source manages the device; undefined once it is gone */
  record: SourceDeviceRecord | undefined;
  /** when the source last heard from it (kept after the record went) */
  lastSeenAt: Millis | undefined;
}

export class WorldSource {
  readonly #world: SimulatedOrganisation;
  readonly #devices: ScenarioDevice[];
  readonly #byId = new Map<string, ScenarioDevice>();
  readonly #lastSeen = new Map<string, Millis | undefined>();
  #view: { key: string; views: SourceView[] } | undefined;

  /** `include`: which of the world's devices this vendor manages (Jamf: Apple only). */
  constructor(world: SimulatedOrganisation, include: (d: ScenarioDevice) => boolean = () => true) {
    this.#world = world;
    this.#devices = world.scenario.devices
      .filter((d) => d.sourceId !== "" && include(d))
      .sort((a, b) => Number(a.sourceId) - Number(b.sourceId));
    for (const d of this.#devices) this.#byId.set(d.sourceId, d);
  }

  get size(): number {
    return this.#devices.length;
  }

  device(sourceId: string): ScenarioDevice | undefined {
    return this.#byId.get(sourceId);
  }

  /**
   * Every device ever in the source, in source-id order, as it is now. Kept while neither the
   * clock nor the source's records moved: vendors list by page number, and rebuilding the
   * whole view for each page made a listing quadratic in the inventory's size.
   */
  async all(): Promise<SourceView[]> {
    const key = `${this.#world.clock.now()}:${this.#world.sourceRevision}`;
    if (this.#view?.key !== key) this.#view = { key, views: await this.#build() };
    return this.#view.views;
  }

  async #build(): Promise<SourceView[]> {
    const present = new Map<string, SourceDeviceRecord>();
    for await (const r of this.#world.ports.sourceInventory.listDevices()) {
      if (this.#byId.has(r.sourceId)) present.set(r.sourceId, r);
    }
    return this.#devices.map((device) => this.#view1(device, present.get(device.sourceId)));
  }

  #view1(device: ScenarioDevice, record: SourceDeviceRecord | undefined): SourceView {
    if (record) this.#lastSeen.set(device.sourceId, record.lastSeenAt);
    const lastSeenAt = record
      ? record.lastSeenAt
      : (this.#lastSeen.get(device.sourceId) ?? device.checkIn.anchor);
    return { device, record, lastSeenAt };
  }

  /** One device as it is now; undefined for an id that never existed here. */
  async one(sourceId: string): Promise<SourceView | undefined> {
    const device = this.#byId.get(sourceId);
    return device && this.#view1(device, this.#world.sourceRecord(sourceId));
  }

  /** The admin's retire, through the world's port (pending at once, gone at the next check-in). */
  async retire(sourceId: string): Promise<void> {
    await this.#world.ports.sourceOffboarding.retire(sourceId);
  }
}

const uuids = new Map<string, string>();

/** A UUID-shaped string derived from `seed` (FNV-1a), so records keep the same uuid across runs. */
export function stableUuid(seed: string): string {
  let cached = uuids.get(seed);
  if (cached === undefined) {
    cached = computeUuid(seed);
    if (uuids.size > 2_000_000) uuids.clear(); // a few per device: 100,000 people fit
    uuids.set(seed, cached);
  }
  return cached;
}

function computeUuid(seed: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    hex += h.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The local part of an e-mail-like owner name ("ann.lee@contoso.com" → "ann.lee"). */
export function localPart(owner: string): string {
  const at = owner.indexOf("@");
  return at < 0 ? owner : owner.slice(0, at);
}
