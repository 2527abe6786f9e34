/**
 * Ivanti Neurons for MDM (MobileIron Cloud) routes: partition discovery, device search with
 * `rows`/`start` paging (rows ≤ 500, the documented 400 above), a device by id, retire by
 * form `ids` (vendor-apis.md §D).
 */
import { EmulatorError, type EmulatorRequest, json, type Route } from "../kit/index.ts";
import { fieldsOf, matches, parseQuery, QueryError } from "./query.ts";
import { cloudRow } from "./records.ts";
import type { EmulatedDevice, WorldView } from "./world-view.ts";

export interface Partition {
  id: number;
  name: string;
}

export interface CloudSettings {
  /** the default partition, which holds every device */
  partition: Partition;
  /** other partitions the tenant has (empty) */
  otherPartitions: Partition[];
  defaultRows: number;
  retireOfRetired: "success" | "failure";
}

type Guard = (req: EmulatorRequest, role: "api" | "view" | "retire") => void;

/** The documented field-error body (Cloud "API Basics", rows limit). */
export function fieldError(code: string, message: string, field: string) {
  return json({ errors: { globalErrors: null, fieldErrors: [{ code, message, field }] }, result: null }, 400);
}

export function cloudRoutes(view: WorldView, settings: CloudSettings, guard: Guard): Route[] {
  const { partition } = settings;
  const partitions = [partition, ...settings.otherPartitions];
  const row = (d: EmulatedDevice) => cloudRow(d, partition);
  const first = view.devices[0];
  const known = new Set(first ? Object.keys(row(first)) : []);

  const listPartitions: Route = {
    method: "GET",
    path: "/api/v1/tenant/partition/device",
    scope: "api",
    handler: (req) => {
      guard(req, "view");
      const searchResults = partitions.map((p, i) => ({
        id: p.id,
        name: p.name,
        description: i === 0 ? "Default device management Space." : null,
        defaultPartition: i === 0,
        priority: partitions.length - i,
        deviceCount: i === 0 ? view.devices.filter((d) => d.state !== "RETIRED").length : 0,
      }));
      return json({
        errors: null,
        result: { searchResults, totalCount: searchResults.length, offset: 0, limit: 50 },
      });
    },
  };

  const search: Route = {
    method: "GET",
    path: "/api/v1/device",
    scope: "api",
    handler: async (req) => {
      guard(req, "view");
      const pid = req.query.get("dmPartitionId");
      if (pid === null || pid === "") return fieldError("NotNull", "may not be null", "dmPartitionId");
      const p = partitions.find((x) => String(x.id) === pid.trim());
      if (!p) return fieldError("Invalid", `no device partition with id ${pid}`, "dmPartitionId");
      const rowsRaw = req.query.get("rows");
      const rows = rowsRaw === null || rowsRaw === "" ? settings.defaultRows : Number(rowsRaw);
      if (!Number.isInteger(rows) || rows < 1 || rows > 500) {
        return fieldError("Range", "must be between 1 and 500", "rows");
      }
      const startRaw = req.query.get("start");
      const start = startRaw === null || startRaw === "" ? 0 : Number(startRaw);
      if (!Number.isInteger(start) || start < 0) {
        return fieldError("Range", "must be greater than or equal to 0", "start");
      }
      let expr: ReturnType<typeof parseQuery>;
      try {
        expr = parseQuery(req.query.get("fq") ?? "");
      } catch (e) {
        if (e instanceof QueryError) return fieldError("Invalid", e.message, "fq");
        throw e;
      }
      const unknown = fieldsOf(expr).filter((f) => !known.has(f));
      if (unknown.length > 0) return fieldError("Invalid", `unknown field(s) ${unknown.join(", ")}`, "fq");

      await view.sync();
      const inPartition = p.id === partition.id ? view.devices : [];
      const matched = inPartition
        .map(row)
        .filter((r) => matches(expr, (f) => (r as unknown as Record<string, unknown>)[f]));
      const searchResults = matched.slice(start, start + rows);
      return json({
        errors: null,
        result: {
          totalCount: matched.length,
          searchResults,
          offset: start,
          limit: rows,
          queryTime: 3 + (searchResults.length % 11),
          facetedResults: {},
        },
      });
    },
  };

  const retire: Route = {
    method: "PUT",
    path: "/api/v1/device/retire",
    scope: "api",
    handler: async (req) => {
      guard(req, "retire");
      const ids = (req.form?.getAll("ids") ?? [])
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter((v) => v !== "");
      if (ids.length === 0) return fieldError("NotEmpty", "may not be empty", "ids");
      await view.sync();
      let ok = true;
      for (const id of ids) {
        const d = view.byId(id);
        if (!d) ok = false;
        else if (d.state === "RETIRED") ok &&= settings.retireOfRetired === "success";
        else await view.retire(d);
      }
      return json({ errors: null, result: ok ? 1 : 0 });
    },
  };

  const one: Route = {
    method: "GET",
    path: "/api/v1/device/:id",
    scope: "api",
    handler: async (req) => {
      guard(req, "view");
      await view.sync();
      const key = req.params.id ?? "";
      const d = view.byId(key) ?? view.byUuid(key);
      if (!d) throw new EmulatorError(404, "NotFound", `No device with id ${key}`); // [U] the 404's body
      return json({ errors: null, result: row(d) });
    },
  };

  return [listPartitions, retire, search, one];
}
