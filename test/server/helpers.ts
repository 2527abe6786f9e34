/**
 * Building the API for tests: an in-memory store (or a simulated organisation's rig), a
 * manual wall clock for sessions and links, cheap scrypt, and one signed-in caller per role
 * (a session and an API token each).
 */
import type { InjectOptions } from "fastify";
import { ManualClock } from "../../src/core/time.ts";
import { type BuildAppOptions, buildApp } from "../../src/server/app.ts";
import { CSRF_HEADER } from "../../src/server/auth/guard.ts";
import { ROLES, type Role } from "../../src/server/roles.ts";
import { secretsFromMasterKey } from "../../src/server/secrets.ts";
import { Rig, type RigOptions, START } from "../engine/harness.ts";
import { dropTestStore, newStoreLocation, openTestStore } from "../support/store.ts";

export const SECRETS = secretsFromMasterKey(Buffer.alloc(32, 42));
export const PASSWORD = "a long and boring passphrase";

export type App = Awaited<ReturnType<typeof buildApp>>;

export interface Caller {
  name: string;
  role: Role | undefined;
  /** adds this caller's credentials (and the CSRF header for sessions, unless csrf: false) */
  as(options: InjectOptions, csrf?: boolean): InjectOptions;
}

export const anonymous: Caller = { name: "anonymous", role: undefined, as: (o) => o };

export function cookiesOf(res: { cookies: { name: string; value: string }[] }): Record<string, string> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
}

export async function signIn(app: App, username: string, password = PASSWORD, remoteAddress?: string) {
  const res = await app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { username, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  const cookies = cookiesOf(res);
  return { cookies, csrf: cookies.ferry_csrf! };
}

export function sessionCaller(
  name: string,
  role: Role,
  session: { cookies: Record<string, string>; csrf: string },
): Caller {
  return {
    name,
    role,
    as: (o, csrf = true) => ({
      ...o,
      cookies: { ...session.cookies },
      headers: { ...(o.headers ?? {}), ...(csrf ? { [CSRF_HEADER]: session.csrf } : {}) },
    }),
  };
}

export function tokenCaller(name: string, role: Role, token: string): Caller {
  return {
    name,
    role,
    as: (o) => ({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${token}` } }),
  };
}

/** One account per role (user name = role), signed in, and one API token per role. */
export async function callers(
  app: App,
): Promise<{ sessions: Record<Role, Caller>; tokens: Record<Role, Caller> }> {
  const ctx = app.ferry.context;
  const now = ctx.wallClock.now();
  const sessions = {} as Record<Role, Caller>;
  const tokens = {} as Record<Role, Caller>;
  for (const role of ROLES) {
    if (!(await ctx.accounts.byUsername(role)))
      await ctx.accounts.create({ username: role, role, password: PASSWORD }, now, "test");
    sessions[role] = sessionCaller(`${role} session`, role, await signIn(app, role));
    const { token } = await ctx.tokens.create({ name: `${role}-token`, role, expiresAt: null }, now, "test");
    tokens[role] = tokenCaller(`${role} token`, role, token);
  }
  return { sessions, tokens };
}

export interface TestApp {
  app: App;
  wall: ManualClock;
  rig: Rig | undefined;
  close(): Promise<void>;
}

/** An API over an empty store (in memory, or a PostgreSQL schema of its own in CI's second round). */
export async function emptyApp(options: Partial<BuildAppOptions> = {}): Promise<TestApp> {
  const location = newStoreLocation();
  const store = await openTestStore(location);
  const wall = new ManualClock(START);
  const app = await buildApp({
    store,
    clock: wall,
    wallClock: wall,
    secrets: SECRETS,
    scryptLog2N: 10,
    ...options,
  });
  return {
    app,
    wall,
    rig: undefined,
    close: async () => {
      await app.close();
      await store.close();
      await dropTestStore(location);
    },
  };
}

/** An API over a simulated organisation with its engine and worker, on the world's clock. */
export async function rigApp(
  rigOptions: RigOptions = {},
  options: Partial<BuildAppOptions> = {},
): Promise<TestApp> {
  const rig = await Rig.create({ people: 40, seed: 3, ...rigOptions });
  const wall = new ManualClock(START);
  const app = await buildApp({
    store: rig.store,
    clock: rig.world.clock,
    wallClock: wall,
    secrets: SECRETS,
    engine: rig.engine,
    worker: rig.worker,
    scryptLog2N: 10,
    ...options,
  });
  return {
    app,
    wall,
    rig,
    close: async () => {
      await app.close();
      await rig.close();
    },
  };
}

export function json<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}
