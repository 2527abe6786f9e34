/** The burn-down chart: devices still to move and devices migrated, over time, as inline SVG with a table twin. */
import { useId } from "react";
import { fmtDateTime, fmtNumber, fmtShortDate } from "../format.ts";
import type { BurndownPoint } from "../types.ts";

const W = 720;
const H = 260;
const M = { top: 16, right: 20, bottom: 34, left: 56 };

function niceMax(n: number): number {
  if (n <= 5) return 5;
  const mag = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * mag >= n) return step * mag;
  return 10 * mag;
}

/** At most one row per day for the table: the last point of each day. */
function daily(points: BurndownPoint[]): BurndownPoint[] {
  const byDay = new Map<string, BurndownPoint>();
  for (const p of points) byDay.set(p.at.slice(0, 10), p);
  return [...byDay.values()];
}

export function BurndownChart({ points, scope }: { points: BurndownPoint[]; scope: string }) {
  const titleId = useId();
  const descId = useId();
  if (points.length < 2)
    return (
      <p className="muted">
        Not enough history yet: the engine records progress once an hour, and the chart starts with the second
        record.
      </p>
    );
  const t0 = Date.parse(points[0]!.at);
  const t1 = Math.max(t0 + 1, Date.parse(points[points.length - 1]!.at));
  const yMax = niceMax(Math.max(1, ...points.map((p) => Math.max(p.remaining, p.migrated))));
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - v / yMax) * (H - M.top - M.bottom);
  const line = (key: "remaining" | "migrated") =>
    points
      .map((p, i) => `${i === 0 ? "M" : "L"}${x(Date.parse(p.at)).toFixed(1)},${y(p[key]).toFixed(1)}`)
      .join(" ");
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const xTicks = 5;
  const ticks = Array.from({ length: xTicks }, (_, i) => t0 + ((t1 - t0) * i) / (xTicks - 1));
  const summary = `${scope.charAt(0).toUpperCase()}${scope.slice(1)}: ${fmtNumber(last.remaining)} of ${fmtNumber(last.total)} devices still to move on ${fmtDateTime(last.at)} (${fmtNumber(first.remaining)} on ${fmtDateTime(first.at)}); ${fmtNumber(last.migrated)} migrated.`;

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        className="chart-svg"
      >
        <title id={titleId}>Burn-down, {scope}</title>
        <desc id={descId}>{summary}</desc>
        {[0, 0.25, 0.5, 0.75, 1].map((f) => (
          <g key={f}>
            <line x1={M.left} x2={W - M.right} y1={y(yMax * f)} y2={y(yMax * f)} className="chart-grid" />
            <text x={M.left - 8} y={y(yMax * f) + 4} textAnchor="end" className="chart-axis">
              {fmtNumber(Math.round(yMax * f))}
            </text>
          </g>
        ))}
        {ticks.map((t) => (
          <text key={t} x={x(t)} y={H - 10} textAnchor="middle" className="chart-axis">
            {fmtShortDate(t)}
          </text>
        ))}
        <path d={line("remaining")} className="chart-line chart-remaining" />
        <path d={line("migrated")} className="chart-line chart-migrated" />
      </svg>
      <figcaption>
        <ul className="legend">
          <li>
            <span className="swatch swatch-remaining" aria-hidden="true" /> Still to move
          </li>
          <li>
            <span className="swatch swatch-migrated" aria-hidden="true" /> Migrated to Intune
          </li>
        </ul>
        <p>{summary}</p>
      </figcaption>
      <details>
        <summary>Show the numbers as a table</summary>
        <table className="table compact">
          <caption className="visually-hidden">Burn-down by day, {scope}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col" className="num">
                Still to move
              </th>
              <th scope="col" className="num">
                Migrated
              </th>
              <th scope="col" className="num">
                Devices
              </th>
            </tr>
          </thead>
          <tbody>
            {daily(points).map((p) => (
              <tr key={p.at}>
                <th scope="row">{fmtDateTime(p.at)}</th>
                <td className="num">{fmtNumber(p.remaining)}</td>
                <td className="num">{fmtNumber(p.migrated)}</td>
                <td className="num">{fmtNumber(p.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
