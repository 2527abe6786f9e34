/**
 * Opening the store. SQLite (better-sqlite3) is the embedded default: one file, WAL mode.
 * Everything above this file speaks Kysely, so PostgreSQL is another dialect here, not a
 * rewrite.
 */
import SQLite from "better-sqlite3";
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from "kysely";
import * as m0001 from "./migrations/0001-initial.ts";
import * as m0002 from "./migrations/0002-helpdesk-and-history.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

const migrations: Record<string, Migration> = { "0001-initial": m0001, "0002-helpdesk-and-history": m0002 };

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface Store {
  db: Db;
  /** what this dialect can do; the worker picks its claim strategy from it */
  capabilities: { skipLocked: boolean };
  close(): Promise<void>;
}

/** Opens (creating if needed) a SQLite store at `path`, or in memory for ":memory:", and migrates it. */
export async function openSqliteStore(path: string): Promise<Store> {
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);
  return { db, capabilities: { skipLocked: false }, close: () => db.destroy() };
}

export async function migrate(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
