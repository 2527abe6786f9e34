/** What an emulator counts: requests by route and status, faults injected, throttled requests. */

export class EmulatorStats {
  /** Every request received, matched or not. */
  requests = 0;
  /** Requests whose route handler ran (after-effect faults included). */
  handled = 0;
  /** `"GET /items/:id"` (or `"unmatched"`) → status (or `"dropped"` for a lost connection) → count. */
  readonly byRoute: Record<string, Record<string, number>> = {};
  readonly byStatus: Record<string, number> = {};
  /** Fault kind (and `after-effect`) → count. */
  readonly faults: Record<string, number> = {};
  throttled = 0;
  readonly throttledByScope: Record<string, number> = {};
  /**
   * Collections read page by page, by collection: the listings started, the pages served, and
   * the fewest pages those listings could have taken at the largest page size the API allows
   * (one for an empty collection): what a client's paging costs against the minimum.
   */
  readonly listings: Record<string, { listings: number; pages: number; minimumPages: number }> = {};

  /** Requests that got any injected fault. */
  get faulted(): number {
    return Object.values(this.faults).reduce((a, b) => a + b, 0);
  }

  recordResponse(route: string, status: number | "dropped"): void {
    const key = String(status);
    this.byRoute[route] ??= {};
    this.byRoute[route][key] = (this.byRoute[route][key] ?? 0) + 1;
    this.byStatus[key] = (this.byStatus[key] ?? 0) + 1;
  }

  recordFault(kind: string): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
  }

  /** A listing of `size` items started; `maxPageSize` is the API's largest page. */
  recordListing(collection: string, size: number, maxPageSize: number): void {
    const entry = this.#listing(collection);
    entry.listings++;
    entry.minimumPages += Math.max(1, Math.ceil(size / maxPageSize));
  }

  /** A page of a listing was served (the first one included). */
  recordPage(collection: string): void {
    this.#listing(collection).pages++;
  }

  #listing(collection: string) {
    this.listings[collection] ??= { listings: 0, pages: 0, minimumPages: 0 };
    return this.listings[collection];
  }

  recordThrottle(scope: string): void {
    this.throttled++;
    this.throttledByScope[scope] = (this.throttledByScope[scope] ?? 0) + 1;
  }
}
