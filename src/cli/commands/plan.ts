/** `ferry plan`: a pilot, then waves sized to the helpdesk and the API budgets, saved as drafts. */
import type { Command } from "commander";
import { CA_MODES, type CaMode } from "../../core/model.ts";
import {
  defaultCapacity,
  defaultPlanOptions,
  type PlanPerson,
  planWaves,
  type VipPlacement,
} from "../../core/planner.ts";
import { DEMO_WAVE_SETTINGS } from "../../demo/settings.ts";
import { savePlan } from "../../engine/waves.ts";
import { withContext } from "../context.ts";
import { CliError, isoDay, table } from "../format.ts";
import { duration, positiveInt } from "./options.ts";

interface PlanFlags {
  start?: string;
  spacing?: number;
  pilotShare?: string;
  vip: VipPlacement;
  maxPerWave?: number;
  ticketsPerDay?: number;
  helpShare?: string;
  mode: CaMode;
  grace?: number;
  json?: boolean;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description(
      "plan a pilot and waves by department and location; saved as drafts until `ferry wave start`",
    )
    .option("--start <iso>", "the pilot's announcement (default: now)")
    .option("--spacing <duration>", "time between waves, e.g. 7d", duration("--spacing"))
    .option("--pilot-share <share>", "share of people in the pilot (0..1)")
    .option("--vip <placement>", "own-wave | with-group | last-wave", "own-wave")
    .option("--max-per-wave <n>", "cap people per wave", positiveInt("--max-per-wave"))
    .option("--tickets-per-day <n>", "helpdesk tickets absorbed per day", positiveInt("--tickets-per-day"))
    .option("--help-share <share>", "expected share of people needing help (0..1)")
    .option("--mode <mode>", "Intune CA: immediate | grace", "grace")
    .option("--grace <duration>", "grace period before Intune CA applies", duration("--grace"))
    .option("--json", "print the plan as JSON")
    .action(async (opts: PlanFlags, cmd: Command) => {
      if (!["own-wave", "with-group", "last-wave"].includes(opts.vip))
        throw new CliError(`--vip takes own-wave, with-group or last-wave, got "${opts.vip}"`);
      if (!CA_MODES.includes(opts.mode))
        throw new CliError(`--mode takes immediate or grace, got "${opts.mode}"`);
      const share = (flag: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!(n > 0 && n <= 1)) throw new CliError(`${flag} takes a share between 0 and 1, got "${v}"`);
        return n;
      };
      await withContext(cmd.optsWithGlobals().config, async (ctx) => {
        const now = ctx.now();
        const start = opts.start ? Date.parse(opts.start) : now;
        if (Number.isNaN(start)) throw new CliError(`--start takes an ISO-8601 time, got "${opts.start}"`);
        const people = await ctx.store.db.selectFrom("people").selectAll().execute();
        if (people.length === 0) throw new CliError("no people in the store: run `ferry import` first");
        const devices = await ctx.store.db.selectFrom("devices").select(["person_id", "path"]).execute();
        const movable = new Map<string, number>();
        for (const d of devices) {
          if (d.person_id && d.path !== "unsupported-os" && d.path !== "no-owner")
            movable.set(d.person_id, (movable.get(d.person_id) ?? 0) + 1);
        }
        const capacity = defaultCapacity();
        if (opts.ticketsPerDay) capacity.ticketsPerDay = opts.ticketsPerDay;
        capacity.helpShare = share("--help-share", opts.helpShare) ?? capacity.helpShare;
        const settings = {
          ...DEMO_WAVE_SETTINGS,
          caMode: opts.mode,
          ...(opts.grace ? { gracePeriod: opts.grace } : {}),
        };
        const options = defaultPlanOptions(start, settings, capacity);
        options.vipPlacement = opts.vip;
        if (opts.spacing) options.waveSpacing = opts.spacing;
        options.pilotShare = share("--pilot-share", opts.pilotShare) ?? options.pilotShare;
        if (opts.maxPerWave) options.maxPeoplePerWave = opts.maxPerWave;
        const plan = planWaves(
          people.map<PlanPerson>((p) => ({
            id: p.id,
            department: p.department,
            location: p.location,
            vip: p.vip === 1,
            breakGlass: p.break_glass === 1,
            devices: movable.get(p.id) ?? 0,
          })),
          options,
        );
        await savePlan(ctx.store.db, plan.waves, now, "cli");
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ waves: plan.waves.map(({ personIds, ...w }) => ({ ...w, id: `w${w.ordinal}`, people: personIds.length })), unplaced: plan.unplaced, limits: plan.limits })}\n`,
          );
          return;
        }
        process.stdout.write(
          `${table(plan.waves, [
            { header: "id", value: (w) => `w${w.ordinal}` },
            { header: "wave", value: (w) => w.name },
            { header: "people", value: (w) => w.personIds.length, align: "right" },
            {
              header: "devices",
              value: (w) => w.personIds.reduce((a, id) => a + (movable.get(id) ?? 0), 0),
              align: "right",
            },
            { header: "CA mode", value: (w) => w.settings.caMode },
            { header: "announce", value: (w) => isoDay(w.announceAt) },
          ])}\n\n`,
        );
        const l = plan.limits;
        process.stdout.write(
          `At most ${l.maxPeoplePerWave} people per wave (bound by the ${l.binding}: helpdesk allows ${l.helpdeskPerWave}, API budget ${l.apiPerWave}).\n` +
            `${plan.unplaced.length} break-glass accounts are kept out of every wave.\n` +
            "Saved as drafts. Edit with `ferry wave move`, then approve with `ferry wave start <id>`.\n",
        );
      });
    });
}
