/** Turning the final outcome of a request into an HttpError whose message a helpdesk can read. */
import { STATUS_CODES } from "node:http";
import type { Call } from "./client.ts";
import { HttpError } from "./errors.ts";
import type { AttemptOutcome } from "./retry.ts";
import { describeErrorBody } from "./vendor-errors.ts";

/**
 * E.g. "Intune returned 403 Forbidden for GET /deviceManagement/managedDevices: Application is
 * not authorized … (request-id …)"; "Jamf Pro did not answer POST /x: connection refused; gave
 * up after 3 attempts (client-request-id …)".
 */
export function toHttpError(
  service: string,
  call: Pick<Call, "method" | "path" | "clientRequestId">,
  outcome: Exclude<AttemptOutcome, { kind: "auth" }>,
  requestId: string,
  attempts: number,
  why: string,
): HttpError {
  const idLabel = requestId === call.clientRequestId ? "client-request-id" : "request-id";
  const tail = `${why ? `; ${why}` : ""} (${idLabel} ${requestId})`;
  const common = { requestId, attempts, method: call.method, path: call.path };
  const where = `${call.method} ${call.path}`;
  switch (outcome.kind) {
    case "status": {
      const { code, message } = describeErrorBody(outcome.body);
      const reason = STATUS_CODES[outcome.status] ?? "";
      return new HttpError({
        ...common,
        status: outcome.status,
        code: code ?? `http_${outcome.status}`,
        body: outcome.body,
        message: `${service} returned ${outcome.status} ${reason} for ${where}${message ? `: ${message}` : ""}${tail}`,
      });
    }
    case "malformed":
      return new HttpError({
        ...common,
        status: outcome.status,
        code: "malformed_json",
        message: `${service} returned a malformed JSON body (status ${outcome.status}) for ${where}${tail}`,
      });
    case "network":
      return new HttpError({
        ...common,
        status: 0,
        code: outcome.failure.code,
        message: `${service} did not answer ${where}: ${outcome.failure.description}${tail}`,
      });
  }
}

/** A few words for a retry log line. */
export function describeOutcome(o: AttemptOutcome): string {
  switch (o.kind) {
    case "status":
      return `status ${o.status}`;
    case "malformed":
      return `malformed JSON (status ${o.status})`;
    case "network":
      return o.failure.code;
    case "auth":
      return `token: ${o.error.code}`;
  }
}
