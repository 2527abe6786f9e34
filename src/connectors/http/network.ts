/**
 * What went wrong when no usable response arrived. undici's fetch reports every transport
 * failure as `TypeError("fetch failed")` (before the headers) or `TypeError("terminated")`
 * (while reading the body), with the socket error as its `cause`.
 */

export interface NetworkFailure {
  /** `ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`, `timeout`, … */
  code: string;
  /** Nothing reached the server (connection refused, DNS, connect timeout): safe to resend even a POST. */
  notSent: boolean;
  /** A short phrase for messages: "connection reset", "timed out after 30000 ms". */
  description: string;
}

const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "EHOSTUNREACH",
]);

const PHRASES: Record<string, string> = {
  ECONNRESET: "connection reset",
  ECONNREFUSED: "connection refused",
  UND_ERR_SOCKET: "connection closed by the server",
  EPIPE: "connection closed by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  UND_ERR_BODY_TIMEOUT: "response body stalled",
  EHOSTUNREACH: "host unreachable",
};

function codeOf(e: unknown): string | undefined {
  for (let cur = e, i = 0; cur && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
  }
  return undefined;
}

/**
 * Classifies an error thrown by `fetch` or by reading its body as a network failure, or
 * returns undefined for anything else (a bug, which must not be retried).
 * `timedOut` says whether the client's own per-attempt timeout fired.
 */
export function classifyNetworkError(
  e: unknown,
  timedOut: boolean,
  timeoutMs: number,
): NetworkFailure | undefined {
  if (timedOut) return { code: "timeout", notSent: false, description: `timed out after ${timeoutMs} ms` };
  const isFetchFailure =
    e instanceof TypeError && (e.message === "fetch failed" || e.message === "terminated");
  const code = codeOf(e);
  if (!isFetchFailure && !(code && code in PHRASES)) return undefined;
  const c = code ?? "network_error";
  return { code: c, notSent: NOT_SENT.has(c), description: PHRASES[c] ?? `network error (${c})` };
}
