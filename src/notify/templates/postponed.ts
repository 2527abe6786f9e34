/** Postponed: the wave was rolled back or moved; nothing changes until the next message. */
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
  keep: string;
  listTitle: string;
  cta: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Your device migration is postponed",
    preheader: "Nothing changes for you until we write again.",
    heading: "Your move to Intune is postponed",
    intro: "The move of your devices to Microsoft Intune (wave “{wave}”) has been postponed.",
    introNoWave: "The move of your devices to Microsoft Intune has been postponed.",
    keep: "Keep using your devices as today: nothing changes for you until we write again. If you already moved a device to Intune, leave it as it is.",
    listTitle: "Your devices",
    cta: "Open your personal page",
  },
  "de-DE": {
    subject: "Die Umstellung Ihrer Geräte wird verschoben",
    preheader: "Für Sie ändert sich nichts, bis wir uns wieder melden.",
    heading: "Ihr Wechsel zu Intune wird verschoben",
    intro: "Der Wechsel Ihrer Geräte zu Microsoft Intune (Welle „{wave}“) wird verschoben.",
    introNoWave: "Der Wechsel Ihrer Geräte zu Microsoft Intune wird verschoben.",
    keep: "Nutzen Sie Ihre Geräte weiter wie bisher: Für Sie ändert sich nichts, bis wir uns wieder melden. Haben Sie ein Gerät bereits auf Intune umgestellt, lassen Sie es so.",
    listTitle: "Ihre Geräte",
    cta: "Ihre persönliche Seite öffnen",
  },
  "fr-FR": {
    subject: "La migration de vos appareils est reportée",
    preheader: "Rien ne change pour vous jusqu'à notre prochain message.",
    heading: "Votre passage à Intune est reporté",
    intro: "Le passage de vos appareils à Microsoft Intune (vague « {wave} ») est reporté.",
    introNoWave: "Le passage de vos appareils à Microsoft Intune est reporté.",
    keep: "Continuez à utiliser vos appareils comme aujourd'hui : rien ne change pour vous jusqu'à notre prochain message. Si vous avez déjà passé un appareil à Intune, laissez-le tel quel.",
    listTitle: "Vos appareils",
    cta: "Ouvrir votre page personnelle",
  },
});

export const postponed: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(v.wave ? fill(c.intro, v) : c.introNoWave, true),
        paragraph(c.keep),
        env.cta(ctx.portalUrl, c.cta),
        ...env.deviceList(ctx.devices, c.listTitle),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
