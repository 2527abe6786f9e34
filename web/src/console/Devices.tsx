/** Devices: search, filters and sorting, a page at a time from the server. */
import { useId } from "react";
import { api } from "../api.ts";
import { fmtDuration, fmtNumber, label, PATH_LABELS, PLATFORM_LABELS, STATE_LABELS } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { Link, useQueryState } from "../router.tsx";
import { DEVICE_STATES, type Device, PATHS, type Paged, PLATFORMS } from "../types.ts";
import { Badge, LoadError, Loading, PageHeader, Pager, StateBadge } from "../ui/index.tsx";
import { SearchField, useWaveOptions } from "./People.tsx";

const SORTS: [string, string][] = [
  ["id", "Device id"],
  ["stateSince", "Longest in their state"],
  ["-stateSince", "Newest in their state"],
  ["owner", "Owner"],
  ["model", "Model"],
  ["platform", "Platform"],
];

export function DeviceTable({
  devices,
  caption,
  alert,
}: {
  devices: (Device & { alert?: boolean })[];
  caption: string;
  alert?: string;
}) {
  if (devices.length === 0) return <p className="muted">No devices.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Owner</th>
            <th scope="col">Platform</th>
            <th scope="col">Serial · IMEI</th>
            <th scope="col">State</th>
            <th scope="col">In this state for</th>
            <th scope="col">Path</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.id}>
              <th scope="row">
                {d.model}
                <div className="muted small">
                  {d.manufacturer} · {d.id}
                </div>
              </th>
              <td>
                {d.owner ? (
                  <Link to={`/helpdesk/people/${encodeURIComponent(d.owner.id)}`}>{d.owner.displayName}</Link>
                ) : (
                  <span className="muted">no owner</span>
                )}
              </td>
              <td>
                {label(PLATFORM_LABELS, d.platform)} {d.osVersion}
                <div className="muted small">
                  {d.mode}, {d.ownership}
                </div>
              </td>
              <td className="mono small">
                {d.serial ?? "—"}
                {d.imei ? <div>{d.imei}</div> : null}
              </td>
              <td>
                <StateBadge state={d.state} />
                {d.excludedReason ? <div className="muted small">{d.excludedReason}</div> : null}
                {d.retiredReason ? <div className="muted small">{d.retiredReason}</div> : null}
              </td>
              <td>
                {fmtDuration(d.stateAgeMs)}
                {d.alert ? (
                  <>
                    {" "}
                    <Badge tone="danger">{alert ?? "overdue"}</Badge>
                  </>
                ) : null}
              </td>
              <td className="small">{label(PATH_LABELS, d.path)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Devices() {
  const [query, setQuery] = useQueryState();
  const v = (k: string) => query.get(k) ?? "";
  const page = Number(v("page") || "1") || 1;
  const waves = useWaveOptions();
  const ids = { state: useId(), path: useId(), platform: useId(), wave: useId(), sort: useId() };
  const params = {
    q: v("q"),
    state: v("state") || undefined,
    path: v("path") || undefined,
    platform: v("platform") || undefined,
    wave: v("wave") || undefined,
    sort: v("sort") || undefined,
  };
  const data = useLoad(
    (signal) => api.get<Paged<Device>>("/api/devices", { ...params, page, pageSize: 50 }, signal),
    `devices:${JSON.stringify(params)}:${page}`,
  );
  const d = data.data;
  return (
    <>
      <PageHeader title="Devices" lead={d ? `${fmtNumber(d.total)} devices match.` : undefined} />
      <search>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <SearchField
            label="Search"
            value={v("q")}
            onChange={(x) => setQuery({ q: x })}
            hint="Serial, IMEI or device id (exact), or the owner's name or e-mail (beginning)"
          />
          <div className="field">
            <label htmlFor={ids.state}>State</label>
            <select id={ids.state} value={v("state")} onChange={(e) => setQuery({ state: e.target.value })}>
              <option value="">Any</option>
              {DEVICE_STATES.map((s) => (
                <option key={s} value={s}>
                  {label(STATE_LABELS, s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.path}>Path</label>
            <select id={ids.path} value={v("path")} onChange={(e) => setQuery({ path: e.target.value })}>
              <option value="">Any</option>
              {PATHS.map((s) => (
                <option key={s} value={s}>
                  {label(PATH_LABELS, s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.platform}>Platform</label>
            <select
              id={ids.platform}
              value={v("platform")}
              onChange={(e) => setQuery({ platform: e.target.value })}
            >
              <option value="">Any</option>
              {PLATFORMS.map((s) => (
                <option key={s} value={s}>
                  {label(PLATFORM_LABELS, s)}
                </option>
              ))}
            </select>
          </div>
          {waves.length > 0 ? (
            <div className="field">
              <label htmlFor={ids.wave}>Wave</label>
              <select id={ids.wave} value={v("wave")} onChange={(e) => setQuery({ wave: e.target.value })}>
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
            <label htmlFor={ids.sort}>Sort by</label>
            <select id={ids.sort} value={v("sort")} onChange={(e) => setQuery({ sort: e.target.value })}>
              {SORTS.map(([k, t]) => (
                <option key={k} value={k === "id" ? "" : k}>
                  {t}
                </option>
              ))}
            </select>
          </div>
        </form>
      </search>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!d && !data.error ? <Loading what="Loading devices" /> : null}
      {d ? (
        <section className="card" aria-label="Results" aria-busy={data.loading}>
          <DeviceTable devices={d.items} caption="Devices" />
          <Pager
            page={d.page}
            pageSize={d.pageSize}
            total={d.total}
            onPage={(n) => setQuery({ page: n })}
            noun="devices"
          />
        </section>
      ) : null}
    </>
  );
}
