/**
 * The one gate every /api request passes (an onRequest hook, before the body is even read):
 * who is calling (API token or session cookie), whether their role allows the route's
 * permission, and — for state-changing requests made with a session cookie — the CSRF token.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServerContext } from "../context.ts";
import { ApiError, forbidden, unauthenticated } from "../errors.ts";
import { allows, isRole } from "../roles.ts";
import type { Principal } from "./principal.ts";
import type { OpenSession } from "./sessions.ts";

export const SESSION_COOKIE = "ferry_session";
export const CSRF_COOKIE = "ferry_csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function authenticate(request: FastifyRequest, ctx: ServerContext): Promise<Principal | null> {
  const now = ctx.wallClock.now();
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const row = m ? await ctx.tokens.lookup(m[1]!, now) : undefined;
    // A wrong or revoked token is refused outright, never mixed with a cookie on the same request.
    if (!row || !isRole(row.role))
      throw unauthenticated("the API token is not valid (revoked, expired or mistyped)");
    return { kind: "token", role: row.role, tokenId: row.id, name: row.name };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const found = await ctx.sessions.lookup(cookie, now);
  if (!found || !isRole(found.account.role)) return null;
  return {
    kind: "session",
    role: found.account.role,
    accountId: found.account.id,
    username: found.account.username,
    displayName: found.account.display_name,
    sessionToken: cookie,
    csrfToken: found.session.csrf_token,
  };
}

export function installGuard(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    if (request.is404 || !request.url.startsWith("/api/")) return;
    const config = request.routeOptions.config;
    if (config.public) return;
    const permission = config.permission;
    if (!permission) throw new ApiError(500, "internal", "route without an access rule");
    const principal = await authenticate(request, ctx);
    if (!principal) throw unauthenticated();
    if (principal.kind === "session" && !SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== "string" || !same(given, principal.csrfToken))
        throw new ApiError(
          403,
          "csrf",
          `a request that changes something needs the ${CSRF_HEADER} header (the value of the ${CSRF_COOKIE} cookie)`,
        );
    }
    if (!allows(principal.role, permission))
      throw forbidden(`the ${principal.role} role does not allow this`);
    request.principal = principal;
  });
}

/** The signed-in caller of a route behind the guard. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

export function setSessionCookies(reply: FastifyReply, ctx: ServerContext, session: OpenSession): void {
  const maxAge = Math.floor((session.expiresAt - ctx.wallClock.now()) / 1000);
  const common = { path: "/", sameSite: "strict" as const, secure: ctx.cookieSecure, maxAge };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  // Readable by the console's script, which echoes it in the x-csrf-token header.
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, ctx: ServerContext): void {
  const common = { path: "/", sameSite: "strict" as const, secure: ctx.cookieSecure };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
