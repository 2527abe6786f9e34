/** The helpdesk's start: one search box for a caller's name, e-mail, serial number or IMEI. */
import { useEffect, useId, useRef, useState } from "react";
import { api } from "../api.ts";
import { fmtNumber } from "../format.ts";
import { useDebounced, useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import type { Paged, PersonListItem } from "../types.ts";
import { GovernanceBadge, LoadError, PageHeader, Pager } from "../ui/index.tsx";

export function Helpdesk() {
  const [query, setQuery] = useQueryState();
  const q = query.get("q") ?? "";
  const page = Number(query.get("page") ?? "1") || 1;
  const [draft, setDraft] = useState(q);
  const settled = useDebounced(draft.trim(), 300);
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled search is pushed
  useEffect(() => {
    if (settled !== q) setQuery({ q: settled });
  }, [settled]);
  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const results = useLoad(
    (signal) =>
      q
        ? api.get<Paged<PersonListItem>>("/api/people", { q, page, pageSize: 20 }, signal)
        : Promise.resolve(undefined),
    `helpdesk:${q}:${page}`,
  );
  const r = results.data;
  return (
    <>
      <PageHeader
        title="Helpdesk"
        lead="Find the caller, see where each of their devices stands, and help them with the next step."
      />
      <search>
        <form
          className="big-search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ q: draft.trim() });
          }}
        >
          <label htmlFor={id}>Find the caller</label>
          <div className="big-search-row">
            <input
              ref={inputRef}
              id={id}
              type="search"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
            />
            <button type="submit" className="button button-primary">
              Search
            </button>
          </div>
          <p className="hint" id={`${id}-hint`}>
            Name, e-mail or UPN (the beginning is enough), or a device's serial number or IMEI (all of it;
            spaces and dashes do not matter).
          </p>
        </form>
      </search>
      <div aria-live="polite" aria-busy={results.loading}>
        {results.error ? <LoadError error={results.error} onRetry={results.reload} /> : null}
        {q && r ? (
          <section aria-label="Search results" className="results">
            <p className="results-count">
              {r.total === 0
                ? `Nobody matches “${q}”.`
                : `${fmtNumber(r.total)} ${r.total === 1 ? "person matches" : "people match"} “${q}”.`}
            </p>
            <ul className="result-list">
              {r.items.map((p) => (
                <li key={p.id}>
                  <Link to={`/helpdesk/people/${encodeURIComponent(p.id)}`} className="result">
                    <span className="result-name">
                      {p.displayName}
                      {p.vip ? <span className="tag">VIP</span> : null}
                    </span>
                    <span className="result-meta">
                      {p.email} · {p.department} · {p.location}
                    </span>
                    <span className="result-meta">
                      <GovernanceBadge governance={p.governance} /> {p.devices} devices, {p.openDevices} still
                      to move
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            {r.total > r.pageSize ? (
              <Pager
                page={r.page}
                pageSize={r.pageSize}
                total={r.total}
                onPage={(n) => setQuery({ page: n })}
                noun="people"
              />
            ) : null}
          </section>
        ) : null}
      </div>
    </>
  );
}
