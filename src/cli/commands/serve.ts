/**
 * `ferry serve`: the HTTP API (and the console, when built), with the engine and its worker
 * in a process of their own (`ferry run --watch`, started, watched and stopped from here): a
 * pass every --interval, and an early one when someone asks (the portal's "check again", the
 * API's "run a pass now"). Against the simulated organisation each interval also moves the
 * simulated clock (--advance), so a rehearsal runs at the pace you choose.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import pino from "pino";
import { Value } from "typebox/value";
import { type Clock, systemClock } from "../../core/time.ts";
import { getMeta } from "../../engine/meta.ts";
import { buildApp } from "../../server/app.ts";
import { type OidcConfig, OidcConfigSchema } from "../../server/auth/oidc.ts";
import { loadSecrets } from "../../server/secrets.ts";
import { type Context, openContext } from "../context.ts";
import { childExecArgv, EngineProcess, FERRY_BIN } from "../engine-process.ts";
import { CliError } from "../format.ts";
import { positiveInt } from "./options.ts";

interface ServeFlags {
  port: number;
  host: string;
  interval: number;
  advance?: number;
  worker: boolean;
  workers: number;
  publicUrl?: string;
  secureCookies?: boolean;
  console?: string;
  trustProxy?: boolean;
}

/** "30s", "5m", "2h", "1d" → milliseconds (real time: at least a second). */
export function realDuration(flag: string) {
  return (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
    if (!m) throw new InvalidArgumentError(`${flag} takes a duration like 30s, 5m, 2h or 1d, got "${value}"`);
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
    const ms = Number(m[1]) * unit;
    if (ms < 1_000) throw new InvalidArgumentError(`${flag} must be at least 1s, got "${value}"`);
    return ms;
  };
}

/** The optional `server.oidc` section of ferry.json; the client secret comes from FERRY_OIDC_CLIENT_SECRET. */
function oidcConfig(configPath: string): OidcConfig | undefined {
  const raw = JSON.parse(readFileSync(configPath, "utf8")) as { server?: { oidc?: unknown } };
  const section = raw.server?.oidc;
  if (section === undefined) return undefined;
  const candidate = {
    ...(section as object),
    ...(process.env.FERRY_OIDC_CLIENT_SECRET ? { clientSecret: process.env.FERRY_OIDC_CLIENT_SECRET } : {}),
  };
  if (!Value.Check(OidcConfigSchema, candidate)) {
    const first = [...Value.Errors(OidcConfigSchema, candidate)][0];
    throw new CliError(
      `${configPath}: "server.oidc" is not valid${first ? `: ${first.instancePath || "(root)"} ${first.message}` : ""}`,
    );
  }
  return candidate;
}

/**
 * The migration's clock as the API sees it. Against the simulated organisation the engine
 * process moves the simulated clock, not this one: follow it through the last pass's time,
 * looked up every second.
 */
class FollowingClock implements Clock {
  #now: number;
  #timer: NodeJS.Timeout;
  constructor(
    private readonly ctx: Context,
    every = 1_000,
  ) {
    this.#now = ctx.now();
    this.#timer = setInterval(() => void this.refresh(), every);
    this.#timer.unref();
  }
  now(): number {
    return Math.max(this.#now, this.ctx.now());
  }
  async refresh(): Promise<void> {
    const last = await getMeta(this.ctx.store.db, "lastPassAt").catch(() => undefined);
    if (last !== undefined && last > this.#now) this.#now = last;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Why N engine processes cannot share this installation, if they cannot. */
function severalEnginesProblem(ctx: Context, n: number): string | undefined {
  if (n <= 1) return undefined;
  if (!ctx.store.capabilities.advisoryLocks)
    return `--workers ${n}: this installation's database is SQLite, which takes one writer at a time, so one engine process is all it can use. Leave out --workers, or move the installation to PostgreSQL (DATABASE_URL=postgres://…) to run several.`;
  if (ctx.config.connection.kind === "simulated")
    return `--workers ${n}: the simulated organisation lives inside the engine process, so several processes would each simulate their own copy. Leave out --workers for a rehearsal.`;
  return undefined;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the HTTP API (OpenAPI at /openapi.json, docs at /docs), with the engine and worker in a process of their own",
    )
    .option("--port <n>", "port to listen on", positiveInt("--port"), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--interval <duration>",
      "time between engine passes, e.g. 60s",
      realDuration("--interval"),
      60_000,
    )
    .option(
      "--advance <duration>",
      "simulated organisation: simulated time moved per pass (default: --interval)",
      realDuration("--advance"),
    )
    .option("--no-worker", "serve the API only: no engine passes, no actions executed")
    .option(
      "--workers <n>",
      "engine processes (`ferry run --watch`) to start; more than 1 needs PostgreSQL",
      positiveInt("--workers"),
      1,
    )
    .option("--public-url <url>", "how browsers reach this server, for links (default http://host:port)")
    .option("--secure-cookies", "mark session cookies Secure (behind HTTPS)")
    .option("--console <dir>", "serve the built console from this folder")
    .option("--trust-proxy", "trust X-Forwarded-* headers (behind a reverse proxy)")
    .action(async (opts: ServeFlags, cmd: Command) => {
      const configPath = resolve((cmd.optsWithGlobals() as { config?: string }).config ?? "ferry.json");
      if (opts.console && !existsSync(resolve(opts.console, "index.html")))
        throw new CliError(`--console ${opts.console}: no index.html there (build the console first)`);
      const ctx = await openContext(configPath);
      const logger = pino({
        level: process.env.FERRY_LOG_LEVEL ?? "info",
        redact: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-portal-token"]'],
      });
      const clock = new FollowingClock(ctx);
      const engines: EngineProcess[] = [];
      try {
        const problem = opts.worker ? severalEnginesProblem(ctx, opts.workers) : undefined;
        if (problem) throw new CliError(problem);
        await clock.refresh();
        const oidc = oidcConfig(configPath);
        const keyFile = resolve(dirname(configPath), "ferry.key");
        const loaded = loadSecrets({ env: process.env, keyFile });
        if (loaded.warning) logger.warn(loaded.warning);
        const publicUrl =
          opts.publicUrl ?? `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`;
        // No engine here: passes, the worker and the simulated organisation's changes (its
        // source switched off at retirement among them) happen in the engine process.
        const app = await buildApp({
          store: ctx.store,
          clock,
          wallClock: systemClock,
          secrets: loaded.secrets,
          logger,
          publicUrl,
          cookieSecure: opts.secureCookies === true,
          trustProxy: opts.trustProxy === true,
          ...(oidc ? { oidc } : {}),
          ...(opts.console ? { consoleDir: opts.console } : {}),
        });
        await app.listen({ port: opts.port, host: opts.host });
        const keySource = {
          environment: "FERRY_SECRET_KEY",
          "key-file": keyFile,
          "new-key-file": `${keyFile} (created, mode 0600)`,
        }[loaded.source];
        if (opts.worker) {
          const args = [
            ...childExecArgv(),
            FERRY_BIN,
            "--config",
            configPath,
            "run",
            "--watch",
            "--json",
            "--interval",
            `${opts.interval / 1000}s`,
            ...(opts.advance !== undefined ? ["--advance", `${opts.advance / 1000}s`] : []),
          ];
          // The engine works on this installation's store, never through a server (FERRY_SERVER).
          const env = { ...process.env };
          delete env.FERRY_SERVER;
          for (let i = 1; i <= opts.workers; i++) {
            const engine = new EngineProcess({ args, env, log: logger, name: `engine-${i}` });
            engines.push(engine);
            engine.start();
          }
        }
        process.stdout.write(
          `Ferry is listening on ${publicUrl}  (API docs ${publicUrl}/docs, OpenAPI ${publicUrl}/openapi.json)\n` +
            `secret key: ${keySource}\n` +
            `engine: ${
              opts.worker
                ? `${opts.workers === 1 ? "a process" : `${opts.workers} processes`} (pid ${engines.map((e) => e.pid).join(", ")}), a pass every ${opts.interval / 1000}s`
                : "not running (--no-worker)"
            }\n`,
        );
        if (app.ferry.setupUrl)
          process.stdout.write(
            `\nNo admin yet. Create the first one (this link works once, for 24 hours):\n  ${app.ferry.setupUrl}\n\n`,
          );

        await new Promise<void>((done) => {
          const stop = () => {
            process.stdout.write("stopping…\n");
            done();
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        // The engine finishes the pass under way while the API answers; then both go.
        await Promise.all([...engines.map((e) => e.stop()), app.close()]);
      } finally {
        await Promise.all(engines.map((e) => e.stop()));
        clock.stop();
        await ctx.close();
      }
    });
}
