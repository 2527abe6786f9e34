/**
 * Per-wave facts a pass needs more than once: members, devices, and how far the wave got.
 */
import { isMigrated, isSettled } from "../core/device-state.ts";
import type { DeviceState, WaveSettings } from "../core/model.ts";
import type { DeviceRow, PersonRow, WaveRow } from "../store/schema.ts";
import type { WorkingSet } from "./working-set.ts";

export interface WaveView {
  row: WaveRow;
  settings: WaveSettings;
  people: PersonRow[];
  devices: DeviceRow[];
  /** the wave's devices by owner: deciding per person must not scan the whole wave */
  devicesByPerson: Map<string, DeviceRow[]>;
}

export function waveSettings(row: WaveRow): WaveSettings {
  return JSON.parse(row.settings) as WaveSettings;
}

export function buildWaveViews(ws: WorkingSet): Map<string, WaveView> {
  const views = new Map<string, WaveView>();
  for (const row of ws.waves.values())
    views.set(row.id, {
      row,
      settings: waveSettings(row),
      people: [],
      devices: [],
      devicesByPerson: new Map(),
    });
  const personWave = new Map<string, WaveView>();
  for (const p of ws.people.values()) {
    const view = p.wave_id ? views.get(p.wave_id) : undefined;
    if (view) {
      view.people.push(p);
      personWave.set(p.id, view);
    }
  }
  for (const d of ws.devices.values()) {
    const view = d.person_id ? personWave.get(d.person_id) : undefined;
    if (!view || !d.person_id) continue;
    view.devices.push(d);
    const own = view.devicesByPerson.get(d.person_id);
    if (own) own.push(d);
    else view.devicesByPerson.set(d.person_id, [d]);
  }
  return views;
}

/**
 * A device waiting on a path that no longer needs Ferry: a factory reset its owner was told
 * about, or Apple's deadline. Given `at`, only once the owner had `resetWindow` to do the
 * reset and Apple's deadline has passed: a wave is not finished while they are still due.
 */
export function isAwaitingNamedPath(d: DeviceRow, at?: { now: number; resetWindow: number }): boolean {
  if (isSettled(d.state as DeviceState)) return false;
  if (d.path === "factory-reset") {
    if (!at) return true;
    return d.reset_notice_at !== null && at.now >= d.reset_notice_at + at.resetWindow;
  }
  if (d.path === "apple-migration-deadline" && d.apple_deadline_at !== null)
    return !at || at.now >= d.apple_deadline_at;
  return false;
}

export interface WaveProgress {
  devices: number;
  migrated: number;
  /** devices that count toward the success threshold: not excluded, not retired */
  migratable: number;
  /** every device settled or awaiting a named path */
  finished: boolean;
}

export function waveProgress(view: WaveView, now: number): WaveProgress {
  const at = { now, resetWindow: view.settings.unenrollDeadline };
  let migrated = 0;
  let migratable = 0;
  let finished = true;
  for (const d of view.devices) {
    const state = d.state as DeviceState;
    if (state !== "excluded" && state !== "retired") migratable++;
    if (isMigrated(state)) migrated++;
    if (!isSettled(state) && !isAwaitingNamedPath(d, at)) finished = false;
  }
  return { devices: view.devices.length, migrated, migratable, finished };
}

export function successShare(p: WaveProgress): number {
  return p.migratable === 0 ? 1 : p.migrated / p.migratable;
}
