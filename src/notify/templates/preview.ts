/**
 * Sample data and `previewAll()`: every template in every message locale, for the console's
 * preview page and for reviewing copy. The sample person owns one device of every kind, so a
 * preview shows every platform's steps. Times are fixed: previews never read the clock.
 */
import type { Platform } from "../../core/platform.ts";
import { DAY, HOUR, type Millis } from "../../core/time.ts";
import { MESSAGE_LOCALES, type MessageLocale } from "../locale.ts";
import {
  type ContextByTemplate,
  type DeviceInfo,
  type HelpdeskContact,
  type PersonInfo,
  TEMPLATE_NAMES,
  type TemplateName,
  type WaveInfo,
} from "./context.ts";
import { renderMessage } from "./index.ts";

const ANNOUNCE: Millis = Date.UTC(2026, 2, 2, 8, 0); // Monday 2 March 2026

export const SAMPLE_WAVE: WaveInfo = {
  id: "wave-2",
  name: "Wave 2 – Sales and Marketing",
  announceAt: ANNOUNCE,
  handoverAt: ANNOUNCE + 7 * DAY,
  enforceAt: ANNOUNCE + 10 * DAY,
  deadlineAt: ANNOUNCE + 17 * DAY + 9 * HOUR,
};

export const SAMPLE_HELPDESK: HelpdeskContact = {
  name: "IT Service Desk",
  phone: "+49 30 1234 5678",
  email: "servicedesk@contoso.example",
  hours: "Mon–Fri 08:00–18:00 CET",
};

export const SAMPLE_PORTAL_URL = "https://ferry.contoso.example/me/3f9c2a?sig=sample";

const PEOPLE: Record<MessageLocale, PersonInfo> = {
  "en-US": {
    id: "p-en-us",
    displayName: "Avery Johnson",
    locale: "en-US",
    timeZone: "America/New_York",
    email: "avery.johnson@contoso.example",
  },
  "en-GB": {
    id: "p-en-gb",
    displayName: "Olivia Smith",
    locale: "en-GB",
    timeZone: "Europe/London",
    email: "olivia.smith@contoso.example",
  },
  "de-DE": {
    id: "p-de-de",
    displayName: "Jana Müller",
    locale: "de-DE",
    timeZone: "Europe/Berlin",
    email: "jana.mueller@contoso.example",
    phone: "+49 30 9876 5432",
  },
  "fr-FR": {
    id: "p-fr-fr",
    displayName: "Camille Dubois",
    locale: "fr-FR",
    timeZone: "Europe/Paris",
    email: "camille.dubois@contoso.example",
  },
};

/** One device of every kind the steps distinguish. */
export const SAMPLE_DEVICES: DeviceInfo[] = [
  { id: "d1", name: "iPhone 15", platform: "ios", mode: "apple-device", path: "self-service" },
  { id: "d2", name: "Pixel 8", platform: "android", mode: "android-work-profile", path: "self-service" },
  {
    id: "d3",
    name: "Galaxy XCover7",
    platform: "android",
    mode: "android-fully-managed",
    path: "factory-reset",
  },
  {
    id: "d4",
    name: "iPad Air",
    platform: "ipados",
    mode: "apple-ade",
    path: "apple-migration-deadline",
    appleDeadlineAt: ANNOUNCE + 37 * DAY,
  },
  { id: "d5", name: "iPhone 13", platform: "ios", mode: "apple-ade", path: "factory-reset" },
  { id: "d6", name: "MacBook Air", platform: "macos", mode: "macos-profile", path: "self-service" },
  { id: "d7", name: "MacBook Pro", platform: "macos", mode: "macos-ade", path: "admin-retire" },
  { id: "d8", name: "Latitude 7450", platform: "windows", mode: "windows", path: "admin-retire" },
];

export interface SampleOptions {
  portalUrl?: string;
  helpdesk?: HelpdeskContact;
  /** only the sample devices of this platform (every platform when absent) */
  platform?: Platform;
}

/** The sample context of one template for a reader in `locale`. */
export function sampleContext<T extends TemplateName>(
  template: T,
  locale: MessageLocale,
  options: SampleOptions = {},
): ContextByTemplate[T] {
  const person = PEOPLE[locale];
  const helpdesk = options.helpdesk ?? SAMPLE_HELPDESK;
  const portalUrl = options.portalUrl ?? SAMPLE_PORTAL_URL;
  let devices = sampleDevices(template, options.platform);
  if (template === "helpdesk-escalation") {
    devices = devices.slice(0, 1).map((d) => ({ ...d, stateSince: ANNOUNCE + 8 * DAY }));
    return {
      person,
      wave: SAMPLE_WAVE,
      devices,
      portalUrl,
      helpdesk: { ...helpdesk, locale, timeZone: person.timeZone },
    } as ContextByTemplate[T];
  }
  return { person, wave: SAMPLE_WAVE, devices, portalUrl, helpdesk } as ContextByTemplate[T];
}

/** The sample devices a template is about, of one platform or all; empty when it has none of them. */
export function sampleDevices(template: TemplateName, platform?: Platform): DeviceInfo[] {
  let devices = SAMPLE_DEVICES.filter((d) => platform === undefined || d.platform === platform);
  if (template === "reset-instructions") devices = devices.filter((d) => d.path === "factory-reset");
  return devices;
}

export interface PreviewEntry {
  template: TemplateName;
  locale: MessageLocale;
  subject: string;
  html: string;
  text: string;
}

export interface PreviewFilter {
  template?: TemplateName;
  locale?: MessageLocale;
  platform?: Platform;
}

/**
 * The templates × locales the filter keeps, rendered with sample data (devices of the
 * filter's platform only). A template with no sample device of that platform (a reset for
 * Windows, say) is left out: nobody receives it.
 */
export function previews(filter: PreviewFilter, options: SampleOptions = {}): PreviewEntry[] {
  const out: PreviewEntry[] = [];
  const sample = { ...options, ...(filter.platform ? { platform: filter.platform } : {}) };
  for (const template of TEMPLATE_NAMES) {
    if (filter.template && template !== filter.template) continue;
    if (sampleDevices(template, filter.platform).length === 0) continue;
    for (const locale of MESSAGE_LOCALES) {
      if (filter.locale && locale !== filter.locale) continue;
      const { subject, html, text } = renderMessage(template, sampleContext(template, locale, sample));
      out.push({ template, locale, subject, html, text });
    }
  }
  return out;
}

/** Every template × every message locale, rendered with sample data. */
export function previewAll(options: SampleOptions = {}): PreviewEntry[] {
  const out: PreviewEntry[] = [];
  for (const template of TEMPLATE_NAMES) {
    for (const locale of MESSAGE_LOCALES) {
      const { subject, html, text } = renderMessage(template, sampleContext(template, locale, options));
      out.push({ template, locale, subject, html, text });
    }
  }
  return out;
}
