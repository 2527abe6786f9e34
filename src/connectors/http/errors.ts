/**
 * The errors the HTTP pipeline throws. Each carries a `kind` brand, so callers test
 * `isHttpError(e)` rather than `instanceof` (which fails when two copies of a module load),
 * and a message written for a helpdesk, not for a developer.
 */

/** A request that failed for good: a non-success status, a network failure or a malformed body. */
export class HttpError extends Error {
  readonly kind = "HttpError";
  /** The HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  /** The vendor's error code when it sent one (`Authorization_RequestDenied`), else ours: `http_403`, `ECONNRESET`, `timeout`, `malformed_json`. */
  readonly code: string;
  /** The server's request id (`request-id`, `x-request-id`) when it sent one, else our `client-request-id`. */
  readonly requestId: string;
  /** How many times the request was sent. */
  readonly attempts: number;
  /** The parsed error body (JSON or text), as the server sent it. Never logged unredacted. */
  readonly body: unknown;
  readonly method: string;
  /** The path relative to the client's base URL, without the query. */
  readonly path: string;

  constructor(init: {
    message: string;
    status: number;
    code: string;
    requestId: string;
    attempts: number;
    body?: unknown;
    method: string;
    path: string;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "HttpError";
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.attempts = init.attempts;
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
  }
}

/**
 * A token could not be obtained. `code` is the OAuth error (`invalid_client`, `invalid_scope`)
 * or ours (`network`, `http_503`, `bad_token_response`). Only a `retryable` one (the token
 * endpoint was unreachable or overloaded) is ever retried; a refused credential never is.
 */
export class AuthError extends Error {
  readonly kind = "AuthError";
  readonly code: string;
  readonly description: string;
  /** The token endpoint's status, or 0 when it could not be reached. */
  readonly status: number;
  readonly retryable: boolean;

  constructor(init: {
    endpoint: string;
    code: string;
    description: string;
    status: number;
    retryable: boolean;
    cause?: unknown;
  }) {
    const detail = init.description ? `${init.code}: ${init.description}` : init.code;
    super(
      `Token request to ${init.endpoint} failed: ${detail}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = "AuthError";
    this.code = init.code;
    this.description = init.description;
    this.status = init.status;
    this.retryable = init.retryable;
  }
}

/** A paged listing that cannot be trusted to end (a repeated link, a repeated page, too many pages). */
export class PagingError extends Error {
  readonly kind = "PagingError";
  constructor(message: string) {
    super(message);
    this.name = "PagingError";
  }
}

function hasKind(e: unknown, kind: string): boolean {
  return typeof e === "object" && e !== null && (e as { kind?: unknown }).kind === kind;
}

export function isHttpError(e: unknown): e is HttpError {
  return hasKind(e, "HttpError");
}

export function isAuthError(e: unknown): e is AuthError {
  return hasKind(e, "AuthError");
}

export function isPagingError(e: unknown): e is PagingError {
  return hasKind(e, "PagingError");
}
