/**
 * Ivanti EPMM (MobileIron Core) API v2 routes: device search with dotted-field projection
 * and offset/limit/hasMore paging, retire by uuid, ping (vendor-apis.md §D).
 */
import { EmulatorError, type EmulatorRequest, json, type Route } from "../kit/index.ts";
import { fieldsOf, matches, parseQuery, QueryError } from "./query.ts";
import {
  CORE_UNCERTAIN_FIELDS,
  CORE_VERIFIED_FIELDS,
  type CoreField,
  type RecordOptions,
} from "./records.ts";
import type { WorldView } from "./world-view.ts";

export const CORE_ACTION_SUCCESSFUL = "com.mobileiron.vsp.messages.device.action.successful";
/** [U] Only the success key is documented; these failure keys are the emulator's. */
export const CORE_ACTION_NOT_FOUND = "com.mobileiron.vsp.messages.device.action.failed.device.not.found";
export const CORE_ACTION_ALREADY_RETIRED = "com.mobileiron.vsp.messages.device.action.failed.device.retired";

export interface CoreSettings {
  adminDeviceSpaceId: number;
  uncertainFields: boolean;
  unknownFields: "reject" | "omit";
  defaultLimit: number;
  maxLimit: number;
  overLimit: "clamp" | "reject";
  retireOfRetired: "success" | "failure";
  records: RecordOptions;
}

type Guard = (req: EmulatorRequest, role: "api" | "view" | "retire") => void;

function bad(key: string, message: string): EmulatorError {
  return new EmulatorError(400, `com.mobileiron.vsp.messages.${key}`, message);
}

function intParam(req: EmulatorRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw bad("http.400", `${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export function coreRoutes(view: WorldView, settings: CoreSettings, guard: Guard): Route[] {
  const catalogue: Record<string, CoreField> = {
    ...CORE_VERIFIED_FIELDS,
    ...(settings.uncertainFields ? CORE_UNCERTAIN_FIELDS : {}),
  };
  const known = (f: string) => Object.hasOwn(catalogue, f);

  const checkSpace = (req: EmulatorRequest) => {
    const raw = req.query.get("adminDeviceSpaceId");
    if (raw === null || raw === "") throw bad("http.400", "adminDeviceSpaceId is required");
    if (Number(raw) !== settings.adminDeviceSpaceId) {
      throw new EmulatorError(
        403,
        "com.mobileiron.vsp.messages.http.403",
        `The user is not an administrator of device space ${raw}`,
      );
    }
  };

  const search: Route = {
    method: "GET",
    path: "/api/v2/devices",
    scope: "api",
    handler: async (req) => {
      guard(req, "view");
      checkSpace(req);
      const query = req.query.get("query");
      const labelId = req.query.get("labelId");
      if (query === null && labelId === null) {
        throw bad("device.search.query.required", "One of query or labelId is required");
      }
      if (query !== null && query.length > 255) {
        throw bad("device.search.query.too.long", `query is ${query.length} characters long; at most 255`);
      }
      if (labelId !== null && labelId !== "-1") {
        throw bad("label.not.found", `No label with id ${labelId}`);
      }
      const fieldsParam = req.query.get("fields") ?? "";
      const fields = fieldsParam
        .split(",")
        .map((f) => f.trim())
        .filter((f) => f !== "");
      if (fields.length === 0)
        throw bad("device.search.fields.required", "fields is required (1 to 512 names)");
      if (fields.length > 512)
        throw bad("device.search.fields.too.many", `${fields.length} fields; at most 512`);
      const long = fields.find((f) => f.length > 320);
      if (long) throw bad("device.search.field.too.long", `field name longer than 320 characters: ${long}`);
      const unknown = fields.filter((f) => !known(f));
      if (unknown.length > 0 && settings.unknownFields === "reject") {
        throw bad("device.search.invalid.field", `Invalid field(s): ${unknown.join(", ")}`);
      }
      let expr: ReturnType<typeof parseQuery>;
      try {
        expr = parseQuery(query ?? "");
      } catch (e) {
        if (e instanceof QueryError) throw bad("device.search.invalid.query", `Invalid query: ${e.message}`);
        throw e;
      }
      const unknownInQuery = fieldsOf(expr).filter((f) => !known(f));
      if (unknownInQuery.length > 0) {
        throw bad("device.search.invalid.query", `Invalid field(s) in query: ${unknownInQuery.join(", ")}`);
      }
      let limit = intParam(req, "limit", settings.defaultLimit);
      const offset = intParam(req, "offset", 0);
      if (limit < 0) throw bad("http.400", "limit must be at least 0");
      if (offset < 0) throw bad("http.400", "offset must be at least 0");
      if (limit > settings.maxLimit) {
        if (settings.overLimit === "reject") {
          throw bad("http.400", `limit must be at least 0 and no more than ${settings.maxLimit}`);
        }
        limit = settings.maxLimit;
      }

      await view.sync();
      const o = settings.records;
      const matched = view.devices.filter((d) => matches(expr, (f) => catalogue[f]?.(d, o)));
      const page = matched.slice(offset, offset + limit);
      const results = page.map((d) => {
        const row: Record<string, unknown> = {};
        for (const f of fields) {
          const value = known(f) ? catalogue[f]!(d, o) : undefined;
          if (value !== undefined) row[f] = value;
        }
        return row;
      });
      return json({
        results,
        totalCount: matched.length,
        resultCount: results.length,
        hasMore: offset + results.length < matched.length,
        searchTimeMillis: 1 + (results.length % 7),
        currentServerTimeMilliseconds: view.now,
      });
    },
  };

  const retire: Route = {
    method: "PUT",
    path: "/api/v2/devices/retire",
    scope: "api",
    handler: async (req) => {
      guard(req, "retire");
      checkSpace(req);
      const body = req.body as { deviceUuids?: unknown; note?: unknown } | undefined;
      const uuids = body?.deviceUuids;
      if (
        typeof body !== "object" ||
        !Array.isArray(uuids) ||
        uuids.length === 0 ||
        !uuids.every((u) => typeof u === "string")
      ) {
        throw bad("http.400", "The body must be {deviceUuids: [one or more uuids], note}");
      }
      await view.sync();
      const deviceResults: Record<string, string> = {};
      for (const uuid of uuids as string[]) {
        const d = view.byUuid(uuid);
        if (!d) deviceResults[uuid] = CORE_ACTION_NOT_FOUND;
        else if (d.state === "RETIRED") {
          deviceResults[uuid] =
            settings.retireOfRetired === "success" ? CORE_ACTION_SUCCESSFUL : CORE_ACTION_ALREADY_RETIRED;
        } else {
          await view.retire(d);
          deviceResults[uuid] = CORE_ACTION_SUCCESSFUL;
        }
      }
      return json({
        actionType: "RETIRE",
        deviceResults,
        successful: Object.values(deviceResults).every((r) => r === CORE_ACTION_SUCCESSFUL),
      });
    },
  };

  const ping: Route = {
    method: "GET",
    path: "/api/v2/ping",
    scope: "api",
    handler: (req) => {
      guard(req, "api");
      return json({ results: { apiVersion: 2.0, vspVersion: "11.12.0.0 (emulator)" } });
    },
  };

  return [ping, retire, search];
}
