/** Deterministic ids and Graph's date formats, derived from content (never from the system's randomness). */
import type { Millis } from "../../core/time.ts";
import { deriveSeed } from "../../world/rng.ts";

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/** A GUID-shaped id (version-4 layout) that depends only on `parts` (not cryptographic: ids, not secrets). */
export function stableGuid(...parts: readonly (string | number)[]): string {
  const h = [1, 2, 3, 4].map((salt) => hex8(deriveSeed("guid", salt, ...parts))).join("");
  const variant = "89ab"[Number.parseInt(h[16]!, 16) & 3];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A small unsigned integer that depends only on `parts` (for deterministic derived fields). */
export function stableInt(...parts: readonly (string | number)[]): number {
  return deriveSeed("int", ...parts);
}

/** Graph's DateTimeOffset: `2026-01-05T08:00:00Z` (no milliseconds). */
export function graphDate(t: Millis): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `innerError.date`: Graph writes it without a zone. */
export function innerErrorDate(t: Millis): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "");
}

/** The zero DateTimeOffset Intune returns for "never". */
export const NEVER = "0001-01-01T00:00:00Z";
