/**
 * CSV inventory import: text or bytes → source device records, all or nothing. A file with
 * any error yields no records at all, and the errors (up to MAX_PROBLEMS) name the line as a
 * spreadsheet shows it (header = line 1), the column as written in the file, and the value.
 * Columns and accepted spellings: columns.ts and docs/csv-inventory.md.
 */
import { type CsvError, parse } from "csv-parse/sync";
import { normaliseIdentifiers } from "../../core/identifiers.ts";
import { type EnrollmentMode, MODE_PLATFORMS, type Ownership, type Platform } from "../../core/platform.ts";
import type { SourceDeviceRecord } from "../../core/ports/source.ts";
import type { Millis } from "../../core/time.ts";
import {
  CSV_COLUMN_SPECS,
  type CsvColumn,
  defaultMode,
  normaliseHeader,
  parseEnrollment,
  parseMode,
  parseOwnership,
  parsePlatform,
  resolveHeader,
} from "./columns.ts";

export interface CsvProblem {
  /** 1-based line as a spreadsheet shows it, header = line 1 */
  line?: number;
  /** the column's header as written in the file */
  column?: string;
  /** a complete sentence that already names the line, column and value */
  message: string;
}

export type CsvParseResult =
  | { ok: true; records: SourceDeviceRecord[]; warnings: string[] }
  | { ok: false; errors: CsvProblem[] };

/** Longest line accepted, in bytes of UTF-8. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Problems listed before the rest are only counted (one last problem says how many). */
export const MAX_PROBLEMS = 100;
const MAX_WARNINGS = 100;

/** Identifiers that should be unique to one device; a repeat is reported as a warning. */
const SHARED_IDENTIFIER_KINDS = ["serial", "imei", "meid"] as const;

export function parseInventoryCsv(input: string | Uint8Array): CsvParseResult {
  const decoded = decode(input);
  if ("problem" in decoded) return { ok: false, errors: [decoded.problem] };
  const { text } = decoded;

  const structural = checkText(text);
  if (structural.length > 0) return { ok: false, errors: capped(structural) };

  const errors = new Problems(MAX_PROBLEMS);
  const { delimiter, sepLine } = sniffDelimiter(text);
  const options = {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: 16 * MAX_LINE_BYTES,
  };
  let rows: string[][];
  try {
    rows = parse(text, options);
  } catch {
    // Parse again, keeping the records before the broken one: they are still checked, so
    // the admin sees every problem at once. (on_record is slow, so only on this path.)
    rows = [];
    try {
      parse(text, {
        ...options,
        on_record: (record: string[]) => {
          rows.push(record);
          return null;
        },
      });
    } catch (e) {
      errors.add(syntaxProblem(e, rows.length + 1));
    }
  }
  return new RowReader(rows, errors, sepLine).read();
}

/**
 * Makes a cell safe for a CSV *export* opened in a spreadsheet: a cell starting with = + - @,
 * tab or carriage return is prefixed with ' so it is shown as text, never run as a formula
 * (OWASP "CSV injection"). Quoting the cell for CSV is still the writer's job.
 */
export function neutraliseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// Decoding

function decode(input: string | Uint8Array): { text: string } | { problem: CsvProblem } {
  if (typeof input === "string") return { text: input.startsWith("\uFEFF") ? input.slice(1) : input };
  const b = input;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decodeUtf8(b, 3);
  if (b[0] === 0xff && b[1] === 0xfe) return decodeUtf16(b, "le");
  if (b[0] === 0xfe && b[1] === 0xff) return decodeUtf16(b, "be");
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return {
      problem: {
        message:
          'the file is a zip archive (an Excel workbook?), not CSV text: save it as "CSV UTF-8" and import that',
      },
    };
  }
  return decodeUtf8(b, 0);
}

function decodeUtf8(bytes: Uint8Array, start: number): { text: string } | { problem: CsvProblem } {
  const bad = firstInvalidUtf8(bytes, start);
  if (bad >= 0) {
    const line = physicalLineAtByte(bytes, bad);
    const byte = bytes[bad]!.toString(16).toUpperCase().padStart(2, "0");
    return {
      problem: {
        line,
        message:
          `line ${line}: the file is not valid UTF-8: byte 0x${byte} at byte offset ${bad} (counting from 0) ` +
          'does not belong to a UTF-8 character; save the file as "CSV UTF-8"',
      },
    };
  }
  return { text: new TextDecoder("utf-8").decode(bytes.subarray(start)) };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0): number {
  let i = start;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + need >= n) return i; // cut short at the end of the file
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function physicalLineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

function decodeUtf16(bytes: Uint8Array, order: "le" | "be"): { text: string } | { problem: CsvProblem } {
  const body = bytes.subarray(2);
  const name = order === "le" ? "UTF-16 LE" : "UTF-16 BE";
  if (body.length % 2 !== 0) {
    return {
      problem: { message: `the file starts as ${name} but has an odd number of bytes: it is cut short` },
    };
  }
  // Little-endian bytes whatever the file's order, so one decoder serves both.
  const le = order === "le" ? body : new Uint8Array(body.length);
  if (order === "be") {
    for (let i = 0; i < body.length; i += 2) {
      le[i] = body[i + 1]!;
      le[i + 1] = body[i]!;
    }
  }
  const units: number[] = [];
  for (let i = 0; i < le.length; i += 2) units.push(le[i]! | (le[i + 1]! << 8));
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = units[i + 1];
      if (next !== undefined && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    } else if (u < 0xdc00 || u > 0xdfff) continue;
    return {
      problem: {
        message: `the file is not valid ${name}: a broken surrogate pair at byte offset ${2 + 2 * i} (counting from 0)`,
      },
    };
  }
  return { text: new TextDecoder("utf-16le").decode(le) };
}

// Whole-text checks, before parsing

/** Physical lines; they equal spreadsheet lines unless a quoted cell holds a line break. */
function checkText(text: string): CsvProblem[] {
  const problems: CsvProblem[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.length * 3 > MAX_LINE_BYTES) {
      const bytes = Buffer.byteLength(content, "utf8");
      if (bytes > MAX_LINE_BYTES) {
        problems.push({
          line,
          message: `line ${line} is ${bytes} bytes long, more than the ${MAX_LINE_BYTES / 1024} KiB a line may have`,
        });
        return;
      }
    }
    if (content.includes("\u0000")) {
      problems.push({
        line,
        message:
          `line ${line} contains a NUL character: the file is not text, or is UTF-16 without a byte-order mark; ` +
          'save it as "CSV UTF-8"',
      });
    }
  });
  return problems;
}

/**
 * The separator: the one named by Excel's "sep=;" first line (which is then skipped), else
 * the header line's most frequent among , ; and tab outside quotes, comma on a tie.
 */
function sniffDelimiter(text: string): { delimiter: string; sepLine: boolean } {
  const header = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== "") ?? "";
  const sep = /^sep=([,;\t|])\s*$/i.exec(header);
  if (sep) return { delimiter: sep[1]!, sepLine: true };
  const counts = new Map([
    [",", 0],
    [";", 0],
    ["\t", 0],
  ]);
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ",";
  for (const [ch, n] of counts) if (n > counts.get(best)!) best = ch;
  return { delimiter: best, sepLine: false };
}

function syntaxProblem(e: unknown, line: number): CsvProblem {
  const code = (e as CsvError).code;
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return {
        line,
        message: `line ${line}: a quoted cell starting on this line is never closed (the file ends inside quotes)`,
      };
    case "CSV_INVALID_CLOSING_QUOTE":
      return {
        line,
        message: `line ${line}: a quoted cell is followed by more text; inside quotes, write a quote as ""`,
      };
    case "CSV_MAX_RECORD_SIZE":
      return { line, message: `line ${line}: the row is too large (a quote left open?)` };
    default:
      return { line, message: `line ${line}: the CSV cannot be read here: ${(e as Error).message}` };
  }
}

// Rows

class Problems {
  readonly list: CsvProblem[] = [];
  #more = 0;
  constructor(readonly max: number) {}
  add(p: CsvProblem): void {
    if (this.list.length < this.max) this.list.push(p);
    else this.#more++;
  }
  get count(): number {
    return this.list.length + this.#more;
  }
  /** In line order (problems without a line first); a last entry counts what was left out. */
  done(): CsvProblem[] {
    const sorted = [...this.list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (this.#more === 0) return sorted;
    return [
      ...sorted,
      { message: `… and ${this.#more} more problems not listed; fix these and import again` },
    ];
  }
}

function capped(list: CsvProblem[]): CsvProblem[] {
  const p = new Problems(MAX_PROBLEMS);
  for (const item of list) p.add(item);
  return p.done();
}

/** A value as quoted in messages: JSON string syntax shows spaces and control characters. */
function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

function isBlank(row: string[]): boolean {
  return row.every((cell) => cell.trim() === "");
}

/** C0 controls and DEL (checked by code: a regex literal with them trips the linter). */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
const PLATFORM_LIST = "ios, ipados, android, macos or windows";

interface HeaderColumn {
  index: number;
  /** as written in the file, trimmed */
  label: string;
  name: CsvColumn;
}

class RowReader {
  readonly #warnings: string[] = [];
  #warningsDropped = 0;

  constructor(
    readonly rows: string[][],
    readonly errors: Problems,
    /** the first non-blank line is Excel's "sep=" line, not the header */
    readonly sepLine: boolean,
  ) {}

  read(): CsvParseResult {
    const firstIndex = this.rows.findIndex((r) => !isBlank(r));
    const headerIndex =
      this.sepLine && firstIndex >= 0
        ? this.rows.findIndex((r, i) => i > firstIndex && !isBlank(r))
        : firstIndex;
    if (headerIndex < 0) {
      if (this.errors.count === 0) this.errors.add({ message: "the file is empty: expected a header line" });
      return { ok: false, errors: this.errors.done() };
    }
    const columns = this.#header(this.rows[headerIndex]!, headerIndex + 1);
    if (!columns) return { ok: false, errors: this.errors.done() };

    const records: SourceDeviceRecord[] = [];
    const idLines = new Map<string, number>();
    const identifierLines = new Map(
      SHARED_IDENTIFIER_KINDS.map((kind) => [kind, new Map<string, number[]>()]),
    );
    const noAt: number[] = [];
    const ancient: number[] = [];
    const emptyHeaderUsed = new Set<number>();

    for (let i = headerIndex + 1; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      const line = i + 1;
      if (isBlank(row)) continue;
      for (const col of columns.unnamed) if ((row[col] ?? "").trim() !== "") emptyHeaderUsed.add(col);

      const extra = row.slice(columns.width).some((c) => c.trim() !== "");
      if (row.length < columns.needed || extra) {
        this.errors.add({
          line,
          message:
            `line ${line} has ${row.length} cells but the header has ${columns.width}: ` +
            "a missing or extra separator, or an unquoted value that contains one?",
        });
        continue;
      }

      const record = this.#record(row, line, columns.byName);
      if (!record) continue;

      const seenOn = idLines.get(record.sourceId);
      if (seenOn !== undefined) {
        const col = columns.byName.get("source_id")!;
        this.errors.add({
          line,
          column: col.label,
          message: `line ${line}, ${describe(col)}: source_id ${show(record.sourceId)} is also on line ${seenOn}; ids must be unique`,
        });
      } else idLines.set(record.sourceId, line);

      for (const kind of SHARED_IDENTIFIER_KINDS) {
        const value = record.identifiers[kind];
        if (value === undefined) continue;
        const byValue = identifierLines.get(kind)!;
        const lines = byValue.get(value);
        if (lines) lines.push(line);
        else byValue.set(value, [line]);
      }
      if (record.ownerUpn !== undefined && !record.ownerUpn.includes("@")) noAt.push(line);
      if (record.lastSeenAt !== undefined && record.lastSeenAt < PLACEHOLDER_BEFORE) {
        record.lastSeenAt = undefined;
        ancient.push(line);
      }
      records.push(record);
    }

    if (this.errors.count > 0) return { ok: false, errors: this.errors.done() };

    for (const col of columns.unnamed) {
      if (emptyHeaderUsed.has(col)) {
        this.#warn(`${columnLetter(col)} has values but no header: its values are ignored`);
      }
    }
    for (const [kind, byValue] of identifierLines) {
      for (const [value, lines] of byValue) {
        if (lines.length < 2) continue;
        this.#warn(
          `${kind} ${value} is on lines ${listLines(lines)}: devices that share it cannot be told apart by ${kind}`,
        );
      }
    }
    if (noAt.length > 0) {
      this.#warn(
        `${noAt.length} owner value(s) look like neither a UPN nor an e-mail (no "@"), e.g. line ${noAt[0]}: ` +
          "they will not match a directory user",
      );
    }
    if (ancient.length > 0) {
      this.#warn(`${ancient.length} last_seen value(s) before 1971 read as unknown, e.g. line ${ancient[0]}`);
    }
    if (records.length === 0) {
      this.#warn(
        "the file has a header but no devices: every device Ferry knew from the source would count as gone",
      );
    }
    if (this.#warningsDropped > 0) this.#warnings.push(`… and ${this.#warningsDropped} more warnings`);
    return { ok: true, records, warnings: this.#warnings };
  }

  #warn(message: string): void {
    if (this.#warnings.length < MAX_WARNINGS) this.#warnings.push(message);
    else this.#warningsDropped++;
  }

  #header(
    cells: string[],
    line: number,
  ): { byName: Map<CsvColumn, HeaderColumn>; width: number; needed: number; unnamed: number[] } | undefined {
    const before = this.errors.count;
    const byName = new Map<CsvColumn, HeaderColumn>();
    const unnamed: number[] = [];
    cells.forEach((cell, index) => {
      const label = cell.trim();
      if (label === "") {
        unnamed.push(index);
        return;
      }
      const name = resolveHeader(label);
      if (!name) {
        this.#warn(`column ${show(label)} (${columnLetter(index)}) is not a Ferry column and is ignored`);
        return;
      }
      const earlier = byName.get(name);
      if (earlier) {
        this.errors.add({
          line,
          column: label,
          message:
            `line ${line}: columns ${show(earlier.label)} (${columnLetter(earlier.index)}) and ${show(label)} ` +
            `(${columnLetter(index)}) both mean ${name}; keep one`,
        });
        return;
      }
      byName.set(name, { index, label, name });
    });
    const missing = CSV_COLUMN_SPECS.filter((s) => s.requiredColumn && !byName.has(s.name)).map(
      (s) => s.name,
    );
    if (missing.length > 0) {
      const found = cells.map((c) => c.trim()).filter((c) => c !== "");
      this.errors.add({
        line,
        message:
          `line ${line}: the header lacks required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
          `(found: ${found.map(show).join(", ") || "nothing"}); see docs/csv-inventory.md for names and aliases`,
      });
    }
    if (this.errors.count > before) return undefined;
    // Rows may stop after the last named column (a header with trailing separators).
    const needed = Math.max(...[...byName.values()].map((c) => c.index)) + 1;
    return { byName, width: cells.length, needed, unnamed };
  }

  #record(
    row: string[],
    line: number,
    columns: Map<CsvColumn, HeaderColumn>,
  ): SourceDeviceRecord | undefined {
    const before = this.errors.count;
    const problem = (col: HeaderColumn, message: string) =>
      this.errors.add({ line, column: col.label, message: `line ${line}, ${describe(col)}: ${message}` });

    const values = new Map<CsvColumn, string>();
    for (const col of columns.values()) {
      const raw = row[col.index] ?? "";
      const value = raw.trim();
      if (hasControlCharacter(value)) {
        problem(col, `${show(value)} contains a control character (a line break or tab inside the cell?)`);
        continue;
      }
      values.set(col.name, value);
    }
    const get = (name: CsvColumn) => values.get(name) ?? "";
    const required = (name: CsvColumn): string | undefined => {
      const col = columns.get(name);
      if (!col || !values.has(name)) return undefined; // already reported
      const value = get(name);
      if (value === "") {
        problem(col, `${name} is empty; every row needs one`);
        return undefined;
      }
      return value;
    };

    const sourceId = required("source_id");
    const platformText = required("platform");
    let platform: Platform | undefined;
    if (platformText !== undefined) {
      platform = parsePlatform(platformText);
      if (!platform)
        problem(
          columns.get("platform")!,
          `${show(platformText)} is not a platform (expected ${PLATFORM_LIST})`,
        );
    }
    const ownershipText = required("ownership");
    let ownership: Ownership | undefined;
    if (ownershipText !== undefined) {
      ownership = parseOwnership(ownershipText);
      if (!ownership) {
        problem(
          columns.get("ownership")!,
          `${show(ownershipText)} is not an ownership (expected personal or corporate; C, E or S as Workspace ONE writes them)`,
        );
      }
    }
    const osVersion = required("os_version");
    if (osVersion !== undefined && !/\d/.test(osVersion)) {
      problem(
        columns.get("os_version")!,
        `${show(osVersion)} is not a version (expected digits, e.g. 17.5.1)`,
      );
    }

    const modeCol = columns.get("mode");
    let mode: EnrollmentMode | undefined;
    const modeText = get("mode");
    if (modeCol && modeText !== "") {
      mode = parseMode(modeText);
      if (!mode) {
        problem(
          modeCol,
          `${show(modeText)} is not an enrollment mode (see docs/csv-inventory.md for the list)`,
        );
      } else if (platform && !MODE_PLATFORMS[mode].includes(platform)) {
        problem(
          modeCol,
          `mode ${mode} does not exist on ${platform} (only on ${MODE_PLATFORMS[mode].join(", ")})`,
        );
      }
    }

    const enrollmentCol = columns.get("enrollment");
    const enrollment = parseEnrollment(get("enrollment"));
    if (!enrollment && enrollmentCol) {
      problem(
        enrollmentCol,
        `${show(get("enrollment"))} is not an enrollment state (expected enrolled or retire-pending)`,
      );
    }

    const lastSeenCol = columns.get("last_seen");
    let lastSeenAt: Millis | undefined;
    if (lastSeenCol && get("last_seen") !== "") {
      const parsed = parseIsoTime(get("last_seen"));
      if (parsed === undefined) {
        problem(
          lastSeenCol,
          `${show(get("last_seen"))} is not an ISO-8601 time (expected e.g. 2025-03-14T10:22:00Z)`,
        );
      } else lastSeenAt = parsed;
    }

    if (this.errors.count > before) return undefined;
    const owner = get("owner_upn");
    return {
      sourceId: sourceId!,
      ownerUpn: owner === "" ? undefined : owner,
      platform: platform!,
      mode: mode ?? defaultMode(platform!, ownership!),
      ownership: ownership!,
      osVersion: osVersion!,
      model: get("model"),
      manufacturer: get("manufacturer"),
      identifiers: normaliseIdentifiers({
        serial: get("serial"),
        imei: get("imei"),
        meid: get("meid"),
        udid: get("udid"),
        wifiMac: get("wifi_mac"),
      }),
      enrollment: enrollment!,
      lastSeenAt,
    };
  }
}

function describe(col: HeaderColumn): string {
  const same = normaliseHeader(col.label) === col.name;
  return `column ${show(col.label)}${same ? "" : ` (${col.name})`}`;
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
function columnLetter(index: number): string {
  let n = index + 1;
  let out = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return `column ${out}`;
}

function listLines(lines: number[]): string {
  if (lines.length <= 2) return lines.join(" and ");
  return `${lines.slice(0, -1).join(", ")} and ${lines.at(-1)}`;
}

/** last_seen before this is a "never" placeholder such as 0001-01-01: read as unknown, with a warning. */
const PLACEHOLDER_BEFORE: Millis = Date.UTC(1971, 0, 1);

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * ISO-8601 date or date-time to Millis, without Date.parse (which reads a time without an
 * offset in the machine's zone): no offset means UTC. Undefined when malformed or out of range.
 */
export function parseIsoTime(value: string): Millis | undefined {
  const m = ISO_TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > monthDays) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const millis = Number(frac.padEnd(3, "0").slice(0, 3));
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000 + millis - offsetMinutes * 60_000;
}
