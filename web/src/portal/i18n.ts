/**
 * The portal page's own words in the languages Ferry writes e-mails in. Everything about a
 * device (its state, next step and steps) comes from the API already in the person's
 * language, from the same catalog as the e-mails; this file holds only the page around it.
 */

export const PORTAL_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR"] as const;
export type PortalLocale = (typeof PORTAL_LOCALES)[number];

/** Each language named in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<PortalLocale, string> = {
  "en-US": "English (US)",
  "en-GB": "English (UK)",
  "de-DE": "Deutsch",
  "fr-FR": "Français",
};

/** A tag (navigator.language, ?lang=) to one of ours: same rules as the server's, in short. */
export function pickLocale(tag: string | null | undefined): PortalLocale | undefined {
  if (!tag) return undefined;
  const [language = "", region = ""] = tag.replace(/_/g, "-").toLowerCase().split("-");
  const exact = PORTAL_LOCALES.find((l) => l.toLowerCase() === `${language}-${region}`);
  if (exact) return exact;
  if (language === "de") return "de-DE";
  if (language === "fr") return "fr-FR";
  if (language === "en") return ["gb", "uk", "ie", "au", "nz"].includes(region) ? "en-GB" : "en-US";
  return undefined;
}

export interface PortalText {
  documentTitle: string;
  skip: string;
  top: string;
  language: string;
  noLinkTitle: string;
  noLinkBody: string;
  noLinkAsk: string;
  expired: string;
  revoked: string;
  invalid: string;
  failed: string;
  notAffected: string;
  loading: string;
  hello: (name: string) => string;
  lead: string;
  finishBy: [string, string];
  nothingToDo: string;
  yourDevices: string;
  noDevices: string;
  checkAgain: string;
  asking: string;
  checkRequested: (when: string) => string;
  autoCheck: string;
  thanks: string;
  linkUntil: (date: string) => string;
  retireTitle: string;
  retireBody: [string, string];
  retireAfter: string;
  retireConfirm: string;
  cancel: string;
  retireDone: (name: string) => string;
  deviceName: (model: string, ending: string | null) => string;
  platforms: Record<string, string>;
  serialEnding: (ending: string) => string;
  since: (date: string) => string;
  whatToDo: string;
  itIsOnIt: string;
  cannotRemove: string;
  askIt: string;
  needHelp: string;
  contact: (name: string, hours: string) => string;
  theHelpdesk: string;
  call: (phone: string) => string;
  mail: (email: string) => string;
  helpPages: string;
  usualWay: string;
  mailComesBack: string;
}

const EN: PortalText = {
  documentTitle: "Your devices · moving to Microsoft Intune",
  skip: "Skip to content",
  top: "Moving to Microsoft Intune",
  language: "Language",
  noLinkTitle: "Open the link from your e-mail",
  noLinkBody:
    "This page shows your own devices. It opens from the personal link in the e-mail about moving your devices to Microsoft Intune. Open that e-mail and tap the link (all of it).",
  noLinkAsk: "If you cannot find the e-mail, ask your IT helpdesk for a new link.",
  expired: "This link has expired",
  revoked: "This link no longer works",
  invalid: "This link is not valid",
  failed: "Your page could not be loaded",
  notAffected: "Your devices are not affected by this: only the link has stopped working.",
  loading: "Loading your devices…",
  hello: (name) => `Hello ${name}`,
  lead: "Your work devices are moving from the old management system to Microsoft Intune. Here is where each one stands and what to do next.",
  finishBy: ["Please finish by", ". After that, IT removes the old management from your devices remotely."],
  nothingToDo: "There is nothing for you to do right now.",
  yourDevices: "Your devices",
  noDevices: "We have no devices on record for you.",
  checkAgain: "I did it: check again",
  asking: "Asking…",
  checkRequested: (when) => `Check requested ${when}.`,
  autoCheck: "Your devices are also checked automatically every few minutes.",
  thanks: "Thanks. We are checking your devices again now; this page updates by itself in a moment.",
  linkUntil: (date) =>
    `This personal link works until ${date}. Please do not forward it: it opens this page without a password.`,
  retireTitle: "Ask IT to remove the old management?",
  retireBody: [
    "IT removes the old company management from your",
    "remotely. Work data the old system put there (work mail, work apps) is removed; your own photos and apps stay.",
  ],
  retireAfter: "Afterwards, set the device up again for work with the steps on this page.",
  retireConfirm: "Yes, please do it",
  cancel: "Cancel",
  retireDone: (name) =>
    `Done: IT will remove the old management from your ${name}. This page shows when it has happened.`,
  deviceName: (model, ending) => `${model}${ending ? ` ending ${ending}` : ""}`,
  platforms: { ios: "iPhone", ipados: "iPad", android: "Android", macos: "Mac", windows: "Windows PC" },
  serialEnding: (ending) => `serial ending ${ending}`,
  since: (date) => `since ${date}`,
  whatToDo: "What to do",
  itIsOnIt: "IT is on it.",
  cannotRemove: "Cannot remove the old management yourself?",
  askIt: "Ask IT to remove it for me",
  needHelp: "Need help?",
  contact: (name, hours) => `Contact ${name}${hours ? ` (${hours})` : ""}.`,
  theHelpdesk: "the IT helpdesk",
  call: (phone) => `Call ${phone}`,
  mail: (email) => `E-mail ${email}`,
  helpPages: "Help pages",
  usualWay: "Ask your IT helpdesk the usual way.",
  mailComesBack:
    "If you cannot read work e-mail, that is expected while your device moves: it comes back once the device is set up in Intune.",
};

const DE: PortalText = {
  documentTitle: "Ihre Geräte · Umstellung auf Microsoft Intune",
  skip: "Zum Inhalt springen",
  top: "Umstellung auf Microsoft Intune",
  language: "Sprache",
  noLinkTitle: "Öffnen Sie den Link aus Ihrer E-Mail",
  noLinkBody:
    "Diese Seite zeigt Ihre eigenen Geräte. Sie öffnet sich über den persönlichen Link in der E-Mail zur Umstellung Ihrer Geräte auf Microsoft Intune. Öffnen Sie diese E-Mail und tippen Sie auf den Link (den ganzen).",
  noLinkAsk: "Wenn Sie die E-Mail nicht finden, bitten Sie Ihren IT-Helpdesk um einen neuen Link.",
  expired: "Dieser Link ist abgelaufen",
  revoked: "Dieser Link funktioniert nicht mehr",
  invalid: "Dieser Link ist ungültig",
  failed: "Ihre Seite konnte nicht geladen werden",
  notAffected: "Ihre Geräte sind davon nicht betroffen: Nur der Link funktioniert nicht mehr.",
  loading: "Ihre Geräte werden geladen …",
  hello: (name) => `Hallo ${name}`,
  lead: "Ihre dienstlichen Geräte wechseln vom alten Verwaltungssystem zu Microsoft Intune. Hier sehen Sie, wo jedes Gerät steht und was als Nächstes zu tun ist.",
  finishBy: [
    "Bitte schließen Sie bis",
    " ab. Danach entfernt die IT die alte Verwaltung aus der Ferne von Ihren Geräten.",
  ],
  nothingToDo: "Im Moment ist für Sie nichts zu tun.",
  yourDevices: "Ihre Geräte",
  noDevices: "Für Sie sind keine Geräte erfasst.",
  checkAgain: "Erledigt: erneut prüfen",
  asking: "Wird angefragt …",
  checkRequested: (when) => `Prüfung angefordert am ${when}.`,
  autoCheck: "Ihre Geräte werden außerdem alle paar Minuten automatisch geprüft.",
  thanks: "Danke. Wir prüfen Ihre Geräte jetzt erneut; diese Seite aktualisiert sich gleich von selbst.",
  linkUntil: (date) =>
    `Dieser persönliche Link gilt bis ${date}. Bitte leiten Sie ihn nicht weiter: Er öffnet diese Seite ohne Passwort.`,
  retireTitle: "Die IT bitten, die alte Verwaltung zu entfernen?",
  retireBody: [
    "Die IT entfernt die alte Unternehmensverwaltung aus der Ferne von Ihrem Gerät",
    ". Dienstliche Daten des alten Systems (dienstliche E-Mails und Apps) werden entfernt; Ihre eigenen Fotos und Apps bleiben.",
  ],
  retireAfter: "Richten Sie das Gerät danach mit den Schritten auf dieser Seite wieder für die Arbeit ein.",
  retireConfirm: "Ja, bitte",
  cancel: "Abbrechen",
  retireDone: (name) =>
    `Erledigt: Die IT entfernt die alte Verwaltung von Ihrem Gerät ${name}. Diese Seite zeigt, wenn es geschehen ist.`,
  deviceName: (model, ending) => `${model}${ending ? ` mit Endung ${ending}` : ""}`,
  platforms: { ios: "iPhone", ipados: "iPad", android: "Android", macos: "Mac", windows: "Windows-PC" },
  serialEnding: (ending) => `Seriennummer endet auf ${ending}`,
  since: (date) => `seit ${date}`,
  whatToDo: "Das ist zu tun",
  itIsOnIt: "Die IT kümmert sich darum.",
  cannotRemove: "Sie können die alte Verwaltung nicht selbst entfernen?",
  askIt: "Die IT bitten, sie zu entfernen",
  needHelp: "Brauchen Sie Hilfe?",
  contact: (name, hours) => `Wenden Sie sich an ${name}${hours ? ` (${hours})` : ""}.`,
  theHelpdesk: "den IT-Helpdesk",
  call: (phone) => `${phone} anrufen`,
  mail: (email) => `E-Mail an ${email}`,
  helpPages: "Hilfeseiten",
  usualWay: "Wenden Sie sich wie gewohnt an Ihren IT-Helpdesk.",
  mailComesBack:
    "Wenn Sie keine dienstlichen E-Mails lesen können, ist das während der Umstellung normal: Sie kommen zurück, sobald das Gerät in Intune eingerichtet ist.",
};

const FR: PortalText = {
  documentTitle: "Vos appareils · migration vers Microsoft Intune",
  skip: "Aller au contenu",
  top: "Migration vers Microsoft Intune",
  language: "Langue",
  noLinkTitle: "Ouvrez le lien de votre e-mail",
  noLinkBody:
    "Cette page montre vos propres appareils. Elle s'ouvre depuis le lien personnel de l'e-mail sur la migration de vos appareils vers Microsoft Intune. Ouvrez cet e-mail et touchez le lien (en entier).",
  noLinkAsk: "Si vous ne trouvez pas l'e-mail, demandez un nouveau lien à votre support informatique.",
  expired: "Ce lien a expiré",
  revoked: "Ce lien ne fonctionne plus",
  invalid: "Ce lien n'est pas valide",
  failed: "Votre page n'a pas pu être chargée",
  notAffected: "Vos appareils ne sont pas concernés : seul le lien ne fonctionne plus.",
  loading: "Chargement de vos appareils…",
  hello: (name) => `Bonjour ${name}`,
  lead: "Vos appareils professionnels passent de l'ancien système de gestion à Microsoft Intune. Voici où en est chacun et ce qu'il reste à faire.",
  finishBy: [
    "Merci de terminer avant le",
    ". Ensuite, le service informatique retire l'ancienne gestion de vos appareils à distance.",
  ],
  nothingToDo: "Vous n'avez rien à faire pour le moment.",
  yourDevices: "Vos appareils",
  noDevices: "Aucun appareil n'est enregistré à votre nom.",
  checkAgain: "C'est fait : vérifier à nouveau",
  asking: "Demande en cours…",
  checkRequested: (when) => `Vérification demandée le ${when}.`,
  autoCheck: "Vos appareils sont aussi vérifiés automatiquement toutes les quelques minutes.",
  thanks:
    "Merci. Nous vérifions à nouveau vos appareils ; cette page se met à jour d'elle-même dans un instant.",
  linkUntil: (date) =>
    `Ce lien personnel est valable jusqu'au ${date}. Ne le transférez pas : il ouvre cette page sans mot de passe.`,
  retireTitle: "Demander au service informatique de retirer l'ancienne gestion ?",
  retireBody: [
    "Le service informatique retire à distance l'ancienne gestion de votre appareil",
    ". Les données professionnelles de l'ancien système (messagerie et applications professionnelles) sont supprimées ; vos photos et applications personnelles restent.",
  ],
  retireAfter: "Ensuite, configurez à nouveau l'appareil pour le travail avec les étapes de cette page.",
  retireConfirm: "Oui, merci",
  cancel: "Annuler",
  retireDone: (name) =>
    `C'est noté : le service informatique retirera l'ancienne gestion de votre appareil ${name}. Cette page l'indiquera une fois fait.`,
  deviceName: (model, ending) => `${model}${ending ? ` se terminant par ${ending}` : ""}`,
  platforms: { ios: "iPhone", ipados: "iPad", android: "Android", macos: "Mac", windows: "PC Windows" },
  serialEnding: (ending) => `numéro de série se terminant par ${ending}`,
  since: (date) => `depuis le ${date}`,
  whatToDo: "Que faire",
  itIsOnIt: "Le service informatique s'en occupe.",
  cannotRemove: "Vous ne pouvez pas retirer l'ancienne gestion vous-même ?",
  askIt: "Demander au service informatique de le faire",
  needHelp: "Besoin d'aide ?",
  contact: (name, hours) => `Contactez ${name}${hours ? ` (${hours})` : ""}.`,
  theHelpdesk: "le support informatique",
  call: (phone) => `Appeler le ${phone}`,
  mail: (email) => `Écrire à ${email}`,
  helpPages: "Pages d'aide",
  usualWay: "Contactez votre support informatique comme d'habitude.",
  mailComesBack:
    "Si vous ne pouvez pas lire vos e-mails professionnels, c'est normal pendant la migration : ils reviennent dès que l'appareil est configuré dans Intune.",
};

export const TEXT: Record<PortalLocale, PortalText> = {
  "en-US": EN,
  "en-GB": EN,
  "de-DE": DE,
  "fr-FR": FR,
};
