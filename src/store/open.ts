/**
 * Opening the store. SQLite (better-sqlite3) is the embedded default: one file, WAL mode.
 * Everything above this file speaks Kysely, so PostgreSQL is another dialect here, not a
 * rewrite.
 */
import SQLite from "better-sqlite3";
import {
  type DatabaseIntrospector,
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  type PostgresDialectConfig,
  SqliteDialect,
  sql,
  type TableMetadata,
} from "kysely";
import pg from "pg";
import { CAPABILITIES, type Capabilities } from "./dialect.ts";
import * as m0001 from "./migrations/0001-initial.ts";
import * as m0002 from "./migrations/0002-helpdesk-and-history.ts";
import * as m0003 from "./migrations/0003-accounts.ts";
import * as m0004 from "./migrations/0004-audit-chain.ts";
import * as m0005 from "./migrations/0005-manual-tasks.ts";
import * as m0006 from "./migrations/0006-limbo-escalation.ts";
import * as m0007 from "./migrations/0007-mail-outbox.ts";
import * as m0008 from "./migrations/0008-dashboard-indexes.ts";
import * as m0009 from "./migrations/0009-action-indexes.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

const migrations: Record<string, Migration> = {
  "0001-initial": m0001,
  "0002-helpdesk-and-history": m0002,
  "0003-accounts": m0003,
  "0004-audit-chain": m0004,
  "0005-manual-tasks": m0005,
  "0006-limbo-escalation": m0006,
  "0007-mail-outbox": m0007,
  "0008-dashboard-indexes": m0008,
  "0009-action-indexes": m0009,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface Store {
  db: Db;
  /** what this dialect can do; the worker picks its claim strategy from it */
  capabilities: Capabilities;
  close(): Promise<void>;
}

/**
 * Opens the store named by `location`: a `postgres://` or `postgresql://` URL, else a SQLite
 * file path (or ":memory:").
 */
export async function openStore(location: string, options: { schema?: string } = {}): Promise<Store> {
  if (!/^postgres(ql)?:\/\//.test(location)) return openSqliteStore(location);
  const { url, schema } = splitSchema(location);
  return openPostgresStore(url, { ...options, ...(schema ? { schema } : {}) });
}

/**
 * `postgres://…/db?schema=acme` → the URL without it, and "acme": several installations (a
 * service provider's customers, say) share one database, each in a schema of its own. The
 * driver ignores parameters it does not know, so it is taken off before connecting.
 */
export function splitSchema(location: string): { url: string; schema?: string } {
  const url = new URL(location);
  const schema = url.searchParams.get("schema");
  if (schema === null) return { url: location };
  url.searchParams.delete("schema");
  return { url: url.toString(), schema };
}

// Times are epoch milliseconds in bigint columns: well inside Number's exact range, so the
// driver hands them back as numbers rather than strings. Counts come back as bigint too.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Opens a PostgreSQL store in `schema` (default "ferry", created if missing): one schema per
 * installation — or per test — inside a shared database. Always naming it also keeps the
 * migrator from mistaking another schema's tables for its own.
 */
export async function openPostgresStore(url: string, options: { schema?: string } = {}): Promise<Store> {
  const schema = options.schema ?? "ferry";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new Error(
      `invalid schema name "${schema}": use lower-case letters, digits and underscores, not starting with a digit`,
    );
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create schema if not exists ${schema}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: `-c search_path=${schema}`,
  });
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
  await migrate(db, schema);
  return { db, capabilities: CAPABILITIES.postgres, close: () => db.destroy() };
}

/**
 * Kysely's PostgreSQL introspection, which its migrator uses to find its own tables, reads every
 * schema in the database and names each table in a function call: another installation's (or
 * test's) schema dropped meanwhile made this one's migration fail with `schema "…" does not
 * exist`. This dialect's introspection looks at the installation's own schema only.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string,
  ) {
    super(config);
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely hands the introspector an untyped instance
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const schema = this.schema;
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string; kind: string }>`
        select c.relname as name, c.relkind as kind
          from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where n.nspname = ${schema} and c.relkind in ('r', 'v', 'p')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: r.kind === "v", columns: [] }));
    };
    return {
      getSchemas: async () => {
        const { rows } = await sql<{ name: string }>`
          select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
        return rows;
      },
      getTables,
      getMetadata: async () => ({ tables: await getTables() }),
    };
  }
}

/** Opens (creating if needed) a SQLite store at `path`, or in memory for ":memory:", and migrates it. */
export async function openSqliteStore(path: string): Promise<Store> {
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  cacheStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);
  return { db, capabilities: CAPABILITIES.sqlite, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running most of ours. Reusing
 * prepared statements by their SQL text is safe here because each is run to completion
 * before the next query starts (better-sqlite3 is synchronous). The cache is bounded: texts
 * vary with the number of values in multi-row inserts and IN lists.
 */
function cacheStatements(db: SQLite.Database, limit = 500): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, SQLite.Statement>();
  db.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= limit) cache.clear();
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof db.prepare;
}

export async function migrate(db: Db, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(
      `store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
