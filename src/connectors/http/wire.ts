/** Turning a request into URL and bytes, and response bytes back into a value. */

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];
/** Query parameters; `undefined`/`null` are left out, arrays repeat the key (Jamf's `section=A&section=B`). */
export type Query = Record<string, QueryValue>;

/** Keys keep a literal `$` (`$filter`, `$top`), which reads better in logs and Graph accepts either way. */
function encode(k: string, v: string | number | boolean): string {
  return `${encodeURIComponent(k).replace(/%24/g, "$")}=${encodeURIComponent(String(v))}`;
}

export function encodeQuery(query: Query | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) parts.push(encode(k, item));
    else parts.push(encode(k, v as string | number | boolean));
  }
  return parts.join("&");
}

/**
 * The URL for `path`: joined to the base URL (keeping its path, e.g. `/v1.0`), or used as
 * given when absolute (a `@odata.nextLink`), provided its origin is the base URL's or one of
 * `allowedOrigins`. Credentials are never sent to an origin nobody configured.
 */
export function resolveUrl(
  base: URL,
  path: string,
  query: Query | undefined,
  allowedOrigins: ReadonlySet<string>,
): URL {
  let url: URL;
  if (/^https?:\/\//i.test(path)) {
    url = new URL(path);
    if (url.origin !== base.origin && !allowedOrigins.has(url.origin)) {
      throw new Error(
        `refusing to send a request to ${url.origin}: not the client's base URL (${base.origin})`,
      );
    }
  } else {
    url = new URL(base.href.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`));
  }
  const extra = encodeQuery(query);
  if (extra) url.search = url.search ? `${url.search}&${extra}` : `?${extra}`;
  return url;
}

/** The body to send and the content type it implies: JSON for values, form for URLSearchParams, strings verbatim. */
export function encodeBody(body: unknown): { data?: string | URLSearchParams; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams)
    return { data: body, contentType: "application/x-www-form-urlencoded" };
  if (typeof body === "string") return { data: body, contentType: "text/plain; charset=utf-8" };
  return { data: JSON.stringify(body), contentType: "application/json" };
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON when the content type says so (`application/json`, `…+json`, OData variants), else text; empty → undefined. */
export function parseBody(text: string, contentType: string | null): ParsedBody {
  if (text.trim() === "") return { ok: true, value: undefined };
  if (!contentType || !/[/+]json\b/i.test(contentType)) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** The path a message or log shows: relative to the base URL when under it, else the full pathname. */
export function displayPath(base: URL, url: URL): string {
  const basePath = base.pathname.replace(/\/+$/, "");
  if (url.origin === base.origin && basePath && url.pathname.startsWith(`${basePath}/`)) {
    return url.pathname.slice(basePath.length);
  }
  return url.pathname;
}
