/**
 * Graph's error shapes (vendor-apis.md §A9): `{"error":{"code","message","innerError":{"date",
 * "request-id","client-request-id"}}}`, and Intune's quirk of a message that is itself JSON.
 */
import type { Clock } from "../../core/time.ts";
import { EmulatorError, type EmulatorRequest, type ErrorBodyFn } from "../kit/index.ts";
import { innerErrorDate } from "./ids.ts";

function header(req: EmulatorRequest | undefined, name: string): string | undefined {
  const v = req?.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The kit's error-body hook for Graph. */
export function graphErrorBody(clock: Clock): ErrorBodyFn {
  return (_status, code, message, req) => ({
    error: {
      code,
      message,
      innerError: {
        date: innerErrorDate(clock.now()),
        "request-id": req?.requestId ?? "",
        "client-request-id": header(req, "client-request-id") ?? req?.requestId ?? "",
      },
    },
  });
}

/** How Intune's front end wraps a message: a JSON string with a support trailer. */
export function intuneMessage(text: string, requestId: string, path: string): string {
  return JSON.stringify({
    _version: 3,
    Message: `${text} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${requestId} - Url: https://fef.msua06.manage.microsoft.com/DeviceFE/StatelessDeviceFEService${path.replace(/^\/v1\.0/, "")}?api-version=2025-09-01`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  });
}

export type IntuneErrorStyle = "plain" | "unknown-error";

/**
 * An Intune error: `code` with the nested JSON message, or (style `unknown-error`, which some
 * endpoints answer with) `UnknownError` around `{"ErrorCode":code,"Message":"{…}"}`.
 */
export function intuneError(
  status: number,
  code: string,
  text: string,
  req: EmulatorRequest,
  style: IntuneErrorStyle = "plain",
  headers: Record<string, string> = {},
): EmulatorError {
  const nested = intuneMessage(text, req.requestId, req.path);
  if (style === "unknown-error") {
    return new EmulatorError(
      status,
      "UnknownError",
      JSON.stringify({ ErrorCode: code, Message: nested, Target: null, Arguments: null }),
      headers,
    );
  }
  return new EmulatorError(status, code, nested, headers);
}

export function badRequest(message: string, code = "BadRequest"): EmulatorError {
  return new EmulatorError(400, code, message);
}

/** Directory objects (users, groups, `$ref`) that do not exist. */
export function directoryNotFound(id: string): EmulatorError {
  return new EmulatorError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
