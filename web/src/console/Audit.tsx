/** The audit log: every state change and side effect, newest first, filtered a page at a time. */
import { useId } from "react";
import { api } from "../api.ts";
import { fmtDateTime, fmtNumber } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import type { AuditEntry, Paged } from "../types.ts";
import { LoadError, Loading, PageHeader, Pager } from "../ui/index.tsx";
import { SearchField } from "./People.tsx";

export function Audit() {
  const [query, setQuery] = useQueryState();
  const v = (k: string) => query.get(k) ?? "";
  const page = Number(v("page") || "1") || 1;
  const filters = { kind: v("kind"), person: v("person"), device: v("device"), wave: v("wave") };
  const data = useLoad(
    (signal) => api.get<Paged<AuditEntry>>("/api/audit", { ...filters, page, pageSize: 50 }, signal),
    `audit:${JSON.stringify(filters)}:${page}`,
  );
  const id = useId();
  const a = data.data;
  return (
    <>
      <PageHeader
        title="Audit log"
        lead="Append-only and hash-chained: `ferry audit verify` names the first entry that was changed."
      />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <SearchField
          label="Kind"
          value={filters.kind}
          onChange={(x) => setQuery({ kind: x })}
          hint="e.g. wave-started, mail"
        />
        <SearchField label="Person id" value={filters.person} onChange={(x) => setQuery({ person: x })} />
        <SearchField label="Device id" value={filters.device} onChange={(x) => setQuery({ device: x })} />
        <SearchField label="Wave id" value={filters.wave} onChange={(x) => setQuery({ wave: x })} />
      </form>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!a && !data.error ? <Loading what="Loading the audit log" /> : null}
      {a ? (
        <section className="card" aria-labelledby={id}>
          <h2 id={id} className="visually-hidden">
            Entries
          </h2>
          <p className="muted">{fmtNumber(a.total)} entries, newest first.</p>
          <ol className="timeline">
            {a.items.map((e) => (
              <li key={e.id}>
                <p className="timeline-meta">
                  <time dateTime={e.at}>{fmtDateTime(e.at)}</time> · <code>{e.kind}</code> · {e.actor}
                </p>
                <p>{e.message}</p>
                <p className="small">
                  {e.personId ? (
                    <Link to={`/helpdesk/people/${encodeURIComponent(e.personId)}`}>person {e.personId}</Link>
                  ) : null}
                  {e.deviceId ? <span className="muted"> · device {e.deviceId}</span> : null}
                  {e.waveId ? (
                    <>
                      {" · "}
                      <Link to={`/waves/${encodeURIComponent(e.waveId)}`}>wave {e.waveId}</Link>
                    </>
                  ) : null}
                </p>
              </li>
            ))}
          </ol>
          <Pager
            page={a.page}
            pageSize={a.pageSize}
            total={a.total}
            onPage={(n) => setQuery({ page: n })}
            noun="entries"
          />
        </section>
      ) : null}
    </>
  );
}
