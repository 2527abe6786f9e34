/**
 * Many single-row updates as few statements. A pass may change thousands of rows (every
 * device's last check-in, say; 130,000 people and devices in a cold pass at a million
 * devices), so rows that change the same columns are updated together from a VALUES list:
 * `UPDATE … FROM (VALUES …)`. On PostgreSQL one round trip per row dominated a pass; on SQLite
 * (3.33+ has UPDATE FROM) each statement costs a Kysely compile and a call into the driver,
 * which at that scale was seconds too.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { dialectOf } from "./dialect.ts";
import type { Database } from "./schema.ts";

type Table = "people" | "devices" | "waves";
type Db = Kysely<Database> | Transaction<Database>;

const ROWS_PER_STATEMENT = 1000;
const columnTypes = new Map<string, Promise<Map<string, string>>>();

async function typesOf(db: Db, table: Table): Promise<Map<string, string>> {
  let cached = columnTypes.get(table);
  if (!cached) {
    cached = sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`
      .execute(db)
      .then((r) => new Map(r.rows.map((c) => [c.column_name, c.data_type])));
    columnTypes.set(table, cached);
  }
  return cached;
}

export async function updateRows(
  db: Db,
  table: Table,
  changes: Map<string, Record<string, unknown>>,
): Promise<void> {
  if (changes.size === 0) return;
  const postgres = dialectOf(db) === "postgres";
  if (changes.size < 4) {
    for (const [id, change] of changes) {
      await db
        .updateTable(table)
        .set(change as never)
        .where("id", "=", id)
        .execute();
    }
    return;
  }
  const types = postgres ? await typesOf(db, table) : undefined;
  const groups = new Map<string, [string, Record<string, unknown>][]>();
  for (const [id, change] of changes) {
    const signature = Object.keys(change).sort().join(",");
    const list = groups.get(signature);
    if (list) list.push([id, change]);
    else groups.set(signature, [[id, change]]);
  }
  for (const [signature, rows] of groups) {
    const columns = signature.split(",");
    // SQLite allows 32,766 bound parameters a statement.
    const perStatement = Math.min(ROWS_PER_STATEMENT, Math.floor(30_000 / (columns.length + 1)));
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      if (types) {
        const values = chunk.map(
          ([id, change]) =>
            sql`(${sql.join([
              sql`${id}::text`,
              ...columns.map((c) => sql`${change[c] ?? null}::${sql.raw(types.get(c) ?? "text")}`),
            ])})`,
        );
        await sql`update ${sql.table(table)} as t
          set ${sql.join(columns.map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`))}
          from (values ${sql.join(values)}) as v(${sql.join(["id", ...columns].map((c) => sql.ref(c)))})
          where t.id = v.id`.execute(db);
      } else {
        // SQLite names a VALUES list's columns column1, column2, …; the column affinity of
        // the target converts the values as a plain `SET c = ?` would.
        const values = chunk.map(
          ([id, change]) => sql`(${sql.join([id, ...columns.map((c) => change[c] ?? null)])})`,
        );
        await sql`update ${sql.table(table)}
          set ${sql.join(columns.map((c, k) => sql`${sql.ref(c)} = v.${sql.raw(`column${k + 2}`)}`))}
          from (values ${sql.join(values)}) as v
          where ${sql.table(table)}.id = v.column1`.execute(db);
      }
    }
  }
}
