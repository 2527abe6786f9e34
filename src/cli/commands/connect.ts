/** `ferry connect <vendor>`: the first thing an admin runs — sign-in and every permission Ferry needs. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { systemClock } from "../../core/time.ts";
import { checkConnection, VENDORS, type Vendor } from "../../wiring/vendors.ts";
import { CliError, table } from "../format.ts";

export function registerConnect(program: Command): void {
  program
    .command("connect <vendor>")
    .description(`test a connection: sign-in and each required permission (${VENDORS.join(" | ")})`)
    .requiredOption(
      "--settings <file>",
      'JSON with the connector\'s "config"; secrets come from the environment variables it names',
    )
    .option("--json", "print the verdict as JSON")
    .action(async (vendor: string, opts: { settings: string; json?: boolean }) => {
      if (!(VENDORS as readonly string[]).includes(vendor))
        throw new CliError(`unknown vendor "${vendor}": use ${VENDORS.join(", ")}`);
      let raw: { config?: unknown; env?: Record<string, string> };
      try {
        raw = JSON.parse(readFileSync(opts.settings, "utf8"));
      } catch (e) {
        throw new CliError(`cannot read ${opts.settings}: ${(e as Error).message}`);
      }
      if (!raw.config) throw new CliError(`${opts.settings} has no "config" object`);
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
