/** The demo's plan settings: what a careful admin would choose for a first migration. */
import type { WaveSettings } from "../core/model.ts";
import { DAY } from "../core/time.ts";

export const DEMO_WAVE_SETTINGS: WaveSettings = {
  caMode: "grace",
  gracePeriod: 3 * DAY,
  announceLead: 3 * DAY,
  unenrollDeadline: 7 * DAY,
  reminderEvery: 2 * DAY,
  maxReminders: 3,
  successThreshold: 0.85,
  appleDeadline: 30 * DAY,
};

/** The pilot enforces at once: its people volunteered and the helpdesk watches them closely. */
export const DEMO_PILOT_MODE = "immediate" as const;
