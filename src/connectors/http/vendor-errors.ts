/**
 * Reads a code and a human message out of the error bodies the vendors send
 * (vendor-apis.md), so an HttpError says what the server said rather than "Bad Request".
 */

export interface ErrorDetail {
  code?: string;
  message?: string;
}

const MAX_MESSAGE = 500;

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : undefined;
}

/**
 * Intune's `error.message` is itself JSON (`{"_version":3,"Message":"… - Operation ID …"}`),
 * sometimes wrapped once more (`{"ErrorCode":"Forbidden","Message":"{…}"}`), §A9. Unwraps up
 * to three levels and drops the support trailer.
 */
function unwrapIntune(message: string): { code?: string; message: string } {
  let text = message;
  let code: string | undefined;
  for (let i = 0; i < 3 && text.startsWith("{"); i++) {
    let inner: Json | undefined;
    try {
      inner = obj(JSON.parse(text));
    } catch {
      break;
    }
    const next = str(inner?.Message) ?? str(inner?.message);
    if (!next) break;
    code ??= str(inner?.ErrorCode);
    text = next;
  }
  const cut = text.indexOf(" - Operation ID");
  return { code, message: cut > 0 ? text.slice(0, cut) : text };
}

function fromJson(body: Json): ErrorDetail {
  const error = body.error;
  const graph = obj(error);
  if (graph) {
    // Microsoft Graph: {error:{code, message, innerError}}
    const inner = unwrapIntune(str(graph.message) ?? "");
    return { code: str(graph.code) ?? inner.code, message: inner.message || undefined };
  }
  if (typeof error === "string") {
    // OAuth 2.0 token endpoints: {error, error_description}
    return { code: error, message: str(body.error_description) };
  }
  const errors = body.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    // Jamf Pro API: {httpStatus, errors:[{code, field, description}]}
    const first = obj(errors[0]) ?? {};
    return { code: str(first.code), message: str(first.description) ?? str(first.message) };
  }
  const fieldErrors = obj(errors)?.fieldErrors;
  if (Array.isArray(fieldErrors) && fieldErrors.length > 0) {
    // Ivanti Neurons: {errors:{fieldErrors:[{code, message, field}]}}
    const first = obj(fieldErrors[0]) ?? {};
    const field = str(first.field);
    const message = str(first.message);
    return { code: str(first.code), message: field && message ? `${field} ${message}` : message };
  }
  // Workspace ONE: {errorCode, message, activityId}; anything else with a message-ish field.
  return {
    code: str(body.errorCode) ?? str(body.code),
    message: str(body.message) ?? str(body.errorDesc) ?? str(body.detail) ?? str(body.title),
  };
}

function fromText(text: string): ErrorDetail {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return { message: plain || undefined };
}

/** The vendor's code and message from an error body (parsed JSON or text); fields are absent when unknown. */
export function describeErrorBody(body: unknown): ErrorDetail {
  const found = typeof body === "string" ? fromText(body) : obj(body) ? fromJson(obj(body)!) : {};
  if (found.message && found.message.length > MAX_MESSAGE) {
    found.message = `${found.message.slice(0, MAX_MESSAGE)}…`;
  }
  if (found.code === undefined) delete found.code;
  if (found.message === undefined) delete found.message;
  return found;
}
