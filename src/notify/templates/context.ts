/**
 * What a message is rendered from: plain, JSON-serialisable data. The engine knows everything
 * here except the portal link (signed by the web layer) and the helpdesk contact (settings),
 * so {@link MailData} is the part it can freeze into an action payload at decision time.
 */

import type { DeviceInfo, PersonInfo, WaveInfo } from "../../core/ports/mailer.ts";

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

// The data the engine freezes into a mail action lives in core (the Mailer port carries it).
export type { DeviceInfo, MailData, PersonInfo, WaveInfo } from "../../core/ports/mailer.ts";

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

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** the message locale the text is in */
  locale: string;
}
