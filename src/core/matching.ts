/**
 * Matching a new Intune record to the device it was in the old product. A re-enrolled device
 * gets a new Intune id, so identifiers are compared in order of strength (vendor-apis.md §F):
 * serial (qualified by platform family), IMEI/MEID, Wi-Fi MAC, UDID, then owner + model when
 * the enrollment mode reports no hardware identifiers at all.
 */
import type { DeviceIdentifiers } from "./identifiers.ts";
import type { Platform } from "./platform.ts";

export interface MatchCandidate {
  id: string;
  platform: Platform;
  personId: string | undefined;
  model: string;
  identifiers: DeviceIdentifiers;
}

export interface MatchProbe {
  platform: Platform;
  personId: string | undefined;
  model: string;
  identifiers: DeviceIdentifiers;
}

export type MatchRule = "serial" | "imei" | "meid" | "wifiMac" | "udid" | "person-model";

export interface Match {
  deviceId: string;
  rule: MatchRule;
}

/** iPhones and iPads share serial number space; so do all Android makers for our purpose. */
function platformFamily(p: Platform): string {
  return p === "ipados" ? "ios" : p;
}

const HARDWARE_RULES = ["serial", "imei", "meid", "wifiMac", "udid"] as const;

/**
 * An index over unmatched devices. `take` removes what it returns so one old device is never
 * matched to two new records.
 */
export class DeviceMatcher {
  readonly #byKey = new Map<string, MatchCandidate>();
  readonly #byPersonModel = new Map<string, MatchCandidate[]>();
  readonly #taken = new Set<string>();

  constructor(candidates: Iterable<MatchCandidate>) {
    for (const c of candidates) {
      for (const rule of HARDWARE_RULES) {
        const key = this.#key(rule, c.platform, c.identifiers[rule]);
        // An identifier seen twice identifies nothing: keep the first and let the rest match on weaker rules.
        if (key && !this.#byKey.has(key)) this.#byKey.set(key, c);
      }
      if (c.personId) {
        const pm = personModelKey(c.personId, c.platform, c.model);
        const list = this.#byPersonModel.get(pm);
        if (list) list.push(c);
        else this.#byPersonModel.set(pm, [c]);
      }
    }
  }

  #key(rule: string, platform: Platform, value: string | undefined): string | undefined {
    if (!value) return undefined;
    return rule === "serial" ? `serial:${platformFamily(platform)}:${value}` : `${rule}:${value}`;
  }

  take(probe: MatchProbe): Match | undefined {
    for (const rule of HARDWARE_RULES) {
      const key = this.#key(rule, probe.platform, probe.identifiers[rule]);
      const hit = key ? this.#byKey.get(key) : undefined;
      if (hit && !this.#taken.has(hit.id)) {
        this.#taken.add(hit.id);
        return { deviceId: hit.id, rule };
      }
    }
    if (!probe.personId) return undefined;
    const list = this.#byPersonModel.get(personModelKey(probe.personId, probe.platform, probe.model)) ?? [];
    // The weakest rule only pairs records that carry no identifier the other side could contradict.
    const hit = list.find((c) => !this.#taken.has(c.id) && !contradicts(c.identifiers, probe.identifiers));
    if (!hit) return undefined;
    this.#taken.add(hit.id);
    return { deviceId: hit.id, rule: "person-model" };
  }
}

function personModelKey(personId: string, platform: Platform, model: string): string {
  return `${personId}|${platformFamily(platform)}|${model.trim().toLowerCase()}`;
}

/** True when both sides report the same kind of identifier with different values. */
function contradicts(a: DeviceIdentifiers, b: DeviceIdentifiers): boolean {
  return HARDWARE_RULES.some((rule) => a[rule] !== undefined && b[rule] !== undefined && a[rule] !== b[rule]);
}
