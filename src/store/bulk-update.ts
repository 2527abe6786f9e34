/**
 * Many single-row updates as few statements. A pass may change thousands of rows (every
 * device's last check-in, say); on PostgreSQL one round trip per row dominates a pass, so rows
 * that change the same columns are updated together from a VALUES list. SQLite runs in
 * process, where prepared single-row updates are already cheap.
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
  if (dialectOf(db) !== "postgres" || changes.size < 4) {
    for (const [id, change] of changes) {
      await db
        .updateTable(table)
        .set(change as never)
        .where("id", "=", id)
        .execute();
    }
    return;
  }
  const types = await typesOf(db, table);
  const groups = new Map<string, [string, Record<string, unknown>][]>();
  for (const [id, change] of changes) {
    const signature = Object.keys(change).sort().join(",");
    const list = groups.get(signature);
    if (list) list.push([id, change]);
    else groups.set(signature, [[id, change]]);
  }
  for (const [signature, rows] of groups) {
    const columns = signature.split(",");
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
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
    }
  }
}
