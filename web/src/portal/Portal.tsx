/**
 * The personal portal: one person, opened from the signed link in their e-mail
 * (/portal#fp1.…), often on a phone that cannot read mail right now. Each device, where it
 * stands, the exact next steps; "check again"; "please retire my old enrollment"; how to
 * reach the helpdesk. The token stays in the fragment (never sent to a server log) and goes
 * to the API as the x-portal-token header.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, messageOf, portalApi } from "../api.ts";
import { fmtDate, fmtDateTime } from "../format.ts";
import type { PortalDevice, PortalView } from "../types.ts";
import { useConfirm } from "../ui/index.tsx";

const PLATFORM_NAMES: Record<string, string> = {
  ios: "iPhone",
  ipados: "iPad",
  android: "Android",
  macos: "Mac",
  windows: "Windows PC",
};

const STATE_ICONS: Record<string, { icon: string; tone: string }> = {
  "in-source": { icon: "→", tone: "todo" },
  "unenroll-requested": { icon: "…", tone: "wait" },
  limbo: { icon: "→", tone: "todo" },
  "in-target": { icon: "…", tone: "wait" },
  compliant: { icon: "✓", tone: "done" },
  noncompliant: { icon: "!", tone: "todo" },
  "in-both": { icon: "…", tone: "wait" },
  excluded: { icon: "–", tone: "none" },
  retired: { icon: "–", tone: "none" },
};

/** "Do this (…). Then do that." → ["Do this (…).", "Do that."]: one numbered step each. */
export function stepsOf(text: string): string[] {
  const parts = text
    .split(/(?<=\.)\s+Then\s+|;\s+then\s+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1));
  return parts.length > 0 ? parts : [text];
}

function tokenFromHash(): string {
  const raw = location.hash.replace(/^#/, "");
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}

type LinkProblem = { title: string; message: string };

function problemOf(error: unknown): LinkProblem {
  if (error instanceof ApiError) {
    if (error.code === "link-expired") return { title: "This link has expired", message: error.message };
    if (error.code === "link-revoked") return { title: "This link no longer works", message: error.message };
    if (error.code === "link-invalid") return { title: "This link is not valid", message: error.message };
  }
  return { title: "Your page could not be loaded", message: messageOf(error) };
}

export default function Portal() {
  const [token, setToken] = useState(tokenFromHash);
  const [view, setView] = useState<PortalView | undefined>(undefined);
  const [problem, setProblem] = useState<LinkProblem | undefined>(undefined);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const timers = useRef<number[]>([]);

  useEffect(() => {
    document.title = "Your devices · moving to Microsoft Intune";
    const onHash = () => setToken(tokenFromHash());
    window.addEventListener("hashchange", onHash);
    return () => {
      window.removeEventListener("hashchange", onHash);
      for (const t of timers.current) clearTimeout(t);
    };
  }, []);

  const client = useCallback(() => portalApi(token), [token]);

  const load = useCallback(async () => {
    if (!token) return;
    try {
      setView(await client().get<PortalView>("/api/portal/me"));
      setProblem(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setView(undefined);
      setProblem(problemOf(e));
    }
  }, [token, client]);

  useEffect(() => {
    void load();
  }, [load]);

  const checkAgain = async () => {
    setBusy(true);
    setStatus(undefined);
    try {
      setView(await client().post<PortalView>("/api/portal/check-again"));
      setStatus({
        ok: true,
        text: "Thanks. We are checking your devices again now; this page updates by itself in a moment.",
      });
      for (const t of timers.current) clearTimeout(t);
      timers.current = [5_000, 15_000, 40_000].map((ms) => window.setTimeout(() => void load(), ms));
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const askRetire = async (d: PortalDevice) => {
    const name = deviceName(d);
    const ok = await confirm({
      title: "Ask IT to remove the old management?",
      body: (
        <>
          <p>
            IT removes the old company management from your <strong>{name}</strong> remotely. Work data the
            old system put there (work mail, work apps) is removed; your own photos and apps stay.
          </p>
          <p>Afterwards, set the device up again for work with the steps on this page.</p>
        </>
      ),
      confirm: "Yes, please do it",
    });
    if (!ok) return;
    setStatus(undefined);
    try {
      setView(await client().post<PortalView>("/api/portal/retire-request", { deviceId: d.id }));
      setStatus({
        ok: true,
        text: `Done: IT will remove the old management from your ${name}. This page shows when it has happened.`,
      });
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    }
  };

  const firstName = view?.person.displayName.split(" ")[0];
  const todo = view?.devices.filter((d) => d.nextStep.who === "person") ?? [];

  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="portal-top">
        <span className="brand-mark" aria-hidden="true" />
        <span>Moving to Microsoft Intune</span>
      </header>
      <main id="main" tabIndex={-1} className="portal-main">
        {dialog}
        {!token ? (
          <section className="portal-card">
            <h1>Open the link from your e-mail</h1>
            <p>
              This page shows your own devices. It opens from the personal link in the e-mail about moving
              your devices to Microsoft Intune. Open that e-mail and tap the link (all of it).
            </p>
            <p>If you cannot find the e-mail, ask your IT helpdesk for a new link.</p>
          </section>
        ) : null}
        {token && problem && !view ? (
          <section className="portal-card portal-problem" role="alert">
            <h1>{problem.title}</h1>
            <p>
              <Linkified text={problem.message} />
            </p>
            <p>Your devices are not affected by this: only the link has stopped working.</p>
          </section>
        ) : null}
        {token && !view && !problem ? (
          <p className="loading" role="status">
            Loading your devices…
          </p>
        ) : null}
        {view ? (
          <>
            <h1>Hello {firstName}</h1>
            <p className="portal-lead">
              Your work devices are moving from the old management system to Microsoft Intune. Here is where
              each one stands and what to do next.
            </p>
            {view.deadline && todo.length > 0 ? (
              <p className="portal-deadline">
                Please finish by <strong>{fmtDate(view.deadline)}</strong>. After that, IT removes the old
                management from your devices remotely.
              </p>
            ) : null}
            {todo.length === 0 && view.devices.length > 0 ? (
              <p className="portal-allgood">There is nothing for you to do right now.</p>
            ) : null}
            <div className="portal-status" role="status" aria-live="polite">
              {status ? <p className={status.ok ? "portal-ok" : "portal-error"}>{status.text}</p> : null}
            </div>
            <h2 className="visually-hidden">Your devices</h2>
            <ul className="portal-devices">
              {view.devices.map((d) => (
                <li key={d.id}>
                  <DeviceCard device={d} onRetire={() => askRetire(d)} />
                </li>
              ))}
            </ul>
            {view.devices.length === 0 ? <p>We have no devices on record for you.</p> : null}
            <button type="button" className="portal-button" onClick={checkAgain} disabled={busy}>
              {busy ? "Asking…" : "I did it: check again"}
            </button>
            <p className="portal-small">
              {view.recheckRequestedAt
                ? `Check requested ${fmtDateTime(view.recheckRequestedAt)}.`
                : "Your devices are also checked automatically every few minutes."}
            </p>
            <Helpdesk helpdesk={view.helpdesk} />
            <p className="portal-small">
              This personal link works until {fmtDate(view.linkExpiresAt)}. Please do not forward it: it opens
              this page without a password.
            </p>
          </>
        ) : null}
      </main>
    </div>
  );
}

/** The API's message, with an e-mail address in it made a link. */
function Linkified({ text }: { text: string }) {
  const m = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(text);
  if (!m) return <>{text}</>;
  return (
    <>
      {text.slice(0, m.index)}
      <a href={`mailto:${m[0]}`}>{m[0]}</a>
      {text.slice(m.index + m[0].length)}
    </>
  );
}

function deviceName(d: PortalDevice): string {
  return `${d.model}${d.serialEnding ? ` ending ${d.serialEnding}` : ""}`;
}

function DeviceCard({ device: d, onRetire }: { device: PortalDevice; onRetire: () => void }) {
  const look = STATE_ICONS[d.state] ?? { icon: "•", tone: "none" };
  const steps = d.nextStep.who === "person" ? stepsOf(d.nextStep.text) : [];
  const headingId = `device-${d.id}`;
  return (
    <article className={`portal-card device-${look.tone}`} aria-labelledby={headingId}>
      <div className="portal-device-head">
        <span className={`portal-icon icon-${look.tone}`} aria-hidden="true">
          {look.icon}
        </span>
        <div>
          <h3 id={headingId}>{d.model}</h3>
          <p className="portal-small">
            {PLATFORM_NAMES[d.platform] ?? d.platform}
            {d.serialEnding ? ` · serial ending ${d.serialEnding}` : ""}
          </p>
        </div>
      </div>
      <p className="portal-state">
        <strong>{d.status}</strong> <span className="portal-small">since {fmtDate(d.since)}</span>
      </p>
      {steps.length > 0 ? (
        <>
          <h4>What to do</h4>
          <ol className="portal-steps">
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </>
      ) : (
        <p>{d.nextStep.who === "ferry" ? `IT is on it. ${d.nextStep.text}` : d.nextStep.text}</p>
      )}
      {d.canRequestRetire && d.nextStep.who === "person" ? (
        <div className="portal-retire">
          <p className="portal-small">Cannot remove the old management yourself?</p>
          <button type="button" className="portal-button portal-button-secondary" onClick={onRetire}>
            Ask IT to remove it for me
          </button>
        </div>
      ) : null}
    </article>
  );
}

function Helpdesk({ helpdesk: h }: { helpdesk: PortalView["helpdesk"] }) {
  const phone = h.phone.replace(/[^\d+]/g, "");
  return (
    <section className="portal-card portal-help" aria-labelledby="help-h">
      <h2 id="help-h">Need help?</h2>
      <p>
        Contact {h.name || "the IT helpdesk"}
        {h.hours ? ` (${h.hours})` : ""}.
      </p>
      <ul className="portal-contacts">
        {h.phone ? (
          <li>
            <a className="portal-button portal-button-secondary" href={`tel:${phone}`}>
              Call {h.phone}
            </a>
          </li>
        ) : null}
        {h.email ? (
          <li>
            <a className="portal-button portal-button-secondary" href={`mailto:${h.email}`}>
              E-mail {h.email}
            </a>
          </li>
        ) : null}
        {h.url ? (
          <li>
            <a className="portal-button portal-button-secondary" href={h.url} rel="noreferrer">
              Help pages
            </a>
          </li>
        ) : null}
      </ul>
      {!h.phone && !h.email && !h.url ? <p>Ask your IT helpdesk the usual way.</p> : null}
      <p className="portal-small">
        If you cannot read work e-mail, that is expected while your device moves: it comes back once the
        device is set up in Intune.
      </p>
    </section>
  );
}
