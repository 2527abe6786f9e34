/**
 * The store a test runs on. By default SQLite; with FERRY_TEST_DATABASE_URL set (CI's second
 * round) PostgreSQL, each store in a schema of its own that is dropped when it closes.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { openPostgresStore, openSqliteStore, type Store } from "../../src/store/open.ts";

export const TEST_DATABASE_URL = process.env.FERRY_TEST_DATABASE_URL;

export const DIALECT = TEST_DATABASE_URL ? "postgres" : "sqlite";

/** Where a test store lives; open it again to simulate a restarted process. */
export type StoreLocation = { sqlite: string } | { url: string; schema: string };

export function newStoreLocation(sqlitePath = ":memory:"): StoreLocation {
  return TEST_DATABASE_URL
    ? { url: TEST_DATABASE_URL, schema: `t_${randomUUID().replaceAll("-", "").slice(0, 20)}` }
    : { sqlite: sqlitePath };
}

export async function openTestStore(location: StoreLocation = newStoreLocation()): Promise<Store> {
  if ("sqlite" in location) return openSqliteStore(location.sqlite);
  return openPostgresStore(location.url, { schema: location.schema });
}

/** Drops a PostgreSQL test schema (nothing to do for SQLite). */
export async function dropTestStore(location: StoreLocation): Promise<void> {
  if ("sqlite" in location) return;
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${location.schema} cascade`);
  } finally {
    await client.end();
  }
}
