/**
 * What a message is rendered from: plain, JSON-serialisable data. The engine knows everything
 * here except the portal link (signed by the web layer) and the helpdesk contact (settings),
 * so {@link MailData} is the part it can freeze into an action payload at decision time.
 */

import type { ReadinessPath } from "../../core/model.ts";
import type { EnrollmentMode, Platform } from "../../core/platform.ts";
import type { Millis } from "../../core/time.ts";

/** The eight stages an end user hears about, in the order a wave reaches them. */
export const PERSON_TEMPLATES = [
  "announcement",
  "instructions",
  "reset-instructions",
  "reminder",
  "deadline",
  "blocked",
  "done",
  "postponed",
] as const;
export type PersonTemplate = (typeof PERSON_TEMPLATES)[number];

/** Every template: the person stages plus the helpdesk's message about a person stuck in limbo. */
export const TEMPLATE_NAMES = [...PERSON_TEMPLATES, "helpdesk-escalation"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

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

export interface HelpdeskContact {
  name: string;
  phone: string;
  email: string;
  /** free text, e.g. "Mon–Fri 08:00–18:00 CET" */
  hours: string;
  /** the helpdesk's own language and zone, for the escalation messages it receives */
  locale?: string;
  timeZone?: string;
}

/** Optional branding: an organisation name and a logo (always with its text alternative). */
export interface Brand {
  organisation: string;
  logoUrl?: string;
  logoAlt?: string;
}

export interface PersonContext {
  person: PersonInfo;
  wave?: WaveInfo;
  /** the devices the message is about, with their steps */
  devices: DeviceInfo[];
  /** the person's signed portal link: the primary call to action */
  portalUrl: string;
  helpdesk: HelpdeskContact;
  brand?: Brand;
}

export interface EscalationContext {
  /** the person who is stuck (with e-mail and, when known, phone) */
  person: PersonInfo;
  wave?: WaveInfo;
  /** the devices in limbo, each with `stateSince` */
  devices: DeviceInfo[];
  /** the person's page in the helpdesk console */
  portalUrl: string;
  /** the recipient: the message is in its locale and time zone */
  helpdesk: HelpdeskContact;
  brand?: Brand;
}

export interface ContextByTemplate {
  announcement: PersonContext;
  instructions: PersonContext;
  "reset-instructions": PersonContext;
  reminder: PersonContext;
  deadline: PersonContext;
  blocked: PersonContext;
  done: PersonContext;
  postponed: PersonContext;
  "helpdesk-escalation": EscalationContext;
}

export type MessageContext = ContextByTemplate[TemplateName];

/** The engine's half of a context: everything but the link and the helpdesk (see outbox-mailer.ts). */
export type MailData = Omit<PersonContext, "portalUrl" | "helpdesk" | "brand">;

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** the message locale the text is in */
  locale: string;
}
