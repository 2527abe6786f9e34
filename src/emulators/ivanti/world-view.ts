/**
 * The simulated organisation's source, as an Ivanti server keeps it: one record per device
 * that was ever registered, in id order, whose registration state follows the world
 * (ACTIVE → RETIRE_PENDING → RETIRED). Records of devices that left are kept as RETIRED, as
 * Core and Neurons for MDM keep them. The view changes the world only through
 * `world.ports.sourceOffboarding.retire`.
 */
import type { Ports, SourceDeviceRecord } from "../../core/ports/index.ts";
import { DAY, type Millis } from "../../core/time.ts";
import type { ScenarioDevice } from "../../world/scenario.ts";
import type { SimulatedOrganisation } from "../../world/world.ts";

export type RegistrationState = "ACTIVE" | "RETIRE_PENDING" | "RETIRED";

export interface EmulatedDevice {
  readonly s: ScenarioDevice;
  /** `common.id` (Core) / `id` (Cloud): the world's source id as a number */
  readonly id: number;
  /** `common.uuid` (Core) / `guid` (Cloud), derived from the id */
  readonly uuid: string;
  readonly registeredAt: Millis;
  state: RegistrationState;
  lastSeenAt: Millis;
  /** when a retire was first accepted through this emulator */
  retireRequestedAt: Millis | undefined;
  /** when the emulator first saw the record gone from the world (= RETIRED) */
  goneAt: Millis | undefined;
}

/** 32-bit FNV-1a of a string, for identifiers derived from ids. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // murmur3's finaliser, so keys that differ in one character differ everywhere
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable, UUID-shaped string for `key` (version-4 layout; not random, derived). */
export function derivedUuid(key: string): string {
  const hex = [1, 2, 3, 4].map((n) => fnv1a(`${n}:${key}`).toString(16).padStart(8, "0")).join("");
  const chars = hex.split("");
  chars[12] = "4";
  chars[16] = "89ab"[Number.parseInt(chars[16]!, 16) & 3]!;
  const h = chars.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class WorldView {
  readonly #world: SimulatedOrganisation;
  readonly #ports: Pick<Ports, "sourceInventory" | "sourceOffboarding">;
  readonly #devices: EmulatedDevice[];
  readonly #bySourceId = new Map<string, EmulatedDevice>();
  readonly #byUuid = new Map<string, EmulatedDevice>();

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
        id: Number(s.sourceId),
        uuid: derivedUuid(`ivanti:${s.sourceId}`),
        registeredAt: s.checkIn.anchor - (30 + (fnv1a(s.sourceId) % 700)) * DAY,
        state: "ACTIVE" as RegistrationState,
        lastSeenAt: s.checkIn.anchor,
        retireRequestedAt: undefined,
        goneAt: undefined,
      }));
    for (const d of this.#devices) {
      this.#bySourceId.set(d.s.sourceId, d);
      this.#byUuid.set(d.uuid.toLowerCase(), d);
    }
  }

  get now(): Millis {
    return this.#world.clock.now();
  }

  /** Every record ever registered, in id order (call `sync` first). */
  get devices(): readonly EmulatedDevice[] {
    return this.#devices;
  }

  byId(id: string | number): EmulatedDevice | undefined {
    return this.#bySourceId.get(String(id).trim());
  }

  byUuid(uuid: string): EmulatedDevice | undefined {
    return this.#byUuid.get(uuid.trim().toLowerCase());
  }

  /** Reads the world's source as it is now: states and last check-ins. */
  async sync(): Promise<void> {
    const present = new Map<string, SourceDeviceRecord>();
    for await (const r of this.#ports.sourceInventory.listDevices()) present.set(r.sourceId, r);
    const now = this.now;
    for (const d of this.#devices) {
      const r = present.get(d.s.sourceId);
      if (r) {
        d.state = r.enrollment === "retire-pending" ? "RETIRE_PENDING" : "ACTIVE";
        if (r.lastSeenAt !== undefined) d.lastSeenAt = r.lastSeenAt;
      } else if (d.state !== "RETIRED") {
        d.state = "RETIRED";
        d.goneAt = now;
      }
    }
  }

  /** The admin's retire, through the world's port; the record is RETIRE_PENDING at once. */
  async retire(d: EmulatedDevice): Promise<void> {
    await this.#ports.sourceOffboarding.retire(d.s.sourceId);
    d.retireRequestedAt ??= this.now;
    await this.sync();
  }
}
