/**
 * The admin's start page: what needs attention now (alerts that link to the lists), the
 * funnel overall and per wave, and the burn-down over time.
 */
import { useId, useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime, fmtNumber, GOVERNANCE_LABELS, label, pct } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import type {
  Burndown,
  Dashboard,
  DashboardAlert,
  EngineStatus,
  Funnel,
  PassQueued,
  StageCounts,
} from "../types.ts";
import {
  Bar,
  GovernanceBadge,
  LoadError,
  Loading,
  type Outcome,
  OutcomeMessage,
  PageHeader,
  WaveStatusBadge,
} from "../ui/index.tsx";
import { BurndownChart } from "./Burndown.tsx";
import { useSession } from "./session.ts";

const STAGES: { key: keyof StageCounts; label: string; hint: string }[] = [
  { key: "announced", label: "Announced", hint: "their wave has told them" },
  { key: "unenrolled", label: "Left the old product", hint: "verified through the old product's API" },
  { key: "enrolled", label: "Enrolled in Intune", hint: "seen in Intune and matched" },
  { key: "compliant", label: "Compliant", hint: "compliant in Intune" },
];

const ALERT_LINKS: Record<string, { to: string; text: string }> = {
  both: { to: "/access?governance=both", text: "See who" },
  "in-both": { to: "/in-both", text: "Open the in-both list" },
  limbo: { to: "/limbo", text: "Open the limbo list" },
  "failed-actions": { to: "/audit?kind=alert-action-failed", text: "See the failures" },
  "intune-policy": { to: "/access", text: "Open conditional access" },
};

/** Waits (up to a minute) until the engine answered the request; the time of its pass, if it did. */
async function passAnswered(before: string | null): Promise<string | undefined> {
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 2_000));
    const e = await api.get<EngineStatus>("/api/engine");
    if (!e.passRequested && e.lastPassAt && e.lastPassAt !== before) return e.lastPassAt;
  }
  return undefined;
}

export function Overview() {
  const { can } = useSession();
  const dash = useLoad((signal) => api.get<Dashboard>("/api/dashboard", undefined, signal), "dash");
  const engine = useLoad(
    (signal) =>
      can("engine.read")
        ? api.get<EngineStatus>("/api/engine", undefined, signal)
        : Promise.resolve(undefined),
    "engine",
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  // The engine runs in its own process: the request is queued, then we watch it being answered.
  const runPass = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const r = await api.post<PassQueued>("/api/engine/pass");
      setOutcome({ ok: r.engineRunning, text: r.message });
      if (r.engineRunning) {
        const done = await passAnswered(r.lastPassAt);
        setOutcome(
          done
            ? { ok: true, text: `Engine pass done at ${fmtDateTime(done)}.` }
            : {
                ok: false,
                text: "The engine has not run the pass yet: it may be in a long pass. Refresh in a minute.",
              },
        );
      }
      dash.reload();
      engine.reload();
    } catch (e) {
      setOutcome({ ok: false, text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  const d = dash.data;
  return (
    <>
      <PageHeader
        title="Overview"
        lead={
          d ? (
            <>
              Migration clock {fmtDateTime(d.at)} · last engine pass{" "}
              {d.lastPassAt ? fmtDateTime(d.lastPassAt) : "never"}
            </>
          ) : undefined
        }
      >
        <button type="button" className="button" onClick={dash.reload} disabled={dash.loading}>
          Refresh
        </button>
        {can("engine.run") ? (
          <button type="button" className="button button-primary" onClick={runPass} disabled={busy}>
            {busy ? "Waiting for the engine…" : "Run an engine pass now"}
          </button>
        ) : null}
      </PageHeader>
      <OutcomeMessage outcome={outcome} />
      {dash.error ? <LoadError error={dash.error} onRetry={dash.reload} /> : null}
      {!d && !dash.error ? <Loading what="Loading the dashboard" /> : null}
      {d ? (
        <>
          <Alerts alerts={d.alerts} />
          {engine.data ? <EngineLine engine={engine.data} /> : null}
          <section className="card" aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">Funnel</h2>
            {d.funnel.devices.total === 0 ? (
              <p className="muted">
                Nobody is in a wave yet. {can("waves.write") ? <Link to="/waves">Plan the waves</Link> : null}
              </p>
            ) : (
              <div className="funnels">
                <FunnelFigure title="People" counts={d.funnel.people} />
                <FunnelFigure title="Devices" counts={d.funnel.devices} />
              </div>
            )}
            <GovernanceLine governance={d.governance} />
          </section>
          <WavesTable dash={d} />
          <BurndownSection dash={d} />
        </>
      ) : null}
    </>
  );
}

function Alerts({ alerts }: { alerts: DashboardAlert[] }) {
  return (
    <section aria-labelledby="alerts-heading" className="card">
      <h2 id="alerts-heading">Needs attention</h2>
      {alerts.length === 0 ? (
        <p className="ok-line">
          Nothing needs attention: nobody under both products' CA, nobody long in limbo, no failed actions.
        </p>
      ) : (
        <ul className="alerts">
          {alerts.map((a) => {
            const link = ALERT_LINKS[a.kind];
            return (
              <li key={a.kind} className={`alert alert-${a.severity}`}>
                <span className="alert-severity">{a.severity === "critical" ? "Critical" : "Warning"}</span>
                <span className="alert-text">
                  {a.message}
                  {a.since ? <span className="muted"> · oldest since {fmtDateTime(a.since)}</span> : null}
                </span>
                {link ? (
                  <Link to={link.to} className="alert-link">
                    {link.text}
                    <span className="visually-hidden"> ({a.kind})</span>
                  </Link>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function EngineLine({ engine: e }: { engine: EngineStatus }) {
  const q = e.actions;
  const waiting = (q.pending ?? 0) + (q.running ?? 0);
  const alive = e.loops.filter((l) => l.alive);
  return (
    <p className="engine-line">
      {alive.length > 1 ? (
        <span>
          {alive.length} engine processes
          {alive.some((l) => l.inPass) ? ", one in a pass" : ""}
        </span>
      ) : null}
      <span>
        Action queue: {fmtNumber(waiting)} waiting, {fmtNumber(q.done ?? 0)} done
        {q.failed ? (
          <>
            , <Link to="/audit?kind=alert-action-failed">{fmtNumber(q.failed)} failed</Link>
          </>
        ) : null}
      </span>
      {e.recheckRequests > 0 ? (
        <span>{fmtNumber(e.recheckRequests)} people asked to be checked again</span>
      ) : null}
    </p>
  );
}

function FunnelFigure({ title, counts }: { title: string; counts: StageCounts }) {
  return (
    <figure className="funnel">
      <figcaption>
        <strong>{title}</strong> · {fmtNumber(counts.total)} in scope
      </figcaption>
      <ol>
        {STAGES.map((s) => (
          <li key={s.key}>
            <span className="funnel-label" title={s.hint}>
              {s.label}
            </span>
            <Bar value={counts[s.key]} max={counts.total} tone={s.key === "compliant" ? "ok" : "info"} />
            <span className="funnel-value">
              {fmtNumber(counts[s.key])} <span className="muted">({pct(counts[s.key], counts.total)})</span>
            </span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

function GovernanceLine({ governance }: { governance: Record<string, number> }) {
  const { can } = useSession();
  return (
    <p className="governance-line">
      <span>Conditional access now:</span>{" "}
      {["source", "none", "target", "both"].map((g) => (
        <span key={g} className="governance-item">
          <GovernanceBadge governance={g} /> {fmtNumber(governance[g] ?? 0)}
          <span className="visually-hidden"> people ({label(GOVERNANCE_LABELS, g)})</span>
        </span>
      ))}
      {can("access.read") ? <Link to="/access">Details</Link> : null}
    </p>
  );
}

function stageCell(f: Funnel, key: keyof StageCounts) {
  const n = f.devices[key];
  return (
    <td className="num">
      {fmtNumber(n)} <span className="muted">{pct(n, f.devices.total)}</span>
    </td>
  );
}

function WavesTable({ dash }: { dash: Dashboard }) {
  if (dash.waves.length === 0) return null;
  return (
    <section className="card" aria-labelledby="waves-heading">
      <h2 id="waves-heading">Waves</h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">
            Each wave's status and devices at each stage of the funnel (share of the wave's devices in scope)
          </caption>
          <thead>
            <tr>
              <th scope="col">Wave</th>
              <th scope="col">Status</th>
              <th scope="col">Announcement</th>
              <th scope="col" className="num">
                People
              </th>
              <th scope="col" className="num">
                Devices
              </th>
              <th scope="col" className="num">
                Left old product
              </th>
              <th scope="col" className="num">
                Enrolled
              </th>
              <th scope="col" className="num">
                Compliant
              </th>
              <th scope="col">Success / gate</th>
            </tr>
          </thead>
          <tbody>
            {dash.waves.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <Link to={`/waves/${encodeURIComponent(w.id)}`}>{w.name}</Link>
                  {w.pilot ? <span className="tag">pilot</span> : null}
                </th>
                <td>
                  <WaveStatusBadge status={w.status} />
                </td>
                <td>{fmtDateTime(w.announceAt)}</td>
                <td className="num">{fmtNumber(w.people)}</td>
                <td className="num">{fmtNumber(w.funnel.devices.total)}</td>
                {stageCell(w.funnel, "unenrolled")}
                {stageCell(w.funnel, "enrolled")}
                {stageCell(w.funnel, "compliant")}
                <td>
                  <span className={w.successShare >= w.successThreshold ? "ok-text" : undefined}>
                    {pct(w.successShare, 1)} migrated · gate {pct(w.successThreshold, 1)}
                  </span>
                  {w.gate ? <div className="muted small">{w.gate}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function BurndownSection({ dash }: { dash: Dashboard }) {
  const [query, setQuery] = useQueryState();
  const wave = query.get("wave") ?? "";
  const selectId = useId();
  const data = useLoad(
    (signal) =>
      api.get<Burndown>("/api/dashboard/burndown", { wave: wave || undefined, maxPoints: 240 }, signal),
    `burndown:${wave}`,
  );
  const scope = wave ? (dash.waves.find((w) => w.id === wave)?.name ?? wave) : "all waves";
  return (
    <section className="card" aria-labelledby="burndown-heading">
      <div className="card-header">
        <h2 id="burndown-heading">Burn-down</h2>
        <div className="field inline">
          <label htmlFor={selectId}>Wave</label>
          <select id={selectId} value={wave} onChange={(e) => setQuery({ wave: e.target.value })}>
            <option value="">All waves</option>
            {dash.waves.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {data.data ? (
        <BurndownChart points={data.data.points} scope={scope} />
      ) : (
        <Loading what="Loading the chart" />
      )}
    </section>
  );
}
