/** `ferry status`: where the migration stands now, and what needs a person's attention. */
import type { Command } from "commander";
import { sql } from "kysely";
import { DAY } from "../../core/time.ts";
import { getMeta } from "../../engine/meta.ts";
import { type Context, withContext } from "../context.ts";
import { bar, table } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteStatus } from "../remote-views.ts";

/** What `status` prints (and `--json` shows), from the store or from the API. */
export interface StatusResult {
  now: string;
  devices: Record<string, number>;
  governance: Record<string, number>;
  waves: { id: string; name: string; status: string }[];
  alerts: { limboOver3Days: number; inBoth: number; failedActions: number; targetPolicy: string[] };
}

async function localStatus(ctx: Context): Promise<StatusResult> {
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
  const waves = await db.selectFrom("waves").select(["id", "name", "status"]).orderBy("ordinal").execute();
  const limboOld = await db
    .selectFrom("devices")
    .select(sql<number>`count(*)`.as("n"))
    .where("state", "=", "limbo")
    .where("state_since", "<", now - 3 * DAY)
    .executeTakeFirstOrThrow();
  const inBoth = await db
    .selectFrom("devices")
    .select(sql<number>`count(*)`.as("n"))
    .where("state", "=", "in-both")
    .executeTakeFirstOrThrow();
  const failed = await db
    .selectFrom("actions")
    .select(sql<number>`count(*)`.as("n"))
    .where("status", "=", "failed")
    .executeTakeFirstOrThrow();
  const policy = await getMeta(db, "targetPolicy");
  return {
    now: new Date(now).toISOString(),
    devices: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
    governance: Object.fromEntries(governance.map((g) => [g.ca_governance, Number(g.n)])),
    waves,
    alerts: {
      limboOver3Days: Number(limboOld.n),
      inBoth: Number(inBoth.n),
      failedActions: Number(failed.n),
      targetPolicy: policy && !policy.ok ? policy.problems : [],
    },
  };
}

const ORDER = [
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

function printStatus(result: StatusResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const total = Object.values(result.devices).reduce((a, n) => a + n, 0);
  process.stdout.write(`Devices (${total}) at ${result.now}\n`);
  process.stdout.write(
    `${table(
      ORDER.map((s) => ({ s, n: result.devices[s] ?? 0 })),
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
    `Waves: ${result.waves.map((w) => `${w.name} [${w.status}]`).join(" → ") || "none planned"}\n`,
  );
  const a = result.alerts;
  const lines = [
    a.inBoth
      ? `${a.inBoth} devices seen in both products (the old record is retired once the owner's CA has moved)`
      : "",
    a.limboOver3Days ? `${a.limboOver3Days} devices in limbo for over 3 days: call their owners` : "",
    a.failedActions ? `${a.failedActions} actions failed after every retry: see the audit log` : "",
    a.targetPolicy.length ? `Intune CA policy problems (handover held): ${a.targetPolicy.join("; ")}` : "",
    (result.governance.both ?? 0) > 0
      ? `${result.governance.both} people under BOTH products' CA: being repaired`
      : "",
  ].filter(Boolean);
  process.stdout.write(
    lines.length ? `\nAlerts:\n${lines.map((l) => `  ! ${l}`).join("\n")}\n` : "\nNo alerts.\n",
  );
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("progress per wave, CA governance, and alerts (in both, limbo ageing, failed actions)")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const api = apiOf(cmd);
      const result = api
        ? await remoteStatus(api)
        : await withContext(cmd.optsWithGlobals().config, localStatus);
      printStatus(result, opts.json);
    });
}
