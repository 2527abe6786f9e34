/**
 * SourceOffboarding over MaaS360: a selective wipe (removes MaaS360's control and corporate
 * data, never personal data) of one device by its `maas360DeviceID`.
 *
 * The device is looked up first: one that is "Pending Control Removed", or already inactive
 * ("Control Removed", "User Removed Control"), needs nothing more, so retiring is idempotent
 * without relying on what MaaS360 answers for a repeated wipe [U]; an id MaaS360 does not
 * know is an error naming it. The lookup uses the search's `maas360DeviceId` filter; a
 * server that ignores it is detected (other devices come back) and searched page by page.
 */
import type { SourceOffboarding } from "../../core/ports/source.ts";
import { asArray, at, type HttpClient, type Logger, noopLogger, PAGING, pageNumbers } from "../http/index.ts";
import { explainMaas360Error, MAAS360_SCOPES } from "./client.ts";
import type { Maas360Config } from "./config.ts";
import { MANAGED_STATUSES, text } from "./mapper.ts";

type Row = Record<string, unknown>;

const idOf = (r: Row) => text(r.maas360DeviceID) ?? text(r.maas360DeviceId);

export class Maas360Offboarding implements SourceOffboarding {
  readonly #http: HttpClient;
  readonly #config: Maas360Config;
  readonly #log: Logger;

  constructor(http: HttpClient, config: Maas360Config, log: Logger = noopLogger) {
    this.#http = http;
    this.#config = config;
    this.#log = log;
  }

  get #searchPath(): string {
    return `/device-apis/devices/2.0/search/customer/${encodeURIComponent(this.#config.billingId)}`;
  }

  async retire(sourceId: string): Promise<void> {
    const id = sourceId.trim();
    if (id === "" || id.length > 100 || /[\s"<>]/.test(id)) {
      throw new Error(`MaaS360: ${JSON.stringify(sourceId)} is not a MaaS360 device id; nothing was wiped`);
    }
    let doing: "view" | "wipe" = "view";
    try {
      const device = await this.#find(id);
      if (!device) throw new Error(`MaaS360 has no device with id ${id}: nothing was wiped`);
      if (!this.#needsWipe(device)) {
        this.#log.debug({ id, status: device.maas360ManagedStatus }, "maas360: selective wipe not needed");
        return;
      }
      doing = "wipe";
      const { body } = await this.#http.request({
        method: "POST",
        path: `/device-apis/devices/1.0/selectiveWipeDevice/${encodeURIComponent(this.#config.billingId)}`,
        body: new URLSearchParams({ deviceId: id }),
        scope: MAAS360_SCOPES.actions,
        // The device was just seen needing a wipe; sending the wipe again does nothing more.
        idempotent: true,
      });
      const answer = (at(body, "actionResponse") ?? body) as Row | undefined;
      if (Number(answer?.actionStatus) === 0) return;
      doing = "view";
      const now = await this.#find(id);
      if (now && !this.#needsWipe(now)) return;
      throw new Error(
        `MaaS360 did not selectively wipe device ${id}: ${text(answer?.description) ?? `actionStatus ${String(answer?.actionStatus)}`}`,
      );
    } catch (e) {
      throw explainMaas360Error(e, this.#config, doing);
    }
  }

  /** Enrolled or Activated, and still Active. */
  #needsWipe(d: Row): boolean {
    const status = (text(d.maas360ManagedStatus) ?? "").toLowerCase();
    const active = (text(d.deviceStatus) ?? "active").toLowerCase() === "active";
    return active && MANAGED_STATUSES.has(status) && status !== "pending control removed";
  }

  async #find(id: string): Promise<Row | undefined> {
    for (const deviceStatus of ["Active", "InActive"]) {
      const { body } = await this.#http.request({
        method: "GET",
        path: this.#searchPath,
        query: { deviceStatus, maas360DeviceId: id, pageSize: 25, pageNumber: 1 },
        scope: MAAS360_SCOPES.devices,
      });
      const found = asArray<Row>(at(body, "devices.device") as Row | Row[] | undefined);
      const match = found.find((r) => idOf(r) === id);
      if (match) return match;
      if (found.some((r) => idOf(r) !== id)) return this.#scan(id); // the filter was ignored
    }
    return undefined;
  }

  /** Every page of both device states, for a server that ignores the id filter. */
  async #scan(id: string): Promise<Row | undefined> {
    this.#log.warn({ id }, "maas360: the search ignored maas360DeviceId; looking the device up page by page");
    for (const deviceStatus of ["Active", "InActive"]) {
      for await (const r of pageNumbers<unknown>(
        this.#http,
        { method: "GET", path: this.#searchPath, query: { deviceStatus }, scope: MAAS360_SCOPES.devices },
        { ...PAGING.maas360Devices, pageSize: this.#config.pageSize },
      )) {
        if (idOf(r as Row) === id) return r as Row;
      }
    }
    return undefined;
  }
}
