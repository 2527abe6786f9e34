/**
 * SourceOffboarding over Ivanti: retire (enterprise wipe) one device by Ferry's source id,
 * which is Ivanti's numeric device id (`common.id` on Core, `id` on Neurons for MDM).
 *
 * The device is looked up first: one that is RETIRE_PENDING or already RETIRED (or WIPED,
 * EXPIRED) needs nothing more, so retiring is idempotent without relying on what the server
 * answers for a repeated retire (unconfirmed, [U]); an id the server does not know is an
 * error naming it. Core retires by uuid (`PUT /api/v2/devices/retire`), Cloud by id (`PUT
 * /api/v1/device/retire`, form `ids`).
 */
import type { SourceOffboarding } from "../../core/ports/source.ts";
import { at, type HttpClient, type Logger, noopLogger } from "../http/index.ts";
import { explainIvantiError, IVANTI_SCOPES, IVANTI_SERVICE } from "./client.ts";
import type { IvantiConfig } from "./config.ts";
import type { PartitionResolver } from "./inventory.ts";

export const CORE_ACTION_SUCCESSFUL = "com.mobileiron.vsp.messages.device.action.successful";

/** States in which a retire has nothing left to do. */
const LEAVING_OR_GONE = new Set(["RETIRE_PENDING", "RETIRED", "WIPED", "EXPIRED"]);

type Row = Record<string, unknown>;

export class IvantiOffboarding implements SourceOffboarding {
  readonly #http: HttpClient;
  readonly #config: IvantiConfig;
  readonly #partitions: PartitionResolver;
  readonly #log: Logger;
  readonly #service: string;

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
    this.#service = IVANTI_SERVICE[config.flavour];
  }

  async retire(sourceId: string): Promise<void> {
    const id = sourceId.trim();
    // The id goes into a search expression (Core): only a number may.
    if (!/^\d{1,18}$/.test(id)) {
      throw new Error(
        `${this.#service}: ${JSON.stringify(sourceId)} is not an Ivanti device id (a number); nothing was retired`,
      );
    }
    try {
      if (this.#config.flavour === "core") await this.#retireCore(id);
      else await this.#retireCloud(id);
    } catch (e) {
      throw explainIvantiError(e, this.#config, "retire");
    }
  }

  async #coreDevice(id: string): Promise<Row | undefined> {
    const { body } = await this.#http.request({
      method: "GET",
      path: "/api/v2/devices",
      query: {
        adminDeviceSpaceId: this.#config.adminDeviceSpaceId,
        query: `common.id = ${id}`,
        fields: "common.id,common.uuid,common.status",
        limit: 1,
        offset: 0,
      },
      scope: IVANTI_SCOPES.devices,
    });
    const results = at(body, "results");
    const row = Array.isArray(results)
      ? (results as Row[]).find((r) => String(r["common.id"]) === id)
      : undefined;
    return row;
  }

  async #retireCore(id: string): Promise<void> {
    const device = await this.#coreDevice(id);
    if (!device) throw new Error(`${this.#service} has no device with id ${id}: nothing was retired`);
    const status = String(device["common.status"] ?? "").toUpperCase();
    if (LEAVING_OR_GONE.has(status)) {
      this.#log.debug({ id, status }, "ivanti: retire not needed");
      return;
    }
    const uuid = String(device["common.uuid"] ?? "");
    if (!uuid) throw new Error(`${this.#service} reported device ${id} without a uuid: nothing was retired`);
    const { body } = await this.#http.request({
      method: "PUT",
      path: "/api/v2/devices/retire",
      query: { adminDeviceSpaceId: this.#config.adminDeviceSpaceId },
      body: { deviceUuids: [uuid], note: this.#config.retireNote },
      scope: IVANTI_SCOPES.actions,
    });
    const results = at(body, "deviceResults") as Record<string, unknown> | undefined;
    const result = results?.[uuid] ?? Object.values(results ?? {})[0];
    if (result === CORE_ACTION_SUCCESSFUL) return;
    // Not confirmed: it may have been retired meanwhile (by someone else, or a lost response of ours).
    const now = await this.#coreDevice(id);
    const after = String(now?.["common.status"] ?? "").toUpperCase();
    if (LEAVING_OR_GONE.has(after)) return;
    throw new Error(
      `${this.#service} did not retire device ${id} (uuid ${uuid}): ${String(result ?? "no result for it")}; it is still ${after || "unknown"}`,
    );
  }

  async #cloudDevice(id: string): Promise<Row | undefined> {
    const dmPartitionId = await this.#partitions.partitionId();
    const res = await this.#http.request({
      method: "GET",
      path: `/api/v1/device/${id}`,
      query: { dmPartitionId },
      scope: IVANTI_SCOPES.devices,
      expect: [200, 404],
    });
    if (res.status === 404) return undefined;
    const result = at(res.body, "result");
    return typeof result === "object" && result !== null ? (result as Row) : undefined;
  }

  async #retireCloud(id: string): Promise<void> {
    const device = await this.#cloudDevice(id);
    if (!device) throw new Error(`${this.#service} has no device with id ${id}: nothing was retired`);
    const state = String(device.registrationState ?? "").toUpperCase();
    if (LEAVING_OR_GONE.has(state)) {
      this.#log.debug({ id, state }, "ivanti: retire not needed");
      return;
    }
    const { body } = await this.#http.request({
      method: "PUT",
      path: "/api/v1/device/retire",
      body: new URLSearchParams({ ids: id }),
      scope: IVANTI_SCOPES.actions,
    });
    if (Number(at(body, "result")) === 1) return;
    const now = await this.#cloudDevice(id);
    const after = String(now?.registrationState ?? "").toUpperCase();
    if (LEAVING_OR_GONE.has(after)) return;
    throw new Error(
      `${this.#service} did not retire device ${id} (result ${JSON.stringify(at(body, "result") ?? null)}); it is still ${after || "unknown"}`,
    );
  }
}
