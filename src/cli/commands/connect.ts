/** `ferry connect <vendor>`: the first thing an admin runs — sign-in and every permission Ferry needs. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { systemClock } from "../../core/time.ts";
import { checkConnection, VENDORS, type Vendor } from "../../wiring/vendors.ts";
import { DEFAULT_CONFIG_PATH } from "../config.ts";
import { CliError, table } from "../format.ts";

function readSettings(file: string): { config: unknown; env?: Record<string, string> } {
  let raw: { config?: unknown; env?: Record<string, string> };
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!raw.config) throw new CliError(`${file} has no "config" object`);
  return raw as { config: unknown; env?: Record<string, string> };
}

/**
 * The vendor's section of ferry.json, read as written (not through loadConfig, which would
 * refuse the whole file for one unset variable: checking one connection at a time is the point).
 */
function fromFerryJson(
  vendor: Vendor,
  path = DEFAULT_CONFIG_PATH,
): { config: unknown; env?: Record<string, string> } {
  const full = resolve(path);
  let raw: { connection?: { kind?: string; graph?: { config?: unknown }; source?: SourceSection } };
  try {
    raw = JSON.parse(readFileSync(full, "utf8"));
  } catch (e) {
    throw new CliError(`pass --settings <file>, or run where ferry.json is (${(e as Error).message})`);
  }
  const conn = raw.connection;
  if (conn?.kind !== "vendors")
    throw new CliError(`${full}: "connection.kind" is not "vendors": pass --settings <file>`);
  if (vendor === "graph" && conn.graph?.config) return { config: conn.graph.config };
  if (conn.source?.vendor === vendor && conn.source.config)
    // The source's vendor is named beside its config; the connectors that check `kind` want it inside.
    return { config: { kind: vendor, ...conn.source.config } };
  throw new CliError(
    `${full} has no settings for ${vendor}: its old product is ${JSON.stringify(conn.source?.vendor)}`,
  );
}

interface SourceSection {
  vendor?: string;
  config?: Record<string, unknown>;
}

export function registerConnect(program: Command): void {
  program
    .command("connect <vendor>")
    .description(`test a connection: sign-in and each required permission (${VENDORS.join(" | ")})`)
    .option(
      "--settings <file>",
      'JSON with the connector\'s "config"; secrets come from the environment variables it names (default: ferry.json\'s "connection" when its kind is "vendors")',
    )
    .option("--json", "print the verdict as JSON")
    .action(async (vendor: string, opts: { settings?: string; json?: boolean }, cmd: Command) => {
      if (!(VENDORS as readonly string[]).includes(vendor))
        throw new CliError(`unknown vendor "${vendor}": use ${VENDORS.join(", ")}`);
      const raw = opts.settings
        ? readSettings(opts.settings)
        : fromFerryJson(vendor as Vendor, (cmd.optsWithGlobals() as { config?: string }).config);
      // Secrets: the real environment wins; a settings file written by `ferry emulate` carries its own.
      const env = { ...(raw.env ?? {}), ...process.env };
      let verdict: Awaited<ReturnType<typeof checkConnection>>;
      try {
        verdict = await checkConnection(vendor as Vendor, { config: raw.config, env }, systemClock);
      } catch (e) {
        throw new CliError(`${vendor}: ${(e as Error).message}`);
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
      else {
        process.stdout.write(`${verdict.service}: ${verdict.ok ? "ready" : "NOT READY"}\n`);
        process.stdout.write(
          `${table(verdict.checks, [
            { header: "", value: (c) => (c.ok ? "✓" : "✗") },
            { header: "permission or step", value: (c) => c.name },
            { header: "detail", value: (c) => c.detail },
          ])}\n`,
        );
        for (const p of verdict.problems) process.stdout.write(`  to fix: ${p}\n`);
      }
      if (!verdict.ok) process.exitCode = 1;
    });
}
