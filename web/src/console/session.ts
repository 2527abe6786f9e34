/** Who is signed in, and what their role allows: screens hide what the caller may not do. */
import { createContext, useContext } from "react";
import type { Me, Permission } from "../types.ts";

export interface Session {
  me: Me;
  can: (permission: Permission) => boolean;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside the signed-in console");
  return s;
}

/** Where a role lands after signing in: the dashboard, or the helpdesk search for the helpdesk. */
export function homeOf(me: Me): string {
  return me.permissions.includes("dashboard.read") ? "/" : "/helpdesk";
}
