/** The first admin: the one-time link `ferry serve` prints (/setup?token=…) opens this page. */
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { api, messageOf, rememberCsrf } from "../api.ts";
import { Link, navigate } from "../router.tsx";
import type { Me } from "../types.ts";
import { Loading, Notice } from "../ui/index.tsx";

export function Setup() {
  // The token is read once and taken out of the address bar (and so out of history).
  const [token] = useState(() => new URLSearchParams(location.search).get("token") ?? "");
  const [needed, setNeeded] = useState<boolean | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  const ids = { user: useId(), name: useId(), pass: useId(), again: useId(), hint: useId() };

  useEffect(() => {
    document.title = "Create the first admin · Ferry";
    if (location.search) history.replaceState(null, "", "/setup");
    api.get<{ needed: boolean }>("/api/setup").then(
      (r) => setNeeded(r.needed),
      () => setNeeded(true),
    );
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get("password") ?? "");
    const fail = (message: string) => {
      setError(message);
      requestAnimationFrame(() => errorRef.current?.focus());
    };
    if (password.length < 12) return fail("The password needs 12 characters or more.");
    if (password !== String(form.get("again") ?? ""))
      return fail("The two passwords differ: type them again.");
    setBusy(true);
    setError(undefined);
    try {
      const displayName = String(form.get("displayName") ?? "").trim();
      const me = await api.post<Me>(
        "/api/setup",
        {
          token,
          username: String(form.get("username") ?? "").trim(),
          password,
          ...(displayName ? { displayName } : {}),
        },
        true,
      );
      rememberCsrf(me.csrfToken);
      navigate("/", { replace: true });
    } catch (err) {
      setBusy(false);
      fail(messageOf(err));
    }
  };

  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <p className="auth-brand">
          <span className="brand-mark" aria-hidden="true" /> Ferry
        </p>
        <h1>Create the first admin</h1>
        {needed === undefined ? <Loading /> : null}
        {needed === false ? (
          <Notice tone="info" title="An admin exists already">
            <p>
              This link is no longer needed. <Link to="/login">Sign in</Link> instead.
            </p>
          </Notice>
        ) : null}
        {needed && !token ? (
          <Notice tone="warn" title="The setup link is incomplete">
            <p>
              Open the whole link that <code>ferry serve</code> printed, including <code>?token=…</code>.
            </p>
          </Notice>
        ) : null}
        {needed && token ? (
          <>
            <p className="lead">
              This page works once. The account you create here is an admin: it can create the other accounts
              (operators, helpdesk, auditors) under Settings.
            </p>
            <div ref={errorRef} tabIndex={-1} role="alert" className="form-error">
              {error ? <p className="notice notice-danger">{error}</p> : null}
            </div>
            <form onSubmit={submit} className="stack">
              <div className="field">
                <label htmlFor={ids.user}>User name</label>
                <input id={ids.user} name="username" autoComplete="username" required autoCapitalize="none" />
              </div>
              <div className="field">
                <label htmlFor={ids.name}>Display name (optional)</label>
                <input id={ids.name} name="displayName" autoComplete="name" />
              </div>
              <div className="field">
                <label htmlFor={ids.pass}>Password</label>
                <input
                  id={ids.pass}
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  minLength={12}
                  required
                  aria-describedby={ids.hint}
                />
                <p className="hint" id={ids.hint}>
                  12 characters or more; a passphrase of a few words is easiest.
                </p>
              </div>
              <div className="field">
                <label htmlFor={ids.again}>Password again</label>
                <input
                  id={ids.again}
                  name="again"
                  type="password"
                  autoComplete="new-password"
                  minLength={12}
                  required
                />
              </div>
              <button type="submit" className="button button-primary button-wide" disabled={busy}>
                {busy ? "Creating…" : "Create admin and sign in"}
              </button>
            </form>
          </>
        ) : null}
      </main>
    </div>
  );
}
