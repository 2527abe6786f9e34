/** A tiny client-side router on the History API: the server answers every console path with index.html. */
import { type AnchorHTMLAttributes, type MouseEvent, useCallback, useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
window.addEventListener("popstate", notify);

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => `${location.pathname}${location.search}`;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
}

export interface Location {
  path: string;
  search: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const q = href.indexOf("?");
  return {
    path: q === -1 ? href : href.slice(0, q),
    search: new URLSearchParams(q === -1 ? "" : href.slice(q + 1)),
  };
}

/**
 * List state kept in the query string (filters, search, page), so Back, reload and a shared
 * link show the same rows. Setting a value to "" removes it; changing a filter resets the page.
 */
export function useQueryState(): [
  URLSearchParams,
  (changes: Record<string, string | number | undefined>) => void,
] {
  const { path, search } = useLocation();
  const set = useCallback(
    (changes: Record<string, string | number | undefined>) => {
      const next = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === "") next.delete(k);
        else next.set(k, String(v));
      }
      if (!("page" in changes)) next.delete("page");
      const s = next.toString();
      navigate(s ? `${path}?${s}` : path, { replace: true });
    },
    [path],
  );
  return [search, set];
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
