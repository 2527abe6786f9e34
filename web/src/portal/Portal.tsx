/**
 * The personal portal: one person, opened from the signed link in their e-mail
 * (/portal#fp1.…), often on a phone that cannot read mail right now. Each device, where it
 * stands, the exact next steps; "check again"; "please retire my old enrollment"; how to
 * reach the helpdesk. The token stays in the fragment (never sent to a server log) and goes
 * to the API as the x-portal-token header.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { ApiError, messageOf, portalApi } from "../api.ts";
import type { PortalDevice, PortalView } from "../types.ts";
import { useConfirm } from "../ui/index.tsx";
import {
  LANGUAGE_NAMES,
  PORTAL_LOCALES,
  type PortalLocale,
  type PortalText,
  pickLocale,
  TEXT,
} from "./i18n.ts";

/** ?lang= in the address: the switcher's choice, kept across reloads and shared links. */
function langFromUrl(): PortalLocale | undefined {
  return pickLocale(new URLSearchParams(location.search).get("lang"));
}

function dates(locale: string) {
  const day = new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return {
    date: (iso: string | null) => (iso ? day.format(new Date(iso)) : "—"),
    dateTime: (iso: string | null) => (iso ? moment.format(new Date(iso)) : "—"),
  };
}
type Dates = ReturnType<typeof dates>;

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

function tokenFromHash(): string {
  const raw = location.hash.replace(/^#/, "");
  try {
    return decodeURIComponent(raw).trim();
  } catch {
    return raw.trim();
  }
}

type LinkProblem = { kind: "expired" | "revoked" | "invalid" | "failed"; message: string };

function problemOf(error: unknown): LinkProblem {
  if (error instanceof ApiError) {
    if (error.code === "link-expired") return { kind: "expired", message: error.message };
    if (error.code === "link-revoked") return { kind: "revoked", message: error.message };
    if (error.code === "link-invalid") return { kind: "invalid", message: error.message };
  }
  return { kind: "failed", message: messageOf(error) };
}

export default function Portal() {
  const [token, setToken] = useState(tokenFromHash);
  const [view, setView] = useState<PortalView | undefined>(undefined);
  const [problem, setProblem] = useState<LinkProblem | undefined>(undefined);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const timers = useRef<number[]>([]);
  // The person's language comes with their page (their directory locale); until then, and
  // for a link that does not open, the address's ?lang= or the browser's language.
  const [chosen, setChosen] = useState<PortalLocale | undefined>(langFromUrl);
  const locale: PortalLocale =
    chosen ?? pickLocale(view?.locale) ?? pickLocale(navigator.language) ?? "en-US";
  const t = TEXT[locale];
  const d = dates(locale);
  const langId = useId();

  useEffect(() => {
    document.title = t.documentTitle;
    document.documentElement.lang = locale;
  }, [t, locale]);

  useEffect(() => {
    const onHash = () => setToken(tokenFromHash());
    window.addEventListener("hashchange", onHash);
    return () => {
      window.removeEventListener("hashchange", onHash);
      for (const t of timers.current) clearTimeout(t);
    };
  }, []);

  const client = useCallback(() => portalApi(token), [token]);
  /** An API path with the chosen language, so the texts and errors come back in it. */
  const url = useCallback((path: string) => (chosen ? `${path}?lang=${chosen}` : path), [chosen]);

  const load = useCallback(async () => {
    if (!token) return;
    try {
      setView(await client().get<PortalView>(url("/api/portal/me")));
      setProblem(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setView(undefined);
      setProblem(problemOf(e));
    }
  }, [token, client, url]);

  useEffect(() => {
    void load();
  }, [load]);

  const choose = (next: PortalLocale) => {
    const search = new URLSearchParams(location.search);
    search.set("lang", next);
    history.replaceState(null, "", `${location.pathname}?${search}${location.hash}`);
    setChosen(next);
  };

  const checkAgain = async () => {
    setBusy(true);
    setStatus(undefined);
    try {
      setView(await client().post<PortalView>(url("/api/portal/check-again")));
      setStatus({ ok: true, text: t.thanks });
      for (const t of timers.current) clearTimeout(t);
      timers.current = [5_000, 15_000, 40_000].map((ms) => window.setTimeout(() => void load(), ms));
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const askRetire = async (d: PortalDevice) => {
    const name = t.deviceName(d.model, d.serialEnding);
    const ok = await confirm({
      title: t.retireTitle,
      body: (
        <>
          <p>
            {t.retireBody[0]} <strong>{name}</strong>
            {t.retireBody[1].startsWith(".") ? "" : " "}
            {t.retireBody[1]}
          </p>
          <p>{t.retireAfter}</p>
        </>
      ),
      confirm: t.retireConfirm,
      cancel: t.cancel,
    });
    if (!ok) return;
    setStatus(undefined);
    try {
      setView(await client().post<PortalView>(url("/api/portal/retire-request"), { deviceId: d.id }));
      setStatus({ ok: true, text: t.retireDone(name) });
    } catch (e) {
      setStatus({ ok: false, text: messageOf(e) });
    }
  };

  const firstName = view?.person.displayName.split(" ")[0];
  const todo = view?.devices.filter((d) => d.nextStep.who === "person") ?? [];

  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        {t.skip}
      </a>
      <header className="portal-top">
        <span className="brand-mark" aria-hidden="true" />
        <span>{t.top}</span>
        <span className="portal-language">
          <label htmlFor={langId}>{t.language}</label>
          <select id={langId} value={locale} onChange={(e) => choose(e.target.value as PortalLocale)}>
            {PORTAL_LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </span>
      </header>
      <main id="main" tabIndex={-1} className="portal-main">
        {dialog}
        {!token ? (
          <section className="portal-card">
            <h1>{t.noLinkTitle}</h1>
            <p>{t.noLinkBody}</p>
            <p>{t.noLinkAsk}</p>
          </section>
        ) : null}
        {token && problem && !view ? (
          <section className="portal-card portal-problem" role="alert">
            <h1>{t[problem.kind]}</h1>
            <p>
              <Linkified text={problem.message} />
            </p>
            <p>{t.notAffected}</p>
          </section>
        ) : null}
        {token && !view && !problem ? (
          <p className="loading" role="status">
            {t.loading}
          </p>
        ) : null}
        {view ? (
          <>
            <h1>{t.hello(firstName ?? "")}</h1>
            <p className="portal-lead">{t.lead}</p>
            {view.deadline && todo.length > 0 ? (
              <p className="portal-deadline">
                {t.finishBy[0]} <strong>{d.date(view.deadline)}</strong>
                {t.finishBy[1]}
              </p>
            ) : null}
            {todo.length === 0 && view.devices.length > 0 ? (
              <p className="portal-allgood">{t.nothingToDo}</p>
            ) : null}
            <div className="portal-status" role="status" aria-live="polite">
              {status ? <p className={status.ok ? "portal-ok" : "portal-error"}>{status.text}</p> : null}
            </div>
            <h2 className="visually-hidden">{t.yourDevices}</h2>
            <ul className="portal-devices">
              {view.devices.map((dev) => (
                <li key={dev.id}>
                  <DeviceCard device={dev} t={t} d={d} onRetire={() => askRetire(dev)} />
                </li>
              ))}
            </ul>
            {view.devices.length === 0 ? <p>{t.noDevices}</p> : null}
            <button type="button" className="portal-button" onClick={checkAgain} disabled={busy}>
              {busy ? t.asking : t.checkAgain}
            </button>
            <p className="portal-small">
              {view.recheckRequestedAt ? t.checkRequested(d.dateTime(view.recheckRequestedAt)) : t.autoCheck}
            </p>
            <Helpdesk helpdesk={view.helpdesk} t={t} />
            <p className="portal-small">{t.linkUntil(d.date(view.linkExpiresAt))}</p>
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

function DeviceCard({
  device: d,
  t,
  d: dates,
  onRetire,
}: {
  device: PortalDevice;
  t: PortalText;
  d: Dates;
  onRetire: () => void;
}) {
  const look = STATE_ICONS[d.state] ?? { icon: "•", tone: "none" };
  // The steps come in the person's language, the same as the e-mails'.
  const steps = d.nextStep.who === "person" ? d.steps : [];
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
            {t.platforms[d.platform] ?? d.platform}
            {d.serialEnding ? ` · ${t.serialEnding(d.serialEnding)}` : ""}
          </p>
        </div>
      </div>
      <p className="portal-state">
        <strong>{d.status}</strong> <span className="portal-small">{t.since(dates.date(d.since))}</span>
      </p>
      {steps.length > 0 ? (
        <>
          <h4>{t.whatToDo}</h4>
          <p>{d.nextStep.text}</p>
          <ol className="portal-steps">
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </>
      ) : (
        <>
          <p>{d.nextStep.who === "ferry" ? `${t.itIsOnIt} ${d.nextStep.text}` : d.nextStep.text}</p>
          {d.steps.length > 0 && d.nextStep.who === "ferry" ? (
            <ol className="portal-steps">
              {d.steps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ol>
          ) : null}
        </>
      )}
      {d.canRequestRetire && d.nextStep.who === "person" ? (
        <div className="portal-retire">
          <p className="portal-small">{t.cannotRemove}</p>
          <button type="button" className="portal-button portal-button-secondary" onClick={onRetire}>
            {t.askIt}
          </button>
        </div>
      ) : null}
    </article>
  );
}

function Helpdesk({ helpdesk: h, t }: { helpdesk: PortalView["helpdesk"]; t: PortalText }) {
  const phone = h.phone.replace(/[^\d+]/g, "");
  return (
    <section className="portal-card portal-help" aria-labelledby="help-h">
      <h2 id="help-h">{t.needHelp}</h2>
      <p>{t.contact(h.name || t.theHelpdesk, h.hours)}</p>
      <ul className="portal-contacts">
        {h.phone ? (
          <li>
            <a className="portal-button portal-button-secondary" href={`tel:${phone}`}>
              {t.call(h.phone)}
            </a>
          </li>
        ) : null}
        {h.email ? (
          <li>
            <a className="portal-button portal-button-secondary" href={`mailto:${h.email}`}>
              {t.mail(h.email)}
            </a>
          </li>
        ) : null}
        {h.url ? (
          <li>
            <a className="portal-button portal-button-secondary" href={h.url} rel="noreferrer">
              {t.helpPages}
            </a>
          </li>
        ) : null}
      </ul>
      {!h.phone && !h.email && !h.url ? <p>{t.usualWay}</p> : null}
      <p className="portal-small">{t.mailComesBack}</p>
    </section>
  );
}
