/** Retiring the old product: the checklist, starting retirement, and what only an admin can confirm. */
import { useState } from "react";
import { api, messageOf } from "../api.ts";
import { fmtDateTime } from "../format.ts";
import { useLoad } from "../hooks.ts";
import type { Retirement as RetirementData } from "../types.ts";
import {
  LoadError,
  Loading,
  Notice,
  type Outcome,
  OutcomeMessage,
  PageHeader,
  useConfirm,
} from "../ui/index.tsx";
import { useSession } from "./session.ts";

const MANUAL = new Set(["connectors-disconnected", "final-report-exported", "subscription-cancelled"]);

export function Retirement() {
  const { can } = useSession();
  const data = useLoad(
    (signal) => api.get<RetirementData>("/api/retirement", undefined, signal),
    "retirement",
  );
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [dialog, confirm] = useConfirm();
  const r = data.data;

  const act = async (path: string, body: unknown, text: string) => {
    try {
      await api.post<RetirementData>(path, body);
      setOutcome({ ok: true, text });
    } catch (e) {
      setOutcome({ ok: false, text: messageOf(e) });
    }
    data.reload();
  };

  const request = async () => {
    const ok = await confirm({
      title: "Start retiring the old product?",
      body: (
        <p>
          From now on nobody is put back under the old product, and its conditional access is switched off
          once nothing depends on it. The old product is retired when every item below is done.
        </p>
      ),
      confirm: "Start retirement",
      danger: true,
    });
    if (ok) await act("/api/retirement/request", {}, "Retirement started.");
  };

  const confirmItem = async (id: string, title: string) => {
    const ok = await confirm({
      title: "Confirm this item?",
      body: <p>{title}. Your name is recorded in the audit log.</p>,
      confirm: "Confirm",
    });
    if (ok) await act("/api/retirement/confirm", { item: id }, `Confirmed: ${title}.`);
  };

  return (
    <>
      <PageHeader
        title="Retirement"
        lead="When every device is migrated, retired or explicitly excluded, the old product can go."
      />
      {dialog}
      <OutcomeMessage outcome={outcome} />
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : null}
      {!r && !data.error ? <Loading /> : null}
      {r ? (
        <section className="card" aria-labelledby="checklist-h">
          <h2 id="checklist-h">Checklist</h2>
          {r.retired ? (
            <Notice tone="ok" title="The old product is retired">
              <p>Retired on {fmtDateTime(r.retiredAt)}.</p>
            </Notice>
          ) : r.requestedAt ? (
            <p>
              Retirement started {fmtDateTime(r.requestedAt)} by {r.requestedBy}.
            </p>
          ) : (
            <p className="muted">Retirement has not started.</p>
          )}
          <ol className="checklist">
            {r.items.map((item) => (
              <li key={item.id} className={item.done ? "done" : undefined}>
                <span className={`check ${item.done ? "check-done" : ""}`} aria-hidden="true">
                  {item.done ? "✓" : ""}
                </span>
                <div>
                  <p className="checklist-title">
                    {item.title}{" "}
                    <span className="visually-hidden">{item.done ? "(done)" : "(not done)"}</span>
                  </p>
                  <p className="muted small">{item.detail}</p>
                </div>
                {!item.done && MANUAL.has(item.id) && can("retirement.write") && r.requestedAt ? (
                  <button type="button" className="button" onClick={() => confirmItem(item.id, item.title)}>
                    Confirm<span className="visually-hidden">: {item.title}</span>
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
          {!r.requestedAt && can("retirement.write") ? (
            <button type="button" className="button button-danger" onClick={request}>
              Start retirement
            </button>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
