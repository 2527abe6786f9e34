/** People: search and filters, served a page at a time (fast at 100,000 people). */
import { useEffect, useId, useState } from "react";
import { api } from "../api.ts";
import { fmtNumber, GOVERNANCE_LABELS, label, STATE_LABELS } from "../format.ts";
import { useDebounced, useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import { DEVICE_STATES, GOVERNANCES, type Paged, type PersonListItem, type WaveSummary } from "../types.ts";
import { GovernanceBadge, LoadError, Loading, PageHeader, Pager } from "../ui/index.tsx";
import { useSession } from "./session.ts";

export function useWaveOptions(): WaveSummary[] {
  const { can } = useSession();
  const waves = useLoad(
    (signal) =>
      can("waves.read")
        ? api.get<{ waves: WaveSummary[] }>("/api/waves", undefined, signal)
        : Promise.resolve({ waves: [] }),
    "wave-options",
  );
  return waves.data?.waves ?? [];
}

/** A search box whose value lands in the query string a moment after typing stops. */
export function SearchField({
  label: text,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
}) {
  const [draft, setDraft] = useState(value);
  const settled = useDebounced(draft, 300);
  const id = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled draft is pushed
  useEffect(() => {
    if (settled !== value) onChange(settled);
  }, [settled]);
  return (
    <div className="field search-field">
      <label htmlFor={id}>{text}</label>
      <input
        id={id}
        type="search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function People() {
  const [query, setQuery] = useQueryState();
  const q = query.get("q") ?? "";
  const wave = query.get("wave") ?? "";
  const governance = query.get("governance") ?? "";
  const state = query.get("state") ?? "";
  const page = Number(query.get("page") ?? "1") || 1;
  const waves = useWaveOptions();
  const ids = { wave: useId(), gov: useId(), state: useId() };
  const data = useLoad(
    (signal) =>
      api.get<Paged<PersonListItem>>(
        "/api/people",
        {
          q,
          wave: wave || undefined,
          governance: governance || undefined,
          state: state || undefined,
          page,
          pageSize: 50,
        },
        signal,
      ),
    `people:${q}:${wave}:${governance}:${state}:${page}`,
  );
  const p = data.data;
  return (
    <>
      <PageHeader title="People" lead={p ? `${fmtNumber(p.total)} people match.` : undefined} />
      <search>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <SearchField
            label="Search"
            value={q}
            onChange={(v) => setQuery({ q: v })}
            hint="Name, UPN or e-mail (beginning), or a device's serial or IMEI (exact)"
          />
          {waves.length > 0 ? (
            <div className="field">
              <label htmlFor={ids.wave}>Wave</label>
              <select id={ids.wave} value={wave} onChange={(e) => setQuery({ wave: e.target.value })}>
                <option value="">Any</option>
                <option value="none">In no wave</option>
                {waves.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={ids.gov}>Conditional access</label>
            <select
              id={ids.gov}
              value={governance}
              onChange={(e) => setQuery({ governance: e.target.value })}
            >
              <option value="">Any</option>
              {GOVERNANCES.map((g) => (
                <option key={g} value={g}>
                  {label(GOVERNANCE_LABELS, g)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.state}>Has a device that is</label>
            <select id={ids.state} value={state} onChange={(e) => setQuery({ state: e.target.value })}>
              <option value="">Any state</option>
              {DEVICE_STATES.map((s) => (
                <option key={s} value={s}>
                  {label(STATE_LABELS, s)}
                </option>
              ))}
            </select>
          </div>
        </form>
      </search>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!p && !data.error ? <Loading what="Loading people" /> : null}
      {p ? (
        <section className="card" aria-label="Results" aria-busy={data.loading}>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">People, sorted by name</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Department · location</th>
                  <th scope="col">Wave</th>
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
                    <th scope="row">
                      <Link to={`/helpdesk/people/${encodeURIComponent(person.id)}`}>
                        {person.displayName}
                      </Link>
                      {person.vip ? <span className="tag">VIP</span> : null}
                      {person.breakGlass ? <span className="tag">break-glass</span> : null}
                    </th>
                    <td className="small">{person.email}</td>
                    <td>
                      {person.department} · {person.location}
                    </td>
                    <td>
                      {person.waveId
                        ? (waves.find((w) => w.id === person.waveId)?.name ?? person.waveId)
                        : "—"}
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
          <Pager
            page={p.page}
            pageSize={p.pageSize}
            total={p.total}
            onPage={(n) => setQuery({ page: n })}
            noun="people"
          />
        </section>
      ) : null}
    </>
  );
}
