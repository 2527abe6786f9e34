/**
 * The signed-in console: sign-in and first-admin pages, then one shell (header, navigation by
 * permission, main) around the admin, operator, auditor and helpdesk screens.
 */
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { api, rememberCsrf, setUnauthenticatedHandler } from "../api.ts";
import { Link, navigate, useLocation } from "../router.tsx";
import type { Me, Permission } from "../types.ts";
import { LoadError, Loading } from "../ui/index.tsx";
import { Access } from "./Access.tsx";
import { AgedList } from "./AgedList.tsx";
import { Audit } from "./Audit.tsx";
import { Devices } from "./Devices.tsx";
import { Helpdesk } from "./Helpdesk.tsx";
import { Login } from "./Login.tsx";
import { Overview } from "./Overview.tsx";
import { People } from "./People.tsx";
import { PersonPage } from "./PersonPage.tsx";
import { Readiness } from "./Readiness.tsx";
import { Retirement } from "./Retirement.tsx";
import { SettingsPage } from "./Settings.tsx";
import { Setup } from "./Setup.tsx";
import { homeOf, SessionContext } from "./session.ts";
import { Templates } from "./Templates.tsx";
import { WaveDetailPage } from "./WaveDetail.tsx";
import { Waves } from "./Waves.tsx";

interface Route {
  pattern: string;
  permission: Permission;
  render: (params: Record<string, string>) => ReactNode;
  nav?: { label: string; group: string };
}

const ROUTES: Route[] = [
  {
    pattern: "/",
    permission: "dashboard.read",
    render: () => <Overview />,
    nav: { label: "Overview", group: "Migration" },
  },
  {
    pattern: "/waves",
    permission: "waves.read",
    render: () => <Waves />,
    nav: { label: "Waves", group: "Migration" },
  },
  { pattern: "/waves/:id", permission: "waves.read", render: (p) => <WaveDetailPage id={p.id!} /> },
  {
    pattern: "/access",
    permission: "access.read",
    render: () => <Access />,
    nav: { label: "Conditional access", group: "Migration" },
  },
  {
    pattern: "/readiness",
    permission: "readiness.read",
    render: () => <Readiness />,
    nav: { label: "Readiness", group: "Migration" },
  },
  {
    pattern: "/retirement",
    permission: "retirement.read",
    render: () => <Retirement />,
    nav: { label: "Retirement", group: "Migration" },
  },
  {
    pattern: "/helpdesk",
    permission: "people.read",
    render: () => <Helpdesk />,
    nav: { label: "Helpdesk", group: "People and devices" },
  },
  { pattern: "/helpdesk/people/:id", permission: "people.read", render: (p) => <PersonPage id={p.id!} /> },
  {
    pattern: "/people",
    permission: "people.read",
    render: () => <People />,
    nav: { label: "People", group: "People and devices" },
  },
  {
    pattern: "/devices",
    permission: "devices.read",
    render: () => <Devices />,
    nav: { label: "Devices", group: "People and devices" },
  },
  {
    pattern: "/limbo",
    permission: "devices.read",
    render: () => <AgedList kind="limbo" />,
    nav: { label: "Limbo", group: "People and devices" },
  },
  {
    pattern: "/in-both",
    permission: "devices.read",
    render: () => <AgedList kind="in-both" />,
    nav: { label: "In both products", group: "People and devices" },
  },
  {
    pattern: "/audit",
    permission: "audit.read",
    render: () => <Audit />,
    nav: { label: "Audit log", group: "Administration" },
  },
  {
    pattern: "/settings",
    permission: "settings.read",
    render: () => <SettingsPage />,
    nav: { label: "Settings", group: "Administration" },
  },
  {
    pattern: "/settings/templates",
    permission: "templates.read",
    render: () => <Templates />,
    nav: { label: "E-mail templates", group: "Administration" },
  },
];

function match(pattern: string, path: string): Record<string, string> | undefined {
  const a = pattern.split("/").filter(Boolean);
  const b = path.split("/").filter(Boolean);
  if (a.length !== b.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const v = b[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return undefined;
  }
  return params;
}

export default function Console() {
  const { path } = useLocation();
  if (path === "/login") return <Login />;
  if (path === "/setup") return <Setup />;
  return <SignedIn />;
}

function SignedIn() {
  const { path, search } = useLocation();
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);

  const toLogin = useCallback(() => {
    const here = `${location.pathname}${location.search}`;
    navigate(`/login${here === "/" ? "" : `?next=${encodeURIComponent(here)}`}`, { replace: true });
  }, []);

  const load = useCallback(() => {
    setError(undefined);
    api.get<Me>("/api/auth/me", undefined, undefined, true).then(
      (m) => {
        rememberCsrf(m.csrfToken);
        setMe(m);
      },
      (e: { status?: number }) => {
        if (e.status === 401) toLogin();
        else setError(e);
      },
    );
  }, [toLogin]);

  useEffect(() => {
    load();
    setUnauthenticatedHandler(toLogin);
    return () => setUnauthenticatedHandler(undefined);
  }, [load, toLogin]);

  if (error)
    return (
      <main className="centered" id="main">
        <h1>Ferry</h1>
        <LoadError error={error} onRetry={load} />
      </main>
    );
  if (!me)
    return (
      <main className="centered" id="main">
        <Loading what="Signing in" />
      </main>
    );
  return <Shell me={me} path={path} search={search} />;
}

function Shell({ me, path }: { me: Me; path: string; search: URLSearchParams }) {
  const can = useCallback((p: Permission) => me.permissions.includes(p), [me]);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a navigation, focus the new page's heading so keyboard and screen-reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every path change
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // A page may name the control its users start with (the helpdesk's search box).
    const target = mainRef.current?.querySelector("[data-autofocus]") ?? mainRef.current?.querySelector("h1");
    if (target instanceof HTMLElement) target.focus();
    else mainRef.current?.focus();
  }, [path]);

  let found: { route: Route; params: Record<string, string> } | undefined;
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params) {
      found = { route, params };
      break;
    }
  }
  useEffect(() => {
    if (path === "/" && !can("dashboard.read")) navigate("/helpdesk", { replace: true });
  }, [path, can]);

  const signOut = async () => {
    try {
      await api.post("/api/auth/logout");
    } catch {
      // the session may have ended already: go to sign-in either way
    }
    rememberCsrf(undefined);
    navigate("/login", { replace: true });
  };

  const groups = new Map<string, Route[]>();
  for (const r of ROUTES) {
    if (!r.nav || !can(r.permission)) continue;
    const list = groups.get(r.nav.group) ?? [];
    list.push(r);
    groups.set(r.nav.group, list);
  }
  // The most specific entry is current: /settings/templates is Templates, not Settings as well.
  const under = (pattern: string) =>
    pattern === "/" ? path === "/" : path === pattern || path.startsWith(`${pattern}/`);
  const best = ROUTES.filter((r) => r.nav && under(r.pattern))
    .map((r) => r.pattern)
    .sort((a, b) => b.length - a.length)[0];
  const current = (pattern: string) => pattern === best;

  let content: ReactNode;
  if (!found)
    content = (
      <div>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>
          There is no page at <code>{path}</code>. <Link to={homeOf(me)}>Go to the start page</Link>.
        </p>
      </div>
    );
  else if (!can(found.route.permission))
    content = (
      <div>
        <h1 tabIndex={-1}>Not available to your role</h1>
        <p>
          The {me.role} role cannot open this page. <Link to={homeOf(me)}>Go to the start page</Link>.
        </p>
      </div>
    );
  else content = found.route.render(found.params);

  return (
    <SessionContext.Provider value={{ me, can }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={homeOf(me)} className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Ferry
        </Link>
        <div className="topbar-user">
          <span>
            <span className="visually-hidden">Signed in as </span>
            {me.displayName} <span className="role-tag">{me.role}</span>
          </span>
          <button type="button" className="button button-quiet-dark" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        <nav className="sidenav" aria-label="Console">
          {[...groups.entries()].map(([group, routes]) => (
            <div key={group} className="nav-group">
              <p className="nav-group-title" id={`nav-${group.replace(/\W+/g, "-")}`}>
                {group}
              </p>
              <ul aria-labelledby={`nav-${group.replace(/\W+/g, "-")}`}>
                {routes.map((r) => (
                  <li key={r.pattern}>
                    <Link to={r.pattern} aria-current={current(r.pattern) ? "page" : undefined}>
                      {r.nav!.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1}>
          {content}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
