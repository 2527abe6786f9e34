/**
 * Manual tasks: steps no vendor API can do (allowing people on a mail gateway), shown to an
 * admin with the exact console steps and confirmed by a named person.
 */
import type { Kysely } from "kysely";
import { dialectOf } from "../dialect.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  const serial = dialectOf(db) === "postgres" ? "serial" : "integer";
  await db.schema
    .createTable("manual_tasks")
    .addColumn("id", serial, (c) => (serial === "serial" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subjects", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("steps", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("confirmed_by", "text")
    .addColumn("confirmed_at", "bigint")
    .execute();
  await db.schema.createIndex("manual_tasks_open").on("manual_tasks").column("confirmed_at").execute();
}
