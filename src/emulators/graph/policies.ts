/**
 * Conditional Access policies (vendor-apis.md §A5): the two Ferry relies on, and any an admin
 * creates. "Require compliant device (Intune)" excludes the NYM and break-glass groups; its
 * state starts from the world's `verifyPolicy().enabled`, and edits to it are kept here (the
 * world's enforcement does not read them, so they exist to test Ferry's verification).
 * "Legacy EMM compliance" excludes the LEGACY-EXCLUDED and break-glass groups; its state is
 * the world's `sourceAccess.policyEnabled()`, and PATCH `state: "disabled"` is
 * `sourceAccess.disablePolicy()`. POST → 201 with the full object, PATCH → 204, DELETE → 204.
 * The endpoints allow one request per second per tenant, and their 429s carry no Retry-After.
 */
import { EmulatorError, json, noContent, type Route } from "../kit/index.ts";
import { PERMISSION_RULES } from "./auth.ts";
import { bodyObject, GRAPH_THROTTLE_SCOPES, type GraphContext, graphRoute } from "./context.ts";
import { badRequest } from "./errors.ts";
import { graphDate, stableGuid } from "./ids.ts";
import type { Entity } from "./odata.ts";

type Policy = Entity & { id: string; state: string; conditions: Entity };

const STATES = ["enabled", "disabled", "enabledForReportingButNotEnforced"];
const WRITABLE = new Set([
  "displayName",
  "state",
  "conditions",
  "grantControls",
  "sessionControls",
  "templateId",
]);

function usersCondition(partial: Entity = {}): Entity {
  return {
    includeUsers: [],
    excludeUsers: [],
    includeGroups: [],
    excludeGroups: [],
    includeRoles: [],
    excludeRoles: [],
    includeGuestsOrExternalUsers: null,
    excludeGuestsOrExternalUsers: null,
    ...partial,
  };
}

function applicationsCondition(partial: Entity = {}): Entity {
  return {
    includeApplications: [],
    excludeApplications: [],
    includeUserActions: [],
    includeAuthenticationContextClassReferences: [],
    applicationFilter: null,
    ...partial,
  };
}

/** A condition set with every collection present (what POST fills in). */
function conditions(partial: Entity = {}): Entity {
  return {
    applications: applicationsCondition((partial.applications ?? {}) as Entity),
    users: usersCondition((partial.users ?? {}) as Entity),
    clientAppTypes: ["all"],
    platforms: null,
    locations: null,
    devices: null,
    signInRiskLevels: [],
    userRiskLevels: [],
    servicePrincipalRiskLevels: [],
    clientApplications: null,
    authenticationFlows: null,
    insiderRiskLevels: null,
    ...Object.fromEntries(Object.entries(partial).filter(([k]) => k !== "applications" && k !== "users")),
  };
}

function grantControls(partial: Entity | null | undefined): Entity | null {
  if (partial === null || partial === undefined) return null;
  return { operator: "OR", builtInControls: [], customAuthenticationFactors: [], termsOfUse: [], ...partial };
}

function policy(id: string, displayName: string, state: string, excludeGroups: string[], at: number): Policy {
  return {
    id,
    templateId: null,
    displayName,
    createdDateTime: graphDate(at),
    modifiedDateTime: graphDate(at),
    deletedDateTime: null,
    state,
    sessionControls: null,
    conditions: conditions({
      applications: { includeApplications: ["All"] },
      users: { includeUsers: ["All"], excludeGroups },
      clientAppTypes: ["all"],
    }),
    grantControls: grantControls({ operator: "OR", builtInControls: ["compliantDevice"] }),
  };
}

/** Validates a write and merges it: top-level values replace; each given part of `conditions` replaces that part. */
function merge(target: Policy, change: Entity): void {
  for (const k of Object.keys(change)) {
    if (!WRITABLE.has(k))
      throw badRequest(`Property '${k}' does not exist or cannot be updated on conditionalAccessPolicy.`);
  }
  if (change.state !== undefined && !STATES.includes(String(change.state))) {
    throw badRequest(`Invalid value '${String(change.state)}' for property 'state'.`);
  }
  for (const [k, v] of Object.entries(change)) {
    if (k === "conditions") {
      const c = (v ?? {}) as Entity;
      const next: Entity = { ...target.conditions };
      for (const [ck, cv] of Object.entries(c)) {
        next[ck] =
          ck === "users"
            ? usersCondition(cv as Entity)
            : ck === "applications"
              ? applicationsCondition(cv as Entity)
              : cv;
      }
      target.conditions = next;
    } else if (k === "grantControls") {
      target.grantControls = grantControls(v as Entity | null);
    } else {
      target[k] = v;
    }
  }
}

export async function policyRoutes(ctx: GraphContext): Promise<Route[]> {
  const scope = GRAPH_THROTTLE_SCOPES.conditionalAccess;
  const { config, world } = ctx;
  const created = world.options.start - 90 * 86_400_000;
  const intune = policy(
    config.targetPolicyId,
    "Require compliant device (Intune)",
    (await world.ports.targetAccess.verifyPolicy()).enabled ? "enabled" : "disabled",
    [config.notYetMigratedGroupId, config.breakGlassGroupId],
    created,
  );
  const legacy = policy(
    config.legacy.policyId,
    "Legacy EMM compliance",
    "enabled",
    [config.legacy.excludedGroupId, config.breakGlassGroupId],
    created - 700 * 86_400_000,
  );
  const others = new Map<string, Policy>();

  /** The policy as it is now (the legacy one's state is the world's). */
  const current = async (id: string): Promise<Policy | undefined> => {
    if (id === intune.id) return intune;
    if (id === legacy.id) {
      return {
        ...legacy,
        state: (await world.ports.sourceAccess.policyEnabled()) ? legacy.state : "disabled",
      };
    }
    return others.get(id);
  };
  const notFound = (id: string) =>
    new EmulatorError(404, "ResourceNotFound", `Could not find a conditional access policy with id '${id}'.`);
  const list = async () => [intune, (await current(legacy.id))!, ...others.values()];

  return [
    graphRoute(ctx, {
      method: "GET",
      path: "/identity/conditionalAccess/policies",
      scope,
      permission: PERMISSION_RULES.policiesRead,
      handler: async (req) => {
        const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
        return json({
          "@odata.context": `${origin}/v1.0/$metadata#identity/conditionalAccess/policies`,
          value: await list(),
        });
      },
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/identity/conditionalAccess/policies/:id",
      scope,
      permission: PERMISSION_RULES.policiesRead,
      handler: async (req) => {
        const p = await current(req.params.id!);
        if (!p) throw notFound(req.params.id!);
        return json(p);
      },
    }),
    graphRoute(ctx, {
      method: "POST",
      path: "/identity/conditionalAccess/policies",
      scope,
      permission: PERMISSION_RULES.policiesWrite,
      handler: (req) => {
        const body = bodyObject(req);
        if (typeof body.displayName !== "string" || body.displayName.trim() === "") {
          throw badRequest("displayName is required.");
        }
        if (typeof body.state !== "string") throw badRequest("state is required.");
        const c = (body.conditions ?? {}) as Entity;
        if (!c.applications && !c.users && !body.grantControls && !body.sessionControls) {
          throw badRequest(
            "The policy needs at least an applications or users condition, or a grant or session control.",
          );
        }
        const now = ctx.clock.now();
        const id = stableGuid("ca-policy", others.size, now);
        const p: Policy = {
          ...policy(id, body.displayName, "disabled", [], now),
          conditions: conditions(),
          grantControls: null,
        };
        merge(p, body);
        others.set(id, p);
        return json(p, 201);
      },
    }),
    graphRoute(ctx, {
      method: "PATCH",
      path: "/identity/conditionalAccess/policies/:id",
      scope,
      permission: PERMISSION_RULES.policiesWrite,
      handler: async (req) => {
        const id = req.params.id!;
        const body = bodyObject(req);
        const p = id === legacy.id ? legacy : id === intune.id ? intune : others.get(id);
        if (!p) throw notFound(id);
        if (p === legacy && body.state !== undefined) {
          const enabled = await world.ports.sourceAccess.policyEnabled();
          if (body.state === "disabled" && enabled) await world.ports.sourceAccess.disablePolicy();
          else if (body.state !== "disabled" && !enabled) {
            throw badRequest(
              "The emulator cannot switch the legacy policy back on: the simulated old product's CA is off for good.",
            );
          }
        }
        merge(p, body);
        p.modifiedDateTime = graphDate(ctx.clock.now());
        return noContent(204);
      },
    }),
    graphRoute(ctx, {
      method: "DELETE",
      path: "/identity/conditionalAccess/policies/:id",
      scope,
      permission: PERMISSION_RULES.policiesWrite,
      handler: (req) => {
        const id = req.params.id!;
        if (id === intune.id || id === legacy.id) {
          throw badRequest("The emulator keeps this policy: it stands for the simulated organisation's CA.");
        }
        if (!others.delete(id)) throw notFound(id);
        return noContent(204);
      },
    }),
  ];
}
