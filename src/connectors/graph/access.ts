/**
 * Conditional access through Entra groups and policies:
 * - `GraphTargetAccess`: Intune's "require a compliant device" policy excludes the
 *   not-yet-migrated (NYM) group; exempt = add to it, enforce = remove from it.
 * - `GraphSourceAccess`: the old product's CA as an Entra policy that excludes a
 *   LEGACY-EXCLUDED group; exclude = add, include = remove, and the policy switched off at the end.
 * Policy endpoints allow about one request per second per tenant and send no Retry-After, so
 * every policy request goes through the `conditionalAccess` budget.
 */
import type { SourceAccessControl, TargetAccessControl, TargetPolicyCheck } from "../../core/ports/index.ts";
import { GRAPH_SCOPES } from "../http/index.ts";
import { errorMessage, type GraphClient } from "./client.ts";
import { GroupMembers } from "./groups.ts";
import type { UserResolver } from "./users.ts";

interface PolicyJson {
  id?: string;
  displayName?: string;
  state?: string;
  conditions?: {
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
    } | null;
  } | null;
  grantControls?: { builtInControls?: string[] } | null;
}

type PolicyRead = { ok: true; policy: PolicyJson } | { ok: false; problem: string };

async function readPolicy(client: GraphClient, id: string, what: string): Promise<PolicyRead> {
  const res = await client.request<PolicyJson>({
    method: "GET",
    path: `/identity/conditionalAccess/policies/${encodeURIComponent(id)}`,
    scope: GRAPH_SCOPES.conditionalAccess,
    expect: [200, 403, 404],
  });
  if (res.status === 200 && res.body) return { ok: true, policy: res.body };
  if (res.status === 404) {
    return {
      ok: false,
      problem: `${what} (id ${id}) does not exist in Entra ID: check the policy id in Ferry's configuration`,
    };
  }
  return {
    ok: false,
    problem: `Ferry may not read ${what} (id ${id}): ${errorMessage(res.body) || "access denied"} — grant the app the application permission Policy.Read.All in Entra ID (admin consent required)`,
  };
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class GraphTargetAccess implements TargetAccessControl {
  readonly #client: GraphClient;
  readonly #nym: GroupMembers;
  readonly #resolver: UserResolver;

  constructor(client: GraphClient, resolver: UserResolver) {
    this.#client = client;
    this.#resolver = resolver;
    this.#nym = new GroupMembers(client, client.config.notYetMigratedGroupId, "the not-yet-migrated group");
  }

  async exempt(directoryIds: readonly string[]): Promise<void> {
    await this.#nym.add(directoryIds);
  }

  async enforce(directoryIds: readonly string[]): Promise<void> {
    await this.#nym.remove(directoryIds);
  }

  async listExempt(): Promise<ReadonlySet<string>> {
    return new Set((await this.#nym.list(["id"])).map((m) => m.id));
  }

  /**
   * Reads the policy and says, in an admin's words, what is wrong with it. A policy Ferry
   * cannot read counts as enforcing (`enabled`) and unsafe, so handover is held rather than
   * assumed harmless.
   */
  async verifyPolicy(): Promise<TargetPolicyCheck> {
    const { config } = this.#client;
    const read = await readPolicy(this.#client, config.targetPolicyId, "the Intune compliant-device policy");
    if (!read.ok) {
      return {
        enabled: true,
        excludesNotYetMigrated: false,
        excludesBreakGlass: false,
        problems: [read.problem],
      };
    }
    const p = read.policy;
    const name = `The policy "${p.displayName ?? config.targetPolicyId}"`;
    const problems: string[] = [];
    const state = p.state ?? "disabled";
    const enabled = state === "enabled";
    if (state === "disabled") {
      problems.push(
        `${name} is switched off: Intune does not require a compliant device of anyone, so handing people over to Intune protects nothing. Switch it on`,
      );
    } else if (state === "enabledForReportingButNotEnforced") {
      problems.push(
        `${name} is in report-only mode: it blocks nobody. Switch it to On before handing people over`,
      );
    }
    const users = p.conditions?.users ?? {};
    const excludeGroups = users.excludeGroups ?? [];
    const excludeUsers = users.excludeUsers ?? [];
    const excludesNotYetMigrated = excludeGroups.some((g) => sameId(g, config.notYetMigratedGroupId));
    if (!excludesNotYetMigrated) {
      problems.push(
        `${name} does not exclude the not-yet-migrated group (${config.notYetMigratedGroupId}): add it under Users › Exclude › Groups, or everyone not yet migrated is blocked the moment the policy applies`,
      );
    }
    if (!(users.includeUsers ?? []).some((u) => u === "All")) {
      problems.push(
        `${name} does not apply to all users (Users › Include): people outside its scope will never be required to use a compliant device`,
      );
    }
    if (!(p.grantControls?.builtInControls ?? []).includes("compliantDevice")) {
      problems.push(
        `${name} does not require a compliant device (Grant › Require device to be marked as compliant)`,
      );
    }
    const excludesBreakGlass = await this.#breakGlassExcluded(name, excludeUsers, excludeGroups, problems);
    return { enabled, excludesNotYetMigrated, excludesBreakGlass, problems };
  }

  async #breakGlassExcluded(
    name: string,
    users: string[],
    groups: string[],
    problems: string[],
  ): Promise<boolean> {
    const { config } = this.#client;
    const upns = config.breakGlassUpns;
    if (upns.length === 0) {
      problems.push(
        "No break-glass accounts are configured: list them (breakGlass) so Ferry can check that every CA policy excludes them",
      );
      return false;
    }
    const resolved = await this.#resolver.resolve(upns);
    for (const u of resolved.unknown)
      problems.push(`The break-glass account ${u} does not exist in Entra ID`);
    const excluded = new Set(users.map((u) => u.toLowerCase()));
    // Members of excluded groups count too; the NYM group does not (Ferry empties it).
    const pending = () => resolved.ids.filter((id) => !excluded.has(id.toLowerCase()));
    for (const g of groups) {
      if (pending().length === 0) break;
      if (sameId(g, config.notYetMigratedGroupId)) continue;
      try {
        for (const m of await new GroupMembers(this.#client, g, `group ${g}`).list(["id"])) {
          excluded.add(m.id.toLowerCase());
        }
      } catch (e) {
        problems.push(
          `Ferry could not read the members of group ${g}, which ${name} excludes: ${(e as Error).message}`,
        );
      }
    }
    for (const id of pending()) {
      const upn = this.#resolver.upnOf(id) ?? id;
      problems.push(
        `${name} does not exclude the break-glass account ${upn}: exclude it (directly or through a group), or an outage of Intune could lock everyone out`,
      );
    }
    return resolved.unknown.length === 0 && pending().length === 0;
  }
}

export class GraphSourceAccess implements SourceAccessControl {
  readonly #client: GraphClient;
  readonly #group: GroupMembers;
  readonly #resolver: UserResolver;
  readonly #policyId: string;

  constructor(client: GraphClient, resolver: UserResolver) {
    const legacy = client.config.legacy;
    if (!legacy)
      throw new RangeError(
        "Microsoft Graph connector: source access needs legacy.excludedGroupId and legacy.policyId",
      );
    this.#client = client;
    this.#resolver = resolver;
    this.#policyId = legacy.policyId;
    this.#group = new GroupMembers(client, legacy.excludedGroupId, "the legacy EMM exclusion group");
  }

  async exclude(upns: readonly string[]): Promise<void> {
    const { ids, unknown } = await this.#resolver.resolve(upns);
    this.#warnUnknown(unknown);
    await this.#group.add(ids);
  }

  async include(upns: readonly string[]): Promise<void> {
    const { ids, unknown } = await this.#resolver.resolve(upns);
    this.#warnUnknown(unknown);
    await this.#group.remove(ids);
  }

  /** Lower-case UPNs of the group's members (members that are not users are left out). */
  async listExcluded(): Promise<ReadonlySet<string>> {
    const out = new Set<string>();
    for (const m of await this.#group.list(["id", "userPrincipalName"])) {
      if (!m.userPrincipalName) continue;
      this.#resolver.remember(m.id, m.userPrincipalName);
      out.add(m.userPrincipalName.toLowerCase());
    }
    return out;
  }

  /** Report-only counts as on: Ferry assumes the legacy policy may block until it is really off. */
  async policyEnabled(): Promise<boolean> {
    const read = await readPolicy(this.#client, this.#policyId, "the legacy EMM compliance policy");
    if (!read.ok) throw new Error(read.problem);
    return read.policy.state !== "disabled";
  }

  async disablePolicy(): Promise<void> {
    await this.#client.request({
      method: "PATCH",
      path: `/identity/conditionalAccess/policies/${encodeURIComponent(this.#policyId)}`,
      body: { state: "disabled" },
      scope: GRAPH_SCOPES.conditionalAccess,
      idempotent: true,
    });
  }

  #warnUnknown(unknown: string[]): void {
    if (unknown.length === 0) return;
    this.#client.logger.warn(
      { unknown },
      `legacy EMM exclusion: ${unknown.length} name(s) are not Entra users; skipped`,
    );
  }
}
