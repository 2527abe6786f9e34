/**
 * Retiring the old product (step 8 of the guide). Ferry switches the source's CA off only
 * when nobody depends on it any more, and keeps a checklist of what only an admin can confirm.
 */
import { isSettled } from "../core/device-state.ts";
import type { DeviceState } from "../core/model.ts";
import type { Db } from "../store/open.ts";
import { isManaged } from "./decide-waves.ts";
import { getMeta, type MetaValues } from "./meta.ts";
import { buildWaveViews, isAwaitingNamedPath, type WaveView } from "./wave-view.ts";
import { WorkingSet } from "./working-set.ts";

/** Items only a person can confirm, in the order an admin would do them. */
export const MANUAL_ITEMS = {
  "connectors-disconnected": "Connectors to the old product disconnected (API accounts disabled)",
  "final-report-exported": "Final report exported and filed",
  "subscription-cancelled": "Subscription / licences of the old product cancelled",
} as const;
export type ManualItem = keyof typeof MANUAL_ITEMS;

export interface ChecklistItem {
  id: string;
  title: string;
  done: boolean;
  detail: string;
}

export function decideRetirement(
  ws: WorkingSet,
  views: Map<string, WaveView>,
  retirement: MetaValues["retirement"] | undefined,
  sourcePolicyEnabled: boolean,
): void {
  if (!retirement || !sourcePolicyEnabled) return;
  if (blockers(ws, views).length > 0) return;
  ws.act({
    key: `source-ca-disable:${retirement.requestedAt}`,
    kind: "source-ca-disable",
    waveId: null,
    notBefore: ws.now,
    payload: {},
  });
}

/** What still stands between the organisation and switching the old product off. */
export function blockers(ws: WorkingSet, views: Map<string, WaveView>): string[] {
  const out: string[] = [];
  for (const v of views.values()) {
    if (v.row.status !== "complete" && v.people.length > 0) out.push(`${v.row.name} is ${v.row.status}`);
  }
  const unplaced = [...ws.people.values()].filter((p) => isManaged(p) && p.wave_id === null).length;
  if (unplaced > 0) out.push(`${unplaced} people are in no wave`);
  const open = [...ws.devices.values()].filter(
    (d) => !isSettled(d.state as DeviceState) && !isAwaitingNamedPath(d),
  );
  if (open.length > 0)
    out.push(`${open.length} devices are neither migrated, retired, excluded nor awaiting a named path`);
  const notTarget = [...ws.people.values()].filter(
    (p) => isManaged(p) && p.ca_governance !== "target",
  ).length;
  if (notTarget > 0) out.push(`${notTarget} people are not yet governed by Intune`);
  return out;
}

export async function retirementChecklist(db: Db): Promise<ChecklistItem[]> {
  const ws = await WorkingSet.load(db, 0);
  const views = buildWaveViews(ws);
  const retirement = await getMeta(db, "retirement");
  const sourcePolicy = await getMeta(db, "sourcePolicyEnabled");
  const stillInSource = [...ws.devices.values()].filter((d) => d.source_presence !== "absent");
  const open = blockers(ws, views);
  const confirmations = retirement?.confirmations ?? {};
  const items: ChecklistItem[] = [
    {
      id: "everything-accounted",
      title: "Every device migrated, retired, excluded with a reason, or awaiting a named path",
      done: open.length === 0,
      detail: open.join("; ") || "all accounted for",
    },
    {
      id: "source-ca-off",
      title: "Old product's conditional access switched off (read back)",
      done: sourcePolicy === false,
      detail:
        sourcePolicy === false
          ? "disabled"
          : retirement
            ? "waiting for the blockers above"
            : "run `ferry retire --request`",
    },
    {
      id: "no-active-source-devices",
      title: "No device still relies on the old product",
      done: stillInSource.every((d) => d.excluded_reason !== null || isAwaitingNamedPath(d)),
      detail: `${stillInSource.length} records left in the source, all excluded or awaiting a named path: they end with the product`,
    },
  ];
  for (const [id, title] of Object.entries(MANUAL_ITEMS)) {
    const c = confirmations[id];
    items.push({
      id,
      title,
      done: c !== undefined,
      detail: c ? `confirmed by ${c.by}` : "needs an admin's confirmation",
    });
  }
  return items;
}
