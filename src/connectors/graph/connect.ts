/**
 * `ferry connect` for Microsoft Graph: can Ferry get a token, and does the app hold each
 * application permission it needs (A2)? The granted permissions are read from the token's
 * `roles` claim; each readable endpoint is then probed with one small request, so a
 * permission granted without admin consent, or a wrong group or policy id, shows up too.
 */
import { GRAPH_SCOPES, isAuthError } from "../http/index.ts";
import { errorMessage, GraphClient } from "./client.ts";
import type { GraphConfig, GraphDeps } from "./config.ts";

export interface PermissionCheck {
  permission: string;
  /** What Ferry does with it. */
  purpose: string;
  /** The token's `roles` hold it (or a broader permission that includes it). */
  granted: boolean;
  /** The role that grants it, when another than `permission` itself. */
  grantedVia?: string;
  /** A harmless request that needs it; absent for permissions that cannot be probed without side effects. */
  probe?: { ok: boolean; status: number; detail: string };
}

export interface GraphConnectionReport {
  ok: boolean;
  tenantId: string;
  clientId: string;
  token: { ok: true; roles: string[] } | { ok: false; error: string };
  permissions: PermissionCheck[];
  /** Everything to fix, in an admin's words. */
  problems: string[];
}

interface Required {
  permission: string;
  alternatives: string[];
  purpose: string;
  probe?: { path: string; query: Record<string, string | number>; scope: string; what: string };
}

function required(c: GraphClient["config"]): Required[] {
  const list: Required[] = [
    {
      permission: "DeviceManagementManagedDevices.Read.All",
      alternatives: ["DeviceManagementManagedDevices.ReadWrite.All"],
      purpose: "read Intune's device inventory",
      probe: {
        path: "/deviceManagement/managedDevices",
        query: { $select: "id", $top: 1 },
        scope: GRAPH_SCOPES.intuneDevices,
        what: "Intune's managed devices",
      },
    },
    {
      permission: "GroupMember.ReadWrite.All",
      alternatives: ["Group.ReadWrite.All", "Directory.ReadWrite.All"],
      purpose: "add people to and remove them from the not-yet-migrated group",
      probe: {
        path: `/groups/${encodeURIComponent(c.notYetMigratedGroupId)}/members`,
        query: { $select: "id", $top: 1 },
        scope: GRAPH_SCOPES.identity,
        what: `the not-yet-migrated group ${c.notYetMigratedGroupId}`,
      },
    },
    {
      permission: "User.Read.All",
      alternatives: ["User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
      purpose: "read the directory and look people up",
      probe: {
        path: "/users",
        query: { $select: "id", $top: 1 },
        scope: GRAPH_SCOPES.identity,
        what: "users",
      },
    },
    {
      permission: "Policy.Read.All",
      alternatives: [],
      purpose: "check the Intune compliant-device policy's exclusions",
      probe: {
        path: `/identity/conditionalAccess/policies/${encodeURIComponent(c.targetPolicyId)}`,
        query: {},
        scope: GRAPH_SCOPES.conditionalAccess,
        what: `the Intune policy ${c.targetPolicyId}`,
      },
    },
  ];
  if (c.legacy) {
    list.push({
      permission: "Policy.ReadWrite.ConditionalAccess",
      alternatives: [],
      purpose: "switch the legacy EMM policy off at the end of the migration",
      probe: {
        path: `/identity/conditionalAccess/policies/${encodeURIComponent(c.legacy.policyId)}`,
        query: {},
        scope: GRAPH_SCOPES.conditionalAccess,
        what: `the legacy policy ${c.legacy.policyId}`,
      },
    });
  }
  if (c.mailSender) {
    list.push({
      permission: "Mail.Send",
      alternatives: [],
      purpose: `send Ferry's e-mails as ${c.mailSender}`,
    });
  }
  return list;
}

/** The `roles` claim of a JWT access token (an empty list when it carries none or is not a JWT). */
export function tokenRoles(token: string): string[] {
  const payload = token.split(".")[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return [];
  }
}

export async function checkGraphConnection(
  config: GraphConfig,
  deps: GraphDeps,
): Promise<GraphConnectionReport> {
  const client = new GraphClient(config, deps);
  const c = client.config;
  const report: GraphConnectionReport = {
    ok: false,
    tenantId: c.tenantId,
    clientId: c.clientId,
    token: { ok: false, error: "" },
    permissions: [],
    problems: [],
  };
  let roles: string[];
  try {
    const headers = new Headers();
    await client.auth.authorize(headers, { forceRefresh: false });
    roles = tokenRoles((headers.get("authorization") ?? "").replace(/^Bearer\s+/i, ""));
    report.token = { ok: true, roles };
  } catch (e) {
    const error = client.explain(e);
    const message = isAuthError(error) ? error.message : String((error as Error)?.message ?? error);
    report.token = { ok: false, error: message };
    report.problems.push(message);
    return report;
  }
  const held = new Set(roles);
  for (const r of required(c)) {
    const via = [r.permission, ...r.alternatives].find((p) => held.has(p));
    const check: PermissionCheck = {
      permission: r.permission,
      purpose: r.purpose,
      granted: via !== undefined,
      ...(via && via !== r.permission ? { grantedVia: via } : {}),
    };
    if (!check.granted) {
      report.problems.push(
        `The app lacks ${r.permission}, needed to ${r.purpose}: add it under Entra ID › App registrations › ${c.clientId} › API permissions (Microsoft Graph, Application) and grant admin consent`,
      );
    }
    if (r.probe) {
      const res = await client.http
        .request({
          method: "GET",
          path: r.probe.path,
          query: r.probe.query,
          scope: r.probe.scope,
          expect: [200, 400, 401, 403, 404],
        })
        .catch((e: Error) => ({ status: 0, body: e.message }));
      const ok = res.status === 200;
      const detail = ok
        ? `read ${r.probe.what}`
        : res.status === 404
          ? `${r.probe.what} was not found: check its id in Ferry's configuration`
          : `${res.status}: ${typeof res.body === "string" ? res.body : errorMessage(res.body)}`;
      check.probe = { ok, status: res.status, detail };
      if (!ok && (check.granted || res.status === 404)) {
        report.problems.push(`Reading ${r.probe.what} failed (${detail})`);
      }
    }
    report.permissions.push(check);
  }
  report.ok = report.problems.length === 0;
  return report;
}
