/**
 * SourceInventory over MaaS360: active devices that MaaS360 still manages (Enrolled,
 * Activated, Pending Control Removed), read with the shared page-number helper
 * (`PAGING.maas360Devices`: 1-based, object-or-array `device`, ends on an empty page).
 *
 * As with any paged listing of a changing list, a device that leaves between two pages moves
 * the later ones up and one of them could be skipped. The listing is read whole first; when
 * `count` behaves as a total and changed between pages or does not match what arrived, it is
 * read again and the two readings are merged. (Whether `count` is the total or the page's
 * count is unconfirmed [U]: when it equals each page's size, no check is possible.)
 */
import type { SourceDeviceRecord, SourceInventory } from "../../core/ports/source.ts";
import { at, type HttpClient, type Logger, noopLogger, PAGING, pageNumbers } from "../http/index.ts";
import { explainMaas360Error, MAAS360_SCOPES } from "./client.ts";
import type { Maas360Config } from "./config.ts";
import { mapMaas360Device } from "./mapper.ts";

type Row = Record<string, unknown>;

interface Reading {
  rows: Row[];
  consistent: boolean;
}

/** Whether a reading's pages add up, given each page's `count` and its number of devices. */
export function readingAddsUp(
  pages: readonly { count: number | undefined; n: number }[],
  unique: number,
  received: number,
): boolean {
  if (unique !== received) return false;
  const counted = pages.filter((p) => p.count !== undefined) as { count: number; n: number }[];
  if (counted.length === 0) return true;
  if (counted.every((p) => p.count === p.n)) return true; // `count` is the page's size: nothing to check
  const totals = new Set(counted.map((p) => p.count));
  return totals.size === 1 && [...totals][0] === unique;
}

export class Maas360Inventory implements SourceInventory {
  readonly #http: HttpClient;
  readonly #config: Maas360Config;
  readonly #log: Logger;

  constructor(http: HttpClient, config: Maas360Config, log: Logger = noopLogger) {
    this.#http = http;
    this.#config = config;
    this.#log = log;
  }

  listDevices(): AsyncIterable<SourceDeviceRecord> {
    return this.#list();
  }

  async *#list(): AsyncGenerator<SourceDeviceRecord, void, undefined> {
    yield* await this.snapshot();
  }

  async snapshot(): Promise<SourceDeviceRecord[]> {
    const first = await this.#read();
    let rows = first.rows;
    if (!first.consistent) {
      this.#log.warn(
        { received: first.rows.length },
        "maas360: the device list changed while it was read; reading it again",
      );
      rows = [...first.rows, ...(await this.#read()).rows];
    }
    const byId = new Map<string, SourceDeviceRecord>();
    const skipped: Record<string, number> = {};
    for (const row of rows) {
      const m = mapMaas360Device(row);
      if (m.ok) byId.set(m.record.sourceId, m.record);
      else {
        if (m.sourceId !== undefined) byId.delete(m.sourceId);
        if (!m.reason.startsWith("not managed")) skipped[m.reason] = (skipped[m.reason] ?? 0) + 1;
      }
    }
    if (Object.keys(skipped).length > 0)
      this.#log.warn({ skipped }, "maas360: devices left out of the inventory");
    return [...byId.values()];
  }

  async #read(): Promise<Reading> {
    const pages: { count: number | undefined; n: number }[] = [];
    const rows: Row[] = [];
    const items = PAGING.maas360Devices.items;
    try {
      for await (const row of pageNumbers<unknown>(
        this.#http,
        {
          method: "GET",
          path: `/device-apis/devices/2.0/search/customer/${encodeURIComponent(this.#config.billingId)}`,
          query: { deviceStatus: "Active" },
          scope: MAAS360_SCOPES.devices,
        },
        {
          ...PAGING.maas360Devices,
          pageSize: this.#config.pageSize,
          items: (body) => {
            const page = items(body);
            const n = Array.isArray(page) ? page.length : page === undefined || page === null ? 0 : 1;
            const count = Number(at(body, "devices.count"));
            if (n > 0) pages.push({ count: Number.isFinite(count) ? count : undefined, n });
            return page;
          },
        },
      )) {
        rows.push(row as Row);
      }
    } catch (e) {
      throw explainMaas360Error(e, this.#config, "view");
    }
    const unique = new Set(rows.map((r) => String(r.maas360DeviceID))).size;
    return { rows, consistent: readingAddsUp(pages, unique, rows.length) };
  }
}
