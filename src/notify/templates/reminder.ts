/** Reminder: the devices that still wait for their owner's steps. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";
import { fill } from "./fill.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  deadline: string;
  alreadyDone: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Reminder: finish moving your devices to Microsoft Intune",
    preheader: "Some devices still need your steps.",
    heading: "Reminder: some devices still need your steps",
    intro:
      "These devices have not moved to Microsoft Intune yet. The steps are below; each device takes about 15 minutes.",
    deadline: "Your deadline: {deadline}.",
    alreadyDone: "Already done? Then thank you: it can take up to an hour before we see the change.",
    cta: "Open your personal page",
  },
  "de-DE": {
    subject: "Erinnerung: Schließen Sie den Wechsel Ihrer Geräte zu Microsoft Intune ab",
    preheader: "Einige Geräte warten noch auf Ihre Schritte.",
    heading: "Erinnerung: Einige Geräte warten noch auf Ihre Schritte",
    intro:
      "Diese Geräte sind noch nicht zu Microsoft Intune gewechselt. Die Schritte finden Sie unten; pro Gerät dauert es etwa 15 Minuten.",
    deadline: "Ihre Frist: {deadline}.",
    alreadyDone:
      "Schon erledigt? Dann vielen Dank: Es kann bis zu einer Stunde dauern, bis wir die Änderung sehen.",
    cta: "Ihre persönliche Seite öffnen",
  },
  "fr-FR": {
    subject: "Rappel : terminez le passage de vos appareils à Microsoft Intune",
    preheader: "Certains appareils attendent encore vos étapes.",
    heading: "Rappel : certains appareils attendent encore vos étapes",
    intro:
      "Ces appareils ne sont pas encore passés à Microsoft Intune. Les étapes sont ci-dessous ; comptez environ 15 minutes par appareil.",
    deadline: "Votre date limite : {deadline}.",
    alreadyDone:
      "C'est déjà fait ? Merci : il peut s'écouler jusqu'à une heure avant que nous voyions le changement.",
    cta: "Ouvrir votre page personnelle",
  },
});

export const reminder: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(c.intro),
        ...(v.deadline ? [paragraph(fill(c.deadline, v), true)] : []),
        env.cta(ctx.portalUrl, c.cta),
        ...env.steps(ctx.devices),
        paragraph(c.alreadyDone),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
