/** Reset instructions: a company-managed device that only a reset (or IT) can move. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, notice, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";
import { fill } from "./fill.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  offer: string;
  deadline: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Your company device needs a reset to move to Intune",
    preheader: "Back up first: the reset erases the device. The steps are inside.",
    heading: "This device needs a reset to move to Intune",
    intro:
      "This company-managed device can only move to Microsoft Intune by being reset, and the reset erases everything on it. Please back up what you need first, then follow the steps below.",
    offer: "Rather not do it alone? Book a slot with the helpdesk and IT does the reset with you.",
    deadline: "Please do it by {deadline}.",
    cta: "Open your personal page",
  },
  "de-DE": {
    subject: "Ihr Firmengerät muss für Intune zurückgesetzt werden",
    preheader: "Zuerst sichern: Das Zurücksetzen löscht das Gerät. Die Schritte finden Sie hier.",
    heading: "Dieses Gerät muss für Intune zurückgesetzt werden",
    intro:
      "Dieses firmenverwaltete Gerät kann nur durch Zurücksetzen zu Microsoft Intune wechseln, und dabei wird alles darauf gelöscht. Bitte sichern Sie zuerst, was Sie brauchen, und folgen Sie dann den Schritten unten.",
    offer:
      "Lieber nicht allein? Buchen Sie einen Termin beim Helpdesk, und die IT setzt das Gerät mit Ihnen zurück.",
    deadline: "Bitte erledigen Sie das bis {deadline}.",
    cta: "Ihre persönliche Seite öffnen",
  },
  "fr-FR": {
    subject: "Votre appareil d'entreprise doit être réinitialisé pour passer à Intune",
    preheader: "Sauvegardez d'abord : la réinitialisation efface l'appareil. Les étapes sont à l'intérieur.",
    heading: "Cet appareil doit être réinitialisé pour passer à Intune",
    intro:
      "Cet appareil géré par l'entreprise ne peut passer à Microsoft Intune qu'en étant réinitialisé, ce qui efface tout son contenu. Sauvegardez d'abord ce dont vous avez besoin, puis suivez les étapes ci-dessous.",
    offer:
      "Vous préférez ne pas le faire seul ? Prenez rendez-vous avec le support : le service informatique réinitialisera l'appareil avec vous.",
    deadline: "Merci de le faire avant le {deadline}.",
    cta: "Ouvrir votre page personnelle",
  },
});

export const resetInstructions: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        notice(c.intro),
        ...(v.deadline ? [paragraph(fill(c.deadline, v), true)] : []),
        env.cta(ctx.portalUrl, c.cta),
        ...env.steps(ctx.devices),
        paragraph(c.offer),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
