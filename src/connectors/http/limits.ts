/**
 * The documented rate limits of each vendor, as client budgets and concurrency caps.
 * Section numbers refer to docs/vendor-apis.md (shared docs). Graph budgets are the
 * *app-per-tenant* limits, the ones Ferry alone can stay under; the tenant-wide ones are
 * shared with every other app. A connector passes `VENDOR_LIMITS.graph.budgets` (or a
 * tightened copy, {@link withHeadroom}) to its HttpClient and tags each request with the
 * matching `scope`.
 */
import type { RateBudget } from "./budget.ts";

/** Scope names of Microsoft Graph requests; tag each request with the one its endpoint falls under. */
export const GRAPH_SCOPES = Object.freeze({
  /** managedDevices and their actions (retire, wipe, syncDevice, delete), §A3, §A9. */
  intuneDevices: "intune-devices",
  /** deviceCompliancePolicies, policy states, scheduled actions, §A4, §A9. */
  intuneConfiguration: "intune-configuration",
  /** deviceEnrollmentConfigurations, deviceManagementPartners, complianceManagementPartners, §A7, §A9. */
  intuneEnrollment: "intune-enrollment",
  /** notificationMessageTemplates, §A4, §A9. */
  intuneNotifications: "intune-notifications",
  /** users and groups (membership, $ref); cost in resource units, §A6, §A9. */
  identity: "identity",
  /** /identity/conditionalAccess/policies, §A5, §A9. */
  conditionalAccess: "ca-policy",
});

export interface VendorLimits {
  budgets: readonly RateBudget[];
  /** Simultaneous requests in flight; undefined = no documented cap. */
  maxConcurrency?: number;
}

const INTUNE_CONFIG_LIKE = { requests: 1_000, writes: 100, windowMs: 20_000 };

export const VENDOR_LIMITS = Object.freeze({
  graph: {
    budgets: [
      // §A9 global: 130 000 requests / 10 s per app across tenants.
      { scope: "*", requests: 130_000, windowMs: 10_000 },
      // §A9 Intune devices, app-per-tenant: 2 000 any / 200 writes per 20 s (tenant: 4 000 / 400).
      { scope: GRAPH_SCOPES.intuneDevices, requests: 2_000, writes: 200, windowMs: 20_000 },
      // §A9 device configuration, enrollment, notifications: 1 000 / 100 per 20 s app-per-tenant.
      { scope: GRAPH_SCOPES.intuneConfiguration, ...INTUNE_CONFIG_LIKE },
      { scope: GRAPH_SCOPES.intuneEnrollment, ...INTUNE_CONFIG_LIKE },
      { scope: GRAPH_SCOPES.intuneNotifications, ...INTUNE_CONFIG_LIKE },
      // §A9 identity: tenant size M, 5 000 resource units / 10 s (S 3 500, L 8 000; pass `cost` per request:
      // GET users 2, groups/{id}/members 3, transitiveMembers 5); writes 3 000 per 2.5 min.
      {
        scope: GRAPH_SCOPES.identity,
        requests: 5_000,
        windowMs: 10_000,
        writes: 3_000,
        writesWindowMs: 150_000,
      },
      // §A9 CA policies: 1 request/s per tenant across all apps, and no Retry-After on its 429s.
      { scope: GRAPH_SCOPES.conditionalAccess, requests: 1, windowMs: 1_000 },
    ],
  },
  // §B: SaaS quotas are per tenant and console-configured; defaults unpublished [U]. Expect 429s.
  workspaceOne: { budgets: [] },
  // §C: no built-in rate limit and no 429; Jamf advises at most 5 concurrent connections.
  jamf: { budgets: [], maxConcurrency: 5 },
  // §D: none published for Core/Cloud; CPS's 100–600 calls/min are only indicative [U].
  ivanti: { budgets: [] },
  // §E: the guide's "Webservice usage limits" numbers were not retrieved [U].
  maas360: { budgets: [] },
} satisfies Record<string, VendorLimits>);

/** Budgets scaled to `fraction` of the documented limits (e.g. 0.8), for a safety margin. */
export function withHeadroom(budgets: readonly RateBudget[], fraction: number): RateBudget[] {
  const scale = (n: number) => Math.max(1, Math.floor(n * fraction));
  return budgets.map((b) => ({
    ...b,
    requests: scale(b.requests),
    ...(b.writes === undefined ? {} : { writes: scale(b.writes) }),
  }));
}
