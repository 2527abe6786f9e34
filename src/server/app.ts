/**
 * Ferry's HTTP API. `buildApp` wires the store, the clocks, the keys and (optionally) the
 * engine into one Fastify instance: one encapsulated plugin per area under /api/, TypeBox
 * schemas on every route (validation, types and the OpenAPI document from one source), one
 * access rule per route, and one error shape.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { Type } from "typebox";
import type { Clock } from "../core/time.ts";
import type { Engine } from "../engine/engine.ts";
import { defaultEngineSettings } from "../engine/settings.ts";
import type { Worker } from "../engine/worker.ts";
import type { Store } from "../store/open.ts";
import { Accounts } from "./auth/accounts.ts";
import { ApiTokens } from "./auth/api-tokens.ts";
import { CSRF_COOKIE, CSRF_HEADER, installGuard, SESSION_COOKIE } from "./auth/guard.ts";
import { type Fetch, OidcClient, type OidcConfig } from "./auth/oidc.ts";
import { DEFAULT_SCRYPT_LOG2N } from "./auth/passwords.ts";
import { DEFAULT_LIMIT, FailureLimiter, type LimitOptions } from "./auth/rate-limit.ts";
import { Sessions } from "./auth/sessions.ts";
import { SETUP_TOKEN_TTL, SetupGate } from "./auth/setup.ts";
import type { ServerContext } from "./context.ts";
import { badRequest, errorBody, errorHandler } from "./errors.ts";
import { PortalLinks } from "./portal-links.ts";
import { PERMISSIONS, type Permission } from "./roles.ts";
import { accessRoutes } from "./routes/access.ts";
import { accountsRoutes, tokensRoutes } from "./routes/accounts.ts";
import { auditRoutes } from "./routes/audit.ts";
import { authRoutes, setupRoutes } from "./routes/auth.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { devicesRoutes } from "./routes/devices.ts";
import { engineRoutes } from "./routes/engine.ts";
import { peopleRoutes } from "./routes/people.ts";
import { PORTAL_HEADER, portalRoutes } from "./routes/portal.ts";
import { readinessRoutes } from "./routes/readiness.ts";
import { retirementRoutes } from "./routes/retirement.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { tasksRoutes } from "./routes/tasks.ts";
import { templatesRoutes } from "./routes/templates.ts";
import { wavesRoutes } from "./routes/waves.ts";
import { PassRunner } from "./runner.ts";
import { ErrorSchema } from "./schemas.ts";
import type { Secrets } from "./secrets.ts";
import { SettingsStore } from "./settings-store.ts";
import { SETUP_PAGE } from "./setup-page.ts";

export interface BuildAppOptions {
  store: Store;
  /** the migration's clock (the engine's) */
  clock: Clock;
  secrets: Secrets;
  engine?: Engine;
  worker?: Worker;
  /** a pino logger; no logging when absent */
  logger?: FastifyBaseLogger;
  /** real time for sessions, tokens, rate limits and links; defaults to `clock` */
  wallClock?: Clock;
  /** mark cookies Secure (set it whenever the console is served over HTTPS) */
  cookieSecure?: boolean;
  /** how browsers reach this server, for links (default http://127.0.0.1:8080) */
  publicUrl?: string;
  oidc?: OidcConfig;
  /** how the OpenID Connect client reaches the issuer (tests pass an in-process issuer) */
  fetch?: Fetch;
  /** scrypt cost as log2(N) for new password hashes (default 17) */
  scryptLog2N?: number;
  signInLimit?: LimitOptions;
  setupTokenTtl?: number;
  /** called when every retirement item is done, before the old product is marked retired */
  retireSource?: () => Promise<void>;
  /** called before a manual task is confirmed, e.g. to do its console work in a rehearsal */
  carryOutTask?: (task: { kind: string; subjects: string }) => Promise<void>;
  /** the console's built files (index.html + assets), served at / with a fallback for client routes */
  consoleDir?: string;
  trustProxy?: boolean;
}

export interface RouteInfo {
  method: string;
  url: string;
  permission: Permission | undefined;
  public: boolean;
}

export interface FerryHandle {
  /** the one-time setup token while no admin exists (unused, unexpired); undefined otherwise */
  readonly setupToken: string | undefined;
  /** the link `ferry serve` prints for the first admin */
  readonly setupUrl: string | undefined;
  /** every /api route with its access rule (the role tests walk this list) */
  readonly routes: readonly RouteInfo[];
  readonly runner: PassRunner | undefined;
  readonly context: ServerContext;
}

declare module "fastify" {
  interface FastifyInstance {
    ferry: FerryHandle;
  }
}

const VERSION = (() => {
  try {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
      version: string;
    };
    return pkg.version;
  } catch {
    return "0.0.0";
  }
})();

const TAGS = [
  ["auth", "sign-in, sessions, the first admin"],
  ["dashboard", "the funnel, wave statuses, alerts, burn-down"],
  ["waves", "plan, edit, start, roll back"],
  ["access", "conditional access: who is governed by which product; never-both check; forecasts"],
  ["readiness", "every device's path out of the old product"],
  ["people", "search people; the helpdesk page of one person"],
  ["devices", "search devices; limbo and in-both"],
  ["helpdesk", "what the helpdesk does for one person or device"],
  ["retirement", "switching the old product off"],
  ["audit", "the audit log"],
  ["settings", "plan defaults, capacities, helpdesk contact, quiet hours, connections"],
  ["accounts", "console accounts"],
  ["tokens", "API tokens for automation"],
  ["engine", "engine passes and the action queue"],
  ["tasks", "manual steps no vendor API can do, confirmed by a person"],
  ["templates", "the e-mails Ferry sends, previewed with sample data"],
  ["portal", "the personal page behind each e-mail's link (no sign-in)"],
] as const;

/** The path of the first number in `value` that is not finite (depth-limited), if any. */
function nonFinite(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (depth > 6 || typeof value !== "object" || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinite(v, `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { store, clock, secrets } = options;
  const wallClock = options.wallClock ?? clock;
  const accounts = new Accounts(store.db, options.scryptLog2N ?? DEFAULT_SCRYPT_LOG2N);
  const runner = options.engine ? new PassRunner(store.db, clock, options.engine, options.worker) : undefined;
  const ctx: ServerContext = {
    store,
    db: store.db,
    clock,
    wallClock,
    secrets,
    engine: options.engine,
    worker: options.worker,
    engineSettings: options.engine?.settings ?? defaultEngineSettings,
    accounts,
    sessions: new Sessions(store.db),
    tokens: new ApiTokens(store.db),
    portal: new PortalLinks(store.db, secrets),
    settings: new SettingsStore(store.db, secrets),
    limiter: new FailureLimiter(options.signInLimit ?? DEFAULT_LIMIT),
    setup: new SetupGate(
      (await accounts.enabledAdmins()) === 0,
      wallClock.now(),
      options.setupTokenTtl ?? SETUP_TOKEN_TTL,
    ),
    oidc: options.oidc ? new OidcClient(options.oidc, options.fetch ?? fetch) : undefined,
    cookieSecure: options.cookieSecure ?? false,
    publicUrl: (options.publicUrl ?? "http://127.0.0.1:8080").replace(/\/$/, ""),
    retireSource: options.retireSource,
    carryOutTask: options.carryOutTask,
    runner,
  };

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Requests are logged by the hook below, without query strings, cookies or headers.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routes: RouteInfo[] = [];
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/")) return;
    const config = (route.config ?? {}) as { permission?: Permission; public?: boolean };
    if (!config.public && !(config.permission && config.permission in PERMISSIONS))
      throw new Error(
        `${String(route.method)} ${route.url} has no access rule: set config.permission or config.public`,
      );
    for (const method of [route.method].flat()) {
      if (method === "HEAD" || routes.some((r) => r.method === method && r.url === route.url)) continue;
      routes.push({ method, url: route.url, permission: config.permission, public: config.public === true });
    }
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    if (options.consoleDir && request.method === "GET" && !request.url.startsWith("/api/"))
      return reply.type("text/html; charset=utf-8").sendFile("index.html");
    return reply
      .status(404)
      .send(errorBody("not-found", `no route ${request.method} ${request.url.split("?")[0]}`));
  });

  app.addHook("onSend", async (request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    // Portal links must never leak through the Referer header.
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split("?")[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        who: request.principal ? `${request.principal.kind}:${request.principal.role}` : undefined,
      },
      "request",
    );
  });

  // A POST without a body is validated as an empty object: "body.x is required" names the field.
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined && request.method !== "GET" && request.method !== "HEAD")
      request.body = {};
  });

  // Validation coerces "1e400" to Infinity and lets it through; no handler ever wants one.
  app.addHook("preHandler", async (request) => {
    for (const [part, value] of [
      ["query", request.query],
      ["body", request.body],
    ] as const) {
      const field = nonFinite(value, part);
      if (field) throw badRequest(`${field} must be a finite number`, field);
    }
  });

  app.addSchema(ErrorSchema);
  await app.register(cookie);
  installGuard(app, ctx);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Ferry API",
        version: VERSION,
        description:
          "Migrates devices from an old EMM product to Microsoft Intune in waves, never putting a person under both products' conditional access. See docs/api.md for authentication, roles, paging and errors.",
      },
      tags: TAGS.map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: SESSION_COOKIE,
            description: "console session (sign in at /api/auth/login)",
          },
          csrf: {
            type: "apiKey",
            in: "header",
            name: CSRF_HEADER,
            description: `with a session, every POST/PATCH/PUT/DELETE echoes the ${CSRF_COOKIE} cookie here`,
          },
          bearer: { type: "http", scheme: "bearer", description: "API token ferry_… (no CSRF needed)" },
          portalLink: {
            type: "apiKey",
            in: "header",
            name: PORTAL_HEADER,
            description: "the token of a personal portal link",
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const config = (route.config ?? {}) as { permission?: Permission; public?: boolean };
      const s = { ...(schema as Record<string, unknown>) };
      if (!url.startsWith("/api/")) return { schema: { ...s, hide: true } as typeof schema, url };
      if (config.permission) {
        const roles = PERMISSIONS[config.permission];
        s["x-roles"] = [...roles];
        s["x-permission"] = config.permission;
        s.description = `${s.description ? `${s.description}\n\n` : ""}**Roles:** ${roles.join(", ")} (permission \`${config.permission}\`).`;
        const unsafe = !["GET", "HEAD"].includes(String(route.method));
        s.security = [{ bearer: [] }, unsafe ? { session: [], csrf: [] } : { session: [] }];
      } else if (config.public && s.security === undefined) {
        s.description = `${s.description ? `${s.description}\n\n` : ""}**Public:** no sign-in.`;
        s.security = [];
      }
      return { schema: s as typeof schema, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  app.get(
    "/api/health",
    {
      config: { public: true },
      schema: {
        tags: ["engine"],
        summary: "Liveness: the server answers and the store is reachable",
        response: { 200: Type.Object({ ok: Type.Literal(true), version: Type.String() }) },
      },
    },
    async () => {
      await store.db.selectFrom("meta").select("key").limit(1).execute();
      return { ok: true as const, version: VERSION };
    },
  );

  const area = { ctx };
  await app.register(authRoutes, { prefix: "/api/auth", ...area });
  await app.register(setupRoutes, { prefix: "/api/setup", ...area });
  await app.register(dashboardRoutes, { prefix: "/api/dashboard", ...area });
  await app.register(wavesRoutes, { prefix: "/api/waves", ...area });
  await app.register(accessRoutes, { prefix: "/api/access", ...area });
  await app.register(readinessRoutes, { prefix: "/api/readiness", ...area });
  await app.register(peopleRoutes, { prefix: "/api/people", ...area });
  await app.register(devicesRoutes, { prefix: "/api/devices", ...area });
  await app.register(retirementRoutes, { prefix: "/api/retirement", ...area });
  await app.register(auditRoutes, { prefix: "/api/audit", ...area });
  await app.register(settingsRoutes, { prefix: "/api/settings", ...area });
  await app.register(accountsRoutes, { prefix: "/api/accounts", ...area });
  await app.register(tokensRoutes, { prefix: "/api/tokens", ...area });
  await app.register(engineRoutes, { prefix: "/api/engine", ...area });
  await app.register(portalRoutes, { prefix: "/api/portal", ...area });
  await app.register(tasksRoutes, { prefix: "/api/tasks", ...area });
  await app.register(templatesRoutes, { prefix: "/api/templates", ...area });

  if (options.consoleDir) {
    await app.register(fastifyStatic, { root: resolve(options.consoleDir), wildcard: false });
  } else {
    // Until the console is built: a bare page that creates the first admin.
    app.get("/setup", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/html; charset=utf-8")
        .header(
          "content-security-policy",
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
        )
        .send(SETUP_PAGE),
    );
  }

  app.decorate("ferry", {
    get setupToken() {
      return ctx.setup.token(wallClock.now());
    },
    get setupUrl() {
      const token = ctx.setup.token(wallClock.now());
      return token === undefined ? undefined : `${ctx.publicUrl}/setup?token=${encodeURIComponent(token)}`;
    },
    routes,
    runner,
    context: ctx,
  } satisfies FerryHandle);

  await app.ready();
  return app;
}
