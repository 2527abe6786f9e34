/**
 * CSV inventory import: text or bytes → source device records, all or nothing. A file with
 * any error yields no records at all, and the errors (up to MAX_PROBLEMS) name the line as a
 * spreadsheet shows it (header = line 1), the column as written in the file, and the value.
 * Columns and accepted spellings: columns.ts and docs/csv-inventory.md.
 */
import { type CsvError, type Options, Parser } from "csv-parse";
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
  const reader = new InventoryCsvReader();
  if (typeof input === "string") reader.pushText(input);
  else reader.push(input);
  return reader.end();
}

/**
 * The parser behind parseInventoryCsv, fed a chunk at a time: a file of a million devices is
 * read in pieces (CsvInventory) rather than held whole as bytes, then as text, then as lines
 * and cells all at once. The result — records or every problem, never both — is the same as
 * for the whole input at once, and only known at `end()`: imports stay all or nothing.
 *
 * Bytes pass through four stages: the encoding (byte-order marks, zip archives, UTF-16, which
 * is gathered whole and converted, and UTF-8 validation, which holds back a character cut by a
 * chunk's end); whole-line checks on every physical line (length, NUL); the separator, sniffed
 * from the first non-blank line before any byte reaches the CSV parser; and csv-parse's own
 * incremental parser, whose rows go one by one to the RowReader.
 */
export class InventoryCsvReader {
  #started = false;
  /** the first bytes, until there are enough to recognise an encoding */
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #utf16: "le" | "be" | undefined;
  #utf16Chunks: Uint8Array[] = [];
  /** a UTF-8 sequence cut by the end of the last chunk */
  #carry: Uint8Array = new Uint8Array(0);
  /** bytes of (BOM-less) UTF-8 seen so far, and of the file before it (the BOM) */
  #offset = 0;
  #bomBytes = 0;
  /** a problem that ends the import whatever else is found (encoding) */
  #fatal: CsvProblem | undefined;
  #lines = new LineChecker();
  /** bytes waiting for the first non-blank line, which decides the separator */
  #pending: Uint8Array[] = [];
  #csv: CsvStream | undefined;
  #csvFailed = false;
  readonly #errors = new Problems(MAX_PROBLEMS);
  #rows: RowReader | undefined;

  /** Raw bytes of the file, in order. */
  push(chunk: Uint8Array): void {
    if (this.#fatal || chunk.length === 0) return;
    if (!this.#started) {
      this.#head.push(chunk);
      this.#headBytes += chunk.length;
      if (this.#headBytes < 4) return;
      this.#start();
      return;
    }
    this.#bytes(chunk);
  }

  /** Text already decoded (a leading byte-order mark is dropped). */
  pushText(text: string): void {
    this.#started = true;
    this.#utf8(Buffer.from(text.startsWith("\uFEFF") ? text.slice(1) : text, "utf8"));
  }

  end(): CsvParseResult {
    if (!this.#started) this.#start();
    if (this.#utf16 && !this.#fatal) {
      const decoded = decodeUtf16(Buffer.concat(this.#utf16Chunks), this.#utf16);
      this.#utf16Chunks = [];
      if ("problem" in decoded) this.#fatal = decoded.problem;
      else this.#utf8(Buffer.from(decoded.text, "utf8"));
    }
    if (!this.#fatal && this.#carry.length > 0) {
      // A character cut short by the end of the file.
      this.#fatalAt(this.#offset, this.#carry[0]!);
    }
    if (this.#fatal) return { ok: false, errors: [this.#fatal] };
    this.#lines.end();
    if (this.#lines.problems.length > 0) return { ok: false, errors: capped(this.#lines.problems) };
    this.#flushPending(true);
    if (this.#csv && !this.#csvFailed) this.#parse(undefined, true);
    return (this.#rows ?? new RowReader(this.#errors, false)).end();
  }

  #start(): void {
    this.#started = true;
    const b = this.#head.length === 1 ? this.#head[0]! : Buffer.concat(this.#head);
    this.#head = [];
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      this.#bomBytes = 3;
      this.#bytes(b.subarray(3));
    } else if (b[0] === 0xff && b[1] === 0xfe) {
      this.#utf16 = "le";
      this.#utf16Chunks.push(b); // decodeUtf16 expects the byte-order mark
    } else if (b[0] === 0xfe && b[1] === 0xff) {
      this.#utf16 = "be";
      this.#utf16Chunks.push(b); // decodeUtf16 expects the byte-order mark
    } else if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
      this.#fatal = {
        message:
          'the file is a zip archive (an Excel workbook?), not CSV text: save it as "CSV UTF-8" and import that',
      };
    } else this.#bytes(b);
  }

  #bytes(chunk: Uint8Array): void {
    if (this.#fatal) return;
    if (this.#utf16) {
      this.#utf16Chunks.push(chunk);
      return;
    }
    const bytes = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const whole = completeUtf8(bytes);
    this.#carry = bytes.slice(whole);
    const body = bytes.subarray(0, whole);
    const bad = firstInvalidUtf8(body);
    if (bad >= 0) {
      this.#lines.scan(body.subarray(0, bad));
      this.#fatalAt(this.#offset + bad, body[bad]!);
      return;
    }
    this.#utf8(body);
  }

  #fatalAt(offset: number, byte: number): void {
    const line = this.#lines.line;
    const hex = byte.toString(16).toUpperCase().padStart(2, "0");
    this.#fatal = {
      line,
      message:
        `line ${line}: the file is not valid UTF-8: byte 0x${hex} at byte offset ${this.#bomBytes + offset} (counting from 0) ` +
        'does not belong to a UTF-8 character; save the file as "CSV UTF-8"',
    };
  }

  /** Valid UTF-8, in order. */
  #utf8(body: Uint8Array): void {
    if (body.length === 0) return;
    this.#offset += body.length;
    this.#lines.scan(body);
    if (this.#csv) this.#parse(body, false);
    else {
      this.#pending.push(body);
      this.#flushPending(false);
    }
  }

  /** Starts the CSV parser once the separator is known (or the input ended without a header). */
  #flushPending(ended: boolean): void {
    if (this.#csv) return;
    if (this.#lines.firstNonBlank === undefined && !ended) return;
    const { delimiter, sepLine } = sniffDelimiter(this.#lines.firstNonBlank ?? "");
    this.#csv = new CsvStream({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: 16 * MAX_LINE_BYTES,
    });
    this.#rows = new RowReader(this.#errors, sepLine);
    const pending = this.#pending;
    this.#pending = [];
    for (const body of pending) this.#parse(body, false);
  }

  #parse(body: Uint8Array | undefined, end: boolean): void {
    if (this.#csvFailed) return;
    const rows = this.#rows!;
    const error = this.#csv!.parse(
      body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.length),
      end,
      (row) => rows.row(row),
    );
    if (error) {
      // The rows before the broken one are still checked, so the admin sees every problem at once.
      this.#csvFailed = true;
      this.#errors.addEarly(syntaxProblem(error, rows.count + 1));
    }
  }
}

/** How many leading bytes of `bytes` are whole UTF-8 characters (a last one may be cut short). */
function completeUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if (b < 0x80) return n; // ASCII: nothing is cut
    if (b < 0xc0) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    return need >= back ? n - back : n;
  }
  return n;
}

/**
 * Checks every physical line as it streams past: longer than MAX_LINE_BYTES, or holding a NUL.
 * Lines end at LF, CR or CRLF (a CRLF split between chunks is one break). Also keeps the
 * first non-blank line, for the separator.
 */
class LineChecker {
  readonly problems: CsvProblem[] = [];
  /** the first line with something other than white space; undefined until it is complete */
  firstNonBlank: string | undefined;
  #line = 1;
  #bytes = 0;
  #nul = false;
  #afterCr = false;
  /** the current line's bytes while the first non-blank line is not yet known */
  #text: Uint8Array[] = [];

  scan(chunk: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0x0a || b === 0x0d) {
        if (b === 0x0a && this.#afterCr) {
          this.#afterCr = false;
          start = i + 1;
          continue;
        }
        if (this.firstNonBlank === undefined) this.#text.push(chunk.subarray(start, i));
        this.#endLine();
        this.#afterCr = b === 0x0d;
        start = i + 1;
      } else {
        this.#afterCr = false;
        this.#bytes++;
        if (b === 0) this.#nul = true;
      }
    }
    if (this.firstNonBlank === undefined && start < chunk.length) this.#text.push(chunk.slice(start));
  }

  end(): void {
    this.#endLine();
  }

  /** The physical line of the next byte to scan. */
  get line(): number {
    return this.#line;
  }

  #endLine(): void {
    const line = this.#line;
    if (this.#bytes > MAX_LINE_BYTES) {
      this.problems.push({
        line,
        message: `line ${line} is ${this.#bytes} bytes long, more than the ${MAX_LINE_BYTES / 1024} KiB a line may have`,
      });
    } else if (this.#nul) {
      this.problems.push({
        line,
        message:
          `line ${line} contains a NUL character: the file is not text, or is UTF-16 without a byte-order mark; ` +
          'save it as "CSV UTF-8"',
      });
    }
    if (this.firstNonBlank === undefined) {
      const text = new TextDecoder("utf-8").decode(Buffer.concat(this.#text));
      this.#text = [];
      if (text.trim() !== "") this.firstNonBlank = text;
    }
    this.#line++;
    this.#bytes = 0;
    this.#nul = false;
  }
}

interface CsvApi {
  parse(
    buf: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

/**
 * csv-parse's incremental parser — the one its stream and sync APIs both wrap — called
 * directly: synchronous, so a chunk's rows are checked before the next chunk is read.
 */
class CsvStream {
  readonly #api: CsvApi;
  constructor(options: Options) {
    // The stream class is only a shell around `api`; its Transform machinery is never used.
    this.#api = (new Parser(options) as unknown as { api: CsvApi }).api;
  }
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void): Error | undefined {
    return this.#api.parse(buf, end, push, () => {});
  }
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
  /**
   * A problem that was found after later ones but counts as found before them (a syntax error
   * is noticed once the rows before it were checked; reading the whole file first found it
   * first): it takes the place of the last one listed when the list is full.
   */
  addEarly(p: CsvProblem): void {
    if (this.list.length >= this.max) {
      this.list.pop();
      this.#more++;
    }
    this.list.push(p);
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

interface HeaderColumns {
  byName: Map<CsvColumn, HeaderColumn>;
  width: number;
  needed: number;
  unnamed: number[];
}

/**
 * Checks rows one at a time as the CSV parser yields them (`row`), then the whole (`end`):
 * the header is the first non-blank row (the second with Excel's "sep=" line), and each later
 * non-blank row becomes a record or problems. Line numbers are row numbers, 1-based.
 */
class RowReader {
  readonly #warnings: string[] = [];
  #warningsDropped = 0;
  /** rows seen, blank ones included */
  count = 0;
  #sepSkipped = false;
  #header: HeaderColumns | undefined;
  /** the header was read and is unusable: later rows are not checked */
  #headerFailed = false;
  readonly #records: SourceDeviceRecord[] = [];
  readonly #idLines = new Map<string, number>();
  /** identifier value → the line it is on, or every line once it repeats */
  readonly #identifierLines = new Map(
    SHARED_IDENTIFIER_KINDS.map((kind) => [kind, new Map<string, number | number[]>()]),
  );
  readonly #noAt: number[] = [];
  readonly #ancient: number[] = [];
  readonly #emptyHeaderUsed = new Set<number>();

  constructor(
    readonly errors: Problems,
    /** the first non-blank line is Excel's "sep=" line, not the header */
    readonly sepLine: boolean,
  ) {}

  row(row: string[]): void {
    const line = ++this.count;
    if (this.#headerFailed || isBlank(row)) return;
    const columns = this.#header;
    if (!columns) {
      if (this.sepLine && !this.#sepSkipped) {
        this.#sepSkipped = true;
        return;
      }
      this.#header = this.#readHeader(row, line);
      if (!this.#header) this.#headerFailed = true;
      return;
    }
    for (const col of columns.unnamed) if ((row[col] ?? "").trim() !== "") this.#emptyHeaderUsed.add(col);

    const extra = row.slice(columns.width).some((c) => c.trim() !== "");
    if (row.length < columns.needed || extra) {
      this.errors.add({
        line,
        message:
          `line ${line} has ${row.length} cells but the header has ${columns.width}: ` +
          "a missing or extra separator, or an unquoted value that contains one?",
      });
      return;
    }

    const record = this.#record(row, line, columns.byName);
    if (!record) return;

    const seenOn = this.#idLines.get(record.sourceId);
    if (seenOn !== undefined) {
      const col = columns.byName.get("source_id")!;
      this.errors.add({
        line,
        column: col.label,
        message: `line ${line}, ${describe(col)}: source_id ${show(record.sourceId)} is also on line ${seenOn}; ids must be unique`,
      });
    } else this.#idLines.set(record.sourceId, line);

    for (const kind of SHARED_IDENTIFIER_KINDS) {
      const value = record.identifiers[kind];
      if (value === undefined) continue;
      const byValue = this.#identifierLines.get(kind)!;
      // A number until the value repeats: an array per identifier was most of this map's memory.
      const lines = byValue.get(value);
      if (lines === undefined) byValue.set(value, line);
      else if (typeof lines === "number") byValue.set(value, [lines, line]);
      else lines.push(line);
    }
    if (record.ownerUpn !== undefined && !record.ownerUpn.includes("@")) this.#noAt.push(line);
    if (record.lastSeenAt !== undefined && record.lastSeenAt < PLACEHOLDER_BEFORE) {
      record.lastSeenAt = undefined;
      this.#ancient.push(line);
    }
    this.#records.push(record);
  }

  end(): CsvParseResult {
    const columns = this.#header;
    if (!columns) {
      if (this.errors.count === 0) this.errors.add({ message: "the file is empty: expected a header line" });
      return { ok: false, errors: this.errors.done() };
    }
    if (this.errors.count > 0) return { ok: false, errors: this.errors.done() };

    for (const col of columns.unnamed) {
      if (this.#emptyHeaderUsed.has(col)) {
        this.#warn(`${columnLetter(col)} has values but no header: its values are ignored`);
      }
    }
    for (const [kind, byValue] of this.#identifierLines) {
      for (const [value, lines] of byValue) {
        if (typeof lines === "number") continue;
        this.#warn(
          `${kind} ${value} is on lines ${listLines(lines)}: devices that share it cannot be told apart by ${kind}`,
        );
      }
    }
    const noAt = this.#noAt;
    if (noAt.length > 0) {
      this.#warn(
        `${noAt.length} owner value(s) look like neither a UPN nor an e-mail (no "@"), e.g. line ${noAt[0]}: ` +
          "they will not match a directory user",
      );
    }
    const ancient = this.#ancient;
    if (ancient.length > 0) {
      this.#warn(`${ancient.length} last_seen value(s) before 1971 read as unknown, e.g. line ${ancient[0]}`);
    }
    if (this.#records.length === 0) {
      this.#warn(
        "the file has a header but no devices: every device Ferry knew from the source would count as gone",
      );
    }
    if (this.#warningsDropped > 0) this.#warnings.push(`… and ${this.#warningsDropped} more warnings`);
    return { ok: true, records: this.#records, warnings: this.#warnings };
  }

  #warn(message: string): void {
    if (this.#warnings.length < MAX_WARNINGS) this.#warnings.push(message);
    else this.#warningsDropped++;
  }

  #readHeader(cells: string[], line: number): HeaderColumns | undefined {
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
