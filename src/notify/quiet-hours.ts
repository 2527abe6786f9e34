/**
 * Local wall-clock time in a person's time zone, and quiet hours. Everything is computed
 * from an epoch instant through `Intl.DateTimeFormat` with `timeZone`, so daylight-saving
 * changes come from the tz database rather than from arithmetic on fixed offsets: the end
 * of a quiet night is "07:00 local on the next day", whatever the offset is by then.
 */
import { DAY, HOUR, MINUTE, type Millis } from "../core/time.ts";
import { safeTimeZone } from "./locale.ts";

/** A local window in which no mail is sent, "HH:MM" to "HH:MM"; it may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: "20:00", end: "07:00" };

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time at `at` in `timeZone` (an unknown zone reads as UTC). */
export function localTime(at: Millis, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(safeTimeZone(timeZone)).formatToParts(at)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at `at`, in ms (Berlin in summer: +2 h). */
export function offsetAt(at: Millis, timeZone: string): Millis {
  const l = localTime(at, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a local wall-clock time names. A time that occurs twice (the hour repeated when
 * summer time ends) is the earlier one; a time that does not exist (skipped when summer time
 * starts) moves forward by the length of the gap, as calendars and Temporal do.
 */
export function zonedTimeToEpoch(
  l: Omit<LocalTime, "second"> & { second?: number },
  timeZone: string,
): Millis {
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second ?? 0);
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetAt(early, timeZone) === before;
  const lateValid = offsetAt(late, timeZone) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  return early; // in the gap: the pre-transition offset lands just after it
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new RangeError(`quiet hours: "${hhmm}" is not HH:MM`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) throw new RangeError(`quiet hours: "${hhmm}" is not a time of day`);
  return h * 60 + min;
}

/** Checks a configuration early (at start-up) rather than at the first night. */
export function validateQuietHours(q: QuietHours): void {
  minutesOf(q.start);
  minutesOf(q.end);
}

function inWindow(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Whether `at` falls in the quiet hours of `timeZone`. */
export function isQuiet(at: Millis, timeZone: string, quiet: QuietHours = DEFAULT_QUIET_HOURS): boolean {
  const l = localTime(at, timeZone);
  return inWindow(l.hour * 60 + l.minute, minutesOf(quiet.start), minutesOf(quiet.end));
}

/**
 * `at` itself when it is outside the quiet hours, else the first instant the quiet hours
 * end in `timeZone` (the next local `quiet.end`).
 */
export function nextAllowedTime(
  at: Millis,
  timeZone: string,
  quiet: QuietHours = DEFAULT_QUIET_HOURS,
): Millis {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const zone = safeTimeZone(timeZone);
  const l = localTime(at, zone);
  const minute = l.hour * 60 + l.minute;
  if (!inWindow(minute, start, end)) return at;
  // the window ends today (local) unless it wraps midnight and we are in its evening part
  const nextDay = start > end && minute >= start;
  const date = localTime(Date.UTC(l.year, l.month - 1, l.day + (nextDay ? 1 : 0)), "UTC");
  const candidate = zonedTimeToEpoch(
    { year: date.year, month: date.month, day: date.day, hour: Math.floor(end / 60), minute: end % 60 },
    zone,
  );
  // never earlier than asked, and never stuck: a zone oddity cannot make us wait over a day
  if (candidate <= at) return at + MINUTE;
  return Math.min(candidate, at + DAY + 2 * HOUR);
}
