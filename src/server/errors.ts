/**
 * One error shape for every API response that is not a success:
 * `{ "error": { "code": "…", "message": "…", "field"?: "body.days" } }`. Bad input is always a
 * 4xx naming what was wrong; only Ferry's own faults are 5xx, and those never echo internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { WaveError } from "../engine/waves.ts";

export type ErrorCode =
  | "bad-request"
  | "unauthenticated"
  | "forbidden"
  | "csrf"
  | "not-found"
  | "conflict"
  | "rate-limited"
  | "link-expired"
  | "link-revoked"
  | "link-invalid"
  | "unsupported-media-type"
  | "payload-too-large"
  | "unavailable"
  | "internal";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) =>
  new ApiError(400, "bad-request", message, field);
export const notFound = (message: string) => new ApiError(404, "not-found", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const forbidden = (message = "your role does not allow this") =>
  new ApiError(403, "forbidden", message);
export const unauthenticated = (message = "sign in first") => new ApiError(401, "unauthenticated", message);

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "body/days must be >= 1" → field "body.days", message naming it in words a person can act on. */
function describeValidation(error: FastifyError): { field: string; message: string } {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue;
  const context =
    error.validationContext === "querystring" ? "query" : (error.validationContext ?? "request");
  const path = (issue.instancePath ?? "").split("/").filter(Boolean);
  const missing = issue.params?.missingProperty;
  if (issue.keyword === "required" && typeof missing === "string") path.push(missing);
  const extra = issue.params?.additionalProperty;
  if (issue.keyword === "additionalProperties" && typeof extra === "string") path.push(extra);
  const field = [context, ...path].join(".");
  let detail = issue.message ?? "is not valid";
  if (issue.keyword === "required") detail = "is required";
  else if (issue.keyword === "additionalProperties") detail = "is not a known field";
  else if (issue.keyword === "enum" && Array.isArray(issue.params?.allowedValues))
    detail = `must be one of ${(issue.params.allowedValues as unknown[]).join(", ")}`;
  return { field, message: `${field} ${detail}` };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

export function toResponse(error: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  if (error instanceof ApiError)
    return {
      status: error.status,
      body: errorBody(error.code, error.message, error.field),
      headers: error.headers,
    };
  // The engine refuses operations the current state does not allow (wave started, already asked…).
  if (error instanceof WaveError)
    return { status: 409, body: errorBody("conflict", error.message), headers: {} };
  const e = error as FastifyError;
  if (e?.validation) {
    const { field, message } = describeValidation(e);
    return { status: 400, body: errorBody("bad-request", message, field), headers: {} };
  }
  const status = typeof e?.statusCode === "number" ? e.statusCode : 500;
  if (status === 415) return { status, body: errorBody("unsupported-media-type", e.message), headers: {} };
  if (status === 413) return { status, body: errorBody("payload-too-large", e.message), headers: {} };
  if (status >= 400 && status < 500) {
    const code = status === 404 ? "not-found" : status === 401 ? "unauthenticated" : "bad-request";
    return { status, body: errorBody(code, e.message || "bad request"), headers: {} };
  }
  return {
    status: 500,
    body: errorBody("internal", "Ferry hit an internal error; the server log has the details."),
    headers: {},
  };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, headers } = toResponse(error);
  if (status >= 500) request.log.error({ err: error }, "request failed");
  else request.log.info({ code: body.error.code, status }, body.error.message);
  return reply.status(status).headers(headers).send(body);
}
