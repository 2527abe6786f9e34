/**
 * The portal's words in the person's language: where a device stands, what happens next,
 * and the steps — the very steps the e-mails give (notify's catalog), so a person never
 * reads one thing in the message and another on the page. The page's own chrome (headings,
 * buttons) is translated in the web console; everything about a device comes from here.
 */

import {
  catalog,
  DateFormatter,
  DEFAULT_LOCALE,
  formattingLocale,
  MESSAGE_LOCALES,
  type MessageLocale,
  resolveLocale,
} from "../notify/locale.ts";
import { deviceInfoFromRow } from "../notify/outbox-mailer.ts";
import { deviceSteps } from "../notify/templates/steps.ts";
import type { DeviceRow, PersonRow } from "../store/schema.ts";
import type { NextStep } from "./views.ts";

/**
 * The page's language: an explicit choice (`?lang=`, what the switcher sets) wins; then the
 * person's locale from the directory; then the browser's Accept-Language; then en-US.
 */
export function portalLocale(
  explicit: string | undefined,
  person: Pick<PersonRow, "locale"> | undefined,
  acceptLanguage: string | undefined,
): MessageLocale {
  if (explicit?.trim()) return resolveLocale(explicit);
  if (person?.locale?.trim()) return resolveLocale(person.locale);
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  return first && first !== "*" ? resolveLocale(first) : DEFAULT_LOCALE;
}

export const PORTAL_LOCALES = MESSAGE_LOCALES;

interface Copy {
  states: Record<string, string>;
  retiredReasons: Record<string, string>;
  /** {reason} */
  retired: string;
  /** {reason} */
  excluded: string;
  compliant: string;
  inTarget: string;
  noncompliant: string;
  inBoth: string;
  /** the old management is being removed remotely; the steps to enroll follow */
  removing: string;
  limbo: string;
  notYet: string;
  follow: string;
  /** 401s a person can act on; {ask} is the helpdesk sentence */
  ask: string;
  askWithEmail: string;
  linkExpired: string;
  linkRevoked: string;
  linkInvalid: string;
  personGone: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    states: {
      "in-source": "Still managed by the old system",
      "unenroll-requested": "Being removed from the old system",
      limbo: "Removed from the old system, not yet in Intune",
      "in-target": "In Intune; being checked",
      compliant: "Done: managed by Intune",
      noncompliant: "In Intune, but needs your attention",
      "in-both": "In both systems: IT is fixing this",
      excluded: "Not part of this move",
      retired: "No longer in use",
    },
    retiredReasons: { lost: "lost", replaced: "replaced", decommissioned: "decommissioned" },
    retired: "Nothing: the device is marked {reason} and has left the move.",
    excluded: "Nothing for now: this device is not part of the move ({reason}).",
    compliant: "Nothing: managed by Microsoft Intune and compliant.",
    inTarget: "Nothing: enrolled in Microsoft Intune; its compliance is being checked.",
    noncompliant:
      "Open Company Portal on the device and fix what it lists: the device is in Intune but not compliant.",
    inBoth:
      "Nothing for you: the device is in both systems and IT removes the old record once your access has moved.",
    removing: "The old management is being removed remotely. Then follow these steps:",
    limbo: "The old management is gone; finish the move now:",
    notYet: "No action yet: the steps arrive by e-mail when your move starts.",
    follow: "Follow these steps:",
    ask: "Ask the helpdesk for a new one.",
    askWithEmail: "Ask the helpdesk ({email}) for a new one.",
    linkExpired: "This link has expired. {ask}",
    linkRevoked: "This link is no longer valid. {ask}",
    linkInvalid: "This link is not valid. Open the whole link from your e-mail. {ask}",
    personGone: "This link is not valid any more. {ask}",
  },
  "de-DE": {
    states: {
      "in-source": "Noch im alten System verwaltet",
      "unenroll-requested": "Wird aus dem alten System entfernt",
      limbo: "Aus dem alten System entfernt, noch nicht in Intune",
      "in-target": "In Intune; wird geprüft",
      compliant: "Fertig: von Intune verwaltet",
      noncompliant: "In Intune, braucht aber Ihre Aufmerksamkeit",
      "in-both": "In beiden Systemen: die IT kümmert sich darum",
      excluded: "Nicht Teil dieser Umstellung",
      retired: "Nicht mehr in Gebrauch",
    },
    retiredReasons: { lost: "verloren", replaced: "ersetzt", decommissioned: "außer Betrieb" },
    retired: "Nichts: Das Gerät ist als {reason} markiert und nicht mehr Teil der Umstellung.",
    excluded: "Vorerst nichts: Dieses Gerät ist nicht Teil der Umstellung ({reason}).",
    compliant: "Nichts: von Microsoft Intune verwaltet und konform.",
    inTarget: "Nichts: in Microsoft Intune registriert; die Konformität wird geprüft.",
    noncompliant:
      "Öffnen Sie das Unternehmensportal auf dem Gerät und beheben Sie, was es anzeigt: Das Gerät ist in Intune, aber nicht konform.",
    inBoth:
      "Nichts für Sie: Das Gerät ist in beiden Systemen; die IT entfernt den alten Eintrag, sobald Ihr Zugang umgestellt ist.",
    removing: "Die alte Verwaltung wird aus der Ferne entfernt. Folgen Sie danach diesen Schritten:",
    limbo: "Die alte Verwaltung ist entfernt; schließen Sie die Umstellung jetzt ab:",
    notYet: "Noch nichts zu tun: Die Schritte kommen per E-Mail, wenn Ihre Umstellung beginnt.",
    follow: "Folgen Sie diesen Schritten:",
    ask: "Bitten Sie den Helpdesk um einen neuen.",
    askWithEmail: "Bitten Sie den Helpdesk ({email}) um einen neuen.",
    linkExpired: "Dieser Link ist abgelaufen. {ask}",
    linkRevoked: "Dieser Link gilt nicht mehr. {ask}",
    linkInvalid: "Dieser Link ist ungültig. Öffnen Sie den vollständigen Link aus Ihrer E-Mail. {ask}",
    personGone: "Dieser Link gilt nicht mehr. {ask}",
  },
  "fr-FR": {
    states: {
      "in-source": "Encore géré par l'ancien système",
      "unenroll-requested": "En cours de retrait de l'ancien système",
      limbo: "Retiré de l'ancien système, pas encore dans Intune",
      "in-target": "Dans Intune ; en cours de vérification",
      compliant: "Terminé : géré par Intune",
      noncompliant: "Dans Intune, mais demande votre attention",
      "in-both": "Dans les deux systèmes : le service informatique s'en occupe",
      excluded: "Ne fait pas partie de cette migration",
      retired: "N'est plus utilisé",
    },
    retiredReasons: { lost: "perdu", replaced: "remplacé", decommissioned: "mis hors service" },
    retired: "Rien : l'appareil est marqué {reason} et ne fait plus partie de la migration.",
    excluded: "Rien pour l'instant : cet appareil ne fait pas partie de la migration ({reason}).",
    compliant: "Rien : géré par Microsoft Intune et conforme.",
    inTarget: "Rien : inscrit dans Microsoft Intune ; sa conformité est en cours de vérification.",
    noncompliant:
      "Ouvrez Portail d'entreprise sur l'appareil et corrigez ce qu'il indique : l'appareil est dans Intune mais n'est pas conforme.",
    inBoth:
      "Rien pour vous : l'appareil est dans les deux systèmes et le service informatique retire l'ancien enregistrement dès que votre accès a basculé.",
    removing: "L'ancienne gestion est retirée à distance. Suivez ensuite ces étapes :",
    limbo: "L'ancienne gestion est retirée ; terminez la migration maintenant :",
    notYet: "Rien à faire pour l'instant : les étapes arrivent par e-mail au début de votre migration.",
    follow: "Suivez ces étapes :",
    ask: "Demandez-en un nouveau au support informatique.",
    askWithEmail: "Demandez-en un nouveau au support informatique ({email}).",
    linkExpired: "Ce lien a expiré. {ask}",
    linkRevoked: "Ce lien n'est plus valable. {ask}",
    linkInvalid: "Ce lien n'est pas valide. Ouvrez le lien complet de votre e-mail. {ask}",
    personGone: "Ce lien n'est plus valable. {ask}",
  },
});

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);

/** A 401's message for a link that does not open, in the reader's language. */
export function linkProblem(
  kind: "linkExpired" | "linkRevoked" | "linkInvalid" | "personGone",
  locale: MessageLocale,
  helpdeskEmail: string,
): string {
  const c = COPY[locale];
  const ask = helpdeskEmail ? fill(c.askWithEmail, { email: helpdeskEmail }) : c.ask;
  return fill(c[kind], { ask });
}

export interface LocalisedDevice {
  status: string;
  nextStep: NextStep;
  /** what the person does, one step each (empty when there is nothing to do) */
  steps: string[];
}

/**
 * A device's state, next step and steps in `locale`. `who` comes from views.nextStep (the
 * one place that decides who acts); the words and steps from the e-mails' catalog.
 */
export function localiseDevice(
  d: DeviceRow,
  who: NextStep["who"],
  released: boolean,
  person: Pick<PersonRow, "locale" | "time_zone">,
  locale: MessageLocale,
): LocalisedDevice {
  const c = COPY[locale];
  const dates = new DateFormatter(formattingLocale(person.locale, locale), person.time_zone);
  const info = deviceInfoFromRow(d);
  const all = () => deviceSteps(info, locale, dates).steps;
  const enrollOnly = () => deviceSteps(info, locale, dates, { enrollOnly: true }).steps;
  const status = c.states[d.state] ?? d.state;
  const say = (text: string, steps: string[] = []): LocalisedDevice => ({
    status,
    nextStep: { who, text },
    steps,
  });
  switch (d.state) {
    case "retired": {
      const reason = d.retired_reason ?? "retired";
      return say(fill(c.retired, { reason: c.retiredReasons[reason] ?? reason }));
    }
    case "excluded":
      return say(fill(c.excluded, { reason: d.excluded_reason ?? "excluded" }));
    case "compliant":
      return say(c.compliant);
    case "in-target":
      return say(c.inTarget);
    case "noncompliant":
      return say(c.noncompliant);
    case "in-both":
      return say(c.inBoth);
    case "unenroll-requested":
      return say(c.removing, enrollOnly());
    case "limbo":
      return say(c.limbo, enrollOnly());
  }
  if (!released) return say(c.notYet);
  // The e-mails' admin-retire steps begin with "IT removes the old management…" themselves.
  if (d.path === "admin-retire" || d.retire_requested_at !== null)
    return say(c.follow, deviceSteps({ ...info, path: "admin-retire" }, locale, dates).steps);
  return say(c.follow, all());
}
