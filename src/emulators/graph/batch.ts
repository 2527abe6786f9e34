/**
 * JSON batching (vendor-apis.md §A8): `POST /$batch {requests:[{id, method, url, headers,
 * body, dependsOn}]}` → 200 `{responses:[{id, status, headers, body}]}` in any order. At most
 * 20 requests with unique ids (else the whole batch is 400); a body needs a Content-Type;
 * a request whose dependency failed gets 424. Each inner request runs through the same route
 * handler as a direct one, so it is checked for permissions and throttled on its own: an
 * inner 429 carries its `Retry-After` in the inner headers.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Rng } from "../../world/rng.ts";
import {
  EmulatorError,
  type EmulatorRequest,
  type EmulatorResponse,
  isEmulatorError,
  json,
  type Route,
  Router,
} from "../kit/index.ts";
import { bodyObject, type GraphContext, shareBatchMemo } from "./context.ts";
import { badRequest, graphErrorBody } from "./errors.ts";

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const MAX_BATCH = 20;

/** Graph writes inner header names as `Retry-After`, `Content-Type`. */
function capitalise(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

function validate(body: Record<string, unknown>): InnerRequest[] {
  const requests = body.requests;
  if (!Array.isArray(requests))
    throw badRequest("Invalid batch payload format: 'requests' must be an array.");
  if (requests.length === 0) throw badRequest("Invalid batch payload format: the batch has no requests.");
  if (requests.length > MAX_BATCH) {
    throw badRequest(`The number of batch requests exceeds the limit of ${MAX_BATCH}.`);
  }
  const ids = new Set<string>();
  for (const r of requests as InnerRequest[]) {
    if (typeof r !== "object" || r === null || typeof r.id !== "string" || r.id === "") {
      throw badRequest("Invalid batch payload format: every request needs an 'id'.");
    }
    if (ids.has(r.id))
      throw badRequest(`Batch request ids must be unique: '${r.id}' appears more than once.`);
    ids.add(r.id);
    if (typeof r.method !== "string" || typeof r.url !== "string") {
      throw badRequest(`Invalid batch payload format: request '${r.id}' needs a method and a url.`);
    }
    const hasType = Object.keys(r.headers ?? {}).some((k) => k.toLowerCase() === "content-type");
    if (r.body !== undefined && !hasType) {
      throw badRequest(`Request '${r.id}' has a body but no Content-Type header.`);
    }
  }
  for (const r of requests as InnerRequest[]) {
    for (const d of r.dependsOn ?? []) {
      if (!ids.has(d) || d === r.id) throw badRequest(`Request '${r.id}' depends on unknown request '${d}'.`);
    }
  }
  return requests as InnerRequest[];
}

export function batchRoute(ctx: GraphContext, routes: readonly Route[]): Route {
  const router = new Router(routes);
  const errorBody = graphErrorBody(ctx.clock);
  let seq = 0;

  async function run(
    outer: EmulatorRequest,
    r: InnerRequest,
    memo: Map<string, Set<string>>,
  ): Promise<InnerResponse> {
    const url = new URL(`http://batch/v1.0/${r.url.replace(/^\/+/, "").replace(/^v1\.0\//, "")}`);
    const method = r.method.toUpperCase();
    const match = router.match(method, url.pathname);
    const requestId = `00000000-0000-4000-9000-${(++seq).toString(16).padStart(12, "0")}`;
    const headers: IncomingHttpHeaders = { ...outer.headers };
    delete headers["content-type"];
    delete headers["content-length"];
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    const fail = (e: EmulatorError, req?: EmulatorRequest): InnerResponse => {
      const h: Record<string, string> = { "Content-Type": "application/json" };
      for (const [k, v] of Object.entries(e.headers)) h[capitalise(k)] = v;
      return { id: r.id, status: e.status, headers: h, body: errorBody(e.status, e.code, e.message, req) };
    };
    if (match.kind !== "found") {
      const e =
        match.kind === "wrong-method"
          ? new EmulatorError(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname}`)
          : new EmulatorError(
              400,
              "BadRequest",
              `Resource not found for the segment '${url.pathname.split("/").pop()}'.`,
            );
      return fail(e);
    }
    const req: EmulatorRequest = {
      method,
      path: url.pathname,
      params: match.params,
      query: url.searchParams,
      headers,
      body: r.body,
      rawBody: r.body === undefined ? "" : JSON.stringify(r.body),
      requestId,
      receivedAt: ctx.clock.now(),
      principal: outer.principal,
      route: match.route,
    };
    shareBatchMemo(req, memo);
    try {
      const res: EmulatorResponse = await match.route.handler(req);
      ctx.stats?.recordResponse(`$batch ${match.route.method} ${match.route.path}`, res.status);
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) h[capitalise(k)] = v;
      if (res.body !== undefined) h["Content-Type"] ??= "application/json";
      return {
        id: r.id,
        status: res.status,
        headers: h,
        ...(res.body === undefined ? {} : { body: res.body }),
      };
    } catch (e) {
      if (!isEmulatorError(e)) throw e;
      ctx.stats?.recordResponse(`$batch ${match.route.method} ${match.route.path}`, e.status);
      return fail(e, req);
    }
  }

  return {
    method: "POST",
    path: "/v1.0/$batch",
    handler: async (req) => {
      const requests = validate(bodyObject(req));
      const done = new Map<string, InnerResponse>();
      const memo = new Map<string, Set<string>>();
      const remaining = [...requests];
      while (remaining.length > 0) {
        const i = remaining.findIndex((r) => (r.dependsOn ?? []).every((d) => done.has(d)));
        if (i < 0) throw badRequest("The batch's dependsOn references form a cycle.");
        const r = remaining.splice(i, 1)[0]!;
        const failed = (r.dependsOn ?? []).find((d) => done.get(d)!.status >= 400);
        if (failed !== undefined) {
          const body = errorBody(
            424,
            "FailedDependency",
            `Request '${r.id}' depends on request '${failed}', which failed.`,
            req,
          );
          done.set(r.id, { id: r.id, status: 424, headers: { "Content-Type": "application/json" }, body });
          continue;
        }
        done.set(r.id, await run(req, r, memo));
      }
      // "In any order": shuffled, deterministically per request, so no client can lean on the order.
      const responses = new Rng("graph-batch", req.requestId).shuffle([...done.values()]);
      return json({ responses });
    },
  };
}
