/**
 * The ground-truth log: what was actually in effect in each system, written by the
 * simulated organisation (never by the engine), one JSON object per line in time order.
 * The checker reads such a log from outside the engine and reports every instant a person
 * was under both products' conditional access.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { iso, type Millis } from "../core/time.ts";

export type GroundTruthSystem = "source" | "target";

/** A person's *effective* conditional access in one system changed (or its initial state). */
export interface CaLine {
  at: string;
  system: GroundTruthSystem;
  type: "ca";
  person: string;
  enforced: boolean;
}

/** A device's enrollment in one system changed (or its initial state). `person`: owner UPN or null. */
export interface EnrollmentLine {
  at: string;
  system: GroundTruthSystem;
  type: "enrollment";
  device: string;
  person: string | null;
  enrolled: boolean;
}

/** An e-mail was delivered to a person's mailbox. */
export interface EmailLine {
  at: string;
  type: "email";
  person: string;
  template: string;
}

export type GroundTruthLine = CaLine | EnrollmentLine | EmailLine;

export type GroundTruthSink = (line: GroundTruthLine) => void;

/** One line of the JSON-lines file (no trailing newline). */
export function formatLine(line: GroundTruthLine): string {
  return JSON.stringify(line);
}

/** A sink that writes JSON lines through `write` (e.g. a file stream's write). */
export function jsonLinesSink(write: (text: string) => unknown): GroundTruthSink {
  return (line) => {
    write(`${formatLine(line)}\n`);
  };
}

/** Builds lines with the exact field names and order, and hands them to the sink. */
export class GroundTruthWriter {
  readonly #sink: GroundTruthSink | undefined;
  #count = 0;

  constructor(sink: GroundTruthSink | undefined) {
    this.#sink = sink;
  }

  get linesWritten(): number {
    return this.#count;
  }

  ca(at: Millis, system: GroundTruthSystem, person: string, enforced: boolean): void {
    this.#emit({ at: iso(at), system, type: "ca", person, enforced });
  }

  enrollment(
    at: Millis,
    system: GroundTruthSystem,
    device: string,
    person: string | undefined,
    enrolled: boolean,
  ): void {
    this.#emit({ at: iso(at), system, type: "enrollment", device, person: person ?? null, enrolled });
  }

  email(at: Millis, person: string, template: string): void {
    this.#emit({ at: iso(at), type: "email", person, template });
  }

  #emit(line: GroundTruthLine): void {
    this.#count++;
    this.#sink?.(line);
  }
}

// ---------------------------------------------------------------------------------------
// Checker

/** An interval during which one person was enforced in both systems. */
export interface Violation {
  /** when the overlap began (the line that made it) */
  at: string;
  person: string;
  /** when it ended; null if it still held at the end of the log */
  until: string | null;
}

export interface GroundTruthReport {
  /** every overlap, in the order they began */
  violations: Violation[];
  /** distinct people with at least one CA line */
  peopleChecked: number;
  linesRead: number;
  /** lines whose timestamp is earlier than the line before: the log itself is broken */
  outOfOrder: { line: number; at: string }[];
  /** lines that are not ground-truth lines (bad JSON, unknown type, missing fields) */
  malformed: { line: number; reason: string }[];
  /** distinct devices that were, at some instant, enrolled in both systems (an anomaly, not a violation) */
  devicesInBoth: number;
  /** break-glass accounts (given in the options) that were ever enforced in either system */
  breakGlassEnforced: { at: string; person: string; system: GroundTruthSystem }[];
  emails: number;
}

export interface CheckOptions {
  /** break-glass UPNs: any CA enforcement on them is reported as a lockout risk */
  breakGlassUpns?: Iterable<string>;
}

interface PersonFlags {
  source: boolean;
  target: boolean;
  open: Violation | undefined;
}

/** Incremental checker: feed lines in file order, then read the report. */
export class GroundTruthChecker {
  readonly #people = new Map<string, PersonFlags>();
  readonly #devices = new Map<string, { source: boolean; target: boolean }>();
  readonly #devicesInBoth = new Set<string>();
  readonly #breakGlass: Set<string>;
  readonly #report: GroundTruthReport = {
    violations: [],
    peopleChecked: 0,
    linesRead: 0,
    outOfOrder: [],
    malformed: [],
    devicesInBoth: 0,
    breakGlassEnforced: [],
    emails: 0,
  };
  #lastAt = Number.NEGATIVE_INFINITY;

  constructor(options: CheckOptions = {}) {
    this.#breakGlass = new Set([...(options.breakGlassUpns ?? [])].map((u) => u.toLowerCase()));
  }

  /** Counts a line that could not even be parsed. */
  skip(reason: string): void {
    this.#report.malformed.push({ line: ++this.#report.linesRead, reason });
  }

  feed(line: unknown): void {
    const lineNo = ++this.#report.linesRead;
    const problem = validate(line);
    if (problem) {
      this.#report.malformed.push({ line: lineNo, reason: problem });
      return;
    }
    const l = line as GroundTruthLine;
    const at = Date.parse(l.at);
    if (at < this.#lastAt) this.#report.outOfOrder.push({ line: lineNo, at: l.at });
    else this.#lastAt = at;
    if (l.type === "email") this.#report.emails++;
    else if (l.type === "enrollment") this.#enrollment(l);
    else this.#ca(l);
  }

  #ca(l: CaLine): void {
    const key = l.person.toLowerCase();
    let flags = this.#people.get(key);
    if (!flags) {
      flags = { source: false, target: false, open: undefined };
      this.#people.set(key, flags);
    }
    flags[l.system] = l.enforced;
    if (l.enforced && this.#breakGlass.has(key)) {
      this.#report.breakGlassEnforced.push({ at: l.at, person: l.person, system: l.system });
    }
    const both = flags.source && flags.target;
    if (both && !flags.open) {
      flags.open = { at: l.at, person: l.person, until: null };
      this.#report.violations.push(flags.open);
    } else if (!both && flags.open) {
      flags.open.until = l.at;
      flags.open = undefined;
    }
  }

  #enrollment(l: EnrollmentLine): void {
    let d = this.#devices.get(l.device);
    if (!d) {
      d = { source: false, target: false };
      this.#devices.set(l.device, d);
    }
    d[l.system] = l.enrolled;
    if (d.source && d.target) this.#devicesInBoth.add(l.device);
  }

  report(): GroundTruthReport {
    return {
      ...this.#report,
      violations: this.#report.violations.map((v) => ({ ...v })),
      peopleChecked: this.#people.size,
      devicesInBoth: this.#devicesInBoth.size,
    };
  }
}

function validate(line: unknown): string | undefined {
  if (typeof line !== "object" || line === null) return "not an object";
  const l = line as Record<string, unknown>;
  if (typeof l.at !== "string" || Number.isNaN(Date.parse(l.at))) return "missing or bad 'at'";
  if (typeof l.person !== "string" && !(l.type === "enrollment" && l.person === null))
    return "missing 'person'";
  switch (l.type) {
    case "email":
      return typeof l.template === "string" ? undefined : "missing 'template'";
    case "ca":
      if (l.system !== "source" && l.system !== "target") return "bad 'system'";
      return typeof l.enforced === "boolean" ? undefined : "missing 'enforced'";
    case "enrollment":
      if (l.system !== "source" && l.system !== "target") return "bad 'system'";
      if (typeof l.device !== "string") return "missing 'device'";
      return typeof l.enrolled === "boolean" ? undefined : "missing 'enrolled'";
    default:
      return `unknown type ${JSON.stringify(l.type)}`;
  }
}

/** Checks lines already in memory (objects, in file order). */
export function checkGroundTruth(
  lines: Iterable<GroundTruthLine>,
  options?: CheckOptions,
): GroundTruthReport {
  const checker = new GroundTruthChecker(options);
  for (const line of lines) checker.feed(line);
  return checker.report();
}

/** Streams a JSON-lines file through the checker; blank lines are skipped, bad JSON is reported as malformed. */
export async function checkGroundTruthFile(path: string, options?: CheckOptions): Promise<GroundTruthReport> {
  const checker = new GroundTruthChecker(options);
  const input = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    if (text.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      checker.skip("not JSON");
      continue;
    }
    checker.feed(parsed);
  }
  return checker.report();
}
