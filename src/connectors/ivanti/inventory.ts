/**
 * SourceInventory over Ivanti: the devices Ivanti still manages (ACTIVE or RETIRE_PENDING),
 * read page by page with the shared paging helpers, mapped by mapper.ts.
 *
 * Offset paging over a list that changes while it is read skips or repeats entries (a device
 * that is retired between two pages moves every later one up by one). A device skipped that
 * way would look to Ferry as if it had left. So a listing is read whole before anything is
 * yielded; when the server's total changed between pages, or the entries received do not add
 * up to it, the listing is read a second time and the two are merged (a device skipped by a
 * shift in one reading is in the other).
 */
import type { SourceDeviceRecord, SourceInventory } from "../../core/ports/source.ts";
import {
  at,
  type HttpClient,
  type HttpRequest,
  isHttpError,
  type Logger,
  noopLogger,
  type OffsetLimitOptions,
  offsets,
  PAGING,
} from "../http/index.ts";
import { explainIvantiError, IVANTI_SCOPES, IVANTI_SERVICE } from "./client.ts";
import type { IvantiConfig } from "./config.ts";
import { CORE_FIELDS, type MapResult, mapCloudDevice, mapCoreDevice } from "./mapper.ts";

type Row = Record<string, unknown>;

/** Core: the states Ferry treats as managed; everything else (RETIRED, WIPED, …) has left. */
export const CORE_MANAGED_QUERY = 'common.status = "ACTIVE" OR common.status = "RETIRE_PENDING"';
export const CLOUD_MANAGED_FQ = "registrationState=ACTIVE or registrationState=RETIRE_PENDING";

interface Reading {
  rows: Row[];
  consistent: boolean;
}

/** Resolves (and remembers) the Neurons for MDM partition to read. */
export class PartitionResolver {
  readonly #http: HttpClient;
  readonly #config: IvantiConfig;
  #found: Promise<number> | undefined;

  constructor(http: HttpClient, config: IvantiConfig) {
    this.#http = http;
    this.#config = config;
  }

  partitionId(): Promise<number> {
    if (this.#config.partitionId !== undefined) return Promise.resolve(this.#config.partitionId);
    this.#found ??= this.#discover().catch((e) => {
      this.#found = undefined;
      throw e;
    });
    return this.#found;
  }

  async #discover(): Promise<number> {
    let body: unknown;
    try {
      ({ body } = await this.#http.request({
        method: "GET",
        path: "/api/v1/tenant/partition/device",
        scope: IVANTI_SCOPES.devices,
      }));
    } catch (e) {
      throw explainIvantiError(e, this.#config, "view");
    }
    const spaces = at(body, "result.searchResults");
    const list = Array.isArray(spaces) ? (spaces as Row[]) : [];
    const found = list.find((p) => p.defaultPartition === true) ?? (list.length === 1 ? list[0] : undefined);
    const id = Number(found?.id);
    if (!found || !Number.isInteger(id)) {
      throw new Error(
        `${IVANTI_SERVICE.cloud} reported no default device partition (${list.length} partitions): set "partitionId" in the configuration`,
      );
    }
    return id;
  }
}

export class IvantiInventory implements SourceInventory {
  readonly #http: HttpClient;
  readonly #config: IvantiConfig;
  readonly #log: Logger;
  readonly #partitions: PartitionResolver;
  /** Core [U]: whether this server knows the unverified mode fields (learned on the first listing). */
  #modeFieldsKnown = true;

  constructor(
    http: HttpClient,
    config: IvantiConfig,
    partitions: PartitionResolver,
    log: Logger = noopLogger,
  ) {
    this.#http = http;
    this.#config = config;
    this.#partitions = partitions;
    this.#log = log;
  }

  listDevices(): AsyncIterable<SourceDeviceRecord> {
    return this.#list();
  }

  async *#list(): AsyncGenerator<SourceDeviceRecord, void, undefined> {
    yield* await this.snapshot();
  }

  /** Every managed device, read as described in the module comment. */
  async snapshot(): Promise<SourceDeviceRecord[]> {
    const first = await this.#read();
    let rows = first.rows;
    if (!first.consistent) {
      this.#log.warn(
        { service: IVANTI_SERVICE[this.#config.flavour], received: first.rows.length },
        "ivanti: the device list changed while it was read; reading it again",
      );
      const second = await this.#read();
      rows = [...first.rows, ...second.rows]; // later readings win below
    }
    const byId = new Map<string, SourceDeviceRecord>();
    const skipped: Record<string, number> = {};
    for (const row of rows) {
      const m = this.#map(row);
      if (m.ok) byId.set(m.record.sourceId, m.record);
      else {
        if (m.sourceId !== undefined) byId.delete(m.sourceId);
        if (!m.reason.startsWith("not managed")) skipped[m.reason] = (skipped[m.reason] ?? 0) + 1;
      }
    }
    if (Object.keys(skipped).length > 0) {
      this.#log.warn({ skipped }, "ivanti: devices left out of the inventory");
    }
    return [...byId.values()];
  }

  #map(row: Row): MapResult {
    return this.#config.flavour === "core"
      ? mapCoreDevice(row, this.#config.coreModeFields)
      : mapCloudDevice(row);
  }

  #read(): Promise<Reading> {
    return this.#config.flavour === "core" ? this.#readCore() : this.#readCloud();
  }

  async #readCore(): Promise<Reading> {
    const modeFields = Object.values(this.#config.coreModeFields);
    for (;;) {
      const fields = [...CORE_FIELDS, ...(this.#modeFieldsKnown ? modeFields : [])].join(",");
      try {
        return await this.#collect(
          {
            method: "GET",
            path: "/api/v2/devices",
            query: { adminDeviceSpaceId: this.#config.adminDeviceSpaceId, query: CORE_MANAGED_QUERY, fields },
            scope: IVANTI_SCOPES.devices,
          },
          { ...PAGING.ivantiCore, limit: this.#config.pageSize },
          (row) => String(row["common.id"]),
        );
      } catch (e) {
        // [U] A Core that does not know a mode field refuses the whole search: read without them.
        if (this.#modeFieldsKnown && isHttpError(e) && e.status === 400) {
          const said = JSON.stringify(e.body ?? "");
          const unknown = modeFields.filter((f) => said.includes(f));
          if (unknown.length > 0) {
            this.#modeFieldsKnown = false;
            this.#log.warn(
              { unknown },
              "ivanti: this EPMM does not know the mode fields; enrollment modes will be inferred (see the connector's README)",
            );
            continue;
          }
        }
        throw explainIvantiError(e, this.#config, "view");
      }
    }
  }

  async #readCloud(): Promise<Reading> {
    const dmPartitionId = await this.#partitions.partitionId();
    try {
      return await this.#collect(
        {
          method: "GET",
          path: "/api/v1/device",
          query: { dmPartitionId, fq: CLOUD_MANAGED_FQ },
          scope: IVANTI_SCOPES.devices,
        },
        { ...PAGING.ivantiCloud, limit: Math.min(500, this.#config.pageSize) },
        (row) => String(row.id),
      );
    } catch (e) {
      throw explainIvantiError(e, this.#config, "view");
    }
  }

  /** One reading with the shared offset helper, watching the server's total on every page. */
  async #collect(
    first: HttpRequest,
    paging: OffsetLimitOptions<unknown>,
    idOf: (row: Row) => string,
  ): Promise<Reading> {
    const totals = new Set<number>();
    const rows: Row[] = [];
    const items = paging.items;
    const total = paging.total;
    for await (const row of offsets<unknown>(this.#http, first, {
      ...paging,
      items: (body) => {
        const t = total?.(body);
        if (typeof t === "number") totals.add(t);
        return items(body);
      },
    })) {
      rows.push(row as Row);
    }
    const unique = new Set(rows.map(idOf)).size;
    const [only] = totals;
    const consistent = totals.size <= 1 && (only === undefined || only === unique) && unique === rows.length;
    return { rows, consistent };
  }
}
