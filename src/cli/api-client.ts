/**
 * The CLI's way into a running Ferry (`--server` / FERRY_SERVER): the HTTP API with the API
 * token from FERRY_TOKEN. Every failure becomes one line an admin can act on; only GETs are
 * retried, because a POST that timed out may have been carried out already.
 */
import { CliError } from "./format.ts";

export interface ApiClientOptions {
  /** e.g. https://ferry.example.com (a trailing slash is fine) */
  url: string;
  /** the API token (ferry_…); undefined lets the server answer 401 with our message */
  token: string | undefined;
  /** GET attempts after the first, on a connection failure or a 502/503/504 */
  retries?: number;
  /** ms before the first retry; doubled each time */
  retryDelay?: number;
  /** ms before a request is given up */
  timeout?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

interface ErrorBody {
  error?: { code?: string; message?: string };
}

const RETRYABLE = new Set([502, 503, 504]);

export class ApiClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #retries: number;
  readonly #retryDelay: number;
  readonly #timeout: number;

  constructor(options: ApiClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#retries = options.retries ?? 2;
    this.#retryDelay = options.retryDelay ?? 300;
    this.#timeout = options.timeout ?? 60_000;
  }

  /** `action` completes "your token's role (…) may not …", e.g. "read waves". */
  async get<T>(path: string, action: string, query: Query = {}): Promise<T> {
    const qs = Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");
    const target = qs ? `${path}?${qs}` : path;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.#retries;
      let res: Response;
      try {
        res = await this.#send("GET", target);
      } catch (error) {
        if (last) throw this.#unreachable(error);
        await sleep(this.#retryDelay * 2 ** attempt);
        continue;
      }
      if (RETRYABLE.has(res.status) && !last) {
        await res.body?.cancel();
        await sleep(this.#retryDelay * 2 ** attempt);
        continue;
      }
      return this.#read<T>(res, action);
    }
  }

  post<T>(path: string, action: string, body: unknown = {}): Promise<T> {
    return this.#once<T>("POST", path, action, body);
  }

  patch<T>(path: string, action: string, body: unknown): Promise<T> {
    return this.#once<T>("PATCH", path, action, body);
  }

  /** Every page of a paged list (`{ items, total }`), in order. */
  async all<T>(path: string, action: string, query: Query = {}): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const r = await this.get<{ items: T[]; total: number }>(path, action, {
        ...query,
        page,
        pageSize: 500,
      });
      out.push(...r.items);
      if (r.items.length === 0 || out.length >= r.total) return out;
    }
  }

  async #once<T>(method: string, path: string, action: string, body: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.#send(method, path, body);
    } catch (error) {
      throw this.#unreachable(error);
    }
    return this.#read<T>(res, action);
  }

  #send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      redirect: "error",
      signal: AbortSignal.timeout(this.#timeout),
    });
  }

  async #read<T>(res: Response, action: string): Promise<T> {
    const text = await res.text();
    if (res.ok) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new CliError(`${this.url} did not answer with JSON: is it a Ferry server?`);
      }
    }
    let message = "";
    try {
      message = (JSON.parse(text) as ErrorBody).error?.message ?? "";
    } catch {
      // not Ferry's error shape (a proxy's page, say): the status alone has to do
    }
    if (res.status === 401) throw new CliError(`FERRY_TOKEN is missing or not accepted by ${this.url}`);
    if (res.status === 403) throw new CliError(`your token's role (${await this.#role()}) may not ${action}`);
    // Fastify's "no route GET /api/…": a server older than this CLI, or a URL that is not Ferry.
    if (res.status === 404 && message.startsWith("no route"))
      throw new CliError(`${this.url} has no such route (${message}): is it a Ferry of the same version?`);
    if (res.status < 500) throw new CliError(message || `${this.url} refused the request (${res.status})`);
    throw new CliError(
      `Ferry at ${this.url} failed (${res.status}${message ? `: ${message}` : ""}); see the server's log`,
    );
  }

  /** The caller's role, for a 403 that should say which role was refused. */
  async #role(): Promise<string> {
    try {
      const res = await this.#send("GET", "/api/auth/me");
      if (!res.ok) return "unknown";
      return ((await res.json()) as { role?: string }).role ?? "unknown";
    } catch {
      return "unknown";
    }
  }

  #unreachable(error: unknown): CliError {
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const why =
      e.name === "TimeoutError"
        ? `no answer within ${this.#timeout / 1000} s`
        : (e.cause?.message ?? e.cause?.code ?? e.message ?? String(error));
    return new CliError(`cannot reach Ferry at ${this.url}: ${why}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
