/** Accounts and API tokens (admin). */
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { DAY } from "../../core/time.ts";
import type { AccountRow, ApiTokenRow } from "../../store/schema.ts";
import { principalOf } from "../auth/guard.ts";
import { MAX_PASSWORD_LENGTH } from "../auth/passwords.ts";
import { actorOf } from "../auth/principal.ts";
import type { ServerContext } from "../context.ts";
import { ROLES } from "../roles.ts";
import { errors, Id, Iso, IsoOrNull, iso, isoOrNull, Ok, StringEnum } from "../schemas.ts";

const Role = StringEnum(ROLES);

const Account = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  disabled: Type.Boolean(),
  password: Type.Boolean({ description: "signs in with a local password" }),
  oidc: Type.Boolean({ description: "signs in through OpenID Connect" }),
  createdAt: Iso,
  lastSignInAt: IsoOrNull,
});

const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String({ description: "the token's first characters, to recognise it" }),
  createdBy: Type.String(),
  createdAt: Iso,
  expiresAt: IsoOrNull,
  lastUsedAt: IsoOrNull,
  revokedAt: IsoOrNull,
});

const accountView = (a: AccountRow) => ({
  id: a.id,
  username: a.username,
  displayName: a.display_name,
  role: a.role,
  disabled: a.disabled === 1,
  password: a.password_hash !== null,
  oidc: a.oidc_subject !== null,
  createdAt: iso(a.created_at),
  lastSignInAt: isoOrNull(a.last_sign_in_at),
});

const tokenView = (t: ApiTokenRow) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  createdBy: t.created_by,
  createdAt: iso(t.created_at),
  expiresAt: isoOrNull(t.expires_at),
  lastUsedAt: isoOrNull(t.last_used_at),
  revokedAt: isoOrNull(t.revoked_at),
});

const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

export const accountsRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const access = { permission: "accounts.manage" as const };

  app.get(
    "/",
    {
      config: access,
      schema: {
        tags: ["accounts"],
        summary: "Every account",
        response: { 200: Type.Object({ accounts: Type.Array(Account) }), ...errors },
      },
    },
    async () => ({ accounts: (await ctx.accounts.list()).map(accountView) }),
  );

  app.post(
    "/",
    {
      config: access,
      schema: {
        tags: ["accounts"],
        summary: "Create an account with a local password",
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 128 }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            role: Role,
            password: Password,
          },
          { additionalProperties: false },
        ),
        response: { 201: Account, ...errors },
      },
    },
    async (request, reply) => {
      const row = await ctx.accounts.create(request.body, ctx.wallClock.now(), actorOf(principalOf(request)));
      reply.status(201);
      return accountView(row);
    },
  );

  app.patch(
    "/:id",
    {
      config: access,
      schema: {
        tags: ["accounts"],
        summary: "Change an account's role, name, password or whether it is disabled (ends its sessions)",
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            role: Type.Optional(Role),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            disabled: Type.Optional(Type.Boolean()),
            password: Type.Optional(Password),
          },
          { additionalProperties: false },
        ),
        response: { 200: Account, ...errors },
      },
    },
    async (request) =>
      accountView(
        await ctx.accounts.update(
          request.params.id,
          request.body,
          ctx.wallClock.now(),
          actorOf(principalOf(request)),
        ),
      ),
  );
};

export const tokensRoutes: FastifyPluginAsyncTypebox<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const access = { permission: "accounts.manage" as const };

  app.get(
    "/",
    {
      config: access,
      schema: {
        tags: ["tokens"],
        summary: "Every API token (never the token itself)",
        response: { 200: Type.Object({ tokens: Type.Array(Token) }), ...errors },
      },
    },
    async () => ({ tokens: (await ctx.tokens.list()).map(tokenView) }),
  );

  app.post(
    "/",
    {
      config: access,
      schema: {
        tags: ["tokens"],
        summary: "Create an API token with a role; the token is in this answer only",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Role,
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...Token.properties,
            token: Type.String({ description: "ferry_…: shown once" }),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const now = ctx.wallClock.now();
      const { row, token } = await ctx.tokens.create(
        {
          name: request.body.name,
          role: request.body.role,
          expiresAt: request.body.expiresInDays ? now + request.body.expiresInDays * DAY : null,
        },
        now,
        actorOf(principalOf(request)),
      );
      reply.status(201);
      return { ...tokenView(row), token };
    },
  );

  app.delete(
    "/:id",
    {
      config: access,
      schema: {
        tags: ["tokens"],
        summary: "Revoke an API token",
        params: Type.Object({ id: Id }),
        response: { 200: Ok, ...errors },
      },
    },
    async (request) => {
      await ctx.tokens.revoke(request.params.id, ctx.wallClock.now(), actorOf(principalOf(request)));
      return { ok: true as const };
    },
  );
};
