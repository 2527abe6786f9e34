/**
 * Blocked: Intune's access rules now apply and the person has no enrolled device. Rule 2 of
 * the design: this message always goes out, at once (it is exempt from quiet hours), and it
 * tells the way back in, including how to read it when the phone is the blocked device.
 */
import { catalog } from "../locale.ts";
import { type Composed, type Env, notice, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  elsewhere: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Enroll now to get your company e-mail back",
    preheader: "Company e-mail and apps now need a device enrolled in Intune. Here is your way back in.",
    heading: "Get your access back: enroll in Intune",
    intro:
      "Company e-mail and apps now require a device managed by Microsoft Intune, so they are blocked on the devices below. Enroll them with these steps; access returns shortly after.",
    elsewhere:
      "Can't open this on your phone? Open this e-mail or your personal page on a computer, or call the helpdesk: they can walk you through it right away.",
    cta: "Enroll now",
  },
  "de-DE": {
    subject: "Jetzt registrieren und wieder auf Ihre Firmen-E-Mail zugreifen",
    preheader:
      "Firmen-E-Mail und -Apps erfordern jetzt ein in Intune registriertes Gerät. So kommen Sie wieder hinein.",
    heading: "Zugang zurückerhalten: in Intune registrieren",
    intro:
      "Firmen-E-Mail und -Apps erfordern jetzt ein von Microsoft Intune verwaltetes Gerät und sind deshalb auf den Geräten unten gesperrt. Registrieren Sie sie mit diesen Schritten; der Zugang ist kurz danach wieder da.",
    elsewhere:
      "Sie können diese Nachricht auf dem Smartphone nicht öffnen? Öffnen Sie diese E-Mail oder Ihre persönliche Seite an einem Computer, oder rufen Sie den Helpdesk an: Dort hilft man Ihnen sofort weiter.",
    cta: "Jetzt registrieren",
  },
  "fr-FR": {
    subject: "Inscrivez-vous maintenant pour retrouver votre messagerie d'entreprise",
    preheader:
      "La messagerie et les applications de l'entreprise exigent désormais un appareil inscrit dans Intune. Voici comment retrouver l'accès.",
    heading: "Retrouvez votre accès : inscrivez-vous dans Intune",
    intro:
      "La messagerie et les applications de l'entreprise exigent désormais un appareil géré par Microsoft Intune ; elles sont donc bloquées sur les appareils ci-dessous. Inscrivez-les avec ces étapes : l'accès revient peu après.",
    elsewhere:
      "Impossible d'ouvrir ce message sur votre téléphone ? Ouvrez cet e-mail ou votre page personnelle sur un ordinateur, ou appelez le support : il vous guidera immédiatement.",
    cta: "M'inscrire maintenant",
  },
});

export const blocked: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(c.intro, true),
        env.cta(ctx.portalUrl, c.cta),
        notice(c.elsewhere),
        ...env.steps(ctx.devices),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
