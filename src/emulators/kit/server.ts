/**
 * An emulator: a node:http server on 127.0.0.1 that routes requests to a vendor's handlers,
 * with fault injection, throttling, body limits and the vendor's error shape. Per request:
 * route → body → pre-route fault → authenticate → throttle → handler → (after-effect fault)
 * → response. Emulated time is the injected clock; holding a connection (timeouts, slow
 * responses) is real time, because the client it fools waits in real time.
 *
 * @example
 * const emu = await startEmulator({ clock, random: rng.next, routes: graphRoutes(world),
 *   throttles: [{ scope: "ca-policy", requests: 1, windowMs: 1000, retryAfter: false }],
 *   errorBody: (status, code, message) => ({ error: { code, message } }) });
 * // … new HttpClient({ baseUrl: emu.url, … }); await emu.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../core/time.ts";
import { readBody } from "./body.ts";
import { type FaultKind, type FaultOptions, pickAfterEffect, pickFault } from "./faults.ts";
import { isEmulatorError } from "./respond.ts";
import { Router } from "./router.ts";
import { EmulatorStats } from "./stats.ts";
import { type ThrottleRule, Throttler } from "./throttle.ts";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type ErrorBodyFn,
  isWrite,
  type KitLogger,
  type Route,
} from "./types.ts";

export interface StartEmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  routes: readonly Route[];
  clock: Clock;
  random: () => number;
  faults?: FaultOptions;
  throttles?: readonly ThrottleRule[];
  /** The vendor's error body; default `{error:{code, message}}` (Graph's shape). */
  errorBody?: ErrorBodyFn;
  /** Runs before every non-public route; throws an EmulatorError (see `requireBearer`) to refuse, may set `req.principal`. */
  authenticate?: (req: EmulatorRequest) => void | Promise<void>;
  /** Larger bodies get 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Response header carrying the request id (default `request-id`, as Graph). */
  requestIdHeader?: string;
  log?: KitLogger;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  stats: EmulatorStats;
  close(): Promise<void>;
}

const graphError: ErrorBodyFn = (_status, code, message) => ({ error: { code, message } });

const FAULT_TEXT: Record<"500" | "503" | "429" | "429-bare", [number, string, string]> = {
  "500": [500, "InternalServerError", "An internal server error occurred (injected fault)."],
  "503": [503, "ServiceUnavailable", "The service is temporarily unavailable (injected fault)."],
  "429": [429, "TooManyRequests", "Too many requests (injected fault)."],
  "429-bare": [429, "TooManyRequests", "Too many requests (injected fault)."],
};

export async function startEmulator(options: StartEmulatorOptions): Promise<Emulator> {
  const { clock, random, faults } = options;
  const router = new Router(options.routes);
  const throttler = new Throttler(options.throttles ?? [], clock);
  const stats = new EmulatorStats();
  const errorBody = options.errorBody ?? graphError;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const idHeader = options.requestIdHeader ?? "request-id";
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  /** Waits `ms` of real time, or less if the client goes away first. */
  const hold = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        res.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      res.once("close", done);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const requestId = `00000000-0000-4000-8000-${(++seq).toString(16).padStart(12, "0")}`;
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://emulator");
    const match = router.match(method, url.pathname);
    const routeKey = match.kind === "found" ? `${match.route.method} ${match.route.path}` : "unmatched";
    const base: Record<string, string> = { [idHeader]: requestId };
    const clientId = req.headers["client-request-id"];
    if (typeof clientId === "string") base["client-request-id"] = clientId;
    let fault: FaultKind | "after-effect" | undefined;

    const send = (r: EmulatorResponse, ereq?: EmulatorRequest) => {
      if (res.destroyed || res.writableEnded) return drop();
      const headers: Record<string, string> = { ...base };
      for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
      let payload: string | undefined;
      if (r.raw !== undefined) {
        payload = r.raw;
        headers["content-type"] ??= "text/plain; charset=utf-8";
      } else if (r.body !== undefined) {
        const isText = typeof r.body === "string";
        payload = isText ? (r.body as string) : JSON.stringify(r.body);
        headers["content-type"] ??= isText ? "text/plain; charset=utf-8" : "application/json";
      }
      res.writeHead(r.status, headers).end(payload);
      stats.recordResponse(routeKey, r.status);
      options.log?.debug(
        {
          method,
          path: url.pathname,
          route: routeKey,
          status: r.status,
          fault,
          requestId,
          principal: !!ereq?.principal,
        },
        "emulator",
      );
    };
    const drop = () => {
      res.socket?.destroy();
      stats.recordResponse(routeKey, "dropped");
      options.log?.debug(
        { method, path: url.pathname, route: routeKey, status: "dropped", fault, requestId },
        "emulator",
      );
    };
    const fail = (
      status: number,
      code: string,
      message: string,
      headers: Record<string, string> = {},
      ereq?: EmulatorRequest,
    ) => send({ status, body: errorBody(status, code, message, ereq), headers }, ereq);

    if (match.kind !== "found") {
      req.resume();
      if (match.kind === "wrong-method") {
        return fail(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname}`, {
          allow: match.allowed.join(", "),
        });
      }
      return fail(404, "NotFound", `No route for ${method} ${url.pathname}`);
    }
    const { route } = match;
    const read = await readBody(req, maxBodyBytes);
    const ereq: EmulatorRequest = {
      method,
      path: url.pathname,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      body: read.ok ? read.body : undefined,
      ...(read.ok && read.form ? { form: read.form } : {}),
      rawBody: read.ok ? read.raw : "",
      requestId,
      receivedAt: clock.now(),
      route,
    };
    if (!read.ok) return fail(read.status, read.code, read.message, { connection: "close" }, ereq);

    const faultable = route.faults !== false && (faults?.appliesTo?.(ereq) ?? true);
    fault = faultable ? pickFault(faults, random) : undefined;
    if (fault) {
      stats.recordFault(fault);
      switch (fault) {
        case "500":
        case "503":
        case "429":
        case "429-bare": {
          const [status, code, message] = FAULT_TEXT[fault];
          const extra: Record<string, string> =
            fault === "429" ? { "retry-after": String(faults?.retryAfterSeconds ?? 1) } : {};
          return fail(status, code, message, extra, ereq);
        }
        case "reset":
          return drop();
        case "truncate":
          res.writeHead(200, { ...base, "content-type": "application/json", "content-length": "4096" });
          res.write('{"value":[{"id":"');
          return void setImmediate(drop);
        case "malformed-json":
          return send({
            status: 200,
            raw: '{"value":[{"id":1,',
            headers: { "content-type": "application/json" },
          });
        case "timeout":
          await hold(faults?.holdMs ?? 35_000, res);
          return drop();
        case "slow":
          await hold(faults?.slowMs ?? 2_000, res);
          // a client that gave up meanwhile must not have its request acted on
          if (res.destroyed || req.socket.destroyed) return drop();
      }
    }

    try {
      if (!route.public && options.authenticate) await options.authenticate(ereq);
      const write = isWrite(route);
      const verdict = throttler.admit(ereq, route.scope, write);
      if (!verdict.ok) {
        const { rule, waitMs } = verdict;
        stats.recordThrottle(rule.scope);
        const headers = {
          ...rule.headers,
          ...(rule.retryAfter ? { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) } : {}),
        };
        return fail(429, rule.code ?? "TooManyRequests", rule.message ?? "Too many requests.", headers, ereq);
      }
      const response = await route.handler(ereq);
      stats.handled++;
      const loss = faultable && write ? pickAfterEffect(faults, random) : undefined;
      if (!loss) return send(response, ereq);
      fault = "after-effect";
      stats.recordFault(fault);
      if (loss === "500")
        return fail(
          500,
          "InternalServerError",
          "An internal server error occurred (injected fault).",
          {},
          ereq,
        );
      if (loss === "timeout") await hold(faults?.holdMs ?? 35_000, res);
      return drop();
    } catch (e) {
      if (isEmulatorError(e)) return fail(e.status, e.code, e.message, e.headers, ereq);
      options.log?.error({ err: e, method, path: url.pathname, requestId }, "emulator route failed");
      return fail(500, "InternalServerError", `The emulator failed: ${(e as Error).message}`, {}, ereq);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      options.log?.error({ err: e }, "emulator request failed");
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
