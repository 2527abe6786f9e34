/** The migration report as people read it: one table per wave, one overall, and the checks. */
import type { DeviceCounts, Report } from "../engine/report.ts";
import { bar, isoDay, table } from "./format.ts";

function excludedText(c: DeviceCounts): string {
  const parts = Object.entries(c.excluded).map(([reason, n]) => `${reason} ${n}`);
  return parts.length ? parts.join(", ") : "0";
}

function sumExcluded(c: DeviceCounts): number {
  return Object.values(c.excluded).reduce((a, b) => a + b, 0);
}

export function renderReport(r: Report): string {
  const out: string[] = [];
  out.push(
    table(r.waves, [
      { header: "wave", value: (w) => w.name },
      { header: "status", value: (w) => w.status },
      { header: "people", value: (w) => w.people, align: "right" },
      { header: "devices", value: (w) => w.devices.total, align: "right" },
      {
        header: "migrated",
        value: (w) =>
          bar(w.devices.migrated, w.devices.total - sumExcluded(w.devices) - w.devices.retired, 16),
      },
      { header: "excl.", value: (w) => sumExcluded(w.devices), align: "right" },
      { header: "reset", value: (w) => w.devices.awaitingReset, align: "right" },
      { header: "apple", value: (w) => w.devices.awaitingAppleDeadline, align: "right" },
      { header: "limbo", value: (w) => w.devices.limbo, align: "right" },
      { header: "e-mails", value: (w) => w.emails, align: "right" },
      { header: "old CA lifted", value: (w) => isoDay(w.handoverAt) },
      { header: "Intune CA on", value: (w) => isoDay(w.enforcedAt) },
    ]),
  );
  const d = r.devices;
  out.push(
    "",
    `Overall: ${r.people} people (${r.breakGlass} break-glass, never touched), ${d.total} devices over ${r.simulatedDays} days`,
    `  migrated          ${String(d.migrated).padStart(6)}   (${d.compliant} compliant)`,
    `  excluded          ${String(sumExcluded(d)).padStart(6)}   ${excludedText(d)}`,
    `  retired           ${String(d.retired).padStart(6)}`,
    `  awaiting reset    ${String(d.awaitingReset).padStart(6)}`,
    `  awaiting Apple    ${String(d.awaitingAppleDeadline).padStart(6)}`,
    `  in limbo          ${String(d.limbo).padStart(6)}`,
    `  still in source   ${String(d.inSource).padStart(6)}`,
    `  in both (anomaly) ${String(d.inBoth).padStart(6)}`,
    `  e-mails sent      ${String(r.emails.total).padStart(6)}   ${Object.entries(r.emails.byTemplate)
      .map(([t, n]) => `${t} ${n}`)
      .join(", ")}`,
    `  old product       ${r.sourceRetired ? "retired" : "still in service"}`,
    `  invariant check   ${r.invariantViolations === 0 ? "passed: nobody was ever under both products' CA" : `${r.invariantViolations} VIOLATIONS`}`,
  );
  return out.join("\n");
}
