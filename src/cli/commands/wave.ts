/** `ferry wave list|show|start|rollback|move`. */
import type { Command } from "commander";
import { gateBlocker } from "../../engine/decide-waves.ts";
import { buildWaveViews, successShare, waveProgress } from "../../engine/wave-view.ts";
import { movePeople, rescheduleWave, rollbackWave, startWave } from "../../engine/waves.ts";
import { WorkingSet } from "../../engine/working-set.ts";
import { withContext } from "../context.ts";
import { bar, CliError, isoDay, table } from "../format.ts";

export function registerWave(program: Command): void {
  const wave = program.command("wave").description("list, inspect, start, roll back or edit waves");

  wave
    .command("list")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const ws = await WorkingSet.load(ctx.store.db, ctx.now());
        const views = [...buildWaveViews(ws).values()].sort((a, b) => a.row.ordinal - b.row.ordinal);
        const rows = views.map((v) => {
          const p = waveProgress(v, ctx.now());
          return {
            id: v.row.id,
            name: v.row.name,
            status: v.row.status,
            caMode: v.settings.caMode,
            people: v.people.length,
            devices: p.devices,
            migrated: p.migrated,
            migratable: p.migratable,
            success: successShare(p),
            announceAt: v.row.announce_at,
            gate: v.row.status === "scheduled" ? (gateBlocker(v, views, ctx.now()) ?? "open") : "",
          };
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        if (rows.length === 0) throw new CliError("no waves yet: run `ferry plan`");
        process.stdout.write(
          `${table(rows, [
            { header: "id", value: (r) => r.id },
            { header: "wave", value: (r) => r.name },
            { header: "status", value: (r) => r.status },
            { header: "mode", value: (r) => r.caMode },
            { header: "people", value: (r) => r.people, align: "right" },
            { header: "migrated", value: (r) => bar(r.migrated, r.migratable, 16) },
            { header: "announce", value: (r) => isoDay(r.announceAt) },
            { header: "gate", value: (r) => r.gate },
          ])}\n`,
        );
      });
    });

  wave
    .command("show <id>")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const ws = await WorkingSet.load(ctx.store.db, ctx.now());
        const view = buildWaveViews(ws).get(id);
        if (!view) throw new CliError(`no wave "${id}" (see \`ferry wave list\`)`);
        const states = new Map<string, number>();
        for (const d of view.devices) states.set(d.state, (states.get(d.state) ?? 0) + 1);
        const governance = new Map<string, number>();
        for (const p of view.people)
          governance.set(p.ca_governance, (governance.get(p.ca_governance) ?? 0) + 1);
        const out = {
          ...view.row,
          settings: view.settings,
          groups: JSON.parse(view.row.groups) as string[],
          people: view.people.length,
          devicesByState: Object.fromEntries(states),
          peopleByGovernance: Object.fromEntries(governance),
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        const s = view.settings;
        process.stdout.write(
          `${[
            `${view.row.name} (${view.row.id}) — ${view.row.status}${view.row.pilot ? ", pilot" : ""}`,
            `groups: ${out.groups.join(", ")}`,
            `people: ${view.people.length}; CA governed by: ${[...governance].map(([g, n]) => `${g} ${n}`).join(", ")}`,
            `devices: ${[...states].map(([st, n]) => `${st} ${n}`).join(", ") || "none"}`,
            `CA mode ${s.caMode}${s.caMode === "grace" ? ` (${s.gracePeriod / 86_400_000} days)` : ""}; announce lead ${s.announceLead / 86_400_000} d; self-service deadline ${s.unenrollDeadline / 86_400_000} d; success threshold ${(s.successThreshold * 100).toFixed(0)}%`,
            `announce ${isoDay(view.row.announce_at)} · announced ${isoDay(view.row.announced_at)} · old CA lifted ${isoDay(view.row.handover_at)} · Intune CA on ${isoDay(view.row.enforced_at)} · complete ${isoDay(view.row.completed_at)}`,
          ].join("\n")}\n`,
        );
      });
    });

  wave
    .command("start <id>")
    .description(
      "approve a draft (or rolled-back) wave; it is announced at its date once the pilot gate opens",
    )
    .option("--at <iso>", "announce at this time instead of the planned one")
    .action(async (id: string, opts: { at?: string }, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const at = opts.at ? Date.parse(opts.at) : undefined;
        if (at !== undefined && Number.isNaN(at))
          throw new CliError(`--at takes an ISO-8601 time, got "${opts.at}"`);
        const row = await startWave(ctx.store.db, id, ctx.now(), "cli", at);
        process.stdout.write(`${row.name} scheduled: announcement ${isoDay(row.announce_at)}\n`);
      });
    });

  wave
    .command("reschedule <id>")
    .description("move a wave that has not started to another announcement time")
    .requiredOption("--at <iso>", "the new announcement time")
    .option("--shift-following", "move every later wave by as much")
    .action(async (id: string, opts: { at: string; shiftFollowing?: boolean }, cmd: Command) => {
      const at = Date.parse(opts.at);
      if (Number.isNaN(at)) throw new CliError(`--at takes an ISO-8601 time, got "${opts.at}"`);
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        await rescheduleWave(ctx.store.db, id, at, ctx.now(), "cli", {
          shiftFollowing: opts.shiftFollowing ?? false,
        });
        process.stdout.write(`${id} now announces ${isoDay(at)}\n`);
      });
    });

  wave
    .command("rollback <id>")
    .description(
      "roll a wave back before Intune CA is enforced: Intune exemption first, then the old product's CA",
    )
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        await rollbackWave(ctx.store.db, id, ctx.now(), "cli");
        process.stdout.write(
          `${id} rolled back; \`ferry run\` walks its people back to the old product's CA\n`,
        );
      });
    });

  wave
    .command("move <id> <people...>")
    .description("move people (ids) into a wave that has not started")
    .action(async (id: string, people: string[], _opts: unknown, cmd: Command) => {
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        await movePeople(ctx.store.db, people, id, ctx.now(), "cli");
        process.stdout.write(`${people.length} people moved to ${id}\n`);
      });
    });
}
