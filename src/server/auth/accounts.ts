/** Local accounts: create, find, change; the last enabled admin can never be removed. */
import { randomBytes } from "node:crypto";
import { audit } from "../../engine/audit.ts";
import type { Db } from "../../store/open.ts";
import type { AccountRow } from "../../store/schema.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import type { Role } from "../roles.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";

export interface NewAccount {
  username: string;
  displayName?: string;
  role: Role;
  password?: string;
  oidcSubject?: string;
}

export const USERNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$";
const USERNAME = new RegExp(USERNAME_PATTERN);

export function normaliseUsername(name: string): string {
  return name.trim().toLowerCase();
}

export class Accounts {
  constructor(
    private readonly db: Db,
    private readonly scryptLog2N: number,
  ) {}

  async byId(id: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async byUsername(username: string): Promise<AccountRow | undefined> {
    return this.db
      .selectFrom("accounts")
      .selectAll()
      .where("username", "=", normaliseUsername(username))
      .executeTakeFirst();
  }

  async bySubject(subject: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("oidc_subject", "=", subject).executeTakeFirst();
  }

  async list(): Promise<AccountRow[]> {
    return this.db.selectFrom("accounts").selectAll().orderBy("username").execute();
  }

  async enabledAdmins(): Promise<number> {
    const rows = await this.db
      .selectFrom("accounts")
      .select("id")
      .where("role", "=", "admin")
      .where("disabled", "=", 0)
      .execute();
    return rows.length;
  }

  async create(input: NewAccount, now: number, actor: string): Promise<AccountRow> {
    const username = normaliseUsername(input.username);
    if (!USERNAME.test(username))
      throw badRequest("a user name is letters, digits and . _ @ + -", "body.username");
    if (input.password !== undefined) {
      const problem = passwordProblem(input.password, username);
      if (problem) throw badRequest(problem, "body.password");
    }
    if (await this.byUsername(username)) throw conflict(`an account "${username}" exists already`);
    const row: AccountRow = {
      id: `a-${randomBytes(9).toString("base64url")}`,
      username,
      display_name: input.displayName?.trim() || username,
      role: input.role,
      password_hash:
        input.password === undefined ? null : await hashPassword(input.password, this.scryptLog2N),
      oidc_subject: input.oidcSubject ?? null,
      disabled: 0,
      created_at: now,
      updated_at: now,
      last_sign_in_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("accounts").values(row).execute();
      await audit(trx, [
        { at: now, actor, kind: "account-created", message: `account ${username} created as ${input.role}` },
      ]);
    });
    return row;
  }

  async update(
    id: string,
    change: { role?: Role; disabled?: boolean; displayName?: string; password?: string },
    now: number,
    actor: string,
  ): Promise<AccountRow> {
    const account = await this.byId(id);
    if (!account) throw notFound(`no account "${id}"`);
    const losesAdmin =
      account.role === "admin" &&
      account.disabled === 0 &&
      ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
    if (losesAdmin && (await this.enabledAdmins()) <= 1)
      throw conflict("this is the last enabled admin: make another admin first");
    const set: Partial<AccountRow> = { updated_at: now };
    const said: string[] = [];
    if (change.role !== undefined && change.role !== account.role) {
      set.role = change.role;
      said.push(`role ${account.role} → ${change.role}`);
    }
    if (change.disabled !== undefined && (change.disabled ? 1 : 0) !== account.disabled) {
      set.disabled = change.disabled ? 1 : 0;
      said.push(change.disabled ? "disabled" : "enabled");
    }
    if (change.displayName !== undefined) set.display_name = change.displayName.trim() || account.username;
    if (change.password !== undefined) {
      const problem = passwordProblem(change.password, account.username);
      if (problem) throw badRequest(problem, "body.password");
      set.password_hash = await hashPassword(change.password, this.scryptLog2N);
      said.push("password changed");
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("accounts").set(set).where("id", "=", id).execute();
      // Anything that changes what a person may do ends their sessions.
      if (set.role !== undefined || set.disabled !== undefined || set.password_hash !== undefined)
        await trx.deleteFrom("sessions").where("account_id", "=", id).execute();
      if (said.length > 0)
        await audit(trx, [
          {
            at: now,
            actor,
            kind: "account-changed",
            message: `account ${account.username}: ${said.join(", ")}`,
          },
        ]);
    });
    return { ...account, ...set };
  }

  async touchSignIn(id: string, now: number): Promise<void> {
    await this.db.updateTable("accounts").set({ last_sign_in_at: now }).where("id", "=", id).execute();
  }
}
