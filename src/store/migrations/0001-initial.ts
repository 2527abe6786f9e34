/**
 * The first schema. Migrations are frozen once released and typed against Kysely<any>, so a
 * later change to schema.ts can never break them.
 */
import type { Kysely } from "kysely";
import { dialectOf } from "../dialect.ts";

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // An auto-numbered key is `integer … autoincrement` in SQLite and an identity column in PostgreSQL.
  const serial = dialectOf(db) === "postgres" ? "serial" : "integer";
  await db.schema
    .createTable("meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("waves")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("ordinal", "integer", (c) => c.notNull().unique())
    .addColumn("pilot", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("groups", "text", (c) => c.notNull())
    .addColumn("announce_at", "bigint", (c) => c.notNull())
    .addColumn("announced_at", "bigint")
    .addColumn("handover_at", "bigint")
    .addColumn("enforced_at", "bigint")
    .addColumn("completed_at", "bigint")
    .addColumn("rolled_back_at", "bigint")
    .addColumn("rollbacks", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("people")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("upn", "text", (c) => c.notNull().unique())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("department", "text", (c) => c.notNull())
    .addColumn("location", "text", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("locale", "text", (c) => c.notNull())
    .addColumn("vip", "integer", (c) => c.notNull())
    .addColumn("break_glass", "integer", (c) => c.notNull())
    .addColumn("directory_id", "text")
    .addColumn("wave_id", "text", (c) => c.references("waves.id"))
    .addColumn("source_excluded", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("source_excluded_since", "bigint")
    .addColumn("target_exempt", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("target_exempt_since", "bigint")
    .addColumn("ca_governance", "text", (c) => c.notNull())
    .addColumn("ca_since", "bigint", (c) => c.notNull())
    .addColumn("ca_action_id", "integer")
    .addColumn("ca_seq", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("instructions_at", "bigint")
    .addColumn("reminders_sent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_reminder_at", "bigint")
    .addColumn("deadline_notice_at", "bigint")
    .addColumn("blocked_notice_at", "bigint")
    .addColumn("done_notice_at", "bigint")
    .addColumn("deadline_extension", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("people_wave").on("people").column("wave_id").execute();
  await db.schema.createIndex("people_email").on("people").column("email").execute();
  await db.schema.createIndex("people_ca_action").on("people").column("ca_action_id").execute();

  await db.schema
    .createTable("devices")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.references("people.id"))
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("platform", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("ownership", "text", (c) => c.notNull())
    .addColumn("os_version", "text", (c) => c.notNull())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("manufacturer", "text", (c) => c.notNull())
    .addColumn("serial", "text")
    .addColumn("imei", "text")
    .addColumn("meid", "text")
    .addColumn("udid", "text")
    .addColumn("wifi_mac", "text")
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("path_why", "text", (c) => c.notNull())
    .addColumn("source_id", "text", (c) => c.unique())
    .addColumn("source_presence", "text", (c) => c.notNull())
    .addColumn("source_last_seen", "bigint")
    .addColumn("source_left_at", "bigint")
    .addColumn("target_id", "text", (c) => c.unique())
    .addColumn("target_compliance", "text")
    .addColumn("target_enrolled_at", "bigint")
    .addColumn("match_rule", "text")
    .addColumn("unenroll_requested_at", "bigint")
    .addColumn("reset_notice_at", "bigint")
    .addColumn("apple_deadline_at", "bigint")
    .addColumn("excluded_reason", "text")
    .addColumn("retired_reason", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("state_since", "bigint", (c) => c.notNull())
    .addColumn("action_id", "integer")
    .execute();
  await db.schema.createIndex("devices_person").on("devices").column("person_id").execute();
  await db.schema.createIndex("devices_serial").on("devices").column("serial").execute();
  await db.schema.createIndex("devices_imei").on("devices").column("imei").execute();
  await db.schema.createIndex("devices_state").on("devices").column("state").execute();
  await db.schema.createIndex("devices_action").on("devices").column("action_id").execute();

  await db.schema
    .createTable("actions")
    .addColumn("id", serial, (c) => (serial === "serial" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("wave_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("not_before", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("result", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("actions_ready").on("actions").columns(["status", "not_before"]).execute();
  await db.schema.createIndex("actions_kind_created").on("actions").columns(["kind", "created_at"]).execute();

  await db.schema
    .createTable("audit")
    .addColumn("id", serial, (c) => (serial === "serial" ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("wave_id", "text")
    .addColumn("person_id", "text")
    .addColumn("device_id", "text")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("data", "text")
    .execute();
  await db.schema.createIndex("audit_person").on("audit").column("person_id").execute();
  await db.schema.createIndex("audit_device").on("audit").column("device_id").execute();
}
