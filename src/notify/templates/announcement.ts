/** Announcement: the wave is coming, these are the dates, wait for the instructions. */
import { catalog } from "../locale.ts";
import { type Composed, type Env, notice, paragraph, type TemplateModule } from "./common.ts";
import type { PersonContext } from "./context.ts";
import { fill } from "./fill.ts";

interface Copy {
  subject: string;
  subjectDated: string;
  preheader: string;
  heading: string;
  intro: string;
  introNoWave: string;
  when: string;
  whenUnknown: string;
  wait: string;
  cta: string;
  previewTitle: string;
}

const COPY = catalog<Copy>({
  "en-US": {
    subject: "Your devices move to Microsoft Intune soon",
    subjectDated: "Your devices move to Microsoft Intune on {handoverDay}",
    preheader: "What changes, when, and what you will need to do.",
    heading: "Your devices are moving to Microsoft Intune",
    intro:
      "The company is moving the management of phones, tablets and computers from the current product to Microsoft Intune. You are in the migration wave “{wave}”.",
    introNoWave:
      "The company is moving the management of phones, tablets and computers from the current product to Microsoft Intune, in waves.",
    when: "Your switch-over starts on {handoverDay}. That day you will get an e-mail with the steps for each of your devices; each takes about 15 minutes.",
    whenUnknown:
      "When it is your turn, you will get an e-mail with the steps for each of your devices; each takes about 15 minutes.",
    wait: "Please wait for that e-mail before you change anything: removing the old management too early would cut you off from company e-mail and apps.",
    cta: "See your devices and dates",
    previewTitle: "What you will do, device by device",
  },
  "de-DE": {
    subject: "Ihre Geräte wechseln bald zu Microsoft Intune",
    subjectDated: "Ihre Geräte wechseln am {handoverDay} zu Microsoft Intune",
    preheader: "Was sich ändert, wann, und was Sie tun müssen.",
    heading: "Ihre Geräte wechseln zu Microsoft Intune",
    intro:
      "Das Unternehmen stellt die Verwaltung von Smartphones, Tablets und Computern vom bisherigen Produkt auf Microsoft Intune um. Sie gehören zur Umstellungswelle „{wave}“.",
    introNoWave:
      "Das Unternehmen stellt die Verwaltung von Smartphones, Tablets und Computern schrittweise vom bisherigen Produkt auf Microsoft Intune um.",
    when: "Ihre Umstellung beginnt am {handoverDay}. An diesem Tag erhalten Sie eine E-Mail mit den Schritten für jedes Ihrer Geräte; pro Gerät dauert es etwa 15 Minuten.",
    whenUnknown:
      "Wenn Sie an der Reihe sind, erhalten Sie eine E-Mail mit den Schritten für jedes Ihrer Geräte; pro Gerät dauert es etwa 15 Minuten.",
    wait: "Bitte warten Sie diese E-Mail ab, bevor Sie etwas ändern: Wer die alte Verwaltung zu früh entfernt, verliert den Zugang zu Firmen-E-Mail und -Apps.",
    cta: "Ihre Geräte und Termine ansehen",
    previewTitle: "Was Sie tun werden, Gerät für Gerät",
  },
  "fr-FR": {
    subject: "Vos appareils passent bientôt à Microsoft Intune",
    subjectDated: "Vos appareils passent à Microsoft Intune le {handoverDay}",
    preheader: "Ce qui change, quand, et ce que vous aurez à faire.",
    heading: "Vos appareils passent à Microsoft Intune",
    intro:
      "L'entreprise transfère la gestion des téléphones, tablettes et ordinateurs de l'outil actuel vers Microsoft Intune. Vous faites partie de la vague de migration « {wave} ».",
    introNoWave:
      "L'entreprise transfère progressivement la gestion des téléphones, tablettes et ordinateurs de l'outil actuel vers Microsoft Intune.",
    when: "Votre bascule commence le {handoverDay}. Ce jour-là, vous recevrez un e-mail avec les étapes pour chacun de vos appareils ; comptez environ 15 minutes par appareil.",
    whenUnknown:
      "Quand ce sera votre tour, vous recevrez un e-mail avec les étapes pour chacun de vos appareils ; comptez environ 15 minutes par appareil.",
    wait: "Merci d'attendre cet e-mail avant de modifier quoi que ce soit : retirer l'ancienne gestion trop tôt vous couperait de la messagerie et des applications de l'entreprise.",
    cta: "Voir vos appareils et les dates",
    previewTitle: "Ce que vous ferez, appareil par appareil",
  },
});

export const announcement: TemplateModule<PersonContext> = {
  compose(ctx: PersonContext, env: Env): Composed {
    const c = COPY[env.locale];
    const v = env.vars(ctx.person.displayName, ctx.helpdesk, ctx.wave);
    return {
      subject: v.handoverDay ? fill(c.subjectDated, v) : c.subject,
      preheader: c.preheader,
      heading: c.heading,
      blocks: [
        paragraph(v.wave ? fill(c.intro, v) : c.introNoWave),
        paragraph(v.handoverDay ? fill(c.when, v) : c.whenUnknown),
        notice(c.wait),
        env.cta(ctx.portalUrl, c.cta),
        ...env.dateFacts(ctx.wave),
        ...env.steps(ctx.devices, c.previewTitle),
        env.contact(ctx.helpdesk),
      ],
    };
  },
};
