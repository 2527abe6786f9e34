/** Option parsers that name the flag and the bad value. */
import { InvalidArgumentError } from "commander";
import { DAY, HOUR, MINUTE } from "../../core/time.ts";

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} takes a whole number of at least 1, got "${value}"`);
    return n;
  };
}

/** "90m", "12h", "7d" → milliseconds. */
export function duration(flag: string) {
  return (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/.exec(value.trim());
    if (!m) throw new InvalidArgumentError(`${flag} takes a duration like 90m, 12h or 7d, got "${value}"`);
    const unit = m[2] === "m" ? MINUTE : m[2] === "h" ? HOUR : DAY;
    return Number(m[1]) * unit;
  };
}
