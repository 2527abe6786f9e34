/** What every area of the API works with, built once by buildApp. */
import type { Clock } from "../core/time.ts";
import type { Engine } from "../engine/engine.ts";
import type { EngineSettings } from "../engine/settings.ts";
import type { Worker } from "../engine/worker.ts";
import type { Db, Store } from "../store/open.ts";
import type { Accounts } from "./auth/accounts.ts";
import type { ApiTokens } from "./auth/api-tokens.ts";
import type { OidcClient } from "./auth/oidc.ts";
import type { Principal } from "./auth/principal.ts";
import type { FailureLimiter } from "./auth/rate-limit.ts";
import type { Sessions } from "./auth/sessions.ts";
import type { SetupGate } from "./auth/setup.ts";
import type { PortalLinks } from "./portal-links.ts";
import type { Permission } from "./roles.ts";
import type { PassRunner } from "./runner.ts";
import type { Secrets } from "./secrets.ts";
import type { SettingsStore } from "./settings-store.ts";

export interface ServerContext {
  store: Store;
  db: Db;
  /** the migration's time: waves, ages, deadlines (a simulated organisation's clock in rehearsals) */
  clock: Clock;
  /** real time: sessions, tokens, rate limits, the setup token, portal links, ID tokens */
  wallClock: Clock;
  secrets: Secrets;
  engine: Engine | undefined;
  worker: Worker | undefined;
  engineSettings: EngineSettings;
  accounts: Accounts;
  sessions: Sessions;
  tokens: ApiTokens;
  portal: PortalLinks;
  settings: SettingsStore;
  limiter: FailureLimiter;
  setup: SetupGate;
  oidc: OidcClient | undefined;
  cookieSecure: boolean;
  /** how people reach this server, e.g. https://ferry.example.com (portal links, setup link) */
  publicUrl: string;
  /** called once every retirement item is done (the CLI's simulated connection decommissions the source) */
  retireSource: (() => Promise<void>) | undefined;
  /** called before a manual task is confirmed (the CLI's simulated connection does the console work) */
  carryOutTask: ((task: { kind: string; subjects: string }) => Promise<void>) | undefined;
  /** engine passes, one at a time; undefined when the server was built without an engine */
  runner: PassRunner | undefined;
}

/** Per-route access, in the route's `config`. */
export interface RouteAccess {
  /** what the caller needs; see roles.ts */
  permission?: Permission;
  /** no sign-in: portal (its own link token), sign-in, setup, health */
  public?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    permission?: Permission;
    public?: boolean;
  }
}
