/** The mailer port: hands one message to a mail system. */
import type { ReadinessPath } from "../model.ts";
import type { EnrollmentMode, Platform } from "../platform.ts";
import type { Millis } from "../time.ts";

export interface PersonInfo {
  id: string;
  displayName: string;
  /** BCP 47 tag as the directory has it; resolved to a message locale when rendering */
  locale: string;
  /** IANA zone; dates in messages read in it */
  timeZone: string;
  email?: string;
  phone?: string;
}

export interface WaveInfo {
  id?: string;
  name: string;
  announceAt?: Millis;
  /** when the switch-over starts (source CA exclusion) */
  handoverAt?: Millis;
  /** when Intune's access rules apply to the wave's people */
  enforceAt?: Millis;
  /** this person's self-service deadline (the wave's, plus any helpdesk extension) */
  deadlineAt?: Millis;
}

export interface DeviceInfo {
  id?: string;
  /** what the person calls it: the model ("iPhone 15", "ThinkPad T14") */
  name: string;
  platform: Platform;
  mode: EnrollmentMode;
  path: ReadinessPath;
  /** Apple ADE on OS 26+: the deadline set in Apple Business Manager */
  appleDeadlineAt?: Millis | null;
  /** helpdesk escalation: since when the device is in its current state (limbo) */
  stateSince?: Millis;
}

/** What a templated message is rendered from, frozen into the mail action when it is decided. */
export interface MailData {
  person: PersonInfo;
  wave?: WaveInfo;
  /** the devices the message is about, with their steps */
  devices: DeviceInfo[];
}

export interface OutgoingMail {
  to: string;
  personId: string;
  /** template name, e.g. "announcement"; the simulated mailbox and the audit use it */
  template: string;
  subject: string;
  text: string;
  /** the same key is never delivered twice by a mailer that can tell (Message-ID) */
  idempotencyKey: string;
  /** for mailers that render templates (HTML, locales); `subject`/`text` remain the fallback */
  data?: MailData;
}

export interface Mailer {
  /** returns the Message-ID the message has, now or once it is delivered */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}
