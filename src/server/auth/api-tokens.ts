/**
 * API tokens for automation: `Authorization: Bearer ferry_…`. A token is 32 random bytes;
 * only its SHA-256 is stored (a fast hash is enough for a secret with 256 bits of entropy),
 * and it is shown once, when created.
 */
import { randomBytes } from "node:crypto";
import { audit } from "../../engine/audit.ts";
import type { Db } from "../../store/open.ts";
import type { ApiTokenRow } from "../../store/schema.ts";
import { notFound } from "../errors.ts";
import type { Role } from "../roles.ts";
import { sha256 } from "./sessions.ts";

export const TOKEN_PREFIX = "ferry_";

export class ApiTokens {
  constructor(private readonly db: Db) {}

  async create(
    input: { name: string; role: Role; expiresAt: number | null },
    now: number,
    actor: string,
  ): Promise<{ row: ApiTokenRow; token: string }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const row: ApiTokenRow = {
      id: `t-${randomBytes(9).toString("base64url")}`,
      name: input.name.trim(),
      role: input.role,
      token_hash: sha256(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      created_by: actor,
      created_at: now,
      expires_at: input.expiresAt,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("api_tokens").values(row).execute();
      await audit(trx, [
        {
          at: now,
          actor,
          kind: "token-created",
          message: `API token "${row.name}" (${row.prefix}…) created as ${row.role}`,
        },
      ]);
    });
    return { row, token };
  }

  async lookup(token: string, now: number): Promise<ApiTokenRow | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
    const row = await this.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && now >= row.expires_at))
      return undefined;
    if (row.last_used_at === null || now - row.last_used_at > 60_000)
      await this.db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
    return row;
  }

  async list(): Promise<ApiTokenRow[]> {
    return this.db.selectFrom("api_tokens").selectAll().orderBy("created_at", "desc").orderBy("id").execute();
  }

  async revoke(id: string, now: number, actor: string): Promise<void> {
    const row = await this.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound(`no API token "${id}"`);
    if (row.revoked_at !== null) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("api_tokens").set({ revoked_at: now }).where("id", "=", id).execute();
      await audit(trx, [
        {
          at: now,
          actor,
          kind: "token-revoked",
          message: `API token "${row.name}" (${row.prefix}…) revoked`,
        },
      ]);
    });
  }
}
