/** Who is calling: a console session or an API token, each with one role. */
import type { Role } from "../roles.ts";

export type Principal =
  | {
      kind: "session";
      role: Role;
      accountId: string;
      username: string;
      displayName: string;
      sessionToken: string;
      csrfToken: string;
    }
  | { kind: "token"; role: Role; tokenId: string; name: string };

/** How the audit log names the caller. */
export function actorOf(p: Principal): string {
  return p.kind === "session" ? `user:${p.username}` : `token:${p.name}`;
}
