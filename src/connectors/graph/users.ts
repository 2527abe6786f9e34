/**
 * Entra users: the `Directory` port (`GET /users` with `$select`, 999 per page; `findUser`
 * by UPN, then by mail) and a resolver from UPNs to directory ids, cached, that the access
 * ports share.
 */
import type { Directory, DirectoryUser } from "../../core/ports/index.ts";
import { followNextLinks, GRAPH_SCOPES, HttpError } from "../http/index.ts";
import { errorMessage, type GraphClient } from "./client.ts";

export const USER_SELECT = [
  "id",
  "userPrincipalName",
  "mail",
  "displayName",
  "department",
  "officeLocation",
  "preferredLanguage",
] as const;

export type UserJson = Partial<Record<(typeof USER_SELECT)[number], string | null>>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * Graph has no time zone on the user object (it lives in mailboxSettings, one request per user
 * and another permission), so `timeZone` is undefined: Ferry falls back to its own default.
 */
export function toDirectoryUser(u: UserJson): DirectoryUser {
  const upn = str(u.userPrincipalName);
  return {
    id: str(u.id),
    userPrincipalName: upn,
    mail: str(u.mail) || upn,
    displayName: str(u.displayName),
    department: str(u.department),
    officeLocation: str(u.officeLocation),
    timeZone: undefined,
    preferredLanguage: str(u.preferredLanguage) || undefined,
  };
}

/** A string literal inside `$filter`: single quotes doubled. */
export function odataString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export class GraphDirectory implements Directory {
  readonly #client: GraphClient;

  constructor(client: GraphClient) {
    this.#client = client;
  }

  async *listUsers(): AsyncIterable<DirectoryUser> {
    for await (const u of followNextLinks<UserJson>(this.#client, {
      method: "GET",
      path: "/users",
      query: { $select: USER_SELECT.join(","), $top: 999 },
      scope: GRAPH_SCOPES.identity,
      cost: 1,
    })) {
      if (u?.id) yield toDirectoryUser(u);
    }
  }

  async findUser(upnOrMail: string): Promise<DirectoryUser | undefined> {
    const name = upnOrMail.trim();
    if (name === "") return undefined;
    const byUpn = await this.#client.request<UserJson>({
      method: "GET",
      path: `/users/${encodeURIComponent(name)}`,
      query: { $select: USER_SELECT.join(",") },
      scope: GRAPH_SCOPES.identity,
      cost: 1,
      expect: [200, 404],
    });
    if (byUpn.status === 200 && byUpn.body?.id) return toDirectoryUser(byUpn.body);
    if (!name.includes("@")) return undefined;
    const byMail = await this.#client.request<{ value?: UserJson[] }>({
      method: "GET",
      path: "/users",
      query: { $filter: `mail eq ${odataString(name)}`, $select: USER_SELECT.join(",") },
      scope: GRAPH_SCOPES.identity,
      cost: 1,
    });
    const found = byMail.body?.value?.[0];
    return found?.id ? toDirectoryUser(found) : undefined;
  }
}

/**
 * UPN (or mail) → directory id, cached for the connector's life (an object id never changes;
 * a UPN rarely does, and a stale entry only misdirects an add that Graph then refuses).
 * Uncached names are looked up 20 per `$batch` (by UPN, then by mail for the misses); a large
 * set is cheaper through one listing of the whole directory.
 */
export class UserResolver {
  readonly #client: GraphClient;
  readonly #byName = new Map<string, string>();
  readonly #upnById = new Map<string, string>();
  #primed = false;

  constructor(client: GraphClient) {
    this.#client = client;
  }

  remember(id: string, upn: string, mail?: string): void {
    this.#byName.set(upn.toLowerCase(), id);
    if (mail) this.#byName.set(mail.toLowerCase(), id);
    this.#upnById.set(id.toLowerCase(), upn);
  }

  upnOf(id: string): string | undefined {
    return this.#upnById.get(id.toLowerCase());
  }

  /** The ids of the names Graph knows, in order; unknown names are left out (and returned). */
  async resolve(names: readonly string[]): Promise<{ ids: string[]; unknown: string[] }> {
    const wanted = [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ""))];
    let missing = wanted.filter((n) => !this.#byName.has(n));
    if (missing.length > 200 && !this.#primed) {
      await this.#prime();
      missing = wanted.filter((n) => !this.#byName.has(n));
    }
    if (missing.length > 0) await this.#lookUp(missing, "upn");
    missing = missing.filter((n) => !this.#byName.has(n) && n.includes("@"));
    if (missing.length > 0) await this.#lookUp(missing, "mail");
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const n of wanted) {
      const id = this.#byName.get(n);
      if (id) ids.push(id);
      else unknown.push(n);
    }
    return { ids, unknown };
  }

  async #prime(): Promise<void> {
    this.#primed = true;
    for await (const u of new GraphDirectory(this.#client).listUsers()) {
      this.remember(u.id, u.userPrincipalName, u.mail);
    }
  }

  async #lookUp(names: string[], by: "upn" | "mail"): Promise<void> {
    const select = "$select=id,userPrincipalName,mail";
    const results = await this.#client.batch(
      names.map((n, i) => ({
        id: String(i + 1),
        method: "GET" as const,
        url:
          by === "upn"
            ? `/users/${encodeURIComponent(n)}?${select}`
            : `/users?$filter=${encodeURIComponent(`mail eq ${odataString(n)}`)}&${select}`,
      })),
      { scope: GRAPH_SCOPES.identity },
    );
    names.forEach((n, i) => {
      const r = results.get(String(i + 1));
      if (!r || r.status === 404) return;
      if (r.status !== 200) {
        throw this.#client.explain(
          new HttpError({
            message: `Microsoft Graph refused to look up ${n}: ${r.status} ${errorMessage(r.body)}`,
            status: r.status,
            code: `http_${r.status}`,
            requestId: r.headers["request-id"] ?? "",
            attempts: 1,
            body: r.body,
            method: "GET",
            path: "/users",
          }),
        );
      }
      const body = r.body as (UserJson & { value?: UserJson[] }) | undefined;
      const u = by === "upn" ? body : body?.value?.[0];
      if (u?.id && u.userPrincipalName) {
        this.remember(u.id, u.userPrincipalName, u.mail ?? undefined);
        this.#byName.set(n, u.id);
      }
    });
  }
}
