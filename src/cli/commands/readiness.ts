/** `ferry readiness`: every device's path out of the old product, before planning. */
import type { Command } from "commander";
import { READINESS_PATHS } from "../../core/model.ts";
import { INTUNE_SUPPORTED_OS, PLATFORMS } from "../../core/platform.ts";
import { type Context, withContext } from "../context.ts";
import { table } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteReadiness } from "../remote-views.ts";

/** One device as `readiness --json` lists it. */
export interface ReadinessDevice {
  id: string;
  platform: string;
  mode: string;
  os_version: string;
  model: string;
  path: string;
  path_why: string;
  upn: string | null;
}

/** Devices first seen in the old product (those with a path out of it), by id. */
function localDevices(ctx: Context): Promise<ReadinessDevice[]> {
  return ctx.store.db
    .selectFrom("devices")
    .leftJoin("people", "people.id", "devices.person_id")
    .select([
      "devices.id",
      "devices.platform",
      "devices.mode",
      "devices.os_version",
      "devices.model",
      "devices.path",
      "devices.path_why",
      "people.upn",
    ])
    .where("devices.origin", "=", "source")
    .orderBy("devices.id")
    .execute();
}

export function registerReadiness(program: Command): void {
  program
    .command("readiness")
    .description(
      "show each device's path: self-service, admin retire, factory reset, Apple deadline, unsupported OS, no owner",
    )
    .option("--json", "print every device's path as JSON")
    .option("--all", "list every device needing an admin, not just the first 20")
    .action(async (opts: { json?: boolean; all?: boolean }, cmd: Command) => {
      const api = apiOf(cmd);
      const devices = api
        ? await remoteReadiness(api)
        : await withContext(cmd.optsWithGlobals().config, localDevices);
      {
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ intuneSupportedOsAsOf: INTUNE_SUPPORTED_OS.asOf, devices })}\n`,
          );
          return;
        }
        const counts = new Map<string, number>();
        for (const d of devices)
          counts.set(`${d.path}|${d.platform}`, (counts.get(`${d.path}|${d.platform}`) ?? 0) + 1);
        const rows = READINESS_PATHS.map((path) => ({
          path,
          per: PLATFORMS.map((p) => counts.get(`${path}|${p}`) ?? 0),
        }));
        process.stdout.write(
          `${table(rows, [
            { header: "path", value: (r) => r.path },
            ...PLATFORMS.map((p, i) => ({
              header: p,
              value: (r: (typeof rows)[number]) => r.per[i]!,
              align: "right" as const,
            })),
            { header: "total", value: (r) => r.per.reduce((a, b) => a + b, 0), align: "right" },
          ])}\n`,
        );
        const attention = devices.filter((d) => d.path === "no-owner" || d.path === "unsupported-os");
        if (attention.length > 0) {
          const shown = opts.all ? attention : attention.slice(0, 20);
          process.stdout.write(`\nNeeds an admin (${attention.length}; excluded from waves until fixed):\n`);
          process.stdout.write(
            `${table(shown, [
              { header: "device", value: (d) => d.id },
              { header: "model", value: (d) => d.model },
              { header: "owner", value: (d) => d.upn ?? "—" },
              { header: "why", value: (d) => d.path_why },
            ])}\n`,
          );
          if (shown.length < attention.length)
            process.stdout.write(`… ${attention.length - shown.length} more (--all)\n`);
        }
        process.stdout.write(
          `\nIntune's supported OS minimums as of ${INTUNE_SUPPORTED_OS.asOf}: ${Object.entries(
            INTUNE_SUPPORTED_OS.minimum,
          )
            .map(([p, v]) => `${p} ${v}`)
            .join(", ")}\n`,
        );
      }
    });
}
