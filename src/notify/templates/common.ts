/**
 * What every message shares: the greeting, the call to action, the device steps, the key
 * dates, the helpdesk block and the footer, in every locale; and the `Env` a template
 * composes in (its locale, the reader's date formatter, the values it may fill in).
 */
import { catalog, DateFormatter, formattingLocale, type MessageLocale, resolveLocale } from "../locale.ts";
import type { DeviceInfo, HelpdeskContact, WaveInfo } from "./context.ts";
import { fill } from "./fill.ts";
import { type Block, type ContactLine, mailtoHref, telHref } from "./layout.ts";
import { deviceSteps, deviceTitle } from "./steps.ts";

interface CommonCopy {
  greeting: string;
  ctaHint: string;
  stepsTitle: string;
  datesTitle: string;
  dates: { wave: string; announce: string; handover: string; enforce: string; deadline: string };
  helpTitle: string;
  helpIntro: string;
  phone: string;
  email: string;
  hours: string;
  footer: string;
}

const COMMON = catalog<CommonCopy>({
  "en-US": {
    greeting: "Hello {name},",
    ctaHint: "If the button doesn't work, copy this address into your browser:",
    stepsTitle: "Steps for each device",
    datesTitle: "Key dates",
    dates: {
      wave: "Migration wave",
      announce: "Announcement",
      handover: "Switch-over starts",
      enforce: "Intune access rules apply from",
      deadline: "Your deadline",
    },
    helpTitle: "Need help?",
    helpIntro: "Contact {helpdesk} and mention “Intune migration”.",
    phone: "Phone",
    email: "E-mail",
    hours: "Hours",
    footer:
      "You receive this message because the company manages one or more of your devices. It was sent automatically by the IT department; for questions, contact the helpdesk.",
  },
  "de-DE": {
    greeting: "Hallo {name},",
    ctaHint: "Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:",
    stepsTitle: "Schritte für jedes Gerät",
    datesTitle: "Wichtige Termine",
    dates: {
      wave: "Umstellungswelle",
      announce: "Ankündigung",
      handover: "Beginn der Umstellung",
      enforce: "Intune-Zugriffsregeln gelten ab",
      deadline: "Ihre Frist",
    },
    helpTitle: "Brauchen Sie Hilfe?",
    helpIntro: "Wenden Sie sich an {helpdesk} und nennen Sie das Stichwort „Intune-Umstellung“.",
    phone: "Telefon",
    email: "E-Mail",
    hours: "Erreichbar",
    footer:
      "Sie erhalten diese Nachricht, weil das Unternehmen eines oder mehrere Ihrer Geräte verwaltet. Sie wurde automatisch von der IT-Abteilung versendet; bei Fragen wenden Sie sich bitte an den Helpdesk.",
  },
  "fr-FR": {
    greeting: "Bonjour {name},",
    ctaHint: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    stepsTitle: "Les étapes pour chaque appareil",
    datesTitle: "Dates clés",
    dates: {
      wave: "Vague de migration",
      announce: "Annonce",
      handover: "Début de la bascule",
      enforce: "Règles d'accès Intune en vigueur",
      deadline: "Votre date limite",
    },
    helpTitle: "Besoin d'aide ?",
    helpIntro: "Contactez {helpdesk} en précisant « migration Intune ».",
    phone: "Téléphone",
    email: "E-mail",
    hours: "Horaires",
    footer:
      "Vous recevez ce message parce que l'entreprise gère un ou plusieurs de vos appareils. Il a été envoyé automatiquement par le service informatique ; pour toute question, contactez le support.",
  },
});

/** The values copy may name; a date the context lacks is undefined, and `fill` refuses it. */
export interface Vars {
  [name: string]: string | undefined;
  name: string;
  helpdesk: string;
  wave?: string;
  announceDay?: string;
  handoverDay?: string;
  enforceDay?: string;
  deadline?: string;
  deadlineDay?: string;
}

/** Where a template composes: the reader's message locale and date formatter. */
export class Env {
  readonly common: CommonCopy;
  readonly dates: DateFormatter;

  constructor(
    readonly locale: MessageLocale,
    dates: DateFormatter,
  ) {
    this.common = COMMON[locale];
    this.dates = dates;
  }

  /** For a reader with this locale tag and time zone. */
  static for(tag: string | undefined, timeZone: string | undefined): Env {
    const locale = resolveLocale(tag);
    return new Env(locale, new DateFormatter(formattingLocale(tag, locale), timeZone ?? "UTC"));
  }

  vars(name: string, helpdesk: HelpdeskContact, wave: WaveInfo | undefined): Vars {
    const d = this.dates;
    return {
      name,
      helpdesk: helpdesk.name,
      wave: wave?.name,
      announceDay: wave?.announceAt !== undefined ? d.day(wave.announceAt) : undefined,
      handoverDay: wave?.handoverAt !== undefined ? d.day(wave.handoverAt) : undefined,
      enforceDay: wave?.enforceAt !== undefined ? d.day(wave.enforceAt) : undefined,
      deadline: wave?.deadlineAt !== undefined ? d.moment(wave.deadlineAt) : undefined,
      deadlineDay: wave?.deadlineAt !== undefined ? d.day(wave.deadlineAt) : undefined,
    };
  }

  greeting(name: string): string {
    return fill(this.common.greeting, { name });
  }

  cta(url: string, label: string): Block {
    return { kind: "cta", url, label, hint: this.common.ctaHint };
  }

  /** Each device with its ordered steps. */
  steps(
    devices: readonly DeviceInfo[],
    title = this.common.stepsTitle,
    options: { enrollOnly?: boolean } = {},
  ): Block[] {
    if (devices.length === 0) return [];
    return [
      {
        kind: "devices",
        title,
        items: devices.map((d) => {
          const s = deviceSteps(d, this.locale, this.dates, options);
          return { title: s.title, steps: s.steps };
        }),
      },
    ];
  }

  /** Devices by name (nothing left to do with them); `withKind` adds the path ("reset needed"). */
  deviceList(
    devices: readonly DeviceInfo[],
    title: string,
    options: { detail?: (d: DeviceInfo) => string; withKind?: boolean } = {},
  ): Block[] {
    if (devices.length === 0) return [];
    return [
      {
        kind: "list",
        title,
        items: devices.map((d) => {
          const t = deviceTitle(d, this.locale, options.withKind ?? false);
          const extra = options.detail?.(d);
          return extra ? `${t} — ${extra}` : t;
        }),
      },
    ];
  }

  /** The wave's dates the context has, in order; nothing when it has none. */
  dateFacts(wave: WaveInfo | undefined, include = { deadline: true }): Block[] {
    if (!wave) return [];
    const l = this.common.dates;
    const d = this.dates;
    const rows: Array<[string, string]> = [[l.wave, wave.name]];
    if (wave.announceAt !== undefined) rows.push([l.announce, d.day(wave.announceAt)]);
    if (wave.handoverAt !== undefined) rows.push([l.handover, d.moment(wave.handoverAt)]);
    if (wave.enforceAt !== undefined) rows.push([l.enforce, d.moment(wave.enforceAt)]);
    if (include.deadline && wave.deadlineAt !== undefined) rows.push([l.deadline, d.moment(wave.deadlineAt)]);
    return [{ kind: "facts", title: this.common.datesTitle, rows }];
  }

  contact(helpdesk: HelpdeskContact): Block {
    return {
      kind: "contact",
      title: this.common.helpTitle,
      intro: fill(this.common.helpIntro, { helpdesk: helpdesk.name }),
      lines: contactLines(helpdesk, this.common),
    };
  }

  get footer(): string {
    return this.common.footer;
  }

  /** The labels of contact lines, for messages that show someone else's contact. */
  get labels(): Pick<CommonCopy, "phone" | "email" | "hours"> {
    return this.common;
  }
}

function contactLines(h: HelpdeskContact, l: Pick<CommonCopy, "phone" | "email" | "hours">): ContactLine[] {
  const lines: ContactLine[] = [{ label: "", value: h.name }];
  if (h.phone) lines.push({ label: l.phone, value: h.phone, href: telHref(h.phone) });
  if (h.email) lines.push({ label: l.email, value: h.email, href: mailtoHref(h.email) });
  if (h.hours) lines.push({ label: l.hours, value: h.hours });
  return lines;
}

/** What a template module produces; the shared layout adds greeting, footer and brand. */
export interface Composed {
  subject: string;
  preheader: string;
  heading: string;
  /** defaults to the greeting of the context's person */
  greeting?: string;
  blocks: Block[];
  /** defaults to the end-user footer */
  footer?: string;
}

/** One stage's message: its copy in every locale and how it is put together. */
export interface TemplateModule<C> {
  compose(ctx: C, env: Env): Composed;
}

export function paragraph(text: string, strong = false): Block {
  return { kind: "paragraph", text, strong };
}

export function notice(text: string): Block {
  return { kind: "notice", text };
}
