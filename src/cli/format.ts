/** Terminal output: aligned tables and bars, plain enough to paste into a ticket. */

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  align?: "left" | "right";
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === "right" ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => "─".repeat(w))),
    ...cells.map(line),
  ].join("\n");
}

export function bar(value: number, total: number, width = 24): string {
  const share = total === 0 ? 0 : Math.min(1, value / total);
  const full = Math.round(share * width);
  return `${"█".repeat(full)}${"░".repeat(width - full)} ${(share * 100).toFixed(0).padStart(3)}%`;
}

export function isoDay(t: number | string | null): string {
  if (t === null) return "—";
  return new Date(t).toISOString().slice(0, 16).replace("T", " ");
}

/** A one-line reason and a non-zero exit, as the design promises scripts. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
