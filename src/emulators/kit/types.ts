/** The shapes every emulator route and hook speaks in. */
import type { IncomingHttpHeaders } from "node:http";
import type { Millis } from "../../core/time.ts";

export type Method = "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface EmulatorRequest {
  method: string;
  /** The URL path as received (percent-encoded). */
  path: string;
  /** `:name` segments of the route's pattern, decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON; a form as a plain object (first value per key); other text as a string; undefined when empty. */
  body: unknown;
  /** The form, when the body was `application/x-www-form-urlencoded` (repeated keys kept). */
  form?: URLSearchParams;
  rawBody: string;
  /** The id this server gave the request (sent back as `request-id`). */
  requestId: string;
  /** When it arrived, on the emulator's injected clock. */
  receivedAt: Millis;
  /** Whatever the emulator's `authenticate` hook recorded (a token's subject, a user). */
  principal?: unknown;
  route: Route;
}

export interface EmulatorResponse {
  status: number;
  /** Sent as JSON unless a string (sent as text/plain). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Bytes sent verbatim instead of `body` (HTML error pages, deliberately broken JSON). */
  raw?: string;
}

export type RouteHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface Route {
  method: Method;
  /** A path pattern: literal segments and `:params`, e.g. `/api/v2/mobile-devices/:id/unmanage`. */
  path: string;
  handler: RouteHandler;
  /** The throttle scope this route counts against (ThrottleRule.scope). */
  scope?: string;
  /** Counts as a write for throttles and after-effect faults; default: any method but GET/HEAD/OPTIONS. */
  write?: boolean;
  /** Skips the `authenticate` hook (token endpoints, health checks). */
  public?: boolean;
  /** `false` exempts the route from fault injection. Default true. */
  faults?: boolean;
}

/** Builds the vendor's error body for a status, an error code and a message (Graph `{error:{code,message}}`, …). */
export type ErrorBodyFn = (status: number, code: string, message: string, req?: EmulatorRequest) => unknown;

/** The subset of pino's logger the kit calls. */
export interface KitLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function isWrite(route: Route): boolean {
  return route.write ?? !["GET", "HEAD", "OPTIONS"].includes(route.method);
}
