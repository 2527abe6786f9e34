/**
 * Logging for the pipeline: a pino-compatible `Logger` port, and the redaction every logged
 * value passes through. Authorization headers are never logged; any field whose name says
 * secret, password, token, assertion, key or cookie is replaced, at any depth, in bodies and
 * in query strings alike.
 */

/** The subset of pino's logger the pipeline calls: an object first, then an optional message. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const REDACTED = "[redacted]";

const SENSITIVE =
  /secret|password|passwd|token|authorization|assertion|api[-_]?key|tenant[-_]?code|cookie|credential/i;

/** True for a field or header name whose value must never be logged. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE.test(name);
}

/** A copy of `value` with every sensitive field's value replaced; depth-limited, cycle-safe. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth > 8 || seen.has(value)) return "[…]";
  seen.add(value);
  if (value instanceof URLSearchParams) return redactQuery(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSensitiveName(k) ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}

/** A query string with sensitive values replaced by `[redacted]` (for reading, not for sending). */
export function redactQuery(params: URLSearchParams): string {
  const parts: string[] = [];
  for (const [k, v] of params) {
    const key = encodeURIComponent(k).replace(/%24/g, "$");
    parts.push(`${key}=${isSensitiveName(k) ? REDACTED : encodeURIComponent(v)}`);
  }
  return parts.join("&");
}

/** Text bodies are cut to this many characters before logging. */
const MAX_LOGGED_TEXT = 2000;

/** A body as it may appear in a log: redacted JSON, or text cut short with secrets masked. */
export function loggableBody(body: unknown): unknown {
  if (typeof body === "string") {
    const masked = body.replace(
      /("?[\w-]*(?:secret|password|token|assertion)[\w-]*"?\s*[:=]\s*)("[^"]*"|[^&\s,}]+)/gi,
      `$1${REDACTED}`,
    );
    return masked.length > MAX_LOGGED_TEXT ? `${masked.slice(0, MAX_LOGGED_TEXT)}…` : masked;
  }
  return redact(body);
}
