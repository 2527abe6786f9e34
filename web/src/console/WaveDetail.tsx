/** One wave: its dates and settings, where its devices and people stand, rescheduling and moving people. */
import { type FormEvent, useId, useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime, fmtNumber, GOVERNANCE_LABELS, label, pct, STATE_LABELS } from "../format.ts";
import { useDebounced, useLoad } from "../hooks.ts";
import { Link } from "../router.tsx";
import type { Paged, PersonListItem, WaveDetail, WaveSummary } from "../types.ts";
import {
  GovernanceBadge,
  LoadError,
  Loading,
  type Outcome,
  OutcomeMessage,
  PageHeader,
  Pager,
  WaveStatusBadge,
} from "../ui/index.tsx";
import { useSession } from "./session.ts";
import { canRollBack, canStart, useWaveActions } from "./Waves.tsx";

const EDITABLE = ["draft", "scheduled", "rolled-back"];

/** datetime-local wants "YYYY-MM-DDTHH:MM" in local time. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function WaveDetailPage({ id }: { id: string }) {
  const { can } = useSession();
  const wave = useLoad(
    (signal) => api.get<WaveDetail>(`/api/waves/${encodeURIComponent(id)}`, undefined, signal),
    `wave:${id}`,
  );
  const all = useLoad(
    (signal) => api.get<{ waves: WaveSummary[] }>("/api/waves", undefined, signal),
    `waves-for:${id}`,
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const done = (o: Outcome) => {
    setOutcome(o);
    wave.reload();
    all.reload();
    setVersion((v) => v + 1);
  };
  const actions = useWaveActions(done);
  const w = wave.data;
  const editable = w ? EDITABLE.includes(w.status) && can("waves.write") : false;

  return (
    <>
      <PageHeader title={w ? w.name : "Wave"} lead={<Link to="/waves">All waves</Link>}>
        {w && can("waves.write") && canStart(w) ? (
          <button type="button" className="button button-primary" onClick={() => actions.start(w)}>
            Start wave
          </button>
        ) : null}
        {w && can("waves.write") && canRollBack(w) ? (
          <button type="button" className="button button-danger-quiet" onClick={() => actions.rollBack(w)}>
            Roll back
          </button>
        ) : null}
      </PageHeader>
      {actions.dialog}
      <OutcomeMessage outcome={outcome} />
      {wave.error ? <LoadError error={wave.error} onRetry={wave.reload} /> : null}
      {!w && !wave.error ? <Loading what="Loading the wave" /> : null}
      {w ? (
        <>
          <div className="cards-2">
            <section className="card" aria-labelledby="wave-facts">
              <h2 id="wave-facts">Status</h2>
              <dl className="facts">
                <dt>Status</dt>
                <dd>
                  <WaveStatusBadge status={w.status} />
                  {w.pilot ? <span className="tag">pilot</span> : null}
                </dd>
                <dt>Announcement</dt>
                <dd>
                  {fmtDateTime(w.announceAt)}
                  {w.announcedAt ? ` (sent ${fmtDateTime(w.announcedAt)})` : ""}
                </dd>
                <dt>Handover</dt>
                <dd>{fmtDateTime(w.handoverAt)}</dd>
                <dt>Intune CA enforced</dt>
                <dd>{fmtDateTime(w.enforcedAt)}</dd>
                <dt>Complete</dt>
                <dd>{fmtDateTime(w.completedAt)}</dd>
                {w.rollbacks > 0 ? (
                  <>
                    <dt>Rolled back</dt>
                    <dd>
                      {w.rollbacks}× (last {fmtDateTime(w.rolledBackAt)})
                    </dd>
                  </>
                ) : null}
                <dt>Migrated</dt>
                <dd>
                  {fmtNumber(w.migrated)} of {fmtNumber(w.migratable)} ({pct(w.successShare, 1)}; the gate
                  needs {pct(w.successThreshold, 1)})
                </dd>
                {w.gate ? (
                  <>
                    <dt>Gate</dt>
                    <dd>{w.gate}</dd>
                  </>
                ) : null}
              </dl>
            </section>
            <section className="card" aria-labelledby="wave-settings">
              <h2 id="wave-settings">Settings</h2>
              <dl className="facts">
                <dt>Intune CA</dt>
                <dd>
                  {w.settings.caMode === "grace"
                    ? `after a grace period of ${w.settings.gracePeriodDays} days`
                    : "as soon as the old product's CA is lifted and confirmed"}
                </dd>
                <dt>Announcement lead</dt>
                <dd>{w.settings.announceLeadDays} days</dd>
                <dt>Self-service deadline</dt>
                <dd>{w.settings.unenrollDeadlineDays} days after the handover</dd>
                <dt>Reminders</dt>
                <dd>
                  every {w.settings.reminderEveryDays} days, at most {w.settings.maxReminders}
                </dd>
                <dt>Groups</dt>
                <dd>{w.groups.join(", ") || "—"}</dd>
              </dl>
            </section>
          </div>
          <div className="cards-2">
            <section className="card" aria-labelledby="wave-devices">
              <h2 id="wave-devices">Devices by state</h2>
              <CountTable
                counts={w.devicesByState}
                labels={STATE_LABELS}
                noun="Devices"
                link={(s) => `/devices?wave=${encodeURIComponent(w.id)}&state=${s}`}
              />
            </section>
            <section className="card" aria-labelledby="wave-people-ca">
              <h2 id="wave-people-ca">People by conditional access</h2>
              <CountTable counts={w.peopleByGovernance} labels={GOVERNANCE_LABELS} noun="People" />
            </section>
          </div>
          {editable ? <Reschedule wave={w} onDone={done} /> : null}
          <WavePeople
            wave={w}
            waves={all.data?.waves ?? []}
            editable={editable}
            version={version}
            onDone={done}
          />
          {editable ? <AddPeople wave={w} onDone={done} /> : null}
        </>
      ) : null}
    </>
  );
}

function CountTable({
  counts,
  labels,
  noun,
  link,
}: {
  counts: Record<string, number>;
  labels: Record<string, string>;
  noun: string;
  link?: (key: string) => string;
}) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col" className="num">
            {noun}
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, n]) => (
          <tr key={k}>
            <th scope="row">{link ? <Link to={link(k)}>{label(labels, k)}</Link> : label(labels, k)}</th>
            <td className="num">{fmtNumber(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Reschedule({ wave, onDone }: { wave: WaveDetail; onDone: (o: Outcome) => void }) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const at = String(form.get("announceAt") ?? "");
    if (!at) return;
    setBusy(true);
    try {
      await api.patch(`/api/waves/${encodeURIComponent(wave.id)}`, {
        announceAt: new Date(at).toISOString(),
        shiftFollowing: form.get("shift") === "on",
      });
      onDone({ ok: true, text: `${wave.name} rescheduled to ${fmtDateTime(new Date(at).toISOString())}.` });
    } catch (err) {
      onDone({ ok: false, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Reschedule</h2>
      <form className="inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-at`}>New announcement</label>
          <input
            id={`${id}-at`}
            name="announceAt"
            type="datetime-local"
            required
            defaultValue={toLocalInput(wave.announceAt)}
          />
        </div>
        <div className="field checkbox">
          <input id={`${id}-shift`} name="shift" type="checkbox" />
          <label htmlFor={`${id}-shift`}>Shift every later wave by as much</label>
        </div>
        <button type="submit" className="button" disabled={busy}>
          Reschedule
        </button>
      </form>
    </section>
  );
}

function WavePeople({
  wave,
  waves,
  editable,
  version,
  onDone,
}: {
  wave: WaveDetail;
  waves: WaveSummary[];
  editable: boolean;
  version: number;
  onDone: (o: Outcome) => void;
}) {
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const targets = waves.filter((w) => w.id !== wave.id && EDITABLE.includes(w.status));
  const [target, setTarget] = useState("");
  const ids = { h: useId(), target: useId() };
  const people = useLoad(
    (signal) => api.get<Paged<PersonListItem>>("/api/people", { wave: wave.id, page, pageSize: 50 }, signal),
    `wave-people:${wave.id}:${page}:${version}`,
  );
  const toggle = (pid: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(pid)) n.delete(pid);
      else n.add(pid);
      return n;
    });
  const move = async () => {
    const to = targets.find((w) => w.id === target);
    if (!to || selected.size === 0) return;
    try {
      await api.post(`/api/waves/${encodeURIComponent(to.id)}/move`, { personIds: [...selected] });
      onDone({ ok: true, text: `${selected.size} people moved to ${to.name}.` });
      setSelected(new Set());
    } catch (e) {
      onDone({ ok: false, text: messageOf(e) });
    }
  };
  const p = people.data;
  return (
    <section className="card" aria-labelledby={ids.h}>
      <h2 id={ids.h}>People in this wave</h2>
      {people.error ? <LoadError error={people.error} onRetry={people.reload} /> : null}
      {p ? (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">People in {wave.name}</caption>
              <thead>
                <tr>
                  {editable && targets.length > 0 ? (
                    <th scope="col">
                      <span className="visually-hidden">Select</span>
                    </th>
                  ) : null}
                  <th scope="col">Name</th>
                  <th scope="col">Department · location</th>
                  <th scope="col">Conditional access</th>
                  <th scope="col" className="num">
                    Devices
                  </th>
                  <th scope="col" className="num">
                    Still to move
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((person) => (
                  <tr key={person.id}>
                    {editable && targets.length > 0 ? (
                      <td>
                        <input
                          type="checkbox"
                          checked={selected.has(person.id)}
                          onChange={() => toggle(person.id)}
                          aria-label={`Select ${person.displayName}`}
                        />
                      </td>
                    ) : null}
                    <th scope="row">
                      <Link to={`/helpdesk/people/${encodeURIComponent(person.id)}`}>
                        {person.displayName}
                      </Link>
                      {person.vip ? <span className="tag">VIP</span> : null}
                      <div className="muted small">{person.upn}</div>
                    </th>
                    <td>
                      {person.department} · {person.location}
                    </td>
                    <td>
                      <GovernanceBadge governance={person.governance} />
                    </td>
                    <td className="num">{person.devices}</td>
                    <td className="num">{person.openDevices}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={p.page} pageSize={p.pageSize} total={p.total} onPage={setPage} noun="people" />
          {editable && targets.length > 0 ? (
            <div className="inline-form">
              <div className="field">
                <label htmlFor={ids.target}>Move the {selected.size} selected to</label>
                <select id={ids.target} value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">Choose a wave</option>
                  {targets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name} ({t.status}, {fmtDateTime(t.announceAt)})
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="button"
                disabled={!target || selected.size === 0}
                onClick={move}
              >
                Move people
              </button>
            </div>
          ) : null}
        </>
      ) : (
        !people.error && <Loading what="Loading people" />
      )}
    </section>
  );
}

function AddPeople({ wave, onDone }: { wave: WaveDetail; onDone: (o: Outcome) => void }) {
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim());
  const id = useId();
  const found = useLoad(
    (signal) =>
      query
        ? api.get<Paged<PersonListItem>>("/api/people", { q: query, pageSize: 10 }, signal)
        : Promise.resolve(undefined),
    `add:${query}`,
  );
  const add = async (p: PersonListItem) => {
    try {
      await api.post(`/api/waves/${encodeURIComponent(wave.id)}/move`, { personIds: [p.id] });
      onDone({ ok: true, text: `${p.displayName} moved to ${wave.name}.` });
      setQ("");
    } catch (e) {
      onDone({ ok: false, text: messageOf(e) });
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Add people to this wave</h2>
      <div className="field">
        <label htmlFor={`${id}-q`}>Find a person (name, e-mail, serial or IMEI)</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div aria-live="polite">
        {found.data && found.data.items.length === 0 ? <p className="muted">Nobody found.</p> : null}
        {found.data && found.data.items.length > 0 ? (
          <ul className="plain-list">
            {found.data.items.map((p) => (
              <li key={p.id} className="row-item">
                <span>
                  {p.displayName} <span className="muted small">{p.upn}</span>{" "}
                  <span className="muted small">({p.waveId ? `in ${p.waveId}` : "in no wave"})</span>
                </span>
                {p.waveId === wave.id ? (
                  <span className="muted small">already here</span>
                ) : p.breakGlass ? (
                  <span className="muted small">break-glass: never in a wave</span>
                ) : (
                  <button type="button" className="button" onClick={() => add(p)}>
                    Add<span className="visually-hidden"> {p.displayName}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}
