/**
 * E-mail templates: what people receive at each stage, per platform and language, rendered
 * by the server with sample data. The HTML goes into a sandboxed frame (no scripts, no
 * same-origin access) because a message is a whole document with its own layout.
 */
import { useId } from "react";
import { api } from "../api.ts";
import { label, PLATFORM_LABELS } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { useQueryState } from "../router.tsx";
import type { TemplatePreviews } from "../types.ts";
import { LoadError, Loading, Notice, PageHeader } from "../ui/index.tsx";

const STAGE_LABELS: Record<string, string> = {
  announcement: "Announcement",
  instructions: "Instructions",
  "reset-instructions": "Reset instructions",
  reminder: "Reminder",
  deadline: "Deadline warning",
  blocked: "Blocked: enroll now",
  done: "Done",
  postponed: "Postponed",
  "helpdesk-escalation": "Helpdesk escalation",
};

export const LOCALE_LABELS: Record<string, string> = {
  "en-US": "English (US)",
  "en-GB": "English (UK)",
  "de-DE": "Deutsch",
  "fr-FR": "Français",
};

export function Templates() {
  const [query, setQuery] = useQueryState();
  const stage = query.get("stage") || "announcement";
  const locale = query.get("locale") || "en-US";
  const platform = query.get("platform") ?? "";
  const data = useLoad(
    (signal) =>
      api.get<TemplatePreviews>(
        "/api/templates/previews",
        { stage, locale, ...(platform ? { platform } : {}) },
        signal,
      ),
    `templates:${stage}:${locale}:${platform}`,
  );
  const ids = {
    stage: useId(),
    platform: useId(),
    locale: useId(),
    subject: useId(),
    html: useId(),
    text: useId(),
  };
  const p = data.data;
  const preview = p?.previews[0];
  return (
    <>
      <PageHeader
        title="E-mail templates"
        lead="What people receive at each stage, in their language, with the steps for their devices. Shown with a sample person and wave."
      />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Choose a message">
        <div className="field">
          <label htmlFor={ids.stage}>Stage</label>
          <select id={ids.stage} value={stage} onChange={(e) => setQuery({ stage: e.target.value })}>
            {(p?.stages ?? Object.keys(STAGE_LABELS)).map((s) => (
              <option key={s} value={s}>
                {label(STAGE_LABELS, s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.platform}>Devices</label>
          <select id={ids.platform} value={platform} onChange={(e) => setQuery({ platform: e.target.value })}>
            <option value="">One of every kind</option>
            {(p?.platforms ?? Object.keys(PLATFORM_LABELS)).map((s) => (
              <option key={s} value={s}>
                {label(PLATFORM_LABELS, s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.locale}>Language</label>
          <select id={ids.locale} value={locale} onChange={(e) => setQuery({ locale: e.target.value })}>
            {(p?.locales ?? Object.keys(LOCALE_LABELS)).map((s) => (
              <option key={s} value={s}>
                {label(LOCALE_LABELS, s)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!p && !data.error ? <Loading what="Rendering the message" /> : null}
      {p && !p.helpdeskConfigured ? (
        <Notice tone="warn">
          No helpdesk contact is set yet: the preview shows a sample one. Set yours in Settings.
        </Notice>
      ) : null}
      {p && !preview ? (
        <Notice>
          Nobody with only {label(PLATFORM_LABELS, platform)} devices receives this message: choose another
          stage or platform.
        </Notice>
      ) : null}
      {preview ? (
        <>
          <section className="card" aria-labelledby={ids.subject}>
            <h2 id={ids.subject}>Subject</h2>
            <p className="template-subject">{preview.subject}</p>
          </section>
          <section className="card" aria-labelledby={ids.html}>
            <h2 id={ids.html}>As people see it</h2>
            <iframe
              className="template-frame"
              title={`${label(STAGE_LABELS, preview.stage)} e-mail, ${label(LOCALE_LABELS, preview.locale)}`}
              sandbox=""
              srcDoc={preview.html}
            />
          </section>
          <section className="card" aria-labelledby={ids.text}>
            <h2 id={ids.text}>Plain text</h2>
            <pre className="template-text">{preview.text}</pre>
          </section>
        </>
      ) : null}
    </>
  );
}
