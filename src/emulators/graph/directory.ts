/**
 * Entra ID's users and the three groups Ferry works through (vendor-apis.md §A6), backed by
 * the world's ports:
 * - NYM (Intune's not-yet-migrated group): members ⇔ `targetAccess.listExempt()`; adding a
 *   member exempts, removing enforces.
 * - LEGACY-EXCLUDED (the group the old product's CA is scoped by in Entra): members ⇔
 *   `sourceAccess.listExcluded()`; adding excludes, removing includes.
 * - BREAK-GLASS: the break-glass accounts (emulator state).
 * Adding: `POST …/members/$ref` (204, 400 "already exist", 404 unknown object) and
 * `PATCH /groups/{id}` with `members@odata.bind` (≤ 20, all or nothing). Removing:
 * `DELETE …/members/{id}/$ref` (204, 404 when not a member).
 */
import type { ScenarioPerson } from "../../world/scenario.ts";
import { EmulatorError, type EmulatorRequest, json, noContent, type Route } from "../kit/index.ts";
import { PERMISSION_RULES } from "./auth.ts";
import { batchMemo, bodyObject, GRAPH_THROTTLE_SCOPES, type GraphContext, graphRoute } from "./context.ts";
import { personByName } from "./devices.ts";
import { badRequest, directoryNotFound } from "./errors.ts";
import { graphDate } from "./ids.ts";
import {
  type Entity,
  type FilterSupport,
  type Listing,
  page,
  parseFilter,
  parseSelect,
  project,
} from "./odata.ts";

/** The user properties of the v1.0 metadata the emulator knows how to fill (others come back null or empty). */
export const USER_PROPERTIES: readonly string[] = [
  "id",
  "deletedDateTime",
  "aboutMe",
  "accountEnabled",
  "ageGroup",
  "assignedLicenses",
  "assignedPlans",
  "authorizationInfo",
  "birthday",
  "businessPhones",
  "city",
  "companyName",
  "consentProvidedForMinor",
  "country",
  "createdDateTime",
  "creationType",
  "customSecurityAttributes",
  "department",
  "deviceEnrollmentLimit",
  "displayName",
  "employeeHireDate",
  "employeeId",
  "employeeLeaveDateTime",
  "employeeOrgData",
  "employeeType",
  "externalUserState",
  "externalUserStateChangeDateTime",
  "faxNumber",
  "givenName",
  "hireDate",
  "identities",
  "identityParentId",
  "imAddresses",
  "interests",
  "isManagementRestricted",
  "isResourceAccount",
  "jobTitle",
  "lastPasswordChangeDateTime",
  "legalAgeGroupClassification",
  "licenseAssignmentStates",
  "mail",
  "mailboxSettings",
  "mailNickname",
  "mobilePhone",
  "mySite",
  "officeLocation",
  "onPremisesDistinguishedName",
  "onPremisesDomainName",
  "onPremisesExtensionAttributes",
  "onPremisesImmutableId",
  "onPremisesLastSyncDateTime",
  "onPremisesProvisioningErrors",
  "onPremisesSamAccountName",
  "onPremisesSecurityIdentifier",
  "onPremisesSyncEnabled",
  "onPremisesUserPrincipalName",
  "otherMails",
  "passwordPolicies",
  "passwordProfile",
  "pastProjects",
  "postalCode",
  "preferredDataLocation",
  "preferredLanguage",
  "preferredName",
  "print",
  "provisionedPlans",
  "proxyAddresses",
  "responsibilities",
  "schools",
  "securityIdentifier",
  "serviceProvisioningErrors",
  "showInAddressList",
  "signInActivity",
  "signInSessionsValidFromDateTime",
  "skills",
  "state",
  "streetAddress",
  "surname",
  "usageLocation",
  "userPrincipalName",
  "userType",
];

const USER_PROPS = new Set(USER_PROPERTIES);
const COLLECTIONS = new Set([
  "assignedLicenses",
  "assignedPlans",
  "businessPhones",
  "identities",
  "imAddresses",
  "interests",
  "licenseAssignmentStates",
  "onPremisesProvisioningErrors",
  "otherMails",
  "pastProjects",
  "provisionedPlans",
  "proxyAddresses",
  "responsibilities",
  "schools",
  "serviceProvisioningErrors",
  "skills",
]);

/** What `GET /users` returns without `$select` (Graph's default set). */
const USER_DEFAULTS = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
];

const USER_FILTERS: FilterSupport = {
  id: ["eq", "ne", "in"],
  userPrincipalName: ["eq", "ne", "in", "startswith"],
  mail: ["eq", "ne", "in", "startswith"],
  displayName: ["eq", "ne", "in", "startswith"],
  givenName: ["eq", "ne", "in", "startswith"],
  surname: ["eq", "ne", "in", "startswith"],
  department: ["eq", "ne", "in", "startswith"],
  officeLocation: ["eq", "ne", "in", "startswith"],
  jobTitle: ["eq", "ne", "in", "startswith"],
  accountEnabled: ["eq", "ne"],
  userType: ["eq", "ne", "in"],
};

/** Every metadata property of a user: modelled ones filled, the rest null or an empty collection. */
/** Users never change in the simulated directory: each entity is built once per person. */
const entities = new WeakMap<ScenarioPerson, Entity>();

export function userEntity(ctx: GraphContext, p: ScenarioPerson): Entity {
  let e = entities.get(p);
  if (!e) {
    e = buildUserEntity(ctx, p);
    entities.set(p, e);
  }
  return e;
}

function buildUserEntity(ctx: GraphContext, p: ScenarioPerson): Entity {
  const [given = "", ...rest] = p.displayName.split(" ");
  const e: Entity = {};
  for (const n of USER_PROPERTIES) e[n] = COLLECTIONS.has(n) ? [] : null;
  Object.assign(e, {
    id: p.id,
    accountEnabled: true,
    createdDateTime: graphDate(ctx.world.options.start - 400 * 86_400_000),
    department: p.department,
    displayName: p.displayName,
    givenName: given,
    surname: rest.join(" "),
    mail: p.mail,
    mailNickname: p.upn.split("@")[0],
    officeLocation: p.officeLocation,
    preferredLanguage: p.preferredLanguage ?? null,
    proxyAddresses: [`SMTP:${p.mail}`, ...(p.mail === p.upn ? [] : [`smtp:${p.upn}`])],
    userPrincipalName: p.upn,
    userType: "Member",
    usageLocation: null,
  });
  return e;
}

/** Users as a listing, each entity built when its page is. */
function peopleListing(ctx: GraphContext, people: readonly ScenarioPerson[]): Listing {
  return { size: people.length, at: (i) => userEntity(ctx, people[i]!) };
}

export type GroupRole = "not-yet-migrated" | "legacy-excluded" | "break-glass";

interface GroupSpec {
  id: string;
  role: GroupRole;
  displayName: string;
  description: string;
}

export function groupSpecs(ctx: GraphContext): GroupSpec[] {
  return [
    {
      id: ctx.config.notYetMigratedGroupId,
      role: "not-yet-migrated",
      displayName: "Ferry - Intune not yet migrated",
      description: "Excluded from the Intune compliant-device policy. Managed by Ferry.",
    },
    {
      id: ctx.config.legacy.excludedGroupId,
      role: "legacy-excluded",
      displayName: "Ferry - Legacy EMM excluded",
      description: "Excluded from the legacy EMM compliance policy. Managed by Ferry.",
    },
    {
      id: ctx.config.breakGlassGroupId,
      role: "break-glass",
      displayName: "Break-glass accounts",
      description: "Emergency access accounts, excluded from every CA policy.",
    },
  ];
}

function groupEntity(ctx: GraphContext, g: GroupSpec): Entity {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: graphDate(ctx.world.options.start - 30 * 86_400_000),
    displayName: g.displayName,
    expirationDateTime: null,
    groupTypes: [],
    isAssignableToRole: null,
    mail: null,
    mailEnabled: false,
    mailNickname: g.displayName.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    proxyAddresses: [],
    renewedDateTime: graphDate(ctx.world.options.start - 30 * 86_400_000),
    resourceBehaviorOptions: [],
    resourceProvisioningOptions: [],
    securityEnabled: true,
    securityIdentifier: `S-1-12-1-${g.id
      .split("-")
      .map((h) => Number.parseInt(h.slice(0, 6), 16))
      .join("-")}`,
    theme: null,
    visibility: null,
  };
}

/** The group's members, read from the world. */
async function members(ctx: GraphContext, g: GroupSpec): Promise<ScenarioPerson[]> {
  const ids = await memberIds(ctx, g);
  return ctx.world.scenario.people.filter((p) => ids.has(p.id));
}

/**
 * The group's member ids. Reading them from the world copies the whole list, so the inner
 * requests of one `$batch` share one copy (kept up to date by their own changes).
 */
async function memberIds(ctx: GraphContext, g: GroupSpec, req?: EmulatorRequest): Promise<Set<string>> {
  const memo = req ? batchMemo(req) : undefined;
  const cached = memo?.get(g.id);
  if (cached) return cached;
  const { ports, scenario } = ctx.world;
  let ids: Set<string>;
  switch (g.role) {
    case "not-yet-migrated":
      ids = new Set(await ports.targetAccess.listExempt());
      break;
    case "legacy-excluded": {
      const upns = new Set([...(await ports.sourceAccess.listExcluded())].map((u) => u.toLowerCase()));
      ids = new Set(scenario.people.filter((p) => upns.has(p.upn.toLowerCase())).map((p) => p.id));
      break;
    }
    case "break-glass":
      ids = new Set(ctx.state.breakGlassMembers);
  }
  memo?.set(g.id, ids);
  return ids;
}

async function setMembership(
  ctx: GraphContext,
  g: GroupSpec,
  people: ScenarioPerson[],
  member: boolean,
  req?: EmulatorRequest,
) {
  const { ports } = ctx.world;
  switch (g.role) {
    case "not-yet-migrated":
      await (member ? ports.targetAccess.exempt : ports.targetAccess.enforce)(people.map((p) => p.id));
      break;
    case "legacy-excluded":
      await (member ? ports.sourceAccess.exclude : ports.sourceAccess.include)(people.map((p) => p.upn));
      break;
    case "break-glass":
      for (const p of people) {
        if (member) ctx.state.breakGlassMembers.add(p.id);
        else ctx.state.breakGlassMembers.delete(p.id);
      }
  }
  const cached = req ? batchMemo(req)?.get(g.id) : undefined;
  for (const p of people) {
    if (member) cached?.add(p.id);
    else cached?.delete(p.id);
  }
}

/** The directory object an `@odata.id` / bind URL names (`…/directoryObjects/{id}` or `…/users/{id}`). */
function referencedId(url: unknown): string {
  if (typeof url !== "string")
    throw badRequest("Invalid object reference: expected a URL string.", "Request_BadRequest");
  const m = /\/(?:directoryObjects|users)\/([^/?#]+)\/?$/i.exec(url);
  if (!m) throw badRequest(`Invalid object identifier '${url}'.`, "Request_BadRequest");
  return decodeURIComponent(m[1]!);
}

const ALREADY_EXIST =
  "One or more added object references already exist for the following modified properties: 'members'.";

export function directoryRoutes(ctx: GraphContext): Route[] {
  const scope = GRAPH_THROTTLE_SCOPES.identity;
  const groups = new Map(groupSpecs(ctx).map((g) => [g.id, g]));
  const group = (req: EmulatorRequest) => {
    const g = groups.get(req.params.id!.toLowerCase());
    if (!g) throw directoryNotFound(req.params.id!);
    return g;
  };
  const user = (id: string) => {
    const p = personByName(ctx, id);
    if (!p) throw directoryNotFound(id);
    return p;
  };

  return [
    graphRoute(ctx, {
      method: "GET",
      path: "/users",
      scope,
      resourceUnits: 2,
      permission: PERMISSION_RULES.usersRead,
      handler: async (req) =>
        json(
          await page(req, {
            cursors: ctx.cursors,
            stats: ctx.stats,
            open: () => peopleListing(ctx, ctx.world.scenario.people),
            filter: parseFilter(req, { support: USER_FILTERS, resource: "User" }),
            select: parseSelect(req, USER_PROPS, "user"),
            render: (e, select) => project(e, select, USER_DEFAULTS),
            defaultPageSize: 100,
            maxPageSize: 999,
            topAboveMax: "reject",
            context: "users",
          }),
        ),
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/users/:id",
      scope,
      resourceUnits: 1,
      permission: PERMISSION_RULES.usersRead,
      handler: (req) => {
        const p = user(req.params.id!);
        const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
        const select = parseSelect(req, USER_PROPS, "user");
        return json({
          "@odata.context": `${origin}/v1.0/$metadata#users/$entity`,
          ...project(userEntity(ctx, p), select, USER_DEFAULTS),
        });
      },
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/groups/:id",
      scope,
      resourceUnits: 1,
      permission: PERMISSION_RULES.groupsRead,
      handler: (req) => json(groupEntity(ctx, group(req))),
    }),
    graphRoute(ctx, {
      method: "GET",
      path: "/groups/:id/members",
      scope,
      resourceUnits: 3,
      permission: PERMISSION_RULES.groupsRead,
      handler: async (req) => {
        const g = group(req);
        return json(
          await page(req, {
            cursors: ctx.cursors,
            stats: ctx.stats,
            open: async () => peopleListing(ctx, await members(ctx, g)),
            select: parseSelect(req, USER_PROPS, "directoryObject"),
            render: (e, select) => ({
              "@odata.type": "#microsoft.graph.user",
              ...project(e, select, USER_DEFAULTS),
            }),
            defaultPageSize: 100,
            maxPageSize: 999,
            topAboveMax: "reject",
            context: "directoryObjects",
          }),
        );
      },
    }),
    graphRoute(ctx, {
      method: "POST",
      path: "/groups/:id/members/$ref",
      scope,
      resourceUnits: 1,
      permission: PERMISSION_RULES.groupsWrite,
      handler: async (req) => {
        const g = group(req);
        const p = user(referencedId(bodyObject(req)["@odata.id"]));
        if ((await memberIds(ctx, g, req)).has(p.id)) {
          throw new EmulatorError(400, "Request_BadRequest", ALREADY_EXIST);
        }
        await setMembership(ctx, g, [p], true, req);
        return noContent(204);
      },
    }),
    graphRoute(ctx, {
      method: "DELETE",
      path: "/groups/:id/members/:member/$ref",
      scope,
      resourceUnits: 1,
      permission: PERMISSION_RULES.groupsWrite,
      handler: async (req) => {
        const g = group(req);
        const id = req.params.member!;
        const p = personByName(ctx, id);
        if (!p || !(await memberIds(ctx, g, req)).has(p.id)) throw directoryNotFound(id);
        await setMembership(ctx, g, [p], false, req);
        return noContent(204);
      },
    }),
    graphRoute(ctx, {
      method: "PATCH",
      path: "/groups/:id",
      scope,
      resourceUnits: 1,
      permission: PERMISSION_RULES.groupsWrite,
      handler: async (req) => {
        const g = group(req);
        const body = bodyObject(req);
        const binds = body["members@odata.bind"];
        if (binds === undefined) return noContent(204);
        if (!Array.isArray(binds))
          throw badRequest("members@odata.bind must be an array.", "Request_BadRequest");
        if (binds.length > 20) {
          throw badRequest(
            "The request exceeds the maximum of 20 objects that can be added to members in a single request.",
            "Request_BadRequest",
          );
        }
        // All or nothing: every object must exist and none may be a member already.
        const people = binds.map((b) => user(referencedId(b)));
        const current = await memberIds(ctx, g, req);
        if (people.some((p) => current.has(p.id)) || new Set(people.map((p) => p.id)).size < people.length) {
          throw new EmulatorError(400, "Request_BadRequest", ALREADY_EXIST);
        }
        await setMembership(ctx, g, people, true, req);
        return noContent(204);
      },
    }),
  ];
}
