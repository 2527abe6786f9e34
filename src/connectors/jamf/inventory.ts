/**
 * The source inventory from Jamf Pro: computers (`/api/vN/computers-inventory`, v3 preferred,
 * falling back on 404 to v4, v2, v1) and mobile devices (`/api/v2/mobile-devices/detail`),
 * page/page-size with `totalCount`, the later pages fetched in parallel within the client's
 * limit of 5 connections. Pending unmanage commands (`/api/v2/mdm/commands`) mark devices
 * `retire-pending`; devices neither managed nor pending are left out.
 */
import type { SourceDeviceRecord, SourceInventory } from "../../core/ports/source.ts";
import { isHttpError, type Logger, noopLogger, type Query, type Requester } from "../http/index.ts";
import { JAMF_DEFAULTS, type JamfInventoryVersion } from "./config.ts";
import {
  type JamfComputer,
  type JamfComputerMapper,
  type JamfMapperOptions,
  type JamfMobileDevice,
  type JamfMobileMapper,
  type MapOutcome,
  mapJamfComputer,
  mapJamfMobileDevice,
} from "./mapper.ts";

export const COMPUTER_SECTIONS = ["GENERAL", "HARDWARE", "USER_AND_LOCATION", "OPERATING_SYSTEM"];
export const MOBILE_SECTIONS = ["GENERAL", "HARDWARE", "USER_AND_LOCATION", "NETWORK"];

interface Page<T> {
  totalCount?: number;
  results?: T[];
}

/**
 * Finds (once) which `computers-inventory` version the server has, trying `versions` in order
 * and moving on after a 404; shared by the inventory and the offboarding.
 */
export class InventoryVersion {
  readonly #http: Requester;
  readonly #versions: readonly JamfInventoryVersion[];
  #found: JamfInventoryVersion | undefined;

  constructor(http: Requester, versions: readonly JamfInventoryVersion[] = JAMF_DEFAULTS.inventoryVersions) {
    this.#http = http;
    this.#versions = versions;
  }

  get known(): JamfInventoryVersion | undefined {
    return this.#found;
  }

  /** GET `/api/v{N}/computers-inventory` with `query`, on the first version that exists. */
  async get<T>(query: Query): Promise<{ version: JamfInventoryVersion; body: Page<T> }> {
    const order = this.#found ? [this.#found] : this.#versions;
    let last: unknown;
    for (const version of order) {
      try {
        const res = await this.#http.request<Page<T>>({
          method: "GET",
          path: `/api/v${version}/computers-inventory`,
          query,
        });
        this.#found = version;
        return { version, body: res.body ?? {} };
      } catch (e) {
        if (!(isHttpError(e) && e.status === 404) || this.#found) throw e;
        last = e;
      }
    }
    throw last;
  }

  /** Where `remove-mdm-profile` lives for the version in use (§C: v4 moved it). */
  removeProfilePath(id: string): string {
    return this.#found === 4
      ? `/api/v4/computers-inventory/${id}/remove-mdm-profile`
      : `/api/v1/computer-inventory/${id}/remove-mdm-profile`;
  }
}

export interface JamfInventoryOptions {
  pageSize?: number;
  /** How many pages to ask for at once (the client caps connections at 5 anyway). */
  parallelPages?: number;
  versions?: InventoryVersion;
  computerOwnership?: JamfMapperOptions["computerOwnership"];
  unmanageCommandTypes?: readonly string[];
  computerMapper?: JamfComputerMapper;
  mobileMapper?: JamfMobileMapper;
  logger?: Logger;
  explain?: (e: unknown) => unknown;
}

export interface ListingSummary {
  listed: number;
  skipped: Record<string, number>;
  warnings: number;
  /** Pending unmanage commands could not be read (missing privilege): none is shown as pending. */
  pendingUnknown: boolean;
}

/**
 * The items of every page, in page order: page 0 first (for the total), then up to `window`
 * pages in flight at once. A server that returns fewer items than asked per page is followed
 * at its own page size.
 */
export async function* parallelPages<T>(
  fetchPage: (page: number) => Promise<Page<T>>,
  pageSize: number,
  window: number,
): AsyncGenerator<T, void, undefined> {
  const first = await fetchPage(0);
  const items = first.results ?? [];
  yield* items;
  const total = typeof first.totalCount === "number" ? first.totalCount : undefined;
  if (items.length === 0 || total === undefined || items.length >= total) {
    if (total === undefined && items.length > 0) {
      // No total: walk page by page until an empty one.
      for (let p = 1; ; p++) {
        const next = (await fetchPage(p)).results ?? [];
        if (next.length === 0) return;
        yield* next;
      }
    }
    return;
  }
  const effective = Math.min(items.length, pageSize);
  const pages = Math.ceil(total / effective);
  const inflight: Promise<Page<T>>[] = [];
  let next = 1;
  const launch = () => {
    if (next >= pages) return;
    const p = fetchPage(next++);
    p.catch(() => {}); // awaited in order below; this only keeps an early failure from going unhandled
    inflight.push(p);
  };
  for (let i = 0; i < window; i++) launch();
  while (inflight.length > 0) {
    const page = await inflight.shift()!;
    launch();
    yield* page.results ?? [];
  }
}

export class JamfInventory implements SourceInventory {
  readonly #http: Requester;
  readonly #o: JamfInventoryOptions;
  readonly #versions: InventoryVersion;
  last: ListingSummary | undefined;

  constructor(http: Requester, options: JamfInventoryOptions = {}) {
    this.#http = http;
    this.#o = options;
    this.#versions = options.versions ?? new InventoryVersion(http);
  }

  /** managementIds with an unmanage command still pending; undefined when the privilege is missing. */
  async pendingRemovals(): Promise<Set<string> | undefined> {
    const types = this.#o.unmanageCommandTypes ?? JAMF_DEFAULTS.unmanageCommandTypes;
    const filter = `status==Pending;command=in=(${types.join(",")})`;
    const out = new Set<string>();
    try {
      const pages = parallelPages<{ client?: { managementId?: string } }>(
        async (page) =>
          (
            await this.#http.request<Page<{ client?: { managementId?: string } }>>({
              method: "GET",
              path: "/api/v2/mdm/commands",
              query: { filter, page, "page-size": 500 },
            })
          ).body ?? {},
        500,
        2,
      );
      for await (const c of pages) if (c.client?.managementId) out.add(c.client.managementId);
      return out;
    } catch (e) {
      if (isHttpError(e) && e.status === 403) return undefined;
      throw e;
    }
  }

  async *listDevices(): AsyncIterable<SourceDeviceRecord> {
    const log = this.#o.logger ?? noopLogger;
    const size = this.#o.pageSize ?? JAMF_DEFAULTS.pageSize;
    const window = this.#o.parallelPages ?? 4;
    const summary: ListingSummary = { listed: 0, skipped: {}, warnings: 0, pendingUnknown: false };
    const seen = new Set<string>();
    try {
      const pending = await this.pendingRemovals();
      if (!pending) {
        summary.pendingUnknown = true;
        log.warn(
          {},
          'jamf: cannot read MDM commands (privilege "View MDM command information in Jamf Pro API"): devices being retired are not shown as pending',
        );
      }
      const mapOptions: JamfMapperOptions = {
        pendingRemoval: pending ?? new Set(),
        ...(this.#o.computerOwnership ? { computerOwnership: this.#o.computerOwnership } : {}),
      };
      const take = (out: MapOutcome): SourceDeviceRecord | undefined => {
        if (!out.ok) {
          summary.skipped[out.reason] = (summary.skipped[out.reason] ?? 0) + 1;
          if (out.reason !== "not-managed") log.warn({ reason: out.reason }, out.detail);
          return undefined;
        }
        for (const w of out.warnings) log.warn({}, w);
        summary.warnings += out.warnings.length;
        if (seen.has(out.record.sourceId)) return undefined; // moved between pages while we read
        seen.add(out.record.sourceId);
        summary.listed++;
        return out.record;
      };
      const computers = parallelPages<JamfComputer>(
        async (page) =>
          (
            await this.#versions.get<JamfComputer>({
              section: COMPUTER_SECTIONS,
              sort: "id:asc",
              page,
              "page-size": size,
            })
          ).body,
        size,
        window,
      );
      const mapComputer = this.#o.computerMapper ?? mapJamfComputer;
      for await (const c of computers) {
        const r = take(mapComputer(c ?? {}, mapOptions));
        if (r) yield r;
      }
      const mapMobile = this.#o.mobileMapper ?? mapJamfMobileDevice;
      for await (const m of parallelPages<JamfMobileDevice>(
        (page) => this.#mobilePage(page, size),
        size,
        window,
      )) {
        const r = take(mapMobile(m ?? {}, mapOptions));
        if (r) yield r;
      }
    } catch (e) {
      throw this.#o.explain ? this.#o.explain(e) : e;
    }
    this.last = summary;
    log.info({ ...summary }, "jamf: inventory listed");
  }

  #sortable = true;

  async #mobilePage(page: number, size: number): Promise<Page<JamfMobileDevice>> {
    const query: Query = { section: MOBILE_SECTIONS, page, "page-size": size };
    try {
      const res = await this.#http.request<Page<JamfMobileDevice>>({
        method: "GET",
        path: "/api/v2/mobile-devices/detail",
        query: this.#sortable ? { ...query, sort: "mobileDeviceId:asc" } : query,
      });
      return res.body ?? {};
    } catch (e) {
      // A server that cannot sort by id: fall back to its default order (displayName), once.
      if (!(isHttpError(e) && e.status === 400 && this.#sortable && page === 0)) throw e;
      this.#sortable = false;
      return this.#mobilePage(page, size);
    }
  }
}
