/**
 * Membership of one Entra group, the way Graph allows it at the least cost (vendor-apis.md
 * §A6, §A8): read with `$select` paging; add 20 at a time with `PATCH /groups/{id}`
 * `members@odata.bind` (all or nothing: if any is a member already or unknown, that 20 is
 * added again one `$ref` at a time in a `$batch`, where "already exist" counts as done);
 * remove with `$batch`es of 20 `DELETE …/members/{id}/$ref` (404 = not a member = done).
 */
import { followNextLinks, GRAPH_SCOPES, HttpError } from "../http/index.ts";
import {
  BATCH_LIMIT,
  type BatchResponse,
  errorMessage,
  type GraphClient,
  isAlreadyMember,
} from "./client.ts";

export interface MemberJson {
  "@odata.type"?: string;
  id: string;
  userPrincipalName?: string | null;
}

export interface AddOutcome {
  added: number;
  alreadyMembers: number;
  /** directory ids Graph does not know (deleted users): skipped, as the world ignores unknown principals */
  unknown: string[];
}

export interface RemoveOutcome {
  removed: number;
  notMembers: number;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ""))];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class GroupMembers {
  readonly #client: GraphClient;
  readonly groupId: string;
  /** How the group is named in messages ("the not-yet-migrated group"). */
  readonly label: string;

  constructor(client: GraphClient, groupId: string, label: string) {
    this.#client = client;
    this.groupId = groupId;
    this.label = label;
  }

  get #path(): string {
    return `/groups/${encodeURIComponent(this.groupId)}`;
  }

  /** Every direct member, `select`ed (`id` always), 999 per page. */
  async list(select: readonly string[] = ["id"]): Promise<MemberJson[]> {
    const out: MemberJson[] = [];
    const fields = [...new Set(["id", ...select])].join(",");
    for await (const m of followNextLinks<MemberJson>(this.#client, {
      method: "GET",
      path: `${this.#path}/members`,
      query: { $select: fields, $top: 999 },
      scope: GRAPH_SCOPES.identity,
      cost: 2,
    })) {
      if (typeof m?.id === "string") out.push(m);
    }
    return out;
  }

  async add(directoryIds: readonly string[]): Promise<AddOutcome> {
    const outcome: AddOutcome = { added: 0, alreadyMembers: 0, unknown: [] };
    const bindBase = `${this.#client.config.graphBaseUrl}/directoryObjects/`;
    for (const chunk of chunks(unique(directoryIds), BATCH_LIMIT)) {
      await this.#client.writes.take(1);
      const res = await this.#client.request({
        method: "PATCH",
        path: this.#path,
        body: { "members@odata.bind": chunk.map((id) => bindBase + encodeURIComponent(id)) },
        scope: GRAPH_SCOPES.identity,
        // A PATCH that is sent again finds its members present and gets "already exist", handled below.
        idempotent: true,
        expect: [200, 204, 400, 404],
      });
      if (res.status < 300) {
        outcome.added += chunk.length;
        continue;
      }
      if (res.status === 404 && this.#groupMissing(res.body)) throw this.#refused("PATCH", this.#path, res);
      if (res.status === 400 && !isAlreadyMember(400, res.body))
        throw this.#refused("PATCH", this.#path, res);
      // All or nothing: one member already there (or unknown) refused the lot. Add them one by one.
      const results = await this.#client.batch(
        chunk.map((id, i) => ({
          id: String(i + 1),
          method: "POST" as const,
          url: `${this.#path}/members/$ref`,
          body: { "@odata.id": bindBase + encodeURIComponent(id) },
        })),
        { scope: GRAPH_SCOPES.identity, writes: true },
      );
      chunk.forEach((id, i) => {
        const r = results.get(String(i + 1))!;
        if (r.status < 300) outcome.added++;
        else if (isAlreadyMember(r.status, r.body)) outcome.alreadyMembers++;
        else if (r.status === 404 && !this.#groupMissing(r.body)) outcome.unknown.push(id);
        else throw this.#innerRefused("add", id, r);
      });
    }
    if (outcome.unknown.length > 0) {
      this.#client.logger.warn(
        { group: this.groupId, unknown: outcome.unknown },
        `${this.label}: Microsoft Graph does not know ${outcome.unknown.length} directory id(s); skipped`,
      );
    }
    return outcome;
  }

  async remove(directoryIds: readonly string[]): Promise<RemoveOutcome> {
    const outcome: RemoveOutcome = { removed: 0, notMembers: 0 };
    const ids = unique(directoryIds);
    const results = await this.#client.batch(
      ids.map((id, i) => ({
        id: String(i + 1),
        method: "DELETE" as const,
        url: `${this.#path}/members/${encodeURIComponent(id)}/$ref`,
      })),
      { scope: GRAPH_SCOPES.identity, writes: true },
    );
    ids.forEach((id, i) => {
      const r = results.get(String(i + 1))!;
      if (r.status < 300) outcome.removed++;
      else if (r.status === 404 && !this.#groupMissing(r.body)) outcome.notMembers++;
      else throw this.#innerRefused("remove", id, r);
    });
    return outcome;
  }

  /**
   * Graph answers 404 both for an object that is not there (a member: fine) and for a group
   * that is not there (a wrong id in the configuration: never fine). Its message names which.
   */
  #groupMissing(body: unknown): boolean {
    return errorMessage(body).toLowerCase().includes(`'${this.groupId.toLowerCase()}'`);
  }

  #refused(
    method: string,
    path: string,
    res: { status: number; body: unknown; requestId: string },
  ): HttpError {
    return new HttpError({
      message: `Microsoft Graph refused to change ${this.label} (${method} ${path}): ${res.status} ${errorMessage(res.body)} (request-id ${res.requestId})`,
      status: res.status,
      code: "Request_BadRequest",
      requestId: res.requestId,
      attempts: 1,
      body: res.body,
      method,
      path,
    });
  }

  #innerRefused(what: "add" | "remove", id: string, r: BatchResponse): Error {
    const verb = what === "add" ? "add" : "remove";
    const message = `Microsoft Graph refused to ${verb} ${id} ${what === "add" ? "to" : "from"} ${this.label}: ${r.status} ${errorMessage(r.body)}`;
    const error = this.#client.explain(
      new HttpError({
        message,
        status: r.status,
        code: `http_${r.status}`,
        requestId: r.headers["request-id"] ?? "",
        attempts: 1,
        body: r.body,
        method: what === "add" ? "POST" : "DELETE",
        path: `${this.#path}/members`,
      }),
    );
    return error as Error;
  }
}
