/** Readiness: every device's path out of the old product by platform, and the devices that need an admin. */
import { api } from "../api.ts";
import { fmtNumber, label, PATH_LABELS, PLATFORM_LABELS } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { useQueryState } from "../router.tsx";
import type { Readiness as ReadinessData } from "../types.ts";
import { LoadError, Loading, PageHeader, Pager } from "../ui/index.tsx";
import { DeviceTable } from "./Devices.tsx";

const PATH_HINTS: Record<string, string> = {
  "self-service": "the person removes the old management and enrolls",
  "admin-retire": "IT retires it remotely through the old product's API",
  "factory-reset": "Android fully managed / COPE / dedicated, Apple ADE below OS 26",
  "apple-migration-deadline": "Apple ADE on OS 26+: reassigned in Apple Business Manager with a deadline",
  "unsupported-os": "below Intune's minimum: update or replace first",
  "no-owner": "nobody to move it: assign an owner or exclude it",
};

export function Readiness() {
  const [query, setQuery] = useQueryState();
  const page = Number(query.get("page") ?? "1") || 1;
  const data = useLoad(
    (signal) => api.get<ReadinessData>("/api/readiness", { page, pageSize: 50 }, signal),
    `readiness:${page}`,
  );
  const r = data.data;
  return (
    <>
      <PageHeader
        title="Readiness"
        lead="Each device's way out of the old product, decided before planning."
      />
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!r && !data.error ? <Loading what="Loading readiness" /> : null}
      {r ? (
        <>
          <section className="card" aria-labelledby="paths-h">
            <h2 id="paths-h">Paths by platform</h2>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">
                  Devices by readiness path (rows) and platform (columns); {fmtNumber(r.total)} devices in all
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Path</th>
                    {r.platforms.map((p) => (
                      <th scope="col" key={p} className="num">
                        {label(PLATFORM_LABELS, p)}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      All
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.paths.map((path) => {
                    const row = r.counts[path] ?? {};
                    const sum = Object.values(row).reduce((a, b) => a + b, 0);
                    return (
                      <tr key={path}>
                        <th scope="row">
                          {label(PATH_LABELS, path)}
                          <div className="muted small">{PATH_HINTS[path]}</div>
                        </th>
                        {r.platforms.map((p) => (
                          <td key={p} className="num">
                            {fmtNumber(row[p] ?? 0)}
                          </td>
                        ))}
                        <td className="num">
                          <strong>{fmtNumber(sum)}</strong>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              Intune's minimum OS versions (as of {r.intuneSupportedOs.asOf}):{" "}
              {Object.entries(r.intuneSupportedOs.minimum)
                .map(([p, v]) => `${label(PLATFORM_LABELS, p)} ${v}`)
                .join(", ")}
              .
            </p>
          </section>
          <section className="card" aria-labelledby="admin-h">
            <h2 id="admin-h">Devices that need an admin</h2>
            <p className="muted">No owner or an unsupported OS: these cannot move until someone decides.</p>
            <DeviceTable devices={r.needsAdmin.items} caption="Devices needing an admin" />
            <Pager
              page={r.needsAdmin.page}
              pageSize={r.needsAdmin.pageSize}
              total={r.needsAdmin.total}
              onPage={(n) => setQuery({ page: n })}
              noun="devices"
            />
          </section>
        </>
      ) : null}
    </>
  );
}
