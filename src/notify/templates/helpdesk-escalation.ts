/**
 * Helpdesk escalation: a person's device left the old product and never reached Intune
 * (limbo). Addressed to the helpdesk, in the helpdesk's locale and time zone: who to call,
 * how to reach them, since when, and the steps to walk them through.
 */
import { catalog } from "../locale.ts";
import { type Composed, type Env, paragraph, type TemplateModule } from "./common.ts";
import type { EscalationContext } from "./context.ts";
import { fill } from "./fill.ts";
import { type ContactLine, mailtoHref, telHref } from "./layout.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  greeting: string;
  intro: string;
  since: string;
  ask: string;
  contactTitle: string;
  contactIntro: string;
  devicesTitle: string;
  stepsTitle: string;
  cta: string;
  footer: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Please call {name}: a device is stuck between the old management and Intune",
    preheader: "{name}'s device left the old management but never reached Intune.",
    heading: "A device is stuck in limbo",
    greeting: "Hello {helpdesk},",
    intro:
      "{name} has a device that left the old management but has not appeared in Microsoft Intune. Company e-mail and apps may not work for them until it is enrolled.",
    since: "in limbo since {since}",
    ask: "Please contact them and help them enroll the device with the steps below. Once the device shows up in Intune, Ferry notices by itself.",
    contactTitle: "How to reach {name}",
    contactIntro: "Their details from the directory:",
    devicesTitle: "Devices in limbo",
    stepsTitle: "Steps to walk them through",
    cta: "Open {name} in the helpdesk console",
    footer: "Sent automatically by Ferry, the Intune migration, because a device stayed in limbo too long.",
  },
  "de-DE": {
    subject: "Bitte {name} anrufen: Ein Gerät hängt zwischen alter Verwaltung und Intune",
    preheader: "Ein Gerät von {name} hat die alte Verwaltung verlassen, ist aber nie in Intune angekommen.",
    heading: "Ein Gerät hängt in der Schwebe",
    greeting: "Hallo {helpdesk},",
    intro:
      "{name} hat ein Gerät, das die alte Verwaltung verlassen hat, aber nicht in Microsoft Intune aufgetaucht ist. Firmen-E-Mail und -Apps funktionieren für diese Person womöglich erst wieder, wenn es registriert ist.",
    since: "in der Schwebe seit {since}",
    ask: "Bitte nehmen Sie Kontakt auf und helfen Sie bei der Registrierung mit den Schritten unten. Sobald das Gerät in Intune erscheint, bemerkt Ferry das von selbst.",
    contactTitle: "So erreichen Sie {name}",
    contactIntro: "Die Angaben aus dem Verzeichnis:",
    devicesTitle: "Geräte in der Schwebe",
    stepsTitle: "Schritte zum gemeinsamen Durchgehen",
    cta: "{name} in der Helpdesk-Konsole öffnen",
    footer:
      "Automatisch von Ferry, der Intune-Umstellung, gesendet, weil ein Gerät zu lange in der Schwebe war.",
  },
  "fr-FR": {
    subject: "Merci d'appeler {name} : un appareil est bloqué entre l'ancienne gestion et Intune",
    preheader: "Un appareil de {name} a quitté l'ancienne gestion sans arriver dans Intune.",
    heading: "Un appareil est en suspens",
    greeting: "Bonjour {helpdesk},",
    intro:
      "Un appareil de {name} a quitté l'ancienne gestion mais n'est pas apparu dans Microsoft Intune. La messagerie et les applications de l'entreprise risquent de ne pas fonctionner pour cette personne tant qu'il n'est pas inscrit.",
    since: "en suspens depuis le {since}",
    ask: "Merci de contacter cette personne et de l'aider à inscrire l'appareil avec les étapes ci-dessous. Dès que l'appareil apparaît dans Intune, Ferry le détecte de lui-même.",
    contactTitle: "Comment joindre {name}",
    contactIntro: "Ses coordonnées dans l'annuaire :",
    devicesTitle: "Appareils en suspens",
    stepsTitle: "Étapes à suivre avec la personne",
    cta: "Ouvrir {name} dans la console du support",
    footer:
      "Envoyé automatiquement par Ferry, la migration vers Intune, car un appareil est resté trop longtemps en suspens.",
  },
});

export const helpdeskEscalation: TemplateModule<EscalationContext> = {
  compose(ctx: EscalationContext, env: Env): Composed {
    const c = COPY[env.locale];
    const name = ctx.person.displayName;
    const v = { name, helpdesk: ctx.helpdesk.name };
    const lines: ContactLine[] = [{ label: "", value: name }];
    if (ctx.person.phone)
      lines.push({ label: env.labels.phone, value: ctx.person.phone, href: telHref(ctx.person.phone) });
    if (ctx.person.email)
      lines.push({ label: env.labels.email, value: ctx.person.email, href: mailtoHref(ctx.person.email) });
    return {
      subject: fill(c.subject, v),
      preheader: fill(c.preheader, v),
      heading: c.heading,
      greeting: fill(c.greeting, v),
      blocks: [
        paragraph(fill(c.intro, v), true),
        env.cta(ctx.portalUrl, fill(c.cta, v)),
        ...env.deviceList(ctx.devices, c.devicesTitle, {
          withKind: true,
          detail: (d) =>
            d.stateSince !== undefined ? fill(c.since, { since: env.dates.moment(d.stateSince) }) : "",
        }),
        { kind: "contact", title: fill(c.contactTitle, v), intro: c.contactIntro, lines },
        paragraph(c.ask),
        ...env.dateFacts(ctx.wave, { deadline: false }),
        ...env.steps(ctx.devices, c.stepsTitle, { enrollOnly: true }),
      ],
      footer: c.footer,
    };
  },
};
