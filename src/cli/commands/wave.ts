/** `ferry wave list|show|start|rollback|move`, on the local store or through the API (--server). */
import type { Command } from "commander";
import type { WaveSettings } from "../../core/model.ts";
import { gateBlocker } from "../../engine/decide-waves.ts";
import { buildWaveViews, successShare, waveProgress } from "../../engine/wave-view.ts";
import { movePeople, rescheduleWave, rollbackWave, startWave } from "../../engine/waves.ts";
import { WorkingSet } from "../../engine/working-set.ts";
import type { WaveRow } from "../../store/schema.ts";
import { type Context, withContext } from "../context.ts";
import { bar, CliError, isoDay, table } from "../format.ts";
import { apiOf } from "../remote.ts";
import { remoteWaveList, remoteWaveShow, remoteWaveStart } from "../remote-views.ts";

export interface WaveListRow {
  id: string;
  name: string;
  status: string;
  caMode: string;
  people: number;
  devices: number;
  migrated: number;
  migratable: number;
  success: number;
  announceAt: number;
  /** scheduled waves: what holds them ("open" when nothing does); "" otherwise */
  gate: string;
}

export type WaveShowResult = Omit<WaveRow, "settings" | "groups"> & {
  settings: WaveSettings;
  groups: string[];
  people: number;
  devicesByState: Record<string, number>;
  peopleByGovernance: Record<string, number>;
};

async function localList(ctx: Context): Promise<WaveListRow[]> {
  const ws = await WorkingSet.load(ctx.store.db, ctx.now());
  const views = [...buildWaveViews(ws).values()].sort((a, b) => a.row.ordinal - b.row.ordinal);
  return views.map((v) => {
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
}

async function localShow(ctx: Context, id: string): Promise<WaveShowResult> {
  const ws = await WorkingSet.load(ctx.store.db, ctx.now());
  const view = buildWaveViews(ws).get(id);
  if (!view) throw new CliError(`no wave "${id}" (see \`ferry wave list\`)`);
  const states: Record<string, number> = {};
  for (const d of view.devices) states[d.state] = (states[d.state] ?? 0) + 1;
  const governance: Record<string, number> = {};
  for (const p of view.people) governance[p.ca_governance] = (governance[p.ca_governance] ?? 0) + 1;
  return {
    ...view.row,
    settings: view.settings,
    groups: JSON.parse(view.row.groups) as string[],
    people: view.people.length,
    devicesByState: states,
    peopleByGovernance: governance,
  };
}

function printList(rows: WaveListRow[], json: boolean | undefined): void {
  if (json) {
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
}

function printShow(out: WaveShowResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const s = out.settings;
  const pairs = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`);
  process.stdout.write(
    `${[
      `${out.name} (${out.id}) — ${out.status}${out.pilot ? ", pilot" : ""}`,
      `groups: ${out.groups.join(", ")}`,
      `people: ${out.people}; CA governed by: ${pairs(out.peopleByGovernance).join(", ")}`,
      `devices: ${pairs(out.devicesByState).join(", ") || "none"}`,
      `CA mode ${s.caMode}${s.caMode === "grace" ? ` (${s.gracePeriod / 86_400_000} days)` : ""}; announce lead ${s.announceLead / 86_400_000} d; self-service deadline ${s.unenrollDeadline / 86_400_000} d; success threshold ${(s.successThreshold * 100).toFixed(0)}%`,
      `announce ${isoDay(out.announce_at)} · announced ${isoDay(out.announced_at)} · old CA lifted ${isoDay(out.handover_at)} · Intune CA on ${isoDay(out.enforced_at)} · complete ${isoDay(out.completed_at)}`,
    ].join("\n")}\n`,
  );
}

function parseAt(value: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new CliError(`--at takes an ISO-8601 time, got "${value}"`);
  return at;
}

export function registerWave(program: Command): void {
  const wave = program.command("wave").description("list, inspect, start, roll back or edit waves");
  const config = (cmd: Command) => cmd.optsWithGlobals().config as string | undefined;

  wave
    .command("list")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const api = apiOf(cmd);
      printList(api ? await remoteWaveList(api) : await withContext(config(cmd), localList), opts.json);
    });

  wave
    .command("show <id>")
    .option("--json", "print as JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const api = apiOf(cmd);
      const out = api
        ? await remoteWaveShow(api, id)
        : await withContext(config(cmd), (ctx) => localShow(ctx, id));
      printShow(out, opts.json);
    });

  wave
    .command("start <id>")
    .description(
      "approve a draft (or rolled-back) wave; it is announced at its date once the pilot gate opens",
    )
    .option("--at <iso>", "announce at this time instead of the planned one")
    .action(async (id: string, opts: { at?: string }, cmd: Command) => {
      const at = opts.at === undefined ? undefined : parseAt(opts.at);
      const api = apiOf(cmd);
      const row = api
        ? await remoteWaveStart(api, id, at)
        : await withContext(config(cmd), (ctx) => startWave(ctx.store.db, id, ctx.now(), "cli", at));
      process.stdout.write(`${row.name} scheduled: announcement ${isoDay(row.announce_at)}\n`);
    });

  wave
    .command("reschedule <id>")
    .description("move a wave that has not started to another announcement time")
    .requiredOption("--at <iso>", "the new announcement time")
    .option("--shift-following", "move every later wave by as much")
    .action(async (id: string, opts: { at: string; shiftFollowing?: boolean }, cmd: Command) => {
      const at = parseAt(opts.at);
      const shiftFollowing = opts.shiftFollowing ?? false;
      const api = apiOf(cmd);
      if (api)
        await api.patch(`/api/waves/${encodeURIComponent(id)}`, "reschedule waves", {
          announceAt: new Date(at).toISOString(),
          shiftFollowing,
        });
      else
        await withContext(config(cmd), (ctx) =>
          rescheduleWave(ctx.store.db, id, at, ctx.now(), "cli", { shiftFollowing }),
        );
      process.stdout.write(`${id} now announces ${isoDay(at)}\n`);
    });

  wave
    .command("rollback <id>")
    .description(
      "roll a wave back before Intune CA is enforced: Intune exemption first, then the old product's CA",
    )
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const api = apiOf(cmd);
      if (api) await api.post(`/api/waves/${encodeURIComponent(id)}/rollback`, "roll waves back");
      else await withContext(config(cmd), (ctx) => rollbackWave(ctx.store.db, id, ctx.now(), "cli"));
      process.stdout.write(
        `${id} rolled back; \`ferry run\` walks its people back to the old product's CA\n`,
      );
    });

  wave
    .command("move <id> <people...>")
    .description("move people (ids) into a wave that has not started")
    .action(async (id: string, people: string[], _opts: unknown, cmd: Command) => {
      const api = apiOf(cmd);
      if (api)
        await api.post(`/api/waves/${encodeURIComponent(id)}/move`, "move people between waves", {
          personIds: people,
        });
      else await withContext(config(cmd), (ctx) => movePeople(ctx.store.db, people, id, ctx.now(), "cli"));
      process.stdout.write(`${people.length} people moved to ${id}\n`);
    });
}
