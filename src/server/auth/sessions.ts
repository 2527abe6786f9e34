/**
 * Console sessions. The cookie holds 32 random bytes; the database holds only their SHA-256,
 * so a copy of the database opens no session. Each session has its own CSRF token.
 */
import { createHash, randomBytes } from "node:crypto";
import { DAY, HOUR, MINUTE } from "../../core/time.ts";
import type { Db } from "../../store/open.ts";
import type { AccountRow, SessionRow } from "../../store/schema.ts";

export const SESSION_IDLE = 12 * HOUR;
export const SESSION_ABSOLUTE = 7 * DAY;

export const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

export interface OpenSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export class Sessions {
  constructor(private readonly db: Db) {}

  async create(accountId: string, method: string, now: number): Promise<OpenSession> {
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(32).toString("base64url");
    const expiresAt = now + SESSION_ABSOLUTE;
    await this.db
      .insertInto("sessions")
      .values({
        id_hash: sha256(token),
        account_id: accountId,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        method,
      })
      .execute();
    // Expired sessions are removed as new ones open: the table never grows without bound.
    await this.db.deleteFrom("sessions").where("expires_at", "<", now).execute();
    return { token, csrfToken, expiresAt };
  }

  /** The live session and its enabled account, or undefined (expired, idle too long, unknown, disabled). */
  async lookup(
    token: string,
    now: number,
  ): Promise<{ session: SessionRow; account: AccountRow } | undefined> {
    if (token.length < 20 || token.length > 100) return undefined;
    const idHash = sha256(token);
    const session = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("id_hash", "=", idHash)
      .executeTakeFirst();
    if (!session) return undefined;
    if (now >= session.expires_at || now >= session.last_seen_at + SESSION_IDLE) {
      await this.db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
      return undefined;
    }
    const account = await this.db
      .selectFrom("accounts")
      .selectAll()
      .where("id", "=", session.account_id)
      .executeTakeFirst();
    if (!account || account.disabled === 1) return undefined;
    if (now - session.last_seen_at > MINUTE)
      await this.db
        .updateTable("sessions")
        .set({ last_seen_at: now })
        .where("id_hash", "=", idHash)
        .execute();
    return { session, account };
  }

  async end(token: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", sha256(token)).execute();
  }
}
