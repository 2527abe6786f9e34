/** Deadline warning: two days before IT retires the remaining devices remotely. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, notice, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";
import { fill } from "./fill.ts";

interface Copy {
  subject: string;
  subjectUndated: string;
  preheader: string;
  heading: string;
  intro: string;
  introUndated: string;
  after: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Deadline {deadlineDay}: move your devices to Microsoft Intune",
    subjectUndated: "The deadline is close: move your devices to Microsoft Intune",
    preheader: "After the deadline, IT removes the old management remotely.",
    heading: "The deadline is close",
    intro: "Please move these devices to Microsoft Intune before {deadline}.",
    introUndated: "Please move these devices to Microsoft Intune in the next two days.",
    after:
      "After the deadline, IT removes the old management remotely. Company e-mail and apps then work again only once you have enrolled the device in Intune with the steps below.",
    cta: "Do it now",
  },
  "de-DE": {
    subject: "Frist {deadlineDay}: Stellen Sie Ihre Geräte auf Microsoft Intune um",
    subjectUndated: "Die Frist läuft bald ab: Stellen Sie Ihre Geräte auf Microsoft Intune um",
    preheader: "Nach Ablauf der Frist entfernt die IT die alte Verwaltung per Fernzugriff.",
    heading: "Die Frist läuft bald ab",
    intro: "Bitte stellen Sie diese Geräte bis {deadline} auf Microsoft Intune um.",
    introUndated: "Bitte stellen Sie diese Geräte in den nächsten zwei Tagen auf Microsoft Intune um.",
    after:
      "Nach Ablauf der Frist entfernt die IT die alte Verwaltung per Fernzugriff. Firmen-E-Mail und -Apps funktionieren dann erst wieder, wenn Sie das Gerät mit den Schritten unten in Intune registriert haben.",
    cta: "Jetzt erledigen",
  },
  "fr-FR": {
    subject: "Date limite le {deadlineDay} : passez vos appareils à Microsoft Intune",
    subjectUndated: "La date limite approche : passez vos appareils à Microsoft Intune",
    preheader: "Après la date limite, le service informatique retire l'ancienne gestion à distance.",
    heading: "La date limite approche",
    intro: "Merci de passer ces appareils à Microsoft Intune avant le {deadline}.",
    introUndated: "Merci de passer ces appareils à Microsoft Intune dans les deux prochains jours.",
    after:
      "Après la date limite, le service informatique retire l'ancienne gestion à distance. La messagerie et les applications de l'entreprise ne fonctionneront à nouveau qu'une fois l'appareil inscrit dans Intune avec les étapes ci-dessous.",
    cta: "Le faire maintenant",
  },
});

export const deadline: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: v.deadlineDay ? fill(c.subject, v) : c.subjectUndated,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(v.deadline ? fill(c.intro, v) : c.introUndated, true),
        notice(c.after),
        env.cta(ctx.portalUrl, c.cta),
        ...env.steps(ctx.devices),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
