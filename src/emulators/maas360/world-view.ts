/**
 * The simulated organisation's source as MaaS360 keeps it: one record per device ever
 * enrolled, in id order, whose `maas360ManagedStatus` follows the world. A selective wipe
 * makes a device "Pending Control Removed" at once and "Control Removed" (deviceStatus
 * Inactive) once it checks in; a device that left otherwise shows "User Removed Control".
 * The view changes the world only through `world.ports.sourceOffboarding.retire`.
 */
import type { Ports, SourceDeviceRecord } from "../../core/ports/index.ts";
import { DAY, type Millis } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";

export type ManagedStatus =
  | "Enrolled"
  | "Pending Control Removed"
  | "Control Removed"
  | "User Removed Control";

export interface Maas360Device {
  readonly s: ScenarioDevice;
  readonly registeredAt: Millis;
  status: ManagedStatus;
  lastSeenAt: Millis;
  wipeRequestedAt: Millis | undefined;
  goneAt: Millis | undefined;
}

/** Active devices are managed (or on their way out); Inactive ones have left. */
export function deviceStatusOf(d: Maas360Device): "Active" | "Inactive" {
  return d.status === "Enrolled" || d.status === "Pending Control Removed" ? "Active" : "Inactive";
}

export class Maas360WorldView {
  readonly #world: SimulatedOrganisation;
  readonly #ports: Pick<Ports, "sourceInventory" | "sourceOffboarding">;
  readonly #devices: Maas360Device[];
  readonly #byId = new Map<string, Maas360Device>();

  constructor(
    world: SimulatedOrganisation,
    ports: Pick<Ports, "sourceInventory" | "sourceOffboarding"> = world.ports,
  ) {
    this.#world = world;
    this.#ports = ports;
    this.#devices = world.scenario.devices
      .filter((s) => s.sourceId !== "")
      .sort((a, b) => Number(a.sourceId) - Number(b.sourceId))
      .map((s) => ({
        s,
        registeredAt: s.checkIn.anchor - (20 + (Number(s.sourceId) % 600)) * DAY,
        status: "Enrolled" as ManagedStatus,
        lastSeenAt: s.checkIn.anchor,
        wipeRequestedAt: undefined,
        goneAt: undefined,
      }));
    for (const d of this.#devices) this.#byId.set(d.s.sourceId, d);
  }

  get now(): Millis {
    return this.#world.clock.now();
  }

  get devices(): readonly Maas360Device[] {
    return this.#devices;
  }

  byId(id: string): Maas360Device | undefined {
    return this.#byId.get(id.trim());
  }

  async sync(): Promise<void> {
    const present = new Map<string, SourceDeviceRecord>();
    for await (const r of this.#ports.sourceInventory.listDevices()) present.set(r.sourceId, r);
    const now = this.now;
    for (const d of this.#devices) {
      const r = present.get(d.s.sourceId);
      if (r) {
        d.status = r.enrollment === "retire-pending" ? "Pending Control Removed" : "Enrolled";
        if (r.lastSeenAt !== undefined) d.lastSeenAt = r.lastSeenAt;
      } else if (deviceStatusOf(d) === "Active") {
        const wiped = d.wipeRequestedAt !== undefined || d.status === "Pending Control Removed";
        d.status = wiped ? "Control Removed" : "User Removed Control";
        d.goneAt = now;
      }
    }
  }

  /** The admin's selective wipe, through the world's port. */
  async selectiveWipe(d: Maas360Device): Promise<void> {
    d.wipeRequestedAt ??= this.now;
    await this.#ports.sourceOffboarding.retire(d.s.sourceId);
    await this.sync();
  }
}
