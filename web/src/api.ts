/**
 * A small typed client for Ferry's API. Sessions ride on the HttpOnly `ferry_session`
 * cookie; every request that changes something echoes the `ferry_csrf` cookie in the
 * `x-csrf-token` header. The portal sends its link's token as `x-portal-token` instead.
 * Every failure becomes an `ApiError` carrying the API's `{ error: { code, message, field } }`.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** seconds, for 429 answers */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

const CSRF_COOKIE = "ferry_csrf";
let csrfFallback: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** The CSRF token of the current session: the cookie, or what /api/auth/me said. */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return csrfFallback;
}

export function rememberCsrf(token: string | undefined): void {
  csrfFallback = token;
}

/** Called when a signed-in request answers 401 (the session ended): the console shows sign-in. */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

interface Options {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** do not call the unauthenticated handler on a 401 (sign-in, setup, /me probes) */
  quiet401?: boolean;
}

async function call<T>(method: string, path: string, options: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") {
    const token = csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", "Ferry could not be reached. Check your connection and try again.");
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    const retry = Number(res.headers.get("retry-after") ?? "");
    const error = new ApiError(
      res.status,
      err?.code ?? (res.status >= 500 ? "internal" : "error"),
      err?.message ?? `The server answered ${res.status}.`,
      err?.field,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
    if (res.status === 401 && error.code === "unauthenticated" && !options.quiet401) onUnauthenticated?.();
    throw error;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal, quiet401 = false) =>
    call<T>("GET", path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}), quiet401 }),
  post: <T>(path: string, body?: unknown, quiet401 = false) =>
    call<T>("POST", path, { body: body ?? {}, quiet401 }),
  patch: <T>(path: string, body: unknown) => call<T>("PATCH", path, { body }),
  del: <T>(path: string) => call<T>("DELETE", path),
};

/** The portal's client: no account, the link's token in a header on every call. */
export function portalApi(token: string) {
  const headers = { "x-portal-token": token };
  return {
    get: <T>(path: string) => call<T>("GET", path, { headers, quiet401: true }),
    post: <T>(path: string, body?: unknown) =>
      call<T>("POST", path, { headers, body: body ?? {}, quiet401: true }),
  };
}

/** A message for a person: the API's own sentence, which names what to do. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfter)
      return `${error.message} Try again in ${Math.ceil(error.retryAfter / 60)} min.`;
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return "Something went wrong. Try again, and tell IT if it keeps happening.";
}
