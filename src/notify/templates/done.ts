/** Done: every device of the person is in Intune. Lists them; no steps left. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";

interface Copy {
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  listTitle: string;
  missing: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "You're done: your devices are managed by Microsoft Intune",
    preheader: "Nothing more to do. Thank you!",
    heading: "All done, thank you!",
    intro: "All your devices are now managed by Microsoft Intune. There is nothing more to do.",
    listTitle: "Your devices in Intune",
    missing: "If a device is missing here or something doesn't work as before, contact the helpdesk.",
    cta: "See your devices",
  },
  "de-DE": {
    subject: "Geschafft: Ihre Geräte werden von Microsoft Intune verwaltet",
    preheader: "Es ist nichts mehr zu tun. Vielen Dank!",
    heading: "Alles erledigt – vielen Dank!",
    intro: "Alle Ihre Geräte werden jetzt von Microsoft Intune verwaltet. Es ist nichts mehr zu tun.",
    listTitle: "Ihre Geräte in Intune",
    missing:
      "Fehlt hier ein Gerät oder funktioniert etwas nicht wie gewohnt, wenden Sie sich an den Helpdesk.",
    cta: "Ihre Geräte ansehen",
  },
  "fr-FR": {
    subject: "C'est terminé : vos appareils sont gérés par Microsoft Intune",
    preheader: "Plus rien à faire. Merci !",
    heading: "C'est terminé, merci !",
    intro: "Tous vos appareils sont désormais gérés par Microsoft Intune. Vous n'avez plus rien à faire.",
    listTitle: "Vos appareils dans Intune",
    missing:
      "S'il manque un appareil ou si quelque chose ne fonctionne plus comme avant, contactez le support.",
    cta: "Voir vos appareils",
  },
});

export const done: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(c.intro),
        env.cta(ctx.portalUrl, c.cta),
        ...env.deviceList(ctx.devices, c.listTitle),
        paragraph(c.missing),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
