/** How times, durations, numbers and Ferry's vocabulary read in the console. */

const dateTime = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
});
const shortDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" });
const number = new Intl.NumberFormat("en-GB");

export const fmtNumber = (n: number) => number.format(n);

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return dateTime.format(new Date(iso));
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return dateOnly.format(new Date(iso));
}

export function fmtShortDate(t: number): string {
  return shortDate.format(new Date(t));
}

/** "3 days 4 h", "5 h 20 min", "12 min", "less than a minute". */
export function fmtDuration(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return "less than a minute";
  const days = Math.floor(min / 1440);
  const hours = Math.floor((min % 1440) / 60);
  const minutes = min % 60;
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"}${hours ? ` ${hours} h` : ""}`;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ""}`;
  return `${minutes} min`;
}

/** "in 3 days" / "2 days ago", relative to `now`. */
export function fmtRelative(iso: string, now: number): string {
  const d = Date.parse(iso) - now;
  if (Math.abs(d) < 60_000) return "now";
  return d > 0 ? `in ${fmtDuration(d)}` : `${fmtDuration(-d)} ago`;
}

export function pct(part: number, whole: number): string {
  if (whole <= 0) return "0%";
  const p = (100 * part) / whole;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

export const STATE_LABELS: Record<string, string> = {
  "in-source": "In old product",
  "unenroll-requested": "Remote retire requested",
  limbo: "Limbo (in neither)",
  "in-target": "In Intune, being checked",
  compliant: "Compliant in Intune",
  noncompliant: "In Intune, not compliant",
  "in-both": "In both products",
  excluded: "Excluded",
  retired: "Retired",
};

export type Tone = "ok" | "warn" | "danger" | "info" | "neutral";

export const STATE_TONES: Record<string, Tone> = {
  "in-source": "neutral",
  "unenroll-requested": "info",
  limbo: "warn",
  "in-target": "info",
  compliant: "ok",
  noncompliant: "warn",
  "in-both": "danger",
  excluded: "neutral",
  retired: "neutral",
};

export const GOVERNANCE_LABELS: Record<string, string> = {
  source: "Old product's CA",
  none: "Neither product's CA",
  target: "Intune CA",
  both: "Both (anomaly)",
};

export const GOVERNANCE_TONES: Record<string, Tone> = {
  source: "neutral",
  none: "warn",
  target: "ok",
  both: "danger",
};

export const WAVE_STATUS_TONES: Record<string, Tone> = {
  draft: "neutral",
  scheduled: "info",
  announced: "info",
  handover: "warn",
  enforced: "ok",
  complete: "ok",
  "rolled-back": "danger",
};

export const PATH_LABELS: Record<string, string> = {
  "self-service": "Self-service",
  "admin-retire": "Admin remote retire",
  "factory-reset": "Factory reset",
  "apple-migration-deadline": "Apple migration with deadline",
  "unsupported-os": "Unsupported OS",
  "no-owner": "No owner",
};

export const PLATFORM_LABELS: Record<string, string> = {
  ios: "iOS",
  ipados: "iPadOS",
  android: "Android",
  macos: "macOS",
  windows: "Windows",
};

export const label = (map: Record<string, string>, key: string) => map[key] ?? key;
