/** Building responses in route handlers, and the error a handler throws to answer with the vendor's error shape. */
import type { EmulatorResponse } from "./types.ts";

/** Thrown from a handler or hook: answered with `errorBody(status, code, message)` and `headers`. */
export class EmulatorError extends Error {
  readonly kind = "EmulatorError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "EmulatorError";
  }
}

export function isEmulatorError(e: unknown): e is EmulatorError {
  return typeof e === "object" && e !== null && (e as { kind?: unknown }).kind === "EmulatorError";
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

/** 204 (or another bodiless status such as Graph's 202 for sendMail). */
export function noContent(status = 204, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers };
}

export function text(raw: string, status = 200, contentType = "text/plain; charset=utf-8"): EmulatorResponse {
  return { status, raw, headers: { "content-type": contentType } };
}
