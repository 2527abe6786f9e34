/**
 * Conditional access: who each product governs now, the never-both check, the Intune policy's
 * health, and for each wave not yet enforced who would be blocked at enforcement.
 */
import { useId, useState } from "react";
import { api } from "../api.ts";
import { fmtDateTime, fmtNumber, GOVERNANCE_LABELS, label, PATH_LABELS, PLATFORM_LABELS } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import { type Access as AccessData, type BlockedPerson, type Forecast, GOVERNANCES } from "../types.ts";
import {
  GovernanceBadge,
  LoadError,
  Loading,
  Notice,
  PageHeader,
  Pager,
  StateBadge,
  WaveStatusBadge,
} from "../ui/index.tsx";

export function Access() {
  const [query, setQuery] = useQueryState();
  const governance = query.get("governance") ?? "";
  const page = Number(query.get("page") ?? "1") || 1;
  const filterId = useId();
  const access = useLoad(
    (signal) =>
      api.get<AccessData>(
        "/api/access",
        { governance: governance || undefined, page, pageSize: 50, sample: 10 },
        signal,
      ),
    `access:${governance}:${page}`,
  );
  const a = access.data;
  return (
    <>
      <PageHeader
        title="Conditional access"
        lead="Handover works through groups: the old product's CA excludes Ferry's exclusion list, Intune's excludes the not-yet-migrated group. Nobody is ever under both."
      >
        <button type="button" className="button" onClick={access.reload}>
          Refresh
        </button>
      </PageHeader>
      {access.error ? <LoadError error={access.error} onRetry={access.reload} /> : null}
      {!a && !access.error ? <Loading what="Loading conditional access" /> : null}
      {a ? (
        <>
          <div className="cards-2">
            <section className="card" aria-labelledby="ca-check">
              <h2 id="ca-check">Never both</h2>
              {a.check.passed && (a.counts.both ?? 0) === 0 ? (
                <p className="ok-line">Check passed: nobody is under both products' conditional access.</p>
              ) : (
                <Notice tone="danger" title="Check failed" role="alert">
                  <p>
                    {fmtNumber(a.counts.both ?? 0)} people are under both products' CA; Ferry exempts them in
                    Intune at once.
                  </p>
                  {a.check.violations.length > 0 ? (
                    <ul>
                      {a.check.violations.slice(0, 20).map((v) => (
                        <li key={`${v.rule}:${v.subject}`}>
                          <strong>{v.rule}</strong> {v.subject}: {v.detail}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </Notice>
              )}
              <dl className="facts">
                <dt>Old product's CA policy</dt>
                <dd>{a.sourcePolicyEnabled ? "enabled (scoped by the exclusion list)" : "switched off"}</dd>
                <dt>Intune CA policy</dt>
                <dd>
                  {a.targetPolicy === null
                    ? "not checked yet (checked at most hourly)"
                    : a.targetPolicy.ok
                      ? `verified ${fmtDateTime(a.targetPolicy.checkedAt)}: excludes the not-yet-migrated group and the break-glass accounts`
                      : `problems (checked ${fmtDateTime(a.targetPolicy.checkedAt)}): ${a.targetPolicy.problems.join("; ")} — handover is held`}
                </dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="ca-counts">
              <h2 id="ca-counts">Who is governed by which product</h2>
              <table className="table compact">
                <caption className="visually-hidden">People by conditional access governance</caption>
                <thead>
                  <tr>
                    <th scope="col">Governed by</th>
                    <th scope="col" className="num">
                      People
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {GOVERNANCES.map((g) => (
                    <tr key={g}>
                      <th scope="row">
                        <Link to={`/access?governance=${g}`}>{label(GOVERNANCE_LABELS, g)}</Link>
                      </th>
                      <td className="num">{fmtNumber(a.counts[g] ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="card" aria-labelledby="ca-forecast">
            <h2 id="ca-forecast">Forecast: who would be blocked at enforcement</h2>
            <p className="muted">
              People whose devices have not all moved when Intune's CA is enforced for their wave lose access
              from those devices; each gets an enrollment e-mail with a way in.
            </p>
            {a.forecasts.length === 0 ? <p>No wave is waiting for enforcement.</p> : null}
            {a.forecasts.map((f) => (
              <ForecastBlock key={f.waveId} forecast={f} />
            ))}
          </section>
          <section className="card" aria-labelledby="ca-people">
            <div className="card-header">
              <h2 id="ca-people">People</h2>
              <div className="field inline">
                <label htmlFor={filterId}>Governed by</label>
                <select
                  id={filterId}
                  value={governance}
                  onChange={(e) => setQuery({ governance: e.target.value })}
                >
                  <option value="">Anyone</option>
                  {GOVERNANCES.map((g) => (
                    <option key={g} value={g}>
                      {label(GOVERNANCE_LABELS, g)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">
                  People and whose conditional access applies to them
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Wave</th>
                    <th scope="col">Governed by</th>
                    <th scope="col">Since</th>
                  </tr>
                </thead>
                <tbody>
                  {a.people.items.map((p) => (
                    <tr key={p.id}>
                      <th scope="row">
                        <Link to={`/helpdesk/people/${encodeURIComponent(p.id)}`}>{p.displayName}</Link>
                        {p.breakGlass ? <span className="tag">break-glass</span> : null}
                        <div className="muted small">{p.upn}</div>
                      </th>
                      <td>{p.waveId ?? "—"}</td>
                      <td>
                        <GovernanceBadge governance={p.governance} />
                      </td>
                      <td>{fmtDateTime(p.since)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              page={a.people.page}
              pageSize={a.people.pageSize}
              total={a.people.total}
              onPage={(n) => setQuery({ page: n })}
              noun="people"
            />
          </section>
        </>
      ) : null}
    </>
  );
}

function ForecastBlock({ forecast: f }: { forecast: AccessData["forecasts"][number] }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="forecast">
      <h3>
        {f.waveName} <WaveStatusBadge status={f.status} />
      </h3>
      <p>
        <strong>
          {fmtNumber(f.blocked)} of {fmtNumber(f.people)} people
        </strong>{" "}
        would be blocked if Intune CA were enforced now ({f.caMode} mode; expected{" "}
        {f.expectedEnforcementAt ? fmtDateTime(f.expectedEnforcementAt) : "once the handover starts"}).
      </p>
      {f.sample.length > 0 ? (
        <>
          <BlockedTable people={f.sample} caption={`First people who would be blocked in ${f.waveName}`} />
          {f.blocked > f.sample.length ? (
            <button type="button" className="button" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
              {open ? "Hide the full list" : `Show all ${fmtNumber(f.blocked)}`}
            </button>
          ) : null}
          {open ? <FullForecast waveId={f.waveId} /> : null}
        </>
      ) : null}
    </div>
  );
}

function FullForecast({ waveId }: { waveId: string }) {
  const [page, setPage] = useState(1);
  const data = useLoad(
    (signal) =>
      api.get<Forecast>(`/api/access/forecast/${encodeURIComponent(waveId)}`, { page, pageSize: 50 }, signal),
    `forecast:${waveId}:${page}`,
  );
  if (data.error) return <LoadError error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading />;
  return (
    <>
      <BlockedTable people={data.data.items} caption="Everyone who would be blocked" />
      <Pager
        page={data.data.page}
        pageSize={data.data.pageSize}
        total={data.data.total}
        onPage={setPage}
        noun="people"
      />
    </>
  );
}

function BlockedTable({ people, caption }: { people: BlockedPerson[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="table compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Governed by</th>
            <th scope="col">Devices not yet moved</th>
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <Link to={`/helpdesk/people/${encodeURIComponent(p.id)}`}>{p.displayName}</Link>
                <div className="muted small">{p.upn}</div>
              </th>
              <td>
                <GovernanceBadge governance={p.governance} />
              </td>
              <td>
                <ul className="plain-list">
                  {p.devices.map((d) => (
                    <li key={d.id}>
                      {d.model} ({label(PLATFORM_LABELS, d.platform)}) <StateBadge state={d.state} />{" "}
                      <span className="muted small">{label(PATH_LABELS, d.path)}</span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
