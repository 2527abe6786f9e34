/** `ferry audit`: read the timeline, and verify that nobody changed or deleted an entry. */
import type { Command } from "commander";
import { verifyAudit } from "../../engine/audit.ts";
import type { AuditRow } from "../../store/schema.ts";
import { withContext } from "../context.ts";
import { CliError, isoDay, table } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteAudit } from "../remote-views.ts";
import { positiveInt } from "./options.ts";

export function registerAudit(program: Command): void {
  const cmd = program.command("audit").description("the audit timeline");

  cmd
    .command("list")
    .option("--person <id>", "only this person and their devices")
    .option("--device <id>", "only this device")
    .option("--last <n>", "the most recent n entries", positiveInt("--last"), 50)
    .option("--json", "print as JSON")
    .action(async (opts: { person?: string; device?: string; last: number; json?: boolean }, c: Command) => {
      const api = apiOf(c);
      const newestFirst: AuditRow[] = api
        ? await remoteAudit(api, opts)
        : await withContext(c.optsWithGlobals().config, async (ctx) => {
            let q = ctx.store.db.selectFrom("audit").selectAll().orderBy("id", "desc").limit(opts.last);
            if (opts.person) q = q.where("person_id", "=", opts.person);
            if (opts.device) q = q.where("device_id", "=", opts.device);
            return q.execute();
          });
      const rows = newestFirst.reverse();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      process.stdout.write(
        `${table(rows, [
          { header: "#", value: (r) => r.id, align: "right" },
          { header: "at", value: (r) => isoDay(r.at) },
          { header: "by", value: (r) => r.actor },
          { header: "what", value: (r) => r.kind },
          { header: "subject", value: (r) => r.device_id ?? r.person_id ?? r.wave_id ?? "" },
          { header: "message", value: (r) => r.message },
        ])}\n`,
      );
    });

  cmd
    .command("verify")
    .description("recompute the hash chain: a changed or deleted entry is reported")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, c: Command) => {
      await withContext(c.optsWithGlobals().config, async (ctx) => {
        const verdict = await verifyAudit(ctx.store.db);
        if (opts.json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
        else if (verdict.ok)
          process.stdout.write(`audit log intact: ${verdict.entries} entries, chain verified\n`);
        if (!verdict.ok) {
          throw new CliError(
            `audit log broken at entry ${verdict.problem!.id}: ${verdict.problem!.reason} (${verdict.entries} entries verified before it)`,
            2,
          );
        }
      });
    });
}
