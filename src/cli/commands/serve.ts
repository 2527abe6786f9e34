/**
 * `ferry serve`: the HTTP API (and the console, when built) with the engine and its worker
 * running alongside: a pass every --interval, and an early one when someone asks through the
 * portal to be checked again. Against the simulated organisation each interval also moves
 * the simulated clock (--advance), so a rehearsal runs at the pace you choose.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import pino from "pino";
import { Value } from "typebox/value";
import { systemClock } from "../../core/time.ts";
import { buildApp } from "../../server/app.ts";
import { type OidcConfig, OidcConfigSchema } from "../../server/auth/oidc.ts";
import { loadSecrets } from "../../server/secrets.ts";
import { openContext } from "../context.ts";
import { CliError } from "../format.ts";
import { positiveInt } from "./options.ts";

interface ServeFlags {
  port: number;
  host: string;
  interval: number;
  advance?: number;
  worker: boolean;
  publicUrl?: string;
  secureCookies?: boolean;
  console?: string;
  trustProxy?: boolean;
}

/** "30s", "5m", "2h", "1d" → milliseconds. */
function interval(flag: string) {
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

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the HTTP API (OpenAPI at /openapi.json, docs at /docs) with the engine and worker alongside",
    )
    .option("--port <n>", "port to listen on", positiveInt("--port"), 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--interval <duration>", "time between engine passes, e.g. 60s", interval("--interval"), 60_000)
    .option(
      "--advance <duration>",
      "simulated organisation: simulated time moved per pass (default: --interval)",
      interval("--advance"),
    )
    .option("--no-worker", "serve the API only: no engine passes, no actions executed")
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
      try {
        const oidc = oidcConfig(configPath);
        const keyFile = resolve(dirname(configPath), "ferry.key");
        const loaded = loadSecrets({ env: process.env, keyFile });
        if (loaded.warning) logger.warn(loaded.warning);
        const publicUrl =
          opts.publicUrl ?? `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`;
        const app = await buildApp({
          store: ctx.store,
          clock: ctx.ports.clock,
          wallClock: systemClock,
          secrets: loaded.secrets,
          engine: ctx.engine,
          worker: ctx.worker,
          logger,
          publicUrl,
          cookieSecure: opts.secureCookies === true,
          trustProxy: opts.trustProxy === true,
          ...(oidc ? { oidc } : {}),
          ...(opts.console ? { consoleDir: opts.console } : {}),
          retireSource: async () => ctx.simulation.decommissionSource(),
        });
        await app.listen({ port: opts.port, host: opts.host });
        const keySource = {
          environment: "FERRY_SECRET_KEY",
          "key-file": keyFile,
          "new-key-file": `${keyFile} (created, mode 0600)`,
        }[loaded.source];
        process.stdout.write(
          `Ferry is listening on ${publicUrl}  (API docs ${publicUrl}/docs, OpenAPI ${publicUrl}/openapi.json)\n` +
            `secret key: ${keySource}\n` +
            `engine: ${opts.worker ? `a pass every ${opts.interval / 1000}s` : "not running (--no-worker)"}\n`,
        );
        if (app.ferry.setupUrl)
          process.stdout.write(
            `\nNo admin yet. Create the first one (this link works once, for 24 hours):\n  ${app.ferry.setupUrl}\n\n`,
          );

        let stopping = false;
        let timer: NodeJS.Timeout | undefined;
        let current: Promise<void> = Promise.resolve();
        let lastPass: number | undefined;
        const runner = app.ferry.runner;
        const tick = async () => {
          if (stopping || !runner) return;
          try {
            if (lastPass === undefined || systemClock.now() - lastPass >= opts.interval) {
              // Against the simulated organisation, each interval moves its clock (not the first pass).
              if (lastPass !== undefined)
                ctx.simulation.advanceTo(ctx.now() + (opts.advance ?? opts.interval));
              lastPass = systemClock.now();
              const r = await runner.run();
              logger.info({ queued: r.actionsQueued, executed: r.executed }, "engine pass");
            } else if (await runner.recheckPending()) {
              const r = await runner.run();
              logger.info({ rechecks: r.rechecksHandled, executed: r.executed }, "engine pass (check again)");
            }
          } catch (error) {
            logger.error({ err: error }, "engine pass failed; trying again at the next interval");
          }
          if (!stopping)
            timer = setTimeout(() => {
              current = tick();
            }, 2_000);
        };
        if (opts.worker && runner) current = tick();

        await new Promise<void>((done) => {
          const stop = () => {
            if (stopping) return;
            stopping = true;
            if (timer) clearTimeout(timer);
            process.stdout.write("stopping…\n");
            done();
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await current;
        await app.close();
      } finally {
        await ctx.close();
      }
    });
}
