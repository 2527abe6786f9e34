/**
 * One person, as the helpdesk needs them with a caller on the line: whose conditional access
 * applies now, each device's state and how long it has been there, what the person must do
 * next, their deadline, the timeline, and the actions the role allows.
 */
import { useId, useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime, fmtDuration, fmtRelative, label, PATH_LABELS, PLATFORM_LABELS } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link } from "../router.tsx";
import type { PersonPage as PersonData } from "../types.ts";
import {
  GovernanceBadge,
  LoadError,
  Loading,
  type Outcome,
  OutcomeMessage,
  PageHeader,
  StateBadge,
  useConfirm,
  WaveStatusBadge,
} from "../ui/index.tsx";
import { useSession } from "./session.ts";

const GOVERNANCE_EXPLAINED: Record<string, string> = {
  source:
    "The old product's conditional access applies: a device still enrolled there reaches mail; a device that left it does not, until it is in Intune.",
  none: "No conditional access applies right now (the grace window): any device reaches mail until Intune's is enforced.",
  target:
    "Intune's conditional access applies: only devices enrolled and compliant in Intune reach mail and apps.",
  both: "Anomaly: both products' conditional access apply. Ferry is exempting the person in Intune now; escalate if it lasts.",
};

const WHO: Record<string, string> = {
  person: "The person",
  ferry: "Ferry / IT",
  nobody: "Nobody",
};

/** The API's next step, as a sentence. */
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const MARKS = [
  ["lost", "Lost"],
  ["replaced", "Replaced"],
  ["decommissioned", "Decommissioned"],
] as const;

export function PersonPage({ id }: { id: string }) {
  const { can } = useSession();
  const data = useLoad(
    (signal) => api.get<PersonData>(`/api/people/${encodeURIComponent(id)}`, undefined, signal),
    `person:${id}`,
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | undefined>(undefined);
  const [dialog, confirm] = useConfirm();
  const ids = { extend: useId(), link: useId() };
  const page = data.data;
  const p = page?.person;
  // The migration's clock: every device carries its state's start and age.
  const first = page?.devices[0];
  const now = first ? Date.parse(first.stateSince) + first.stateAgeMs : Date.now();

  const run = async (action: () => Promise<string>) => {
    setOutcome(undefined);
    try {
      setOutcome({ ok: true, text: await action() });
    } catch (e) {
      setOutcome({ ok: false, text: messageOf(e) });
    }
    data.reload();
  };
  const base = `/api/people/${encodeURIComponent(id)}`;

  const resend = async () => {
    if (!p) return;
    const open = page.devices.filter((d) => d.nextStep.who !== "nobody").length;
    const ok = await confirm({
      title: "Send the instructions again?",
      body: (
        <p>
          {p.displayName} gets an e-mail at <strong>{p.email}</strong> now, with the next step for each of
          their {open} open devices.
        </p>
      ),
      confirm: "Send instructions",
    });
    if (!ok) return;
    await run(async () => {
      await api.post(`${base}/resend-instructions`);
      return `Instructions queued for ${p.email}: the e-mail goes out with Ferry's next pass.`;
    });
  };

  const extend = async (days: number) => {
    if (!p) return;
    const ok = await confirm({
      title: `Extend the deadline by ${days} ${days === 1 ? "day" : "days"}?`,
      body: (
        <p>
          Ferry waits this much longer before removing the old management from {p.displayName}'s devices
          remotely. Extensions add up to 30 days at most.
        </p>
      ),
      confirm: "Extend deadline",
    });
    if (!ok) return;
    await run(async () => {
      const r = await api.post<{ extensionDays: number; deadline: string | null }>(
        `${base}/extend-deadline`,
        { days },
      );
      return `Deadline extended by ${days} days${r.deadline ? `: now ${fmtDateTime(r.deadline)}` : ""} (${r.extensionDays} days in all).`;
    });
  };

  const issueLink = async () => {
    await run(async () => {
      const r = await api.post<{ url: string; expiresAt: string }>(`${base}/portal-link`);
      setLink(r);
      return `A personal link was created; it works until ${fmtDateTime(r.expiresAt)}.`;
    });
  };

  const revokeLinks = async () => {
    if (!p) return;
    const ok = await confirm({
      title: "Revoke every personal link?",
      body: (
        <p>
          Every link sent to {p.displayName} so far stops working. Create a new one afterwards if they need
          it.
        </p>
      ),
      confirm: "Revoke links",
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await api.post(`${base}/portal-link/revoke`);
      setLink(undefined);
      return "Every personal link issued so far is revoked.";
    });
  };

  const requestRetire = async (deviceId: string, name: string) => {
    const ok = await confirm({
      title: `Remove the old management from ${name} remotely?`,
      body: (
        <p>
          Ferry asks the old product to retire this device once the person's old conditional access has been
          lifted, within the hourly cap on remote retires. Company data managed by the old product is removed
          from the device.
        </p>
      ),
      confirm: "Request remote retire",
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await api.post(`/api/devices/${encodeURIComponent(deviceId)}/retire-request`);
      return `Remote retire requested for ${name}.`;
    });
  };

  const mark = async (deviceId: string, name: string, reason: string) => {
    const ok = await confirm({
      title: `Mark ${name} as ${reason}?`,
      body: <p>The device leaves the migration as retired: Ferry stops asking the person to move it.</p>,
      confirm: `Mark ${reason}`,
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      await api.post(`/api/devices/${encodeURIComponent(deviceId)}/mark`, { reason });
      return `${name} is marked ${reason}.`;
    });
  };

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome({ ok: true, text: "Link copied." });
    } catch {
      const input = document.getElementById(ids.link);
      if (input instanceof HTMLInputElement) input.select();
      setOutcome({ ok: true, text: "Link selected: press Ctrl+C (or ⌘C) to copy it." });
    }
  };

  const todo = page?.devices.filter((d) => d.nextStep.who === "person") ?? [];
  const extensionLeft = p ? Math.max(0, 30 - p.deadlineExtensionDays) : 0;

  return (
    <>
      <PageHeader
        title={p ? p.displayName : "Person"}
        lead={
          p ? (
            <>
              {p.email}
              {p.upn !== p.email ? ` · ${p.upn}` : ""} · {p.department} · {p.location}
              {p.vip ? <span className="tag">VIP</span> : null}
              {p.breakGlass ? <span className="tag">break-glass</span> : null}
            </>
          ) : undefined
        }
      >
        <Link to="/helpdesk" className="button">
          New search
        </Link>
      </PageHeader>
      {dialog}
      <OutcomeMessage outcome={outcome} />
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!page && !data.error ? <Loading what="Loading the person" /> : null}
      {page && p ? (
        <>
          <div className="cards-2">
            <section className="card" aria-labelledby="now-h">
              <h2 id="now-h">Where they stand</h2>
              <dl className="facts">
                <dt>Conditional access now</dt>
                <dd>
                  <GovernanceBadge governance={p.governance} />
                  <p className="small">
                    {p.breakGlass
                      ? "Break-glass account: Ferry never puts it under either product's conditional access."
                      : GOVERNANCE_EXPLAINED[p.governance]}
                  </p>
                </dd>
                <dt>Wave</dt>
                <dd>
                  {p.wave ? (
                    <>
                      {can("waves.read") ? (
                        <Link to={`/waves/${encodeURIComponent(p.wave.id)}`}>{p.wave.name}</Link>
                      ) : (
                        p.wave.name
                      )}{" "}
                      <WaveStatusBadge status={p.wave.status} />
                    </>
                  ) : (
                    "Not in a wave yet"
                  )}
                </dd>
                <dt>Deadline</dt>
                <dd>
                  {p.deadline ? (
                    <>
                      <strong>{fmtDateTime(p.deadline)}</strong> ({fmtRelative(p.deadline, now)})
                      {p.deadlineExtensionDays > 0 ? ` · extended by ${p.deadlineExtensionDays} days` : ""}
                      <p className="small muted">After it, Ferry removes the old management remotely.</p>
                    </>
                  ) : (
                    "None yet: it is set when their wave's handover starts"
                  )}
                </dd>
                <dt>Instructions</dt>
                <dd>
                  {p.instructionsSentAt ? `sent ${fmtDateTime(p.instructionsSentAt)}` : "not sent yet"}
                  {p.remindersSent > 0 ? `; ${p.remindersSent} reminders` : ""}
                </dd>
              </dl>
            </section>
            <section className="card next-card" aria-labelledby="next-h">
              <h2 id="next-h">Next step for {p.displayName.split(" ")[0]}</h2>
              {todo.length === 0 ? (
                <p>Nothing for them to do right now.</p>
              ) : (
                <ul className="plain-list next-list">
                  {todo.map((d) => (
                    <li key={d.id}>
                      <strong>
                        {d.model} ({label(PLATFORM_LABELS, d.platform)}):
                      </strong>{" "}
                      {sentence(d.nextStep.text)}
                    </li>
                  ))}
                </ul>
              )}
              {page.allowedActions.resendInstructions || page.allowedActions.extendDeadline ? (
                <div className="action-bar">
                  {page.allowedActions.resendInstructions ? (
                    <button type="button" className="button button-primary" onClick={resend}>
                      Resend instructions
                    </button>
                  ) : null}
                  {page.allowedActions.extendDeadline && extensionLeft >= 1 ? (
                    <form
                      className="inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        const days = Number(new FormData(e.currentTarget).get("days"));
                        if (days > 0) void extend(days);
                      }}
                    >
                      <div className="field">
                        <label htmlFor={ids.extend}>Extend the deadline by</label>
                        <select id={ids.extend} name="days" defaultValue={String(Math.min(3, extensionLeft))}>
                          {[1, 2, 3, 5, 7, 14, 30]
                            .filter((n) => n <= extensionLeft)
                            .map((n) => (
                              <option key={n} value={n}>
                                {n} {n === 1 ? "day" : "days"}
                              </option>
                            ))}
                        </select>
                      </div>
                      <button type="submit" className="button">
                        Extend deadline
                      </button>
                    </form>
                  ) : null}
                </div>
              ) : null}
            </section>
          </div>

          <section aria-labelledby="devices-h">
            <h2 id="devices-h">Devices ({page.devices.length})</h2>
            {page.devices.length === 0 ? <p className="muted">No devices.</p> : null}
            <div className="device-grid">
              {page.devices.map((d) => {
                const name = `${d.model}${d.serial ? ` (…${d.serial.slice(-4)})` : ""}`;
                return (
                  <article key={d.id} className="card device-card" aria-labelledby={`dev-${d.id}`}>
                    <header className="device-head">
                      <h3 id={`dev-${d.id}`}>
                        {d.model}{" "}
                        <span className="muted small">
                          {label(PLATFORM_LABELS, d.platform)} {d.osVersion}
                        </span>
                      </h3>
                      <StateBadge state={d.state} />
                    </header>
                    <dl className="facts compact">
                      <dt>In this state for</dt>
                      <dd>
                        {fmtDuration(d.stateAgeMs)}{" "}
                        <span className="muted small">(since {fmtDateTime(d.stateSince)})</span>
                      </dd>
                      <dt>Serial</dt>
                      <dd className="mono">{d.serial ?? "—"}</dd>
                      {d.imei ? (
                        <>
                          <dt>IMEI</dt>
                          <dd className="mono">{d.imei}</dd>
                        </>
                      ) : null}
                      <dt>Enrollment</dt>
                      <dd>
                        {d.mode}, {d.ownership}
                      </dd>
                      <dt>Path</dt>
                      <dd>
                        {label(PATH_LABELS, d.path)}
                        {d.pathWhy ? <span className="muted small"> — {d.pathWhy}</span> : null}
                      </dd>
                      {d.retireRequestedAt ? (
                        <>
                          <dt>Remote retire</dt>
                          <dd>
                            requested {fmtDateTime(d.retireRequestedAt)} by {d.retireRequestedBy}
                          </dd>
                        </>
                      ) : null}
                    </dl>
                    <div className={`next-step next-${d.nextStep.who}`}>
                      <p className="next-who">Next: {WHO[d.nextStep.who]}</p>
                      <p>{sentence(d.nextStep.text)}</p>
                    </div>
                    {d.canRequestRetire || d.canMark ? (
                      <div className="action-bar">
                        {d.canRequestRetire ? (
                          <button type="button" className="button" onClick={() => requestRetire(d.id, name)}>
                            Request remote retire<span className="visually-hidden"> of {name}</span>
                          </button>
                        ) : null}
                        {d.canMark ? (
                          <MarkForm deviceName={name} onMark={(reason) => mark(d.id, name, reason)} />
                        ) : null}
                      </div>
                    ) : null}
                  </article>
                );
              })}
            </div>
          </section>

          {page.allowedActions.issuePortalLink ? (
            <section className="card" aria-labelledby="link-h">
              <h2 id="link-h">Personal page</h2>
              <p className="small muted">
                A signed link to the person's own page: their devices, where each stands and what to do. Send
                it to them; it opens without an account.
              </p>
              {link ? (
                <div className="field">
                  <label htmlFor={ids.link}>Link (valid until {fmtDateTime(link.expiresAt)})</label>
                  <div className="big-search-row">
                    <input
                      id={ids.link}
                      readOnly
                      value={link.url}
                      className="mono"
                      onFocus={(e) => e.currentTarget.select()}
                    />
                    <button type="button" className="button" onClick={() => copy(link.url)}>
                      Copy
                    </button>
                  </div>
                </div>
              ) : null}
              <div className="action-bar">
                <button type="button" className="button" onClick={issueLink}>
                  Create a personal link
                </button>
                <button type="button" className="button button-danger-quiet" onClick={revokeLinks}>
                  Revoke all links
                </button>
              </div>
            </section>
          ) : null}

          <section className="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Timeline</h2>
            {page.timeline.length === 0 ? <p className="muted">Nothing recorded yet.</p> : null}
            <ol className="timeline">
              {page.timeline.map((e) => (
                <li key={e.id}>
                  <p className="timeline-meta">
                    <time dateTime={e.at}>{fmtDateTime(e.at)}</time> · {e.actor}
                  </p>
                  <p>
                    {e.message}
                    {e.deviceId ? (
                      <span className="muted small">
                        {" "}
                        · {page.devices.find((d) => d.id === e.deviceId)?.model ?? e.deviceId}
                      </span>
                    ) : null}
                  </p>
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
    </>
  );
}

function MarkForm({ deviceName, onMark }: { deviceName: string; onMark: (reason: string) => void }) {
  const id = useId();
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onMark(String(new FormData(e.currentTarget).get("reason")));
      }}
    >
      <div className="field">
        <label htmlFor={id}>
          Mark<span className="visually-hidden"> {deviceName}</span> as
        </label>
        <select id={id} name="reason" defaultValue="lost">
          {MARKS.map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button">
        Mark<span className="visually-hidden"> {deviceName}</span>
      </button>
    </form>
  );
}
