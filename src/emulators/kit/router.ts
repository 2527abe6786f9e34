/** A minimal router: method + path pattern with `:params`, matched segment by segment. */
import type { Route } from "./types.ts";

interface Compiled {
  route: Route;
  segments: string[];
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

function split(path: string): string[] {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed.split("/").slice(1);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class Router {
  readonly #routes: Compiled[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map((route) => {
      if (!route.path.startsWith("/")) throw new Error(`route path must start with "/": ${route.path}`);
      return { route, segments: split(route.path) };
    });
  }

  /** The first route (in the order given) whose pattern and method match; a trailing slash is ignored. */
  match(method: string, path: string): RouteMatch {
    const parts = split(path);
    const allowed: string[] = [];
    for (const { route, segments } of this.#routes) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = segments.every((seg, i) => {
        const part = parts[i]!;
        if (seg.startsWith(":")) {
          params[seg.slice(1)] = decode(part);
          return part !== "";
        }
        return seg === decode(part);
      });
      if (!ok) continue;
      if (route.method === method) return { kind: "found", route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "none" };
  }
}
