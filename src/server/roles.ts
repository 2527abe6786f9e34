/**
 * Who may do what. Every API route names one permission (or is public); this table is the
 * only place a role's rights are written down, and docs/api.md shows it as a matrix.
 */
export const ROLES = ["admin", "operator", "helpdesk", "auditor"] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;

export const PERMISSIONS = {
  /** any signed-in caller: who am I, sign out, change my password */
  "signed-in": ALL,
  "dashboard.read": ["admin", "operator", "auditor"],
  "waves.read": ["admin", "operator", "auditor"],
  "waves.write": ["admin", "operator"],
  "access.read": ["admin", "operator", "auditor"],
  "readiness.read": ["admin", "operator", "auditor"],
  "people.read": ALL,
  "devices.read": ALL,
  "helpdesk.act": ["admin", "operator", "helpdesk"],
  "retirement.read": ["admin", "operator", "auditor"],
  "retirement.write": ["admin"],
  "audit.read": ["admin", "auditor"],
  "settings.read": ["admin", "auditor"],
  "settings.write": ["admin"],
  "accounts.manage": ["admin"],
  "engine.read": ["admin", "operator", "auditor"],
  "engine.run": ["admin", "operator"],
  /** manual steps (a gateway with no API): read them, and confirm one was carried out */
  "tasks.read": ["admin", "operator", "auditor"],
  "tasks.write": ["admin", "operator"],
  /** e-mail previews: the helpdesk reads what people were sent */
  "templates.read": ALL,
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
