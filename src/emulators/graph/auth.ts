/**
 * Microsoft Entra as the Graph emulator plays it (vendor-apis.md §A1, §A2): the
 * client-credentials token endpoint with Entra's refusals, JWT-shaped access tokens whose
 * `roles` claim lists the application permissions granted, expiry on the world's clock, and
 * the permission check each route makes.
 */
import type { Clock } from "../../core/time.ts";
import {
  bearerToken,
  EmulatorError,
  type EmulatorRequest,
  json,
  oauthTokenRoute,
  type Route,
  type TokenIssuer,
  unauthorized,
} from "../kit/index.ts";
import { type IntuneErrorStyle, intuneError } from "./errors.ts";
import { stableGuid } from "./ids.ts";

/** Application permissions (A2), by the names Entra puts in the token's `roles`. */
export const GRAPH_PERMISSIONS = Object.freeze({
  managedDevicesRead: "DeviceManagementManagedDevices.Read.All",
  managedDevicesReadWrite: "DeviceManagementManagedDevices.ReadWrite.All",
  privilegedOperations: "DeviceManagementManagedDevices.PrivilegedOperations.All",
  configurationRead: "DeviceManagementConfiguration.Read.All",
  configurationReadWrite: "DeviceManagementConfiguration.ReadWrite.All",
  policyRead: "Policy.Read.All",
  policyWriteConditionalAccess: "Policy.ReadWrite.ConditionalAccess",
  groupMemberRead: "GroupMember.Read.All",
  groupMemberReadWrite: "GroupMember.ReadWrite.All",
  groupRead: "Group.Read.All",
  groupReadWrite: "Group.ReadWrite.All",
  userRead: "User.Read.All",
  userReadWrite: "User.ReadWrite.All",
  directoryRead: "Directory.Read.All",
  directoryReadWrite: "Directory.ReadWrite.All",
  mailSend: "Mail.Send",
});

const P = GRAPH_PERMISSIONS;

/** What an app registered for Ferry is granted by default: everything Ferry's Graph connector uses. */
export const DEFAULT_GRANTED_PERMISSIONS: readonly string[] = [
  P.managedDevicesRead,
  P.privilegedOperations,
  P.configurationRead,
  P.policyRead,
  P.policyWriteConditionalAccess,
  P.groupMemberReadWrite,
  P.userRead,
  P.mailSend,
];

/** How the product behind a route words a refusal. */
export type PermissionStyle = "intune" | "directory" | "conditional-access" | "mail";

export interface PermissionRule {
  /** Any one of these suffices… */
  anyOf: readonly string[];
  /** …and all of these are needed too (CA writes need Policy.Read.All besides the write permission). */
  allOf?: readonly string[];
  style: PermissionStyle;
}

export const PERMISSION_RULES = Object.freeze({
  devicesRead: { anyOf: [P.managedDevicesRead, P.managedDevicesReadWrite], style: "intune" },
  devicesDelete: { anyOf: [P.managedDevicesReadWrite], style: "intune" },
  devicesActions: { anyOf: [P.privilegedOperations], style: "intune" },
  configurationRead: { anyOf: [P.configurationRead, P.configurationReadWrite], style: "intune" },
  usersRead: {
    anyOf: [P.userRead, P.userReadWrite, P.directoryRead, P.directoryReadWrite],
    style: "directory",
  },
  groupsRead: {
    anyOf: [
      P.groupMemberRead,
      P.groupMemberReadWrite,
      P.groupRead,
      P.groupReadWrite,
      P.directoryRead,
      P.directoryReadWrite,
    ],
    style: "directory",
  },
  groupsWrite: {
    anyOf: [P.groupMemberReadWrite, P.groupReadWrite, P.directoryReadWrite],
    style: "directory",
  },
  policiesRead: { anyOf: [P.policyRead, P.policyWriteConditionalAccess], style: "conditional-access" },
  policiesWrite: {
    anyOf: [P.policyWriteConditionalAccess],
    allOf: [P.policyRead],
    style: "conditional-access",
  },
  mailSend: { anyOf: [P.mailSend], style: "mail" },
} satisfies Record<string, PermissionRule>);

/** Who a request's token says it is. */
export interface GraphPrincipal {
  appId: string;
  tenantId: string;
  roles: ReadonlySet<string>;
}

/** Refuses the request unless the principal holds the rule's permissions, in the product's words. */
export function checkPermission(
  req: EmulatorRequest,
  rule: PermissionRule,
  intuneStyle: IntuneErrorStyle,
): void {
  const principal = req.principal as GraphPrincipal | undefined;
  const roles = principal?.roles ?? new Set<string>();
  const ok = rule.anyOf.some((p) => roles.has(p)) && (rule.allOf ?? []).every((p) => roles.has(p));
  if (ok) return;
  switch (rule.style) {
    case "intune": {
      const scopes = [...rule.anyOf, ...(rule.allOf ?? [])].join(", ");
      throw intuneError(
        403,
        "Forbidden",
        `Application is not authorized to perform this operation. Application must have one of the following scopes: ${scopes}`,
        req,
        intuneStyle,
      );
    }
    case "directory":
      throw new EmulatorError(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
    case "conditional-access":
      throw new EmulatorError(
        403,
        "AccessDenied",
        "You cannot perform the requested operation, required scopes are missing in the token.",
      );
    case "mail":
      throw new EmulatorError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  }
}

// --- tokens -------------------------------------------------------------------------------

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The Entra error codes (AADSTS…) the emulator answers with, and their texts. */
const AADSTS: Record<string, { code: number; text: string }> = {
  unsupported_grant_type: {
    code: 70003,
    text: "The app requested an unsupported grant type ''. Client credential flows must use grant_type=client_credentials.",
  },
  invalid_client: {
    code: 7000215,
    text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app}'.",
  },
  invalid_scope: {
    code: 1002012,
    text: "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
  },
};

export interface TokenEndpointOptions {
  issuer: TokenIssuer;
  clock: Clock;
  tenantId: string;
  /** Other names the tenant answers to (its verified domain). */
  tenantAliases: readonly string[];
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  /** The permissions granted to the app when a token is issued (read at issue time, as Entra does). */
  roles: () => readonly string[];
}

/**
 * `POST /{tenant}/oauth2/v2.0/token`: the kit's client-credentials route, behind Entra's own
 * checks (unknown tenant AADSTS90002, unknown app AADSTS700016, missing scope AADSTS900144),
 * with Entra's error bodies, and the token wrapped as a JWT carrying `roles`.
 */
export class EntraTokens {
  readonly route: Route;
  readonly #o: TokenEndpointOptions;
  /** opaque kit token (the JWT's signature part) → the principal it was issued to */
  readonly #principals = new Map<string, GraphPrincipal>();
  #seq = 0;

  constructor(o: TokenEndpointOptions) {
    this.#o = o;
    const kit = oauthTokenRoute({
      path: "/:tenant/oauth2/v2.0/token",
      issuer: o.issuer,
      clients: { [o.clientId]: { secret: o.clientSecret } },
      ttlSeconds: o.ttlSeconds,
      checkScope: (scope) =>
        scope?.split(" ").every((s) => s.endsWith("/.default")) ? undefined : (scope ?? ""),
      decorateError: (body) => this.#entraError(body.error, body.error_description),
    });
    this.route = {
      ...kit,
      handler: async (req) => {
        const form = req.form ?? new URLSearchParams();
        const tenant = req.params.tenant ?? "";
        if (tenant !== o.tenantId && !o.tenantAliases.includes(tenant.toLowerCase())) {
          return json(
            this.#raw(
              "invalid_request",
              90002,
              `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
            ),
            400,
          );
        }
        if (!form.has("grant_type") && !form.has("client_id")) {
          return json(
            this.#raw(
              "invalid_request",
              900144,
              "The request body must contain the following parameter: 'grant_type'.",
            ),
            400,
          );
        }
        const clientId = form.get("client_id") ?? "";
        if (form.get("grant_type") === "client_credentials" && clientId !== o.clientId) {
          return json(
            this.#raw(
              "unauthorized_client",
              700016,
              `Application with identifier '${clientId}' was not found in the directory '${o.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
            ),
            400,
          );
        }
        if (form.get("grant_type") === "client_credentials" && !form.get("scope")) {
          return json(
            this.#raw(
              "invalid_request",
              900144,
              "The request body must contain the following parameter: 'scope'.",
            ),
            400,
          );
        }
        const res = await kit.handler(req);
        const body = res.body as { access_token?: string; expires_in?: number } | undefined;
        if (res.status !== 200 || !body?.access_token) return res;
        return json({
          token_type: "Bearer",
          expires_in: body.expires_in,
          ext_expires_in: body.expires_in,
          access_token: this.#jwt(body.access_token, body.expires_in ?? o.ttlSeconds),
        });
      },
    };
  }

  /** The kit's `authenticate` hook: a valid, unexpired token, or 401 `InvalidAuthenticationToken`. */
  authenticate = (req: EmulatorRequest): void => {
    const token = bearerToken(req);
    if (!token) throw unauthorized("InvalidAuthenticationToken", "Access token is empty.");
    const parts = token.split(".");
    if (parts.length !== 3) {
      throw unauthorized(
        "InvalidAuthenticationToken",
        "IDX14100: JWT is not well formed, there are no dots (.).",
      );
    }
    const check = this.#o.issuer.check(parts[2]);
    if (!check.ok) {
      const why =
        check.reason === "expired"
          ? "Lifetime validation failed, the token is expired."
          : "Access token validation failure. Invalid audience.";
      throw unauthorized("InvalidAuthenticationToken", why, 'Bearer error="invalid_token"');
    }
    req.principal = this.#principals.get(parts[2]!);
  };

  #jwt(opaque: string, ttl: number): string {
    const o = this.#o;
    const now = Math.floor(o.clock.now() / 1000);
    const roles = [...o.roles()];
    this.#principals.set(opaque, { appId: o.clientId, tenantId: o.tenantId, roles: new Set(roles) });
    const header = { typ: "JWT", alg: "RS256", kid: "ferry-graph-emulator" };
    const payload = {
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${o.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + ttl,
      app_displayname: "Ferry",
      appid: o.clientId,
      idtyp: "app",
      oid: stableGuid("service-principal", o.clientId),
      roles,
      sub: stableGuid("service-principal", o.clientId),
      tid: o.tenantId,
      ver: "1.0",
    };
    return `${b64url(header)}.${b64url(payload)}.${opaque}`;
  }

  #entraError(error: string, description: string): Record<string, unknown> {
    const known = AADSTS[error];
    if (!known) return this.#raw(error, 90000, description);
    const text = known.text.replace("{app}", this.#o.clientId).replace("{scope}", description);
    return this.#raw(error, known.code, text);
  }

  #raw(error: string, code: number, text: string): Record<string, unknown> {
    const n = ++this.#seq;
    const trace = stableGuid("trace", n);
    const correlation = stableGuid("correlation", n);
    const timestamp = new Date(this.#o.clock.now())
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d{3}Z$/, "Z");
    return {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    };
  }
}
