/** Sign-in (password or OpenID Connect), sign-out, who am I, change my password, first-admin setup. */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { MINUTE } from "../../core/time.ts";
import { audit } from "../../engine/audit.ts";
import type { AccountRow } from "../../store/schema.ts";
import { normaliseUsername, USERNAME_PATTERN } from "../auth/accounts.ts";
import { clearSessionCookies, principalOf, setSessionCookies } from "../auth/guard.ts";
import { openFlowState, randomToken, sealFlowState } from "../auth/oidc.ts";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from "../auth/passwords.ts";
import type { Principal } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { ApiError, badRequest, forbidden, notFound, unauthenticated } from "../errors.ts";
import { PERMISSIONS, type Permission, ROLES } from "../roles.ts";
import { errors, Ok, StringEnum } from "../schemas.ts";

export const MeSchema = Type.Object({
  kind: StringEnum(["session", "token"] as const),
  id: Type.String(),
  username: Type.String({ description: "the account's user name, or the API token's name" }),
  displayName: Type.String(),
  role: StringEnum(ROLES),
  permissions: Type.Array(Type.String()),
  csrfToken: Type.Optional(Type.String({ description: "sessions: echo in the x-csrf-token header" })),
});

export function me(p: Principal) {
  const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter((k) =>
    (PERMISSIONS[k] as readonly string[]).includes(p.role),
  );
  return p.kind === "session"
    ? {
        kind: "session" as const,
        id: p.accountId,
        username: p.username,
        displayName: p.displayName,
        role: p.role,
        permissions,
        csrfToken: p.csrfToken,
      }
    : {
        kind: "token" as const,
        id: p.tokenId,
        username: p.name,
        displayName: p.name,
        role: p.role,
        permissions,
      };
}

const OIDC_COOKIE = "ferry_oidc";
const OIDC_PATH = "/api/auth/oidc";
const tooMany = (seconds: number) =>
  new ApiError(
    429,
    "rate-limited",
    `too many failed attempts: try again in ${Math.ceil(seconds / 60)} minute(s)`,
    undefined,
    { "retry-after": String(seconds) },
  );

const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  // Spent on unknown user names so that a wrong name takes as long as a wrong password.
  const dummyHash = hashPassword(randomToken(), 12);

  async function signIn(reply: FastifyReply, account: AccountRow, method: string) {
    const now = ctx.wallClock.now();
    const session = await ctx.sessions.create(account.id, method, now);
    await ctx.accounts.touchSignIn(account.id, now);
    await audit(ctx.db, [
      { at: now, actor: `user:${account.username}`, kind: "signed-in", message: `signed in (${method})` },
    ]);
    setSessionCookies(reply, ctx, session);
    return me({
      kind: "session",
      role: account.role as Principal["role"],
      accountId: account.id,
      username: account.username,
      displayName: account.display_name,
      sessionToken: session.token,
      csrfToken: session.csrfToken,
    });
  }

  app.get(
    "/config",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary:
          "How to sign in here: password, OpenID Connect, and whether the first admin is still to be created",
        response: {
          200: Type.Object({
            password: Type.Boolean(),
            oidc: Type.Union([
              Type.Object({ displayName: Type.String(), loginUrl: Type.String() }),
              Type.Null(),
            ]),
            setupNeeded: Type.Boolean(),
          }),
        },
      },
    },
    async () => ({
      password: true,
      oidc: ctx.oidc
        ? {
            displayName: ctx.oidc.config.displayName ?? "Sign in with Microsoft",
            loginUrl: `${OIDC_PATH}/login`,
          }
        : null,
      setupNeeded: ctx.setup.token(ctx.wallClock.now()) !== undefined,
    }),
  );

  app.post(
    "/login",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Sign in with a user name and password; sets the session and CSRF cookies",
        description:
          "5 failed attempts per account or per client address within 15 minutes lock sign-in for the rest of the window (429 with Retry-After).",
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 128 }), password: Password }),
        response: { 200: MeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = ctx.wallClock.now();
      const username = normaliseUsername(request.body.username);
      const keys = [`account:${username}`, `ip:${request.ip}`];
      const wait = ctx.limiter.retryAfter(keys, now);
      if (wait > 0) throw tooMany(wait);
      const account = await ctx.accounts.byUsername(username);
      const ok = account?.password_hash
        ? await verifyPassword(request.body.password, account.password_hash)
        : (await verifyPassword(request.body.password, await dummyHash)) && false;
      if (!account || !ok || account.disabled === 1) {
        ctx.limiter.fail(keys, now);
        const locked = ctx.limiter.retryAfter(keys, now);
        if (locked > 0)
          await audit(ctx.db, [
            {
              at: now,
              actor: "server",
              kind: "sign-in-locked",
              message: `sign-in locked for ${Math.ceil(locked / 60)} min after repeated failures (account "${username}")`,
            },
          ]);
        throw unauthenticated("the user name or password is wrong");
      }
      ctx.limiter.clear(`account:${username}`);
      return signIn(reply, account, "password");
    },
  );

  app.post(
    "/logout",
    {
      config: { permission: "signed-in" },
      schema: {
        tags: ["auth"],
        summary: "End this session and clear its cookies",
        response: { 200: Ok, ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind === "session") await ctx.sessions.end(p.sessionToken);
      clearSessionCookies(reply, ctx);
      return { ok: true as const };
    },
  );

  app.get(
    "/me",
    {
      config: { permission: "signed-in" },
      schema: {
        tags: ["auth"],
        summary: "The caller: account or API token, role, permissions, and (sessions) the CSRF token",
        response: { 200: MeSchema, ...errors },
      },
    },
    async (request) => me(principalOf(request)),
  );

  app.post(
    "/password",
    {
      config: { permission: "signed-in" },
      schema: {
        tags: ["auth"],
        summary: "Change my password (ends my other sessions)",
        body: Type.Object({ currentPassword: Password, newPassword: Password }),
        response: { 200: MeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind !== "session") throw badRequest("an API token has no password");
      const now = ctx.wallClock.now();
      const key = `account:${p.username}`;
      const wait = ctx.limiter.retryAfter([key], now);
      if (wait > 0) throw tooMany(wait);
      const account = await ctx.accounts.byId(p.accountId);
      if (
        !account?.password_hash ||
        !(await verifyPassword(request.body.currentPassword, account.password_hash))
      ) {
        ctx.limiter.fail([key], now);
        throw badRequest("the current password is wrong", "body.currentPassword");
      }
      const problem = passwordProblem(request.body.newPassword, account.username);
      if (problem) throw badRequest(problem, "body.newPassword");
      await ctx.accounts.update(
        account.id,
        { password: request.body.newPassword },
        now,
        `user:${account.username}`,
      );
      return signIn(reply, account, "password");
    },
  );

  // --- OpenID Connect ------------------------------------------------------------------------

  app.get(
    "/oidc/login",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Start OpenID Connect sign-in: redirects to the issuer (authorization code + PKCE)",
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 302: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      if (!ctx.oidc) throw notFound("OpenID Connect sign-in is not configured");
      const now = ctx.wallClock.now();
      const returnTo = request.query.returnTo ?? "/";
      const flow = {
        state: randomToken(),
        nonce: randomToken(),
        verifier: randomToken(),
        expiresAt: now + 10 * MINUTE,
        // Only a path on this server: never an open redirect.
        returnTo: /^\/(?![/\\])/.test(returnTo) ? returnTo : "/",
      };
      const url = await ctx.oidc.authorizationUrl(flow, now);
      // Lax, not Strict: the issuer's redirect back is a cross-site navigation.
      reply.setCookie(OIDC_COOKIE, sealFlowState(flow, ctx.secrets.sessionKey), {
        path: OIDC_PATH,
        httpOnly: true,
        sameSite: "lax",
        secure: ctx.cookieSecure,
        maxAge: 600,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    "/oidc/callback",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Where the issuer sends the browser back; validates the ID token and opens a session",
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 4096 })),
          state: Type.Optional(Type.String({ maxLength: 512 })),
          error: Type.Optional(Type.String({ maxLength: 200 })),
          error_description: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: Type.String({ description: "a page that continues to the console" }), ...errors },
      },
    },
    async (request, reply) => {
      const oidc = ctx.oidc;
      if (!oidc) throw notFound("OpenID Connect sign-in is not configured");
      const now = ctx.wallClock.now();
      const flow = openFlowState(request.cookies[OIDC_COOKIE], ctx.secrets.sessionKey, now);
      reply.clearCookie(OIDC_COOKIE, { path: OIDC_PATH });
      if (request.query.error) throw unauthenticated(`the identity provider refused: ${request.query.error}`);
      if (!flow) throw unauthenticated("the sign-in took too long or did not start here: start again");
      const { code, state } = request.query;
      if (!code || !state || state !== flow.state)
        throw unauthenticated("the sign-in state does not match: start again");
      const claims = await oidc.redeem(code, flow.verifier, flow.nonce, now);
      const subject = `${claims.iss}|${claims.sub}`;
      const role = oidc.roleOf(claims);
      let account = await ctx.accounts.bySubject(subject);
      if (!account) {
        if (!role) throw forbidden("your directory account has no Ferry role: ask an admin to assign one");
        const username = oidc.usernameOf(claims);
        if (!new RegExp(USERNAME_PATTERN).test(username) || (await ctx.accounts.byUsername(username)))
          throw forbidden(
            `a local account "${username}" exists already: an admin must remove or rename it first`,
          );
        account = await ctx.accounts.create(
          {
            username,
            displayName: typeof claims.name === "string" ? claims.name : username,
            role,
            oidcSubject: subject,
          },
          now,
          "oidc",
        );
      } else if (role && role !== account.role) {
        account = await ctx.accounts.update(account.id, { role }, now, "oidc");
      }
      if (account.disabled === 1) throw forbidden("this account is disabled");
      await signIn(reply, account, "oidc");
      // A page, not a redirect: the Strict session cookie is sent only once the browser
      // navigates from a page of this site.
      const target = JSON.stringify(flow.returnTo).replace(/</g, "\\u003c");
      return reply
        .type("text/html; charset=utf-8")
        .header("content-security-policy", "default-src 'none'; script-src 'unsafe-inline'")
        .send(
          `<!doctype html><meta charset="utf-8"><title>Signed in</title><p>Signed in. <a id="go" href="/">Continue</a></p><script>location.replace(${target})</script>`,
        );
    },
  );
};

export const setupRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    "/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary: "Whether the first admin is still to be created",
        response: { 200: Type.Object({ needed: Type.Boolean() }) },
      },
    },
    async () => ({ needed: ctx.setup.token(ctx.wallClock.now()) !== undefined }),
  );

  app.post(
    "/",
    {
      config: { public: true },
      schema: {
        tags: ["auth"],
        summary:
          "Create the first admin with the one-time setup token printed by `ferry serve`; signs them in",
        body: Type.Object({
          token: Type.String({ minLength: 1, maxLength: 200 }),
          username: Type.String({ minLength: 1, maxLength: 128 }),
          displayName: Type.Optional(Type.String({ maxLength: 200 })),
          password: Password,
        }),
        response: { 201: MeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = ctx.wallClock.now();
      const key = `ip:${request.ip}`;
      const wait = ctx.limiter.retryAfter([key], now);
      if (wait > 0) throw tooMany(wait);
      const username = normaliseUsername(request.body.username);
      if (!new RegExp(USERNAME_PATTERN).test(username))
        throw badRequest("a user name is letters, digits and . _ @ + -", "body.username");
      const problem = passwordProblem(request.body.password, username);
      if (problem) throw badRequest(problem, "body.password");
      if (!ctx.setup.consume(request.body.token, now)) {
        ctx.limiter.fail([key], now);
        throw new ApiError(
          401,
          "unauthenticated",
          "the setup token is wrong, used or expired: restart `ferry serve` for a new link if no admin exists",
        );
      }
      if ((await ctx.accounts.enabledAdmins()) > 0)
        throw forbidden("an admin exists already: sign in instead");
      const account = await ctx.accounts.create(
        {
          username,
          displayName: request.body.displayName ?? username,
          role: "admin",
          password: request.body.password,
        },
        now,
        "setup",
      );
      const session = await ctx.sessions.create(account.id, "setup", now);
      setSessionCookies(reply, ctx, session);
      reply.status(201);
      return me({
        kind: "session",
        role: "admin",
        accountId: account.id,
        username: account.username,
        displayName: account.display_name,
        sessionToken: session.token,
        csrfToken: session.csrfToken,
      });
    },
  );
};
