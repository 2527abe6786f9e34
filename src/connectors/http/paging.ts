/**
 * Paged listings as async iterators of items, one helper per paging style in vendor-apis.md.
 * Every helper stops on an empty page and refuses to loop forever: a repeated next link, a
 * page identical to the one before, or more than `maxPages` pages throw a PagingError.
 *
 * @example
 * for await (const d of followNextLinks<ManagedDevice>(graph, { method: "GET",
 *   path: "/deviceManagement/managedDevices", query: { $top: 1000 }, scope: GRAPH_SCOPES.intuneDevices })) { … }
 */
import type { HttpClient, HttpRequest } from "./client.ts";
import { PagingError } from "./errors.ts";

/** What the helpers need of a client (a structural subset, easy to stub). */
export type Requester = Pick<HttpClient, "request">;

const DEFAULT_MAX_PAGES = 100_000;

type Json = Record<string, unknown>;

function field(body: unknown, key: string): unknown {
  return typeof body === "object" && body !== null ? (body as Json)[key] : undefined;
}

/** A value that may be one object, an array, or absent, as an array (MaaS360's `device`, §E). */
export function asArray<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/** Reads a dotted path (`"devices.device"`) from a body. */
export function at(body: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => field(v, k), body);
}

export interface NextLinkOptions {
  /** Where the items are (default `value`). */
  itemsKey?: string;
  /** Where the next page's URL is (default `@odata.nextLink`). */
  nextLinkKey?: string;
  /** End on an empty page even if it carries a next link (default true). */
  stopOnEmptyPage?: boolean;
  maxPages?: number;
}

/** Microsoft Graph style (§A3): follow the next link verbatim until it is absent. */
export async function* followNextLinks<T>(
  client: Requester,
  first: HttpRequest,
  options: NextLinkOptions = {},
): AsyncGenerator<T, void, undefined> {
  const itemsKey = options.itemsKey ?? "value";
  const nextKey = options.nextLinkKey ?? "@odata.nextLink";
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let req: HttpRequest = first;
  for (let page = 1; ; page++) {
    const { body } = await client.request<unknown>(req);
    const items = asArray(field(body, itemsKey) as T[] | undefined);
    yield* items;
    const next = field(body, nextKey);
    if (typeof next !== "string" || next === "") return;
    if (items.length === 0 && options.stopOnEmptyPage !== false) return;
    if (seen.has(next))
      throw new PagingError(`${first.path}: the server repeated a next link (${next}) on page ${page}`);
    if (page >= maxPages) throw new PagingError(`${first.path}: more than ${maxPages} pages`);
    seen.add(next);
    const { query: _query, ...rest } = first;
    req = { ...rest, path: next };
  }
}

interface CountedPaging<T> {
  /** The page's items; may return one object or nothing (see {@link asArray}). */
  items: (body: unknown) => T[] | T | undefined;
  /** The total number of items, when the body says (`Total`, `totalCount`, `count`). */
  total?: (body: unknown) => number | undefined;
  maxPages?: number;
}

export interface PageNumberOptions<T> extends CountedPaging<T> {
  pageParam: string;
  sizeParam: string;
  pageSize: number;
  /** The first page's number: 0 (Workspace ONE, Jamf) or 1 (MaaS360 [U]). Default 0. */
  firstPage?: 0 | 1;
}

/** Guards shared by the counted styles: a repeated page, too many pages. */
function guard(path: string, maxPages: number) {
  let previous = "";
  let pages = 0;
  return (items: readonly unknown[]) => {
    if (++pages > maxPages) throw new PagingError(`${path}: more than ${maxPages} pages`);
    const fingerprint = JSON.stringify(items);
    if (fingerprint === previous) throw new PagingError(`${path}: the server returned the same page twice`);
    previous = fingerprint;
  };
}

function numeric(v: number | undefined): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/**
 * Page number + page size, with an optional total (Workspace ONE `page`/`pagesize`/`Total`,
 * Jamf `page`/`page-size`/`totalCount`, MaaS360 `pageNumber`/`pageSize`/`count`). A short page
 * does not end the listing (Workspace ONE caps `pagesize` at 500 silently); the total or an
 * empty page does. An empty body (204) is an empty page.
 */
export async function* pageNumbers<T>(
  client: Requester,
  first: HttpRequest,
  options: PageNumberOptions<T>,
): AsyncGenerator<T, void, undefined> {
  const check = guard(first.path, options.maxPages ?? DEFAULT_MAX_PAGES);
  let received = 0;
  for (let page = options.firstPage ?? 0; ; page++) {
    const query = { ...first.query, [options.pageParam]: page, [options.sizeParam]: options.pageSize };
    const { body } = await client.request<unknown>({ ...first, query });
    const items = body === undefined ? [] : asArray(options.items(body));
    if (items.length === 0) return;
    check(items);
    yield* items;
    received += items.length;
    const total = body === undefined ? undefined : numeric(options.total?.(body));
    if (total !== undefined && received >= total) return;
  }
}

export interface OffsetLimitOptions<T> extends CountedPaging<T> {
  offsetParam: string;
  limitParam: string;
  limit: number;
  /** The body's own "more to come" flag (Ivanti Core `hasMore`). */
  hasMore?: (body: unknown) => boolean | undefined;
}

/**
 * Offset (an entry index, not a page number) + limit: Ivanti Core `offset`/`limit`/`hasMore`,
 * Ivanti Cloud `start`/`rows`/`totalCount`. The offset advances by the items received.
 */
export async function* offsets<T>(
  client: Requester,
  first: HttpRequest,
  options: OffsetLimitOptions<T>,
): AsyncGenerator<T, void, undefined> {
  const check = guard(first.path, options.maxPages ?? DEFAULT_MAX_PAGES);
  let offset = 0;
  for (;;) {
    const query = { ...first.query, [options.offsetParam]: offset, [options.limitParam]: options.limit };
    const { body } = await client.request<unknown>({ ...first, query });
    const items = body === undefined ? [] : asArray(options.items(body));
    if (items.length === 0) return;
    check(items);
    yield* items;
    offset += items.length;
    if (options.hasMore?.(body) === false) return;
    const total = numeric(options.total?.(body));
    if (total !== undefined && offset >= total) return;
  }
}

/** The documented device listings' paging, ready to spread into the options above. */
export const PAGING = Object.freeze({
  /** §B `GET /API/mdm/devices/search`: `{Devices, Page, PageSize, Total}`, 0-based, ≤ 500 per page. */
  workspaceOneDevices: {
    pageParam: "page",
    sizeParam: "pagesize",
    pageSize: 500,
    firstPage: 0,
    items: (b: unknown) => at(b, "Devices") as unknown[] | undefined,
    total: (b: unknown) => at(b, "Total") as number | undefined,
  },
  /** §C `GET /api/vN/computers-inventory`, `/api/v2/mobile-devices`: `{totalCount, results}`, 0-based. */
  jamf: {
    pageParam: "page",
    sizeParam: "page-size",
    pageSize: 100,
    firstPage: 0,
    items: (b: unknown) => at(b, "results") as unknown[] | undefined,
    total: (b: unknown) => at(b, "totalCount") as number | undefined,
  },
  /**
   * §E device search: `{devices:{count, pageNumber, pageSize, device: object | array}}`; 1-based [U].
   * Whether `count` is the total or the page's count is unconfirmed, so it is not trusted: the
   * listing ends on an empty page (one request more, never an item less).
   */
  maas360Devices: {
    pageParam: "pageNumber",
    sizeParam: "pageSize",
    pageSize: 250,
    firstPage: 1,
    items: (b: unknown) => at(b, "devices.device") as unknown[] | undefined,
  },
  /** §D Ivanti Core `GET /api/v2/devices`: `{results, totalCount, hasMore}`. */
  ivantiCore: {
    offsetParam: "offset",
    limitParam: "limit",
    limit: 200,
    items: (b: unknown) => at(b, "results") as unknown[] | undefined,
    hasMore: (b: unknown) => at(b, "hasMore") as boolean | undefined,
    total: (b: unknown) => at(b, "totalCount") as number | undefined,
  },
  /** §D Ivanti Cloud `GET /api/v1/device`: `{result:{totalCount, searchResults}}`, rows ≤ 500. */
  ivantiCloud: {
    offsetParam: "start",
    limitParam: "rows",
    limit: 500,
    items: (b: unknown) => at(b, "result.searchResults") as unknown[] | undefined,
    total: (b: unknown) => at(b, "result.totalCount") as number | undefined,
  },
} as const);
