/** `ferry status`: where the migration stands now, and what needs a person's attention. */
import type { Command } from "commander";
import { sql } from "kysely";
import { DAY } from "../../core/time.ts";
import { getMeta } from "../../engine/meta.ts";
import { withContext } from "../context.ts";
import { bar, table } from "../format.ts";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("progress per wave, CA governance, and alerts (in both, limbo ageing, failed actions)")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const { db } = ctx.store;
        const now = ctx.now();
        const states = await db
          .selectFrom("devices")
          .select(["state", sql<number>`count(*)`.as("n")])
          .groupBy("state")
          .execute();
        const governance = await db
          .selectFrom("people")
          .select(["ca_governance", sql<number>`count(*)`.as("n")])
          .groupBy("ca_governance")
          .execute();
        const waves = await db
          .selectFrom("waves")
          .select(["id", "name", "status"])
          .orderBy("ordinal")
          .execute();
        const limboOld = await db
          .selectFrom("devices")
          .select(["id", "model", "state_since"])
          .where("state", "=", "limbo")
          .where("state_since", "<", now - 3 * DAY)
          .execute();
        const inBoth = await db
          .selectFrom("devices")
          .select(["id", "model", "state_since"])
          .where("state", "=", "in-both")
          .execute();
        const failed = await db
          .selectFrom("actions")
          .select(["id", "kind", "last_error"])
          .where("status", "=", "failed")
          .execute();
        const policy = await getMeta(db, "targetPolicy");
        const result = {
          now: new Date(now).toISOString(),
          devices: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
          governance: Object.fromEntries(governance.map((g) => [g.ca_governance, Number(g.n)])),
          waves,
          alerts: {
            limboOver3Days: limboOld.length,
            inBoth: inBoth.length,
            failedActions: failed.length,
            targetPolicy: policy && !policy.ok ? policy.problems : [],
          },
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const total = states.reduce((a, s) => a + Number(s.n), 0);
        const order = [
          "in-source",
          "unenroll-requested",
          "limbo",
          "in-both",
          "in-target",
          "noncompliant",
          "compliant",
          "excluded",
          "retired",
        ];
        process.stdout.write(`Devices (${total}) at ${result.now}\n`);
        process.stdout.write(
          `${table(
            order.map((s) => ({ s, n: result.devices[s] ?? 0 })),
            [
              { header: "state", value: (r) => r.s },
              { header: "devices", value: (r) => r.n, align: "right" },
              { header: "", value: (r) => bar(r.n, total, 30) },
            ],
          )}\n\n`,
        );
        process.stdout.write(
          `Conditional access: ${Object.entries(result.governance)
            .map(([g, n]) => `${g} ${n}`)
            .join(" · ")}\n`,
        );
        process.stdout.write(
          `Waves: ${waves.map((w) => `${w.name} [${w.status}]`).join(" → ") || "none planned"}\n`,
        );
        const a = result.alerts;
        const lines = [
          a.inBoth
            ? `${a.inBoth} devices seen in both products (the old record is retired once the owner's CA has moved)`
            : "",
          a.limboOver3Days ? `${a.limboOver3Days} devices in limbo for over 3 days: call their owners` : "",
          a.failedActions ? `${a.failedActions} actions failed after every retry: see the audit log` : "",
          a.targetPolicy.length
            ? `Intune CA policy problems (handover held): ${a.targetPolicy.join("; ")}`
            : "",
          (result.governance.both ?? 0) > 0
            ? `${result.governance.both} people under BOTH products' CA: being repaired`
            : "",
        ].filter(Boolean);
        process.stdout.write(
          lines.length ? `\nAlerts:\n${lines.map((l) => `  ! ${l}`).join("\n")}\n` : "\nNo alerts.\n",
        );
      });
    });
}
