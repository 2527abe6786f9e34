/**
 * The requests that must stay fast at 100,000 devices are answered from indexes: SQLite's
 * query plan for every statement of a people search, the portal's page and the dashboard
 * reads no table from end to end (bench/api-latency.ts measures the times).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { ManualClock } from "../../src/core/time.ts";
import { buildApp } from "../../src/server/app.ts";
import { createPortalLink, DEFAULT_PORTAL_LINK_TTL } from "../../src/server/portal-links.ts";
import { CAPABILITIES } from "../../src/store/dialect.ts";
import type { Database } from "../../src/store/schema.ts";
import { Rig } from "../engine/harness.ts";
import { type App, SECRETS } from "./helpers.ts";

describe("query plans of the hot requests", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-plans-"));
  let rig: Rig;
  let sqlite: SQLite.Database;
  let app: App;
  let token: string;
  let recording: { sql: string; params: readonly unknown[] }[] | undefined;

  before(async () => {
    rig = await Rig.create({ people: 40, seed: 2, database: join(dir, "ferry.db") });
    await rig.oneWave();
    for (let i = 0; i < 6; i++) {
      rig.world.advanceTo(rig.now + 6 * 3_600_000);
      await rig.pass();
    }
    // A second connection to the same file, logging every statement the API runs.
    sqlite = new SQLite(join(dir, "ferry.db"));
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (e) => {
        if (e.level === "query") recording?.push({ sql: e.query.sql, params: e.query.parameters });
      },
    });
    const clock = new ManualClock(rig.now);
    app = await buildApp({
      store: { db, capabilities: CAPABILITIES.sqlite, close: () => db.destroy() },
      clock,
      secrets: SECRETS,
      scryptLog2N: 10,
    });
    ({ token } = await app.ferry.context.tokens.create(
      { name: "plans", role: "admin", expiresAt: null },
      clock.now(),
      "test",
    ));
  });
  after(async () => {
    await app.close();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every statement `url` runs, with the table scans in its plan (a scan of a covering index is fine). */
  async function scans(url: string, headers: Record<string, string>) {
    recording = [];
    const res = await app.inject({ method: "GET", url, headers });
    const statements = recording;
    recording = undefined;
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(statements.length > 0);
    return statements.flatMap((s) => {
      const plan = (
        sqlite.prepare(`explain query plan ${s.sql}`).all(...(s.params as unknown[])) as {
          detail: string;
        }[]
      ).map((p) => p.detail);
      // a subquery's own rows (CO-ROUTINE pp … SCAN pp) are no table
      const subqueries = new Set(plan.flatMap((d) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(d)?.[1] ?? []));
      const full = plan.filter(
        (d) => /^SCAN /.test(d) && !/USING (COVERING )?INDEX/.test(d) && !subqueries.has(d.split(" ")[1]!),
      );
      return full.length > 0 ? [`${s.sql}\n  ${plan.join(" | ")}`] : [];
    });
  }
  const admin = () => ({ authorization: `Bearer ${token}` });

  it("searches people by name prefix, serial and IMEI from indexes", async () => {
    const d = await rig.store.db
      .selectFrom("devices")
      .select(["serial"])
      .where("serial", "is not", null)
      .executeTakeFirstOrThrow();
    for (const q of ["user1", "sophie", d.serial!])
      assert.deepEqual(await scans(`/api/people?q=${encodeURIComponent(q)}&pageSize=50`, admin()), []);
  });

  it("opens a person's portal page from indexes", async () => {
    const p = await rig.store.db
      .selectFrom("people")
      .select("id")
      .where("wave_id", "is not", null)
      .executeTakeFirstOrThrow();
    const link = createPortalLink(p.id, rig.now, DEFAULT_PORTAL_LINK_TTL, SECRETS);
    // server_settings is a handful of rows: scanning its key index is fine
    assert.deepEqual(await scans("/api/portal/me", { "x-portal-token": link }), []);
  });

  it("computes the dashboard summary from indexes, and serves it from meta afterwards", async () => {
    assert.deepEqual(await scans("/api/dashboard", admin()), []);
    recording = [];
    await app.inject({ method: "GET", url: "/api/dashboard", headers: admin() });
    const second = recording.filter((s) => !s.sql.includes("api_tokens"));
    recording = undefined;
    assert.ok(
      second.every((s) => /from "meta"/.test(s.sql)),
      second.map((s) => s.sql).join("\n"),
    );
  });
});
