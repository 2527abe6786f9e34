/**
 * The source inventory from Workspace ONE: `GET /API/mdm/devices/search`, 0-based pages of up
 * to 500 (a short page does not end the listing; `Total` does), an empty result as 204 or an
 * empty body. Records that are not managed (Unenrolled, …) or on a platform Intune migration
 * does not cover are left out and counted.
 */
import type { SourceDeviceRecord, SourceInventory } from "../../core/ports/source.ts";
import { type Logger, noopLogger, PAGING, pageNumbers, type Requester } from "../http/index.ts";
import { WS1_DEFAULTS } from "./config.ts";
import {
  mapWorkspaceOneDevice,
  type WorkspaceOneDevice,
  type WorkspaceOneMapper,
  type WorkspaceOneMapperOptions,
} from "./mapper.ts";

export interface WorkspaceOneInventoryOptions extends WorkspaceOneMapperOptions {
  /** WS1's `lgid`: only this organization group. */
  organizationGroupId?: number;
  /** 1–500; default 500. */
  pageSize?: number;
  /** Replaces the default mapping (which it may call). */
  mapper?: WorkspaceOneMapper;
  logger?: Logger;
  /** Rewrites access errors for an administrator (from the client). */
  explain?: (e: unknown) => unknown;
}

/** What the last listing left out, by reason. */
export interface ListingSummary {
  listed: number;
  skipped: Record<string, number>;
  warnings: number;
}

export class WorkspaceOneInventory implements SourceInventory {
  readonly #http: Requester;
  readonly #o: WorkspaceOneInventoryOptions;
  /** Counts of the most recent complete listing. */
  last: ListingSummary | undefined;

  constructor(http: Requester, options: WorkspaceOneInventoryOptions = {}) {
    this.#http = http;
    this.#o = options;
  }

  async *listDevices(): AsyncIterable<SourceDeviceRecord> {
    const map = this.#o.mapper ?? mapWorkspaceOneDevice;
    const log = this.#o.logger ?? noopLogger;
    const mapOptions: WorkspaceOneMapperOptions = {
      ...(this.#o.androidModeField ? { androidModeField: this.#o.androidModeField } : {}),
      ...(this.#o.userEnrollmentField ? { userEnrollmentField: this.#o.userEnrollmentField } : {}),
    };
    const summary: ListingSummary = { listed: 0, skipped: {}, warnings: 0 };
    const seen = new Set<string>();
    const pages = pageNumbers<unknown>(
      this.#http,
      {
        method: "GET",
        path: "/mdm/devices/search",
        query: { lgid: this.#o.organizationGroupId, orderby: "DeviceId", sortorder: "ASC" },
      },
      { ...PAGING.workspaceOneDevices, pageSize: Math.min(500, this.#o.pageSize ?? WS1_DEFAULTS.pageSize) },
    );
    try {
      for await (const item of pages) {
        const out = map((item ?? {}) as WorkspaceOneDevice, mapOptions);
        if (!out.ok) {
          summary.skipped[out.reason] = (summary.skipped[out.reason] ?? 0) + 1;
          if (out.reason !== "not-managed") log.warn({ reason: out.reason }, out.detail);
          continue;
        }
        for (const w of out.warnings) log.warn({}, w);
        summary.warnings += out.warnings.length;
        // A record that moved between pages while we read is reported once.
        if (seen.has(out.record.sourceId)) continue;
        seen.add(out.record.sourceId);
        summary.listed++;
        yield out.record;
      }
    } catch (e) {
      throw this.#o.explain ? this.#o.explain(e) : e;
    }
    this.last = summary;
    log.info({ ...summary }, "workspace one: inventory listed");
  }
}
