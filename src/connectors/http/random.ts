/**
 * Randomness, injected. Jitter and request ids draw from a `() => number` in [0, 1) that the
 * caller provides; when none is given, a seeded generator is used so runs on a ManualClock
 * reproduce.
 */

/** A small seeded generator (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = "0123456789abcdef";

/** A version-4-shaped UUID drawn from `random` (the `client-request-id` Graph expects). */
export function randomUuid(random: () => number): string {
  let out = "";
  for (let i = 0; i < 32; i++) {
    let n = Math.floor(random() * 16) & 15;
    if (i === 12) n = 4;
    if (i === 16) n = (n & 3) | 8;
    out += HEX[n];
    if (i === 7 || i === 11 || i === 15 || i === 19) out += "-";
  }
  return out;
}
