/** Instructions: the switch-over has started; the steps for each device, and the deadline. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";
import { fill } from "./fill.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  introNoWave: string;
  deadline: string;
  noDeadline: string;
  ctaIntro: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Action needed: move your devices to Microsoft Intune",
    preheader: "The steps for each of your devices, about 15 minutes each.",
    heading: "It's your turn: move your devices to Microsoft Intune",
    intro:
      "The switch-over for the wave “{wave}” has started, and your devices can now move to Microsoft Intune. Please follow the steps below for each device.",
    introNoWave:
      "Your devices can now move to Microsoft Intune. Please follow the steps below for each device.",
    deadline:
      "Please finish by {deadline}. After that, IT removes the old management remotely, and company e-mail and apps work only on devices enrolled in Intune.",
    noDeadline:
      "Please do it in the next few days: company e-mail and apps will soon work only on devices enrolled in Intune.",
    ctaIntro: "Your personal page shows where each device stands and what to do next.",
    cta: "Open your personal page",
  },
  "de-DE": {
    subject: "Handlungsbedarf: Stellen Sie Ihre Geräte auf Microsoft Intune um",
    preheader: "Die Schritte für jedes Ihrer Geräte, jeweils etwa 15 Minuten.",
    heading: "Sie sind an der Reihe: Stellen Sie Ihre Geräte auf Microsoft Intune um",
    intro:
      "Die Umstellung der Welle „{wave}“ hat begonnen, und Ihre Geräte können jetzt zu Microsoft Intune wechseln. Bitte folgen Sie für jedes Gerät den Schritten unten.",
    introNoWave:
      "Ihre Geräte können jetzt zu Microsoft Intune wechseln. Bitte folgen Sie für jedes Gerät den Schritten unten.",
    deadline:
      "Bitte erledigen Sie das bis {deadline}. Danach entfernt die IT die alte Verwaltung per Fernzugriff, und Firmen-E-Mail und -Apps funktionieren nur noch auf Geräten, die in Intune registriert sind.",
    noDeadline:
      "Bitte erledigen Sie das in den nächsten Tagen: Firmen-E-Mail und -Apps funktionieren bald nur noch auf Geräten, die in Intune registriert sind.",
    ctaIntro: "Ihre persönliche Seite zeigt, wo jedes Gerät steht und was als Nächstes zu tun ist.",
    cta: "Ihre persönliche Seite öffnen",
  },
  "fr-FR": {
    subject: "Action requise : passez vos appareils à Microsoft Intune",
    preheader: "Les étapes pour chacun de vos appareils, environ 15 minutes chacun.",
    heading: "C'est votre tour : passez vos appareils à Microsoft Intune",
    intro:
      "La bascule de la vague « {wave} » a commencé : vos appareils peuvent maintenant passer à Microsoft Intune. Suivez les étapes ci-dessous pour chaque appareil.",
    introNoWave:
      "Vos appareils peuvent maintenant passer à Microsoft Intune. Suivez les étapes ci-dessous pour chaque appareil.",
    deadline:
      "Merci de terminer avant le {deadline}. Ensuite, le service informatique retirera l'ancienne gestion à distance, et la messagerie et les applications de l'entreprise ne fonctionneront que sur les appareils inscrits dans Intune.",
    noDeadline:
      "Merci de le faire dans les prochains jours : la messagerie et les applications de l'entreprise ne fonctionneront bientôt que sur les appareils inscrits dans Intune.",
    ctaIntro: "Votre page personnelle indique où en est chaque appareil et la prochaine étape.",
    cta: "Ouvrir votre page personnelle",
  },
});

export const instructions: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(v.wave ? fill(c.intro, v) : c.introNoWave),
        paragraph(v.deadline ? fill(c.deadline, v) : c.noDeadline, true),
        paragraph(c.ctaIntro),
        env.cta(ctx.portalUrl, c.cta),
        ...env.steps(ctx.devices),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
