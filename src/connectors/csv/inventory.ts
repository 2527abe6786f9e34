/**
 * The source inventory of an organisation whose old product can only export: a CSV file
 * (docs/csv-inventory.md). The file is read and parsed once, on first use, a chunk at a time
 * (never held whole: a million devices is ~200 MB of text); a file with any error yields no
 * devices at all and every listing fails with the problems found.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { SourceDeviceRecord, SourceInventory } from "../../core/ports/source.ts";
import { type CsvProblem, InventoryCsvReader } from "./parse.ts";

/** Files larger than this are refused before reading (about a million devices). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

export class CsvImportError extends Error {
  constructor(
    readonly path: string,
    readonly problems: CsvProblem[],
  ) {
    const shown = problems.slice(0, 5).map((p) => `  ${p.message}`);
    const more = problems.length > 5 ? [`  … ${problems.length - 5} more`] : [];
    super([`${path} cannot be imported (nothing was imported):`, ...shown, ...more].join("\n"));
    this.name = "CsvImportError";
  }
}

export interface CsvInventoryOptions {
  maxFileBytes?: number;
}

export interface LoadedCsvInventory {
  records: readonly SourceDeviceRecord[];
  warnings: readonly string[];
}

export class CsvInventory implements SourceInventory {
  readonly #path: string;
  readonly #maxFileBytes: number;
  #loaded: Promise<LoadedCsvInventory> | undefined;

  constructor(path: string, options: CsvInventoryOptions = {}) {
    this.#path = path;
    this.#maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  get path(): string {
    return this.#path;
  }

  /**
   * Reads and parses the file the first time it is called; later calls return the same
   * result (or the same failure: a CsvImportError listing the problems, or the I/O error).
   */
  load(): Promise<LoadedCsvInventory> {
    this.#loaded ??= this.#read();
    return this.#loaded;
  }

  async *listDevices(): AsyncIterable<SourceDeviceRecord> {
    const { records } = await this.load();
    // Copies, so a consumer that edits a record cannot change what the next listing yields.
    for (const r of records) yield { ...r, identifiers: { ...r.identifiers } };
  }

  async #read(): Promise<LoadedCsvInventory> {
    const { size } = await stat(this.#path);
    if (size > this.#maxFileBytes) {
      throw new CsvImportError(this.#path, [
        { message: `the file is ${size} bytes, more than the ${this.#maxFileBytes} allowed` },
      ]);
    }
    const reader = new InventoryCsvReader();
    for await (const chunk of createReadStream(this.#path, { highWaterMark: 1024 * 1024 })) {
      reader.push(chunk as Buffer);
    }
    const result = reader.end();
    if (!result.ok) throw new CsvImportError(this.#path, result.errors);
    return { records: result.records, warnings: result.warnings };
  }
}
