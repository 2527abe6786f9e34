/** Limbo and in-both: the devices stuck between the products, oldest first, with their ages. */
import { api } from "../api.ts";
import { fmtDuration, fmtNumber } from "../format.ts";
import { useLoad } from "../hooks.ts";
import { useQueryState } from "../router.tsx";
import type { AgedPage } from "../types.ts";
import { LoadError, Loading, PageHeader, Pager } from "../ui/index.tsx";
import { DeviceTable } from "./Devices.tsx";

const TEXT = {
  limbo: {
    title: "Limbo",
    lead: "Devices that left the old product and have not reached Intune. Their owners have no managed device: call them.",
    url: "/api/devices/limbo",
    alert: "call the owner",
  },
  "in-both": {
    title: "In both products",
    lead: "Devices seen in the old product and in Intune at once. Ferry retires the old record once the owner's conditional access has moved.",
    url: "/api/devices/in-both",
    alert: "anomaly",
  },
} as const;

export function AgedList({ kind }: { kind: "limbo" | "in-both" }) {
  const t = TEXT[kind];
  const [query, setQuery] = useQueryState();
  const page = Number(query.get("page") ?? "1") || 1;
  const data = useLoad(
    (signal) => api.get<AgedPage>(t.url, { page, pageSize: 50 }, signal),
    `${kind}:${page}`,
  );
  const d = data.data;
  return (
    <>
      <PageHeader title={t.title} lead={t.lead}>
        <button type="button" className="button" onClick={data.reload}>
          Refresh
        </button>
      </PageHeader>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!d && !data.error ? <Loading /> : null}
      {d ? (
        <section className="card" aria-label="Devices, oldest first">
          <p>
            {fmtNumber(d.total)} devices
            {kind === "limbo" ? `; flagged after ${fmtDuration(d.alertAfterMs)} in limbo` : ""}.
          </p>
          <DeviceTable devices={d.items} caption={`${t.title}, oldest first`} alert={t.alert} />
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
