/**
 * Wave planning: a pilot cross-section first, then waves of whole department/location groups,
 * each no larger than the helpdesk and the API budgets allow (see capacity.ts). Pure and
 * deterministic: the same people and options always give the same plan, whatever their order.
 *
 * Break-glass accounts are never placed (design.md, "Rules that never break" #2).
 */
import { type Capacity, type WaveLimits, waveLimits } from "./capacity.ts";
import type { WaveSettings } from "./model.ts";
import { DAY, iso, type Millis } from "./time.ts";

export type { BindingConstraint, Capacity, WaveLimits } from "./capacity.ts";
export { defaultCapacity } from "./capacity.ts";

export interface PlanPerson {
  id: string;
  department: string;
  location: string;
  vip: boolean;
  breakGlass: boolean;
  /** devices this person must move (paths other than unsupported-os/no-owner) */
  devices: number;
}

export const VIP_PLACEMENTS = ["own-wave", "with-group", "last-wave"] as const;
export type VipPlacement = (typeof VIP_PLACEMENTS)[number];

export interface PlanOptions {
  /** the pilot's announcement */
  start: Millis;
  /** time between consecutive waves' announcements (default 7 days) */
  waveSpacing: Millis;
  /** share of plannable people in the sampled pilot (default 0.05), at least 10 (or all if fewer), at most 200 */
  pilotShare: number;
  /** explicit pilot members, replacing the sample; an empty list means no pilot wave */
  pilotPeople?: string[];
  /** default "own-wave": VIPs together right after the pilot, for white-glove support */
  vipPlacement: VipPlacement;
  /** optional admin cap on people per wave */
  maxPeoplePerWave?: number;
  /** copied into each wave */
  settings: WaveSettings;
  /** the pilot's success threshold; default: the stricter of 0.9 and settings.successThreshold */
  pilotThreshold?: number;
  capacity: Capacity;
}

export interface PlannedWave {
  name: string;
  ordinal: number;
  pilot: boolean;
  announceAt: Millis;
  settings: WaveSettings;
  personIds: string[];
  /** "Sales / London" labels the wave covers */
  groups: string[];
}

export interface Plan {
  waves: PlannedWave[];
  unplaced: { personId: string; reason: "break-glass" }[];
  limits: WaveLimits;
  /** person id → "Department / Location" label, for every placed person: keeps `groups` right after edits */
  groupOf: Record<string, string>;
}

export const PLAN_DEFAULTS = {
  waveSpacing: 7 * DAY,
  pilotShare: 0.05,
  pilotMin: 10,
  pilotMax: 200,
  vipPlacement: "own-wave",
  pilotThreshold: 0.9,
} as const;

/** Options with every documented default; the caller supplies what has none. */
export function defaultPlanOptions(start: Millis, settings: WaveSettings, capacity: Capacity): PlanOptions {
  return {
    start,
    waveSpacing: PLAN_DEFAULTS.waveSpacing,
    pilotShare: PLAN_DEFAULTS.pilotShare,
    vipPlacement: PLAN_DEFAULTS.vipPlacement,
    settings,
    capacity,
  };
}

/** The label a department/location group goes by in wave names and `groups`. */
export function groupLabel(department: string, location: string): string {
  return `${department.trim() || "(no department)"} / ${location.trim() || "(no location)"}`;
}

/** Code-unit order: unlike localeCompare it does not depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Group {
  label: string;
  ids: string[];
}

interface Bin {
  ids: string[];
  /** what went in, in order: a whole group or one part of a split group */
  parts: { label: string; part?: { index: number; of: number } }[];
}

export function planWaves(people: PlanPerson[], options: PlanOptions): Plan {
  const limits = waveLimits(options.capacity, options.waveSpacing, options.maxPeoplePerWave);
  const limit = limits.maxPeoplePerWave;
  if (!Number.isFinite(options.start)) throw new RangeError(`start must be a time, got ${options.start}`);
  if (!(options.pilotShare >= 0 && options.pilotShare <= 1)) {
    throw new RangeError(`pilotShare is a share (0..1), got ${options.pilotShare}`);
  }

  if (!VIP_PLACEMENTS.includes(options.vipPlacement)) {
    throw new RangeError(
      `vipPlacement must be one of ${VIP_PLACEMENTS.join(", ")}, got ${options.vipPlacement}`,
    );
  }
  const byId = new Map<string, PlanPerson>();
  for (const p of people) {
    if (byId.has(p.id)) throw new Error(`person "${p.id}" is listed twice`);
    byId.set(p.id, p);
  }
  const sorted = [...people].sort((a, b) => compareStrings(a.id, b.id));
  const unplaced = sorted
    .filter((p) => p.breakGlass)
    .map((p) => ({ personId: p.id, reason: "break-glass" as const }));
  const plannable = sorted.filter((p) => !p.breakGlass);
  const groupOf: Record<string, string> = Object.fromEntries(
    plannable.map((p) => [p.id, groupLabel(p.department, p.location)]),
  );
  const labelOf = (id: string) => groupOf[id]!;

  // Pilot
  let pilotIds: string[];
  if (options.pilotPeople) {
    pilotIds = [...new Set(options.pilotPeople)];
    for (const id of pilotIds) {
      const person = byId.get(id);
      if (!person) throw new Error(`pilot member "${id}" is not among the people to plan`);
      if (person.breakGlass)
        throw new Error(`pilot member "${id}" is a break-glass account: never placed in a wave`);
    }
    if (pilotIds.length > limit) {
      throw new Error(
        `the pilot lists ${pilotIds.length} people, more than a wave may hold (${limit}, ${limits.binding} limit)`,
      );
    }
    // Same order as a sampled pilot: by group, then id.
    pilotIds.sort((a, b) => compareStrings(labelOf(a), labelOf(b)) || compareStrings(a, b));
  } else {
    const candidates = plannable.filter((p) => !p.vip);
    const wanted = Math.min(
      PLAN_DEFAULTS.pilotMax,
      Math.max(PLAN_DEFAULTS.pilotMin, Math.ceil(options.pilotShare * plannable.length)),
    );
    pilotIds = samplePilot(candidates, Math.min(wanted, candidates.length, limit), labelOf);
  }
  const inPilot = new Set(pilotIds);

  // Everyone else
  const rest = plannable.filter((p) => !inPilot.has(p.id));
  const vipsApart = options.vipPlacement !== "with-group";
  const vips = vipsApart ? rest.filter((p) => p.vip) : [];
  const regular = vipsApart ? rest.filter((p) => !p.vip) : rest;
  const regularBins = pack(groupsOf(regular, labelOf), limit);
  const vipBins = pack(groupsOf(vips, labelOf), limit);

  const waves: PlannedWave[] = [];
  const add = (name: string, pilot: boolean, ids: string[], groups: string[]) => {
    const ordinal = waves.length;
    const settings = { ...options.settings };
    if (pilot) {
      settings.successThreshold =
        options.pilotThreshold ?? Math.max(PLAN_DEFAULTS.pilotThreshold, options.settings.successThreshold);
    }
    waves.push({
      name,
      ordinal,
      pilot,
      announceAt: options.start + ordinal * options.waveSpacing,
      settings,
      personIds: ids,
      groups,
    });
  };
  const addVipWaves = () => {
    vipBins.forEach((bin, i) => {
      add(
        vipBins.length === 1 ? "VIP" : `VIP (${i + 1} of ${vipBins.length})`,
        false,
        bin.ids,
        binGroups(bin),
      );
    });
  };

  if (pilotIds.length > 0) add("Pilot", true, pilotIds, distinct(pilotIds.map(labelOf)));
  if (options.vipPlacement === "own-wave") addVipWaves();
  regularBins.forEach((bin, i) => {
    add(waveName(i + 1, bin), false, bin.ids, binGroups(bin));
  });
  if (options.vipPlacement === "last-wave") addVipWaves();

  return { waves, unplaced, limits, groupOf };
}

/**
 * A cross-section of `size` people: one per department first (largest departments first when
 * there are more departments than places), then the remaining places shared over the
 * department × location strata in proportion to what is left in each (largest remainder).
 * Inside a stratum, members sorted by id are taken at evenly spaced positions.
 */
function samplePilot(candidates: PlanPerson[], size: number, labelOf: (id: string) => string): string[] {
  const strata = groupsOf(candidates, labelOf).sort((a, b) => compareStrings(a.label, b.label));
  if (size <= 0) return [];
  if (size >= candidates.length) return strata.flatMap((s) => s.ids);

  const departmentOf = new Map(candidates.map((p) => [labelOf(p.id), p.department.trim()]));
  const byDepartment = new Map<string, Group[]>();
  for (const s of strata) {
    const dept = departmentOf.get(s.label)!;
    const list = byDepartment.get(dept);
    if (list) list.push(s);
    else byDepartment.set(dept, [s]);
  }
  const sizeOf = (list: Group[]) => list.reduce((n, s) => n + s.ids.length, 0);
  const departments = [...byDepartment.entries()].sort(
    ([a, la], [b, lb]) => sizeOf(lb) - sizeOf(la) || compareStrings(a, b),
  );

  const alloc = new Map<string, number>(strata.map((s) => [s.label, 0]));
  let remaining = size;
  for (const [, list] of departments) {
    if (remaining === 0) break;
    const largest = [...list].sort(
      (a, b) => b.ids.length - a.ids.length || compareStrings(a.label, b.label),
    )[0]!;
    alloc.set(largest.label, 1);
    remaining--;
  }

  if (remaining > 0) {
    const spare = strata.map((s) => ({ label: s.label, spare: s.ids.length - alloc.get(s.label)! }));
    const total = spare.reduce((n, s) => n + s.spare, 0);
    const shares = spare.map((s) => {
      const numerator = remaining * s.spare;
      return { ...s, base: Math.floor(numerator / total), remainder: numerator % total };
    });
    let left = remaining;
    for (const s of shares) {
      alloc.set(s.label, alloc.get(s.label)! + s.base);
      left -= s.base;
    }
    shares.sort((a, b) => b.remainder - a.remainder || b.spare - a.spare || compareStrings(a.label, b.label));
    for (const s of shares.slice(0, left)) alloc.set(s.label, alloc.get(s.label)! + 1);
  }

  return strata.flatMap((s) => evenlySpaced(s.ids, alloc.get(s.label)!));
}

/** k of the items, at the middle of k equal slices: deterministic and spread over the whole list. */
function evenlySpaced<T>(items: T[], k: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(items[Math.floor(((2 * i + 1) * items.length) / (2 * k))]!);
  return out;
}

/** Groups people (already sorted by id) by department/location; groups in first-seen order. */
function groupsOf(people: PlanPerson[], labelOf: (id: string) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const p of people) {
    const label = labelOf(p.id);
    const group = groups.get(label);
    if (group) group.ids.push(p.id);
    else groups.set(label, { label, ids: [p.id] });
  }
  return [...groups.values()];
}

/**
 * First-fit decreasing: groups largest first (then by label), each into the first wave with
 * room. A group larger than the limit is the only thing ever split: it fills new, consecutive
 * waves, and its last part leaves room that smaller groups may use. Since such groups come
 * first in the order, their parts are always adjacent.
 */
function pack(groups: Group[], limit: number): Bin[] {
  const ordered = [...groups].sort((a, b) => b.ids.length - a.ids.length || compareStrings(a.label, b.label));
  const bins: Bin[] = [];
  for (const g of ordered) {
    if (g.ids.length <= limit) {
      let bin = bins.find((b) => limit - b.ids.length >= g.ids.length);
      if (!bin) {
        bin = { ids: [], parts: [] };
        bins.push(bin);
      }
      bin.ids.push(...g.ids);
      bin.parts.push({ label: g.label });
      continue;
    }
    const of = Math.ceil(g.ids.length / limit);
    for (let index = 0; index < of; index++) {
      bins.push({
        ids: g.ids.slice(index * limit, (index + 1) * limit),
        parts: [{ label: g.label, part: { index: index + 1, of } }],
      });
    }
  }
  return bins;
}

function binGroups(bin: Bin): string[] {
  return distinct(bin.parts.map((p) => p.label));
}

function waveName(n: number, bin: Bin): string {
  const [first, ...others] = bin.parts;
  if (!first) return `Wave ${n}`;
  const part = first.part ? `, part ${first.part.index} of ${first.part.of}` : "";
  const more = others.length === 0 ? "" : ` (+${others.length} ${others.length === 1 ? "group" : "groups"})`;
  return `Wave ${n} — ${first.label}${part}${more}`;
}

function distinct(labels: string[]): string[] {
  return [...new Set(labels)];
}

// Edits, used by the CLI before a wave starts. Each returns a new plan and leaves its input alone.

function copyPlan(plan: Plan): Plan {
  return {
    waves: plan.waves.map((w) => ({
      ...w,
      settings: { ...w.settings },
      personIds: [...w.personIds],
      groups: [...w.groups],
    })),
    unplaced: plan.unplaced.map((u) => ({ ...u })),
    limits: { ...plan.limits },
    groupOf: { ...plan.groupOf },
  };
}

function waveAt(plan: Plan, ordinal: number): PlannedWave {
  const wave = plan.waves.find((w) => w.ordinal === ordinal);
  if (!wave) {
    const ordinals = plan.waves.map((w) => w.ordinal);
    const range =
      ordinals.length === 0 ? "the plan has no waves" : `ordinals are ${describeOrdinals(ordinals)}`;
    throw new Error(`no wave with ordinal ${ordinal}: ${range}`);
  }
  return wave;
}

function describeOrdinals(ordinals: number[]): string {
  const min = Math.min(...ordinals);
  const max = Math.max(...ordinals);
  return min === max ? `${min}` : `${min}–${max}`;
}

export interface MoveOptions {
  /** let the target wave grow past limits.maxPeoplePerWave (the admin takes the helpdesk risk) */
  allowOverLimit?: boolean;
}

/**
 * Moves people into the wave with ordinal `toOrdinal`, from whichever wave holds them.
 * Waves left empty stay in the plan (ordinals never shift); wave names are not rewritten.
 * Throws when the wave does not exist, a person is break-glass or not in the plan, or the
 * wave would exceed the per-wave limit (unless `allowOverLimit`).
 */
export function movePeople(
  plan: Plan,
  personIds: string[],
  toOrdinal: number,
  options: MoveOptions = {},
): Plan {
  const next = copyPlan(plan);
  const target = waveAt(next, toOrdinal);
  const breakGlass = new Set(next.unplaced.map((u) => u.personId));
  const ids = [...new Set(personIds)];
  const changed = new Set<PlannedWave>([target]);

  for (const id of ids) {
    if (breakGlass.has(id)) throw new Error(`"${id}" is a break-glass account: it is never placed in a wave`);
    const from = next.waves.find((w) => w.personIds.includes(id));
    if (!from) throw new Error(`"${id}" is not in the plan`);
    if (from === target) continue;
    from.personIds = from.personIds.filter((p) => p !== id);
    target.personIds.push(id);
    changed.add(from);
  }

  if (!options.allowOverLimit && target.personIds.length > next.limits.maxPeoplePerWave) {
    throw new Error(
      `wave "${target.name}" would hold ${target.personIds.length} people, more than the limit of ` +
        `${next.limits.maxPeoplePerWave} (${next.limits.binding}); move fewer people or allow it explicitly`,
    );
  }
  for (const wave of changed) wave.groups = regroup(next, wave);
  return next;
}

function regroup(plan: Plan, wave: PlannedWave): string[] {
  const labels: string[] = [];
  for (const id of wave.personIds) {
    if (Object.hasOwn(plan.groupOf, id)) labels.push(plan.groupOf[id]!);
  }
  // A plan rebuilt without group labels for everyone: keep what the wave said it covered.
  const complete = labels.length === wave.personIds.length;
  return complete ? distinct(labels) : distinct([...wave.groups, ...labels]);
}

export interface RescheduleOptions {
  /** move every later wave by the same amount, keeping their spacing */
  shiftFollowing?: boolean;
}

/**
 * Sets a wave's planned announcement. Throws when the wave does not exist, or when the new
 * time would put it before its predecessor or (without `shiftFollowing`) after its successor.
 */
export function reschedule(
  plan: Plan,
  ordinal: number,
  announceAt: Millis,
  options: RescheduleOptions = {},
): Plan {
  if (!Number.isFinite(announceAt)) throw new RangeError(`announceAt must be a time, got ${announceAt}`);
  const next = copyPlan(plan);
  const wave = waveAt(next, ordinal);
  const earlier = next.waves.filter((w) => w.ordinal < ordinal).sort((a, b) => b.ordinal - a.ordinal);
  const later = next.waves.filter((w) => w.ordinal > ordinal).sort((a, b) => a.ordinal - b.ordinal);

  const predecessor = earlier[0];
  if (predecessor && announceAt < predecessor.announceAt) {
    throw new Error(
      `wave "${wave.name}" cannot be announced at ${iso(announceAt)}, before its predecessor ` +
        `"${predecessor.name}" (${iso(predecessor.announceAt)})`,
    );
  }
  const successor = later[0];
  if (options.shiftFollowing) {
    const delta = announceAt - wave.announceAt;
    for (const w of later) w.announceAt += delta;
  } else if (successor && announceAt > successor.announceAt) {
    throw new Error(
      `wave "${wave.name}" cannot be announced at ${iso(announceAt)}, after the next wave ` +
        `"${successor.name}" (${iso(successor.announceAt)}): reschedule that one first or shift the following waves`,
    );
  }
  wave.announceAt = announceAt;
  return next;
}
