/** Sign-in: user name and password, or the organisation's OpenID Connect provider when configured. */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { api, messageOf, rememberCsrf } from "../api.ts";
import { navigate, useLocation } from "../router.tsx";
import type { AuthConfig, Me } from "../types.ts";
import { Notice } from "../ui/index.tsx";
import { homeOf } from "./session.ts";

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string | undefined {
  return next?.startsWith("/") && !next.startsWith("//") ? next : undefined;
}

export function Login() {
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const [config, setConfig] = useState<AuthConfig | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const ids = { user: useId(), pass: useId(), err: useId() };

  useEffect(() => {
    document.title = "Sign in · Ferry";
    api.get<AuthConfig>("/api/auth/config").then(setConfig, () => undefined);
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const me = await api.post<Me>(
        "/api/auth/login",
        { username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") },
        true,
      );
      rememberCsrf(me.csrfToken);
      navigate(next ?? homeOf(me), { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
      requestAnimationFrame(() => errorRef.current?.focus());
    }
  };

  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <p className="auth-brand">
          <span className="brand-mark" aria-hidden="true" /> Ferry
        </p>
        <h1>Sign in</h1>
        <p className="lead">Migration console for admins, operators, auditors and the helpdesk.</p>
        {config?.setupNeeded ? (
          <Notice tone="warn" title="No admin account yet">
            <p>
              Open the one-time setup link that <code>ferry serve</code> printed when it started (it looks
              like <code>/setup?token=…</code>).
            </p>
          </Notice>
        ) : null}
        <div ref={errorRef} tabIndex={-1} id={ids.err} role="alert" className="form-error">
          {error ? <p className="notice notice-danger">{error}</p> : null}
        </div>
        <form onSubmit={submit} className="stack" aria-describedby={error ? ids.err : undefined}>
          <div className="field">
            <label htmlFor={ids.user}>User name</label>
            <input id={ids.user} name="username" autoComplete="username" required autoCapitalize="none" />
          </div>
          <div className="field">
            <label htmlFor={ids.pass}>Password</label>
            <input id={ids.pass} name="password" type="password" autoComplete="current-password" required />
          </div>
          <button type="submit" className="button button-primary button-wide" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        {config?.oidc ? (
          <>
            <p className="or">or</p>
            <a
              className="button button-wide"
              href={`${config.oidc.loginUrl}?returnTo=${encodeURIComponent(next ?? "/")}`}
            >
              {config.oidc.displayName}
            </a>
          </>
        ) : null}
      </main>
    </div>
  );
}
