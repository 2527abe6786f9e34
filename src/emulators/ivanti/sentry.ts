/**
 * Ivanti Sentry, the ActiveSync gateway that is Ivanti's conditional access (vendor-apis.md
 * §D): one association per device that syncs mail, allowed or blocked. A registered device
 * is allowed; a device retired in Core becomes *unregistered* and is blocked when
 * "auto-block unregistered devices" is on, unless the admin allowed its association (which
 * overrides the automatic decision). Neurons for MDM's Unmanaged Devices page refreshes every
 * 5 minutes, so there a change shows at the next 5-minute boundary.
 *
 * No API to allow or block was verified [U]: the table is read-only over HTTP, at an
 * emulator-only path, and the admin's Allow is an emulator setting (`allowed`) or
 * {@link SentryTable.allow} from a test.
 */
import { iso, type Millis } from "../../core/time.ts";
import { derivedUuid, type EmulatedDevice, fnv1a } from "./world-view.ts";

export interface SentryOptions {
  /** "Auto-block unregistered devices" (default true). */
  autoBlockUnregistered?: boolean;
  /** Source ids whose association the admin allowed (Devices & Users > ActiveSync > Allow). */
  allowed?: readonly string[];
}

export type SentryState = "ALLOWED" | "BLOCKED";

export interface SentryEntry {
  deviceId: number;
  deviceUuid: string;
  userId: string;
  /** the ActiveSync device id the mail client reports */
  easDeviceId: string;
  state: SentryState;
  /** REGISTERED | ADMIN_ALLOWED | UNREGISTERED_BLOCKED | UNREGISTERED_ALLOWED */
  reason: string;
  /** when the current state began (ISO-8601) */
  since: string;
}

export class SentryTable {
  readonly autoBlockUnregistered: boolean;
  /** 0 = changes show at once (Core); 300 000 = at the next 5-minute boundary (Cloud). */
  readonly refreshMs: number;
  readonly #allowed: Set<string>;

  constructor(options: SentryOptions, refreshMs: number) {
    this.autoBlockUnregistered = options.autoBlockUnregistered ?? true;
    this.#allowed = new Set(options.allowed ?? []);
    this.refreshMs = refreshMs;
  }

  /** The admin's Allow on one device's association. */
  allow(sourceId: string): void {
    this.#allowed.add(sourceId);
  }

  /** The last refresh of the table at `now` (now itself when it refreshes continuously). */
  refreshedAt(now: Millis): Millis {
    return this.refreshMs > 0 ? Math.floor(now / this.refreshMs) * this.refreshMs : now;
  }

  /** Associations of devices that have a mail user, as the gateway sees them at `now`. */
  entries(devices: readonly EmulatedDevice[], now: Millis): SentryEntry[] {
    const shown = this.refreshedAt(now);
    const out: SentryEntry[] = [];
    for (const d of devices) {
      if (!d.s.sourceOwner) continue;
      const unregisteredSince = d.goneAt !== undefined && d.goneAt <= shown ? d.goneAt : undefined;
      const allowed = this.#allowed.has(d.s.sourceId);
      let state: SentryState = "ALLOWED";
      let reason = "REGISTERED";
      if (unregisteredSince !== undefined) {
        if (allowed) reason = "ADMIN_ALLOWED";
        else if (this.autoBlockUnregistered) {
          state = "BLOCKED";
          reason = "UNREGISTERED_BLOCKED";
        } else reason = "UNREGISTERED_ALLOWED";
      }
      out.push({
        deviceId: d.id,
        deviceUuid: d.uuid,
        userId: d.s.sourceOwner,
        easDeviceId: derivedUuid(`eas:${d.s.sourceId}:${fnv1a(d.s.model)}`)
          .replace(/-/g, "")
          .toUpperCase(),
        state,
        reason,
        since: iso(unregisteredSince ?? d.registeredAt),
      });
    }
    return out;
  }
}
