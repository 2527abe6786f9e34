/**
 * The e-mails Ferry sends, per stage, with steps for each of the person's devices. The
 * idempotency key names person, wave, stage and round, so no restart sends one twice.
 * Each action carries the plain text below (what any mailer can send) and the data the
 * templated mailer (src/notify: HTML, locales, portal link) renders from.
 */
import type { ReadinessPath } from "../core/model.ts";
import type { EnrollmentMode, Platform } from "../core/platform.ts";
import type { MailData } from "../core/ports/index.ts";
import { iso } from "../core/time.ts";
import type { DeviceRow, PersonRow, WaveRow } from "../store/schema.ts";
import type { NewAction } from "./actions.ts";
import { waveSettings } from "./wave-view.ts";

type WaveRef = Pick<WaveRow, "id" | "name"> & Partial<WaveRow>;

export const TEMPLATES = [
  "announcement",
  "instructions",
  "reset-instructions",
  "reminder",
  "deadline",
  "blocked",
  "done",
  "postponed",
  "helpdesk-escalation",
] as const;
export type Template = (typeof TEMPLATES)[number];

const SUBJECTS: Record<Template, string> = {
  announcement: "Your devices move to Microsoft Intune soon",
  instructions: "Action needed: move your devices to Microsoft Intune",
  "reset-instructions": "Your company device needs a reset to move to Intune",
  reminder: "Reminder: finish moving your devices to Microsoft Intune",
  deadline: "Two days left to move your devices to Microsoft Intune",
  blocked: "Enroll now to get your e-mail back",
  done: "You're done: your devices are managed by Microsoft Intune",
  postponed: "Your device migration is postponed",
  "helpdesk-escalation": "Please call: devices stuck between the old product and Intune",
};

export function mailAction(
  now: number,
  person: PersonRow,
  wave: WaveRef | undefined,
  template: Template,
  round: string,
  devices: readonly DeviceRow[],
  options: { deadlineAt?: number | undefined; to?: string } = {},
): NewAction<"mail"> {
  return {
    key: `mail:${template}:${wave?.id ?? "-"}:${person.id}:${round}`,
    kind: "mail",
    waveId: wave?.id ?? null,
    notBefore: now,
    payload: {
      personId: person.id,
      to: options.to ?? person.email,
      template,
      subject: SUBJECTS[template],
      text: render(template, person, wave, devices),
      data: mailData(person, wave, devices, options.deadlineAt),
    },
  };
}

/** The dates a person reads in their messages, from what the wave did or will do. */
function mailData(
  person: PersonRow,
  wave: WaveRef | undefined,
  devices: readonly DeviceRow[],
  deadlineAt?: number,
): MailData {
  const data: MailData = {
    person: {
      id: person.id,
      displayName: person.display_name,
      locale: person.locale,
      timeZone: person.time_zone,
      email: person.email,
    },
    devices: devices.map((d) => ({
      id: d.id,
      name: d.model,
      platform: d.platform as Platform,
      mode: d.mode as EnrollmentMode,
      path: d.path as ReadinessPath,
      appleDeadlineAt: d.apple_deadline_at,
      stateSince: d.state_since,
    })),
  };
  if (!wave) return data;
  data.wave = { id: wave.id, name: wave.name };
  if (wave.settings && wave.announce_at !== undefined) {
    const s = waveSettings(wave as WaveRow);
    const announceAt = wave.announced_at ?? wave.announce_at;
    const handoverAt = wave.handover_at ?? announceAt + s.announceLead;
    const enforceAt = wave.enforced_at ?? handoverAt + (s.caMode === "grace" ? s.gracePeriod : 0);
    data.wave = {
      ...data.wave,
      announceAt,
      handoverAt,
      enforceAt,
      ...(deadlineAt !== undefined ? { deadlineAt } : {}),
    };
  }
  return data;
}

function render(
  template: Template,
  person: PersonRow,
  wave: WaveRef | undefined,
  devices: readonly DeviceRow[],
): string {
  const lines = [`Hello ${person.display_name},`, ""];
  switch (template) {
    case "announcement":
      lines.push(
        `Your devices move from the current device management to Microsoft Intune in "${wave?.name}".`,
        "You will receive step-by-step instructions for each device when it is your turn.",
      );
      break;
    case "postponed":
      lines.push(
        "The move of your devices has been postponed. Nothing changes for you until we write again.",
      );
      break;
    case "done":
      lines.push("All your devices are now managed by Microsoft Intune. Thank you!");
      break;
    case "helpdesk-escalation":
      lines.push(
        `${person.display_name} <${person.email}> has devices that left the old product but never reached Intune.`,
        "Please call them and help them enroll:",
      );
      break;
    case "blocked":
      lines.push(
        "Company e-mail and apps now require a device managed by Microsoft Intune.",
        "Enroll now with the steps below to regain access:",
      );
      break;
    default:
      lines.push("Please follow these steps for each device:");
  }
  if (template !== "announcement" && template !== "postponed" && template !== "done") {
    for (const d of devices) lines.push("", `• ${d.model} (${d.platform}): ${stepsFor(d)}`);
  }
  lines.push("", 'Questions? Contact the helpdesk and mention "Intune migration".');
  return lines.join("\n");
}

/** The exact next step for one device, by path and platform. */
export function stepsFor(d: DeviceRow): string {
  switch (d.path) {
    case "factory-reset":
      return d.platform === "android"
        ? "back up your data, then reset the device (Settings › System › Reset options › Erase all data) or book a slot with IT; it enrolls in Intune during setup."
        : "back up your data, then erase the device (Settings › General › Transfer or Reset › Erase All Content and Settings) or book a slot with IT; it enrolls in Intune during Setup Assistant.";
    case "apple-migration-deadline":
      return d.apple_deadline_at
        ? `accept the management change notice on the device before ${iso(d.apple_deadline_at).slice(0, 10)}; your apps and data stay.`
        : "IT will move this device to Intune for you; you will see a notice on the device.";
    case "admin-retire":
      return `IT removes the old management remotely; then enroll it in Intune: ${enrollStep(d)}`;
    default:
      return `${unenrollStep(d)} Then ${enrollStep(d)}`;
  }
}

function unenrollStep(d: DeviceRow): string {
  switch (d.platform) {
    case "ios":
    case "ipados":
      return "Remove the old management profile (Settings › General › VPN & Device Management).";
    case "android":
      return "Remove the work profile of the old product (Settings › Accounts › Work › Remove work profile).";
    case "macos":
      return "Remove the old management profile (System Settings › Privacy & Security › Profiles) and its agent.";
    default:
      return "Disconnect the old management (Settings › Accounts › Access work or school › Disconnect).";
  }
}

function enrollStep(d: DeviceRow): string {
  switch (d.platform) {
    case "windows":
      return "sign in with your work account under Settings › Accounts › Access work or school › Connect.";
    default:
      return "install Intune Company Portal and sign in with your work account.";
  }
}
