/**
 * How many people one wave may hold. Two things run out when a wave is too large: the
 * helpdesk (a share of every wave calls for help) and the API budgets of the systems Ferry
 * writes to (vendor-apis.md §A9). The planner takes the smaller of the two, and the admin's
 * own cap when one is set.
 */
import { DAY, MINUTE, type Millis, SECOND } from "./time.ts";

export interface Capacity {
  /** helpdesk tickets it can absorb per day */
  ticketsPerDay: number;
  /** expected share (0..1] of people in a wave who will need help */
  helpShare: number;
  /** requests Ferry may send per day to the most constrained API scope it uses, after a safety margin */
  apiRequestsPerDay: number;
  /** requests one person costs in that scope (group moves batched 20 per request, plus inventory and mail) */
  requestsPerPerson: number;
}

/**
 * Identity & access (users/groups) writes: 3,000 per 2.5 minutes per app and tenant
 * (vendor-apis.md §A9, "Identity & access"). Moving a person between the Ferry-managed CA
 * groups is such a write, so this is the scope that bounds a wave. The tenant-wide limit
 * (18,000 writes per 5 min, shared by every app) is looser per second; Intune's CA policy
 * endpoints (1 request/s per tenant) are read and verified, not written per person.
 */
export const IDENTITY_WRITES_PER_WINDOW = 3_000;
export const IDENTITY_WRITE_WINDOW: Millis = 2.5 * MINUTE;
/** Share of a documented budget Ferry allows itself: other apps in the tenant use the same limits. */
export const API_SAFETY_SHARE = 0.5;

/** 3,000 writes / 150 s = 20/s = 1,728,000 per day; half of that is 864,000. */
export const DEFAULT_API_REQUESTS_PER_DAY = Math.floor(
  IDENTITY_WRITES_PER_WINDOW * (DAY / IDENTITY_WRITE_WINDOW) * API_SAFETY_SHARE,
);

export function defaultCapacity(): Capacity {
  return {
    ticketsPerDay: 40,
    helpShare: 0.15,
    apiRequestsPerDay: DEFAULT_API_REQUESTS_PER_DAY,
    requestsPerPerson: 1,
  };
}

export type BindingConstraint = "helpdesk" | "api" | "admin";

export interface WaveLimits {
  maxPeoplePerWave: number;
  /** the constraint that sets maxPeoplePerWave; on a tie: helpdesk, then api, then admin */
  binding: BindingConstraint;
  helpdeskPerWave: number;
  apiPerWave: number;
}

/** Absorbs floating-point noise such as 30 / 0.15 = 199.99999999999997 before flooring. */
function floorCount(x: number): number {
  return Math.floor(x + 1e-9);
}

/**
 * The per-wave people limit. The helpdesk must absorb one wave's tickets before the next
 * wave is announced: floor(ticketsPerDay × spacingDays / helpShare). The API budget over the
 * same span: floor(apiRequestsPerDay × spacingDays / requestsPerPerson).
 * Throws a RangeError when an input makes no sense or the result is below one person.
 */
export function waveLimits(capacity: Capacity, waveSpacing: Millis, adminCap?: number): WaveLimits {
  const positive = (name: string, value: number) => {
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name} must be a positive number, got ${value}`);
  };
  positive("waveSpacing", waveSpacing);
  positive("capacity.ticketsPerDay", capacity.ticketsPerDay);
  positive("capacity.helpShare", capacity.helpShare);
  if (capacity.helpShare > 1)
    throw new RangeError(`capacity.helpShare is a share (0..1], got ${capacity.helpShare}`);
  positive("capacity.apiRequestsPerDay", capacity.apiRequestsPerDay);
  positive("capacity.requestsPerPerson", capacity.requestsPerPerson);
  if (adminCap !== undefined && (!Number.isInteger(adminCap) || adminCap < 1)) {
    throw new RangeError(`maxPeoplePerWave must be a whole number of at least 1, got ${adminCap}`);
  }

  const spacingDays = waveSpacing / DAY;
  const helpdeskPerWave = floorCount((capacity.ticketsPerDay * spacingDays) / capacity.helpShare);
  const apiPerWave = floorCount((capacity.apiRequestsPerDay * spacingDays) / capacity.requestsPerPerson);

  let maxPeoplePerWave = helpdeskPerWave;
  let binding: BindingConstraint = "helpdesk";
  if (apiPerWave < maxPeoplePerWave) {
    maxPeoplePerWave = apiPerWave;
    binding = "api";
  }
  if (adminCap !== undefined && adminCap < maxPeoplePerWave) {
    maxPeoplePerWave = adminCap;
    binding = "admin";
  }
  if (maxPeoplePerWave < 1) {
    throw new RangeError(
      `a wave could hold no one (${binding} limit ${maxPeoplePerWave} over ${formatSpacing(waveSpacing)}): ` +
        "raise the capacity or space the waves further apart",
    );
  }
  return { maxPeoplePerWave, binding, helpdeskPerWave, apiPerWave };
}

function formatSpacing(spacing: Millis): string {
  if (spacing >= DAY) return `${+(spacing / DAY).toFixed(2)} days`;
  return `${Math.round(spacing / SECOND)} s`;
}
