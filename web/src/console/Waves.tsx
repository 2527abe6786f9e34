/** The wave planner: plan a pilot and waves (preview, then save as drafts), start and roll back waves. */
import { type FormEvent, useId, useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime, fmtNumber, pct } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link } from "../router.tsx";
import type { PlanResult, WaveSummary } from "../types.ts";
import {
  LoadError,
  Loading,
  Notice,
  type Outcome,
  OutcomeMessage,
  PageHeader,
  useConfirm,
  WaveStatusBadge,
} from "../ui/index.tsx";
import { useSession } from "./session.ts";

const STARTED = ["announced", "handover", "enforced", "complete"];

export function canStart(w: WaveSummary) {
  return w.status === "draft" || w.status === "rolled-back";
}
export function canRollBack(w: WaveSummary) {
  return w.status === "scheduled" || w.status === "announced" || w.status === "handover";
}

/** Start and roll back, with the confirmation each deserves; shared by the list and a wave's page. */
export function useWaveActions(onDone: (outcome: Outcome) => void) {
  const [dialog, confirm] = useConfirm();
  const start = async (w: WaveSummary) => {
    const ok = await confirm({
      title: `Start ${w.name}?`,
      body: (
        <>
          <p>
            {fmtNumber(w.people)} people and {fmtNumber(w.devices)} devices. The announcement goes out on{" "}
            {fmtDateTime(w.announceAt)}
            {w.pilot ? "" : ", once the pilot's success gate is open"}; the old product's conditional access
            is lifted for them at the handover, and Intune's is applied{" "}
            {w.caMode === "grace" ? "after the grace period" : "as soon as that is confirmed"}.
          </p>
          <p>You can roll the wave back until Intune CA is enforced.</p>
        </>
      ),
      confirm: "Start wave",
    });
    if (!ok) return;
    try {
      const r = await api.post<WaveSummary>(`/api/waves/${encodeURIComponent(w.id)}/start`);
      onDone({
        ok: true,
        text: `${r.name} is ${r.status}: it will be announced on ${fmtDateTime(r.announceAt)}.`,
      });
    } catch (e) {
      onDone({ ok: false, text: messageOf(e) });
    }
  };
  const rollBack = async (w: WaveSummary) => {
    const ok = await confirm({
      title: `Roll back ${w.name}?`,
      body: (
        <>
          <p>
            Pending actions of this wave are cancelled. For each person, Ferry first exempts them from
            Intune's conditional access and confirms it, then puts them back under the old product's, and
            tells them the move is postponed.
          </p>
          <p>Devices that already moved to Intune stay there.</p>
        </>
      ),
      confirm: "Roll back",
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api.post<WaveSummary>(`/api/waves/${encodeURIComponent(w.id)}/rollback`);
      onDone({ ok: true, text: `${r.name} is rolled back.` });
    } catch (e) {
      onDone({ ok: false, text: messageOf(e) });
    }
  };
  return { dialog, start, rollBack };
}

export function Waves() {
  const { can } = useSession();
  const waves = useLoad(
    (signal) => api.get<{ waves: WaveSummary[] }>("/api/waves", undefined, signal),
    "waves",
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const actions = useWaveActions((o) => {
    setOutcome(o);
    waves.reload();
  });
  const list = waves.data?.waves ?? [];
  const anyStarted = list.some((w) => STARTED.includes(w.status));

  return (
    <>
      <PageHeader
        title="Waves"
        lead="A pilot first, then waves sized to what the helpdesk and the APIs can absorb. Later waves wait for the pilot's success gate."
      />
      {actions.dialog}
      <OutcomeMessage outcome={outcome} />
      {waves.error ? <LoadError error={waves.error} onRetry={waves.reload} /> : null}
      {!waves.data && !waves.error ? <Loading what="Loading waves" /> : null}
      {waves.data ? (
        <section className="card" aria-labelledby="wave-list-heading">
          <h2 id="wave-list-heading">Plan</h2>
          {list.length === 0 ? (
            <p className="muted">No waves yet.{can("waves.write") ? " Plan them below." : ""}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">
                  Waves in order, with status, dates, size, progress and actions
                </caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Wave</th>
                    <th scope="col">Status</th>
                    <th scope="col">CA mode</th>
                    <th scope="col">Announcement</th>
                    <th scope="col" className="num">
                      People
                    </th>
                    <th scope="col" className="num">
                      Devices
                    </th>
                    <th scope="col">Migrated</th>
                    <th scope="col">Gate</th>
                    {can("waves.write") ? <th scope="col">Actions</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {list.map((w) => (
                    <tr key={w.id}>
                      <td>{w.ordinal}</td>
                      <th scope="row">
                        <Link to={`/waves/${encodeURIComponent(w.id)}`}>{w.name}</Link>
                        {w.pilot ? <span className="tag">pilot</span> : null}
                      </th>
                      <td>
                        <WaveStatusBadge status={w.status} />
                      </td>
                      <td>{w.caMode}</td>
                      <td>{fmtDateTime(w.announceAt)}</td>
                      <td className="num">{fmtNumber(w.people)}</td>
                      <td className="num">{fmtNumber(w.devices)}</td>
                      <td>
                        {fmtNumber(w.migrated)} of {fmtNumber(w.migratable)}{" "}
                        <span className="muted">
                          ({pct(w.successShare, 1)}; gate {pct(w.successThreshold, 1)})
                        </span>
                      </td>
                      <td className="small">{w.gate ?? <span className="muted">—</span>}</td>
                      {can("waves.write") ? (
                        <td className="actions-cell">
                          {canStart(w) ? (
                            <button
                              type="button"
                              className="button button-primary"
                              onClick={() => actions.start(w)}
                            >
                              Start<span className="visually-hidden"> {w.name}</span>
                            </button>
                          ) : null}
                          {canRollBack(w) ? (
                            <button
                              type="button"
                              className="button button-danger-quiet"
                              onClick={() => actions.rollBack(w)}
                            >
                              Roll back<span className="visually-hidden"> {w.name}</span>
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
      {can("waves.write") && waves.data ? (
        anyStarted ? (
          <Notice tone="info" title="Re-planning is closed">
            <p>
              A wave has started, so the plan can no longer be replaced. Open a wave that has not started to
              move people or reschedule it.
            </p>
          </Notice>
        ) : (
          <PlanForm
            hasWaves={list.length > 0}
            onSaved={(text) => {
              setOutcome({ ok: true, text });
              waves.reload();
            }}
          />
        )
      ) : null}
    </>
  );
}

function num(form: FormData, name: string, scale = 1): number | undefined {
  const v = String(form.get(name) ?? "").trim();
  if (v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n * scale : undefined;
}

function PlanForm({ hasWaves, onSaved }: { hasWaves: boolean; onSaved: (text: string) => void }) {
  const [preview, setPreview] = useState<PlanResult | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const f = (name: string) => `${id}-${name}`;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const dryRun = submitter?.value !== "save";
    const form = new FormData(e.currentTarget);
    const start = String(form.get("start") ?? "");
    const body: Record<string, unknown> = {
      ...(start ? { start: new Date(start).toISOString() } : {}),
      ...(form.get("mode") ? { mode: form.get("mode") } : {}),
      graceDays: num(form, "graceDays"),
      spacingDays: num(form, "spacingDays"),
      pilotShare: num(form, "pilotShare", 0.01),
      maxPeoplePerWave: num(form, "maxPeoplePerWave"),
      ticketsPerDay: num(form, "ticketsPerDay"),
      ...(form.get("vipPlacement") ? { vipPlacement: form.get("vipPlacement") } : {}),
      dryRun,
    };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<PlanResult>("/api/waves/plan", body);
      if (r.saved) {
        setPreview(undefined);
        onSaved(`Plan saved: ${r.waves.length} waves as drafts. Start the pilot when you are ready.`);
      } else setPreview(r);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{hasWaves ? "Plan again" : "Plan the waves"}</h2>
      <p className="muted">
        People are grouped by department and location; VIPs placed as chosen; break-glass accounts never.
        Empty fields use the defaults from Settings.
        {hasWaves ? " Saving replaces every wave that has not started." : ""}
      </p>
      <form className="plan-form" onSubmit={submit}>
        <div className="grid-fields">
          <div className="field">
            <label htmlFor={f("start")}>Pilot announcement</label>
            <input id={f("start")} name="start" type="datetime-local" aria-describedby={f("start-hint")} />
            <p className="hint" id={f("start-hint")}>
              Empty: now
            </p>
          </div>
          <div className="field">
            <label htmlFor={f("mode")}>Intune CA</label>
            <select id={f("mode")} name="mode" defaultValue="">
              <option value="">Default</option>
              <option value="grace">After a grace period</option>
              <option value="immediate">Immediately after the handover</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={f("grace")}>Grace period (days)</label>
            <input
              id={f("grace")}
              name="graceDays"
              type="number"
              min={0}
              max={90}
              step="0.5"
              inputMode="decimal"
            />
          </div>
          <div className="field">
            <label htmlFor={f("spacing")}>Days between waves</label>
            <input
              id={f("spacing")}
              name="spacingDays"
              type="number"
              min={1}
              max={90}
              step="0.5"
              inputMode="decimal"
            />
          </div>
          <div className="field">
            <label htmlFor={f("pilot")}>Pilot share (%)</label>
            <input
              id={f("pilot")}
              name="pilotShare"
              type="number"
              min={0}
              max={100}
              step="0.5"
              inputMode="decimal"
            />
          </div>
          <div className="field">
            <label htmlFor={f("vip")}>VIPs</label>
            <select id={f("vip")} name="vipPlacement" defaultValue="">
              <option value="">Default</option>
              <option value="own-wave">In a wave of their own</option>
              <option value="with-group">With their group</option>
              <option value="last-wave">In the last wave</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={f("max")}>At most people per wave</label>
            <input id={f("max")} name="maxPeoplePerWave" type="number" min={1} step="1" inputMode="numeric" />
          </div>
          <div className="field">
            <label htmlFor={f("tickets")}>Helpdesk tickets per day</label>
            <input
              id={f("tickets")}
              name="ticketsPerDay"
              type="number"
              min={1}
              step="1"
              inputMode="numeric"
            />
          </div>
        </div>
        <div role="alert">{error ? <p className="notice notice-danger">{error}</p> : null}</div>
        <div className="button-row">
          <button type="submit" name="action" value="preview" className="button" disabled={busy}>
            Preview
          </button>
          <button type="submit" name="action" value="save" className="button button-primary" disabled={busy}>
            Save plan as drafts
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {preview ? (
          <div className="preview">
            <h3>Preview (not saved)</h3>
            <p>
              {preview.waves.length} waves; at most {fmtNumber(preview.limits.maxPeoplePerWave)} people per
              wave, bound by {preview.limits.binding} (helpdesk allows{" "}
              {fmtNumber(preview.limits.helpdeskPerWave)}, APIs {fmtNumber(preview.limits.apiPerWave)}).{" "}
              {preview.unplaced} break-glass accounts left out.
            </p>
            <div className="table-wrap">
              <table className="table compact">
                <caption className="visually-hidden">Planned waves</caption>
                <thead>
                  <tr>
                    <th scope="col">Wave</th>
                    <th scope="col">Announcement</th>
                    <th scope="col">CA mode</th>
                    <th scope="col" className="num">
                      People
                    </th>
                    <th scope="col" className="num">
                      Devices
                    </th>
                    <th scope="col">Groups</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.waves.map((w) => (
                    <tr key={w.ordinal}>
                      <th scope="row">{w.name}</th>
                      <td>{fmtDateTime(w.announceAt)}</td>
                      <td>{w.caMode}</td>
                      <td className="num">{fmtNumber(w.people)}</td>
                      <td className="num">{fmtNumber(w.devices)}</td>
                      <td className="small">
                        {w.groups.slice(0, 4).join(", ")}
                        {w.groups.length > 4 ? ` and ${w.groups.length - 4} more` : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}
