/**
 * `TargetInventory` over `GET /deviceManagement/managedDevices`: 1000 per page with `$select`,
 * following `@odata.nextLink` verbatim until it is absent (vendor-apis.md §A3). `udid` comes
 * back empty in lists, so for the Apple records that list no serial (the only ones a UDID
 * could match), it is fetched with `GET …/{id}?$select=udid`, 20 at a time through `$batch`.
 */
import type { TargetDeviceRecord, TargetInventory } from "../../core/ports/index.ts";
import { followNextLinks, GRAPH_SCOPES } from "../http/index.ts";
import type { GraphClient } from "./client.ts";
import { MANAGED_DEVICE_SELECT, type ManagedDeviceJson, mapManagedDevice, withUdid } from "./mapper.ts";

export const DEVICE_PAGE_SIZE = 1000;

export class GraphTargetInventory implements TargetInventory {
  readonly #client: GraphClient;
  /** Records skipped (not a platform Ferry migrates) on the last listing, for the operator. */
  skipped: { id: string; reason: string }[] = [];
  /** Single-device reads made for UDIDs on the last listing. */
  udidLookups = 0;

  constructor(client: GraphClient) {
    this.#client = client;
  }

  async *listDevices(): AsyncIterable<TargetDeviceRecord> {
    this.skipped = [];
    this.udidLookups = 0;
    let needUdid: TargetDeviceRecord[] = [];
    for await (const raw of followNextLinks<ManagedDeviceJson>(this.#client, {
      method: "GET",
      path: "/deviceManagement/managedDevices",
      query: { $select: MANAGED_DEVICE_SELECT.join(","), $top: DEVICE_PAGE_SIZE },
      scope: GRAPH_SCOPES.intuneDevices,
    })) {
      const mapped = mapManagedDevice(raw ?? {});
      if (mapped.kind === "skip") {
        this.skipped.push({ id: mapped.id, reason: mapped.reason });
        continue;
      }
      if (!mapped.needsUdid) {
        yield mapped.record;
        continue;
      }
      needUdid.push(mapped.record);
      if (needUdid.length >= 20) {
        yield* await this.#withUdids(needUdid);
        needUdid = [];
      }
    }
    if (needUdid.length > 0) yield* await this.#withUdids(needUdid);
    if (this.skipped.length > 0) {
      this.#client.logger.info(
        { skipped: this.skipped.length, first: this.skipped.slice(0, 5) },
        "intune inventory: records Ferry does not migrate were skipped",
      );
    }
  }

  async #withUdids(records: TargetDeviceRecord[]): Promise<TargetDeviceRecord[]> {
    this.udidLookups += records.length;
    const results = await this.#client.batch(
      records.map((r, i) => ({
        id: String(i + 1),
        method: "GET" as const,
        url: `/deviceManagement/managedDevices/${encodeURIComponent(r.targetId)}?$select=id,udid`,
      })),
      { scope: GRAPH_SCOPES.intuneDevices },
    );
    // A device gone since it was listed keeps what the list said.
    return records.map((r, i) => {
      const res = results.get(String(i + 1));
      return res?.status === 200 ? withUdid(r, (res.body as { udid?: unknown } | undefined)?.udid) : r;
    });
  }
}
