/**
 * Search that stays fast at 100,000 rows: prefix matches on lower-cased names and addresses
 * (served by the expression indexes of migration 0003) and exact matches on normalised
 * hardware identifiers.
 */
import { type Expression, type SqlBool, sql } from "kysely";
import type { Db } from "../store/open.ts";

export type Dialect = "sqlite" | "postgres";

export function dialectOf(db: Db): Dialect {
  return db.getExecutor().adapter.constructor.name === "PostgresAdapter" ? "postgres" : "sqlite";
}

/** `lower(column)` starts with `prefix`, in a form each database answers from its index. */
export function startsWith(dialect: Dialect, column: string, prefix: string): Expression<SqlBool> {
  const ref = sql.ref(column);
  if (dialect === "postgres") {
    const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    return sql<SqlBool>`lower(${ref}) like ${`${escaped}%`}`;
  }
  // SQLite's lower() folds ASCII only; fold the prefix the same way so both sides agree.
  const lo = prefix.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return sql<SqlBool>`(lower(${ref}) >= ${lo} and lower(${ref}) < ${`${lo}\u{10FFFF}`})`;
}
