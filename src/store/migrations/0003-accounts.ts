/**
 * The HTTP API: local accounts, sessions, API tokens, portal links and their revocation,
 * the portal's re-check requests (one open request per person), server settings (secrets encrypted), and the indexes the
 * people and device lists need to page and search 100,000 rows quickly.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("oidc_subject", "text", (c) => c.unique())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("last_sign_in_at", "bigint")
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("csrf_token", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_account").on("sessions").column("account_id").execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("last_used_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();

  await db.schema
    .createTable("portal_links")
    .addColumn("nonce", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull())
    .addColumn("issued_at", "bigint")
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("issued_by", "text")
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("portal_links_person").on("portal_links").column("person_id").execute();

  await db.schema
    .createTable("recheck_requests")
    .addColumn("person_id", "text", (c) => c.primaryKey())
    .addColumn("device_id", "text")
    .addColumn("requested_at", "bigint", (c) => c.notNull())
    .addColumn("handled_at", "bigint")
    .execute();
  await db.schema
    .createIndex("recheck_requests_open")
    .on("recheck_requests")
    .columns(["handled_at", "requested_at"])
    .execute();

  await db.schema
    .createTable("server_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.notNull())
    .execute();

  // Paging and search at 100,000 rows. Prefix search runs on lower(...): SQLite answers it as
  // a range over the expression index, PostgreSQL as LIKE 'prefix%' (text_pattern_ops makes
  // that indexable whatever the database's collation). Sorts carry the id as a tie-breaker.
  const postgres = db.getExecutor().adapter.constructor.name === "PostgresAdapter";
  const ops = postgres ? sql` text_pattern_ops` : sql``;
  await db.schema.createIndex("people_name").on("people").columns(["display_name", "id"]).execute();
  for (const column of ["display_name", "upn", "email"]) {
    await db.schema
      .createIndex(`people_${column}_lower`)
      .on("people")
      .expression(sql`lower(${sql.ref(column)})${ops}`)
      .execute();
  }
  await db.schema.createIndex("people_governance").on("people").columns(["ca_governance", "id"]).execute();
  await db.schema
    .createIndex("devices_state_since")
    .on("devices")
    .columns(["state", "state_since"])
    .execute();
  await db.schema.createIndex("devices_since").on("devices").columns(["state_since", "id"]).execute();
  await db.schema.createIndex("devices_path").on("devices").columns(["path", "platform"]).execute();
  await db.schema.createIndex("devices_platform").on("devices").columns(["platform", "id"]).execute();
  await db.schema.createIndex("devices_model").on("devices").columns(["model", "id"]).execute();
  await db.schema.createIndex("audit_wave").on("audit").columns(["wave_id", "id"]).execute();
  await db.schema.createIndex("audit_kind").on("audit").columns(["kind", "id"]).execute();
}
