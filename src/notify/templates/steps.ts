/**
 * The steps for one device, by its path out of the old product and its platform, in every
 * message locale. Steps name the exact menus of each OS in that language. A device the admin
 * retires remotely skips the removal step; a reset or an Apple Business Manager deadline has
 * steps of its own. Posters use the short form, one sentence per kind.
 */
import type { Platform } from "../../core/platform.ts";
import { catalog, type DateFormatter, type MessageLocale } from "../locale.ts";
import type { DeviceInfo } from "./context.ts";
import { fill } from "./fill.ts";

/** What a person does with a device: the unit the steps and the poster are written in. */
export const STEP_KINDS = [
  "apple", // iPhone/iPad enrolled with a profile (personal or corporate, not ADE)
  "android-work-profile",
  "android-reset", // Android fully managed, COPE, dedicated: only a reset moves it
  "apple-reset", // Apple ADE below OS 26: erase and re-run Setup Assistant
  "apple-deadline", // Apple ADE on OS 26+: reassigned in ABM, the user accepts a notice
  "macos",
  "macos-ade",
  "windows",
  "unsupported",
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The kinds a poster explains (a poster is for everyone, so no per-device special cases). */
export const POSTER_KINDS: readonly StepKind[] = [
  "apple",
  "android-work-profile",
  "android-reset",
  "apple-deadline",
  "macos",
  "windows",
];

export function stepKind(d: Pick<DeviceInfo, "platform" | "mode" | "path">): StepKind {
  if (d.path === "unsupported-os" || d.path === "no-owner") return "unsupported";
  if (d.path === "apple-migration-deadline") return "apple-deadline";
  if (d.path === "factory-reset") {
    if (d.platform === "android") return "android-reset";
    return d.platform === "macos" ? "macos-ade" : "apple-reset";
  }
  switch (d.platform) {
    case "android":
      return d.mode === "android-fully-managed" || d.mode === "android-cope" || d.mode === "android-dedicated"
        ? "android-reset"
        : "android-work-profile";
    case "macos":
      return d.mode === "macos-ade" ? "macos-ade" : "macos";
    case "windows":
      return "windows";
    default:
      return d.mode === "apple-ade" ? "apple-reset" : "apple";
  }
}

interface KindSteps {
  /** leaving the old product (skipped when IT retires the device remotely) */
  remove: string[];
  /** getting into Intune */
  enroll: string[];
}

interface StepsCopy {
  platform: Record<Platform, string>;
  /** appended to the platform name for kinds that need telling apart */
  kindLabel: Partial<Record<StepKind, string>>;
  adminRemoves: string;
  kinds: Record<Exclude<StepKind, "apple-deadline">, KindSteps>;
  /** {deadline} */
  appleDeadline: string[];
  appleNoDeadline: string[];
  poster: Record<StepKind, string>;
  posterTitle: Record<StepKind, string>;
}

const PLATFORM_NAMES: Record<Platform, string> = {
  ios: "iOS",
  ipados: "iPadOS",
  android: "Android",
  macos: "macOS",
  windows: "Windows",
};

const STEPS = catalog<StepsCopy>({
  "en-US": {
    platform: PLATFORM_NAMES,
    kindLabel: {
      "android-work-profile": "work profile",
      "android-reset": "company-managed, reset needed",
      "apple-reset": "company-managed, reset needed",
      "apple-deadline": "company-managed, moved for you",
      "macos-ade": "company-managed",
      unsupported: "not supported by Intune yet",
    },
    adminRemoves:
      "IT removes the old management from this device remotely: you don't need to do that part. Once the old company apps have disappeared, continue with the next step.",
    kinds: {
      apple: {
        remove: [
          "Remove the old management profile: Settings › General › VPN & Device Management › select the company profile › Remove Management.",
        ],
        enroll: [
          "Install Intune Company Portal from the App Store, open it and sign in with your work account.",
          "Follow the steps in Company Portal; when asked, install the downloaded profile (Settings › Profile Downloaded).",
        ],
      },
      "android-work-profile": {
        remove: [
          "Remove the old work profile: Settings › Accounts (or Passwords & accounts) › Work › Remove work profile.",
        ],
        enroll: [
          "Install Intune Company Portal from Google Play, open it and sign in with your work account.",
          "Let Company Portal create the new work profile; your work apps then show a briefcase badge.",
        ],
      },
      "android-reset": {
        remove: [],
        enroll: [
          "Back up what you need: the reset erases everything on the device.",
          "Reset the device: Settings › System › Reset options › Erase all data (factory reset). If you prefer, book a slot with the helpdesk and IT does it with you.",
          "During setup, tap the welcome screen six times and scan the enrollment QR code from IT (devices registered for zero-touch enroll by themselves). Then sign in with your work account.",
        ],
      },
      "apple-reset": {
        remove: [],
        enroll: [
          "Back up what you need (for example to iCloud): the reset erases everything on the device.",
          "Erase the device: Settings › General › Transfer or Reset iPhone (or iPad) › Erase All Content and Settings.",
          "During setup, on the Remote Management screen, sign in with your work account: the device enrolls in Intune.",
        ],
      },
      macos: {
        remove: [
          "Remove the old management profile: System Settings › General › Device Management (on macOS 14: Privacy & Security › Profiles), select the company profile and remove it. If the old product installed an agent app, remove it too.",
        ],
        enroll: [
          "Install Intune Company Portal for Mac (the download link is on your personal page), open it and sign in with your work account.",
          "Follow the steps in Company Portal and allow the management profile in System Settings when asked.",
        ],
      },
      "macos-ade": {
        remove: [
          "Remove the old management profile: System Settings › General › Device Management (on macOS 14: Privacy & Security › Profiles), select the company profile and remove it.",
        ],
        enroll: [
          "When the Device Enrollment notification appears, click it and follow the steps; sign in with your work account when asked.",
        ],
      },
      windows: {
        remove: [
          "Disconnect the old management: Settings › Accounts › Access work or school › select the company account › Disconnect.",
        ],
        enroll: [
          "Connect to Intune: Settings › Accounts › Access work or school › Connect, then sign in with your work account.",
          "Restart when asked. Company Portal then shows the device as managed.",
        ],
      },
      unsupported: {
        remove: [],
        enroll: [
          "This device's operating system is too old for Intune. Update it (Settings › Software Update), or ask the helpdesk about a replacement.",
        ],
      },
    },
    appleDeadline: [
      "A notice about a management change appears on the device. Accept it before {deadline}: your apps and data stay.",
      "If you do nothing, the change happens by itself at the deadline.",
    ],
    appleNoDeadline: [
      "IT moves this device to Intune for you. A notice about a management change will appear on the device: accept it when it does; your apps and data stay.",
    ],
    posterTitle: {
      apple: "iPhone and iPad",
      "android-work-profile": "Android with a work profile",
      "android-reset": "Company Android (fully managed)",
      "apple-reset": "Company iPhone and iPad (reset)",
      "apple-deadline": "Company iPhone, iPad and Mac",
      macos: "Mac",
      "macos-ade": "Company Mac",
      windows: "Windows",
      unsupported: "Older devices",
    },
    poster: {
      apple:
        "Remove the company profile (Settings › General › VPN & Device Management), then install Company Portal and sign in.",
      "android-work-profile":
        "Remove the old work profile, then install Company Portal from Google Play and sign in.",
      "android-reset":
        "Back up, reset the device, then enroll during setup with IT's QR code and your work account.",
      "apple-reset": "Back up, erase the device, then sign in with your work account during setup.",
      "apple-deadline":
        "Accept the management change notice on the device before your deadline: apps and data stay.",
      macos:
        "Remove the old profile (System Settings › General › Device Management), install Company Portal and sign in.",
      "macos-ade": "Click the Device Enrollment notification and sign in with your work account.",
      windows:
        "Settings › Accounts › Access work or school: disconnect the old account, then Connect with your work account.",
      unsupported: "Update the operating system or ask the helpdesk about a replacement.",
    },
  },
  "de-DE": {
    platform: PLATFORM_NAMES,
    kindLabel: {
      "android-work-profile": "Arbeitsprofil",
      "android-reset": "firmenverwaltet, Zurücksetzen nötig",
      "apple-reset": "firmenverwaltet, Zurücksetzen nötig",
      "apple-deadline": "firmenverwaltet, wird für Sie umgestellt",
      "macos-ade": "firmenverwaltet",
      unsupported: "von Intune noch nicht unterstützt",
    },
    adminRemoves:
      "Die IT entfernt die alte Verwaltung per Fernzugriff von diesem Gerät – darum müssen Sie sich nicht kümmern. Sobald die alten Firmen-Apps verschwunden sind, machen Sie mit dem nächsten Schritt weiter.",
    kinds: {
      apple: {
        remove: [
          "Entfernen Sie das alte Verwaltungsprofil: Einstellungen › Allgemein › VPN und Geräteverwaltung › Firmenprofil auswählen › Verwaltung entfernen.",
        ],
        enroll: [
          "Installieren Sie das Intune-Unternehmensportal aus dem App Store, öffnen Sie es und melden Sie sich mit Ihrem Arbeitskonto an.",
          "Folgen Sie den Schritten im Unternehmensportal; installieren Sie das geladene Profil, wenn Sie dazu aufgefordert werden (Einstellungen › Profil geladen).",
        ],
      },
      "android-work-profile": {
        remove: [
          "Entfernen Sie das alte Arbeitsprofil: Einstellungen › Konten (oder Passwörter und Konten) › Arbeit › Arbeitsprofil entfernen.",
        ],
        enroll: [
          "Installieren Sie das Intune-Unternehmensportal aus Google Play, öffnen Sie es und melden Sie sich mit Ihrem Arbeitskonto an.",
          "Lassen Sie das Unternehmensportal das neue Arbeitsprofil einrichten; Ihre Arbeits-Apps tragen dann ein Aktenkoffer-Symbol.",
        ],
      },
      "android-reset": {
        remove: [],
        enroll: [
          "Sichern Sie, was Sie brauchen: Das Zurücksetzen löscht alles auf dem Gerät.",
          "Setzen Sie das Gerät zurück: Einstellungen › System › Optionen zum Zurücksetzen › Alle Daten löschen (auf Werkseinstellungen zurücksetzen). Wenn Ihnen das lieber ist, buchen Sie einen Termin beim Helpdesk, und die IT erledigt es mit Ihnen.",
          "Tippen Sie bei der Einrichtung sechsmal auf den Willkommensbildschirm und scannen Sie den Registrierungs-QR-Code der IT (für Zero-Touch registrierte Geräte melden sich von selbst an). Melden Sie sich dann mit Ihrem Arbeitskonto an.",
        ],
      },
      "apple-reset": {
        remove: [],
        enroll: [
          "Sichern Sie, was Sie brauchen (zum Beispiel in iCloud): Das Zurücksetzen löscht alles auf dem Gerät.",
          "Löschen Sie das Gerät: Einstellungen › Allgemein › iPhone (bzw. iPad) übertragen/zurücksetzen › Alle Inhalte & Einstellungen löschen.",
          "Melden Sie sich bei der Einrichtung auf dem Bildschirm „Entfernte Verwaltung“ mit Ihrem Arbeitskonto an: Das Gerät wird in Intune registriert.",
        ],
      },
      macos: {
        remove: [
          "Entfernen Sie das alte Verwaltungsprofil: Systemeinstellungen › Allgemein › Geräteverwaltung (unter macOS 14: Datenschutz & Sicherheit › Profile), Firmenprofil auswählen und entfernen. Hat das alte Produkt eine Agent-App installiert, entfernen Sie auch diese.",
        ],
        enroll: [
          "Installieren Sie das Intune-Unternehmensportal für den Mac (den Download-Link finden Sie auf Ihrer persönlichen Seite), öffnen Sie es und melden Sie sich mit Ihrem Arbeitskonto an.",
          "Folgen Sie den Schritten im Unternehmensportal und erlauben Sie das Verwaltungsprofil in den Systemeinstellungen, wenn Sie dazu aufgefordert werden.",
        ],
      },
      "macos-ade": {
        remove: [
          "Entfernen Sie das alte Verwaltungsprofil: Systemeinstellungen › Allgemein › Geräteverwaltung (unter macOS 14: Datenschutz & Sicherheit › Profile), Firmenprofil auswählen und entfernen.",
        ],
        enroll: [
          "Wenn die Mitteilung „Geräteregistrierung“ erscheint, klicken Sie darauf und folgen Sie den Schritten; melden Sie sich mit Ihrem Arbeitskonto an, wenn Sie gefragt werden.",
        ],
      },
      windows: {
        remove: [
          "Trennen Sie die alte Verwaltung: Einstellungen › Konten › Auf Arbeits- oder Schulkonto zugreifen › Firmenkonto auswählen › Trennen.",
        ],
        enroll: [
          "Verbinden Sie das Gerät mit Intune: Einstellungen › Konten › Auf Arbeits- oder Schulkonto zugreifen › Verbinden, dann mit Ihrem Arbeitskonto anmelden.",
          "Starten Sie neu, wenn Sie dazu aufgefordert werden. Danach zeigt das Unternehmensportal das Gerät als verwaltet an.",
        ],
      },
      unsupported: {
        remove: [],
        enroll: [
          "Das Betriebssystem dieses Geräts ist für Intune zu alt. Aktualisieren Sie es (Einstellungen › Softwareupdate) oder fragen Sie den Helpdesk nach einem Ersatzgerät.",
        ],
      },
    },
    appleDeadline: [
      "Auf dem Gerät erscheint ein Hinweis auf einen Verwaltungswechsel. Bestätigen Sie ihn bis spätestens {deadline}: Ihre Apps und Daten bleiben erhalten.",
      "Wenn Sie nichts tun, erfolgt der Wechsel zum Stichtag automatisch.",
    ],
    appleNoDeadline: [
      "Die IT stellt dieses Gerät für Sie auf Intune um. Auf dem Gerät erscheint ein Hinweis auf einen Verwaltungswechsel: Bestätigen Sie ihn, sobald er erscheint; Ihre Apps und Daten bleiben erhalten.",
    ],
    posterTitle: {
      apple: "iPhone und iPad",
      "android-work-profile": "Android mit Arbeitsprofil",
      "android-reset": "Firmen-Android (verwaltet)",
      "apple-reset": "Firmen-iPhone und -iPad (Zurücksetzen)",
      "apple-deadline": "Firmen-iPhone, -iPad und -Mac",
      macos: "Mac",
      "macos-ade": "Firmen-Mac",
      windows: "Windows",
      unsupported: "Ältere Geräte",
    },
    poster: {
      apple:
        "Firmenprofil entfernen (Einstellungen › Allgemein › VPN und Geräteverwaltung), dann das Unternehmensportal installieren und anmelden.",
      "android-work-profile":
        "Altes Arbeitsprofil entfernen, dann das Unternehmensportal aus Google Play installieren und anmelden.",
      "android-reset":
        "Daten sichern, Gerät zurücksetzen, bei der Einrichtung mit dem QR-Code der IT und Ihrem Arbeitskonto registrieren.",
      "apple-reset": "Daten sichern, Gerät löschen, bei der Einrichtung mit Ihrem Arbeitskonto anmelden.",
      "apple-deadline":
        "Den Hinweis zum Verwaltungswechsel auf dem Gerät vor Ihrem Stichtag bestätigen: Apps und Daten bleiben.",
      macos:
        "Altes Profil entfernen (Systemeinstellungen › Allgemein › Geräteverwaltung), Unternehmensportal installieren und anmelden.",
      "macos-ade": "Auf die Mitteilung „Geräteregistrierung“ klicken und mit Ihrem Arbeitskonto anmelden.",
      windows:
        "Einstellungen › Konten › Auf Arbeits- oder Schulkonto zugreifen: altes Konto trennen, dann mit Ihrem Arbeitskonto verbinden.",
      unsupported: "Betriebssystem aktualisieren oder den Helpdesk nach einem Ersatzgerät fragen.",
    },
  },
  "fr-FR": {
    platform: PLATFORM_NAMES,
    kindLabel: {
      "android-work-profile": "profil professionnel",
      "android-reset": "géré par l'entreprise, réinitialisation nécessaire",
      "apple-reset": "géré par l'entreprise, réinitialisation nécessaire",
      "apple-deadline": "géré par l'entreprise, migré pour vous",
      "macos-ade": "géré par l'entreprise",
      unsupported: "pas encore pris en charge par Intune",
    },
    adminRemoves:
      "Le service informatique retire l'ancienne gestion de cet appareil à distance : vous n'avez rien à faire pour cette partie. Une fois les anciennes applications d'entreprise disparues, passez à l'étape suivante.",
    kinds: {
      apple: {
        remove: [
          "Supprimez l'ancien profil de gestion : Réglages › Général › VPN et gestion de l'appareil › choisissez le profil de l'entreprise › Supprimer la gestion.",
        ],
        enroll: [
          "Installez Portail d'entreprise Intune depuis l'App Store, ouvrez-le et connectez-vous avec votre compte professionnel.",
          "Suivez les étapes de Portail d'entreprise ; installez le profil téléchargé lorsque cela vous est demandé (Réglages › Profil téléchargé).",
        ],
      },
      "android-work-profile": {
        remove: [
          "Supprimez l'ancien profil professionnel : Paramètres › Comptes (ou Mots de passe et comptes) › Professionnel › Supprimer le profil professionnel.",
        ],
        enroll: [
          "Installez Portail d'entreprise Intune depuis Google Play, ouvrez-le et connectez-vous avec votre compte professionnel.",
          "Laissez Portail d'entreprise créer le nouveau profil professionnel ; vos applications professionnelles portent alors une icône de mallette.",
        ],
      },
      "android-reset": {
        remove: [],
        enroll: [
          "Sauvegardez ce dont vous avez besoin : la réinitialisation efface tout le contenu de l'appareil.",
          "Réinitialisez l'appareil : Paramètres › Système › Options de réinitialisation › Effacer toutes les données (rétablir la configuration d'usine). Si vous préférez, prenez rendez-vous avec le support et le service informatique le fera avec vous.",
          "Pendant la configuration, touchez six fois l'écran d'accueil et scannez le code QR d'inscription fourni par le service informatique (les appareils enregistrés en zero-touch s'inscrivent seuls). Connectez-vous ensuite avec votre compte professionnel.",
        ],
      },
      "apple-reset": {
        remove: [],
        enroll: [
          "Sauvegardez ce dont vous avez besoin (par exemple dans iCloud) : la réinitialisation efface tout le contenu de l'appareil.",
          "Effacez l'appareil : Réglages › Général › Transférer ou réinitialiser l'iPhone (ou l'iPad) › Effacer contenu et réglages.",
          "Pendant la configuration, sur l'écran « Gestion à distance », connectez-vous avec votre compte professionnel : l'appareil s'inscrit dans Intune.",
        ],
      },
      macos: {
        remove: [
          "Supprimez l'ancien profil de gestion : Réglages Système › Général › Gestion des appareils (sous macOS 14 : Confidentialité et sécurité › Profils), choisissez le profil de l'entreprise et supprimez-le. Si l'ancien produit a installé un agent, désinstallez-le aussi.",
        ],
        enroll: [
          "Installez Portail d'entreprise Intune pour Mac (le lien de téléchargement figure sur votre page personnelle), ouvrez-le et connectez-vous avec votre compte professionnel.",
          "Suivez les étapes de Portail d'entreprise et autorisez le profil de gestion dans les Réglages Système lorsque cela vous est demandé.",
        ],
      },
      "macos-ade": {
        remove: [
          "Supprimez l'ancien profil de gestion : Réglages Système › Général › Gestion des appareils (sous macOS 14 : Confidentialité et sécurité › Profils), choisissez le profil de l'entreprise et supprimez-le.",
        ],
        enroll: [
          "Lorsque la notification « Inscription de l'appareil » apparaît, cliquez dessus et suivez les étapes ; connectez-vous avec votre compte professionnel si cela vous est demandé.",
        ],
      },
      windows: {
        remove: [
          "Déconnectez l'ancienne gestion : Paramètres › Comptes › Accès Professionnel ou Scolaire › choisissez le compte de l'entreprise › Déconnecter.",
        ],
        enroll: [
          "Connectez l'appareil à Intune : Paramètres › Comptes › Accès Professionnel ou Scolaire › Connecter, puis connectez-vous avec votre compte professionnel.",
          "Redémarrez lorsque cela vous est demandé. Portail d'entreprise affiche ensuite l'appareil comme géré.",
        ],
      },
      unsupported: {
        remove: [],
        enroll: [
          "Le système d'exploitation de cet appareil est trop ancien pour Intune. Mettez-le à jour (Réglages › Mise à jour logicielle) ou demandez un remplacement au support.",
        ],
      },
    },
    appleDeadline: [
      "Un avis de changement de gestion s'affiche sur l'appareil. Acceptez-le avant le {deadline} : vos applications et vos données sont conservées.",
      "Si vous ne faites rien, le changement a lieu automatiquement à la date limite.",
    ],
    appleNoDeadline: [
      "Le service informatique migre cet appareil vers Intune pour vous. Un avis de changement de gestion s'affichera sur l'appareil : acceptez-le dès qu'il apparaît ; vos applications et vos données sont conservées.",
    ],
    posterTitle: {
      apple: "iPhone et iPad",
      "android-work-profile": "Android avec profil professionnel",
      "android-reset": "Android d'entreprise (géré)",
      "apple-reset": "iPhone et iPad d'entreprise (réinitialisation)",
      "apple-deadline": "iPhone, iPad et Mac d'entreprise",
      macos: "Mac",
      "macos-ade": "Mac d'entreprise",
      windows: "Windows",
      unsupported: "Appareils anciens",
    },
    poster: {
      apple:
        "Supprimez le profil de l'entreprise (Réglages › Général › VPN et gestion de l'appareil), puis installez Portail d'entreprise et connectez-vous.",
      "android-work-profile":
        "Supprimez l'ancien profil professionnel, puis installez Portail d'entreprise depuis Google Play et connectez-vous.",
      "android-reset":
        "Sauvegardez, réinitialisez l'appareil, puis inscrivez-le pendant la configuration avec le code QR du service informatique.",
      "apple-reset": "Sauvegardez, effacez l'appareil, puis connectez-vous avec votre compte professionnel.",
      "apple-deadline":
        "Acceptez l'avis de changement de gestion sur l'appareil avant votre date limite : applications et données restent.",
      macos:
        "Supprimez l'ancien profil (Réglages Système › Général › Gestion des appareils), installez Portail d'entreprise et connectez-vous.",
      "macos-ade": "Cliquez sur la notification « Inscription de l'appareil » et connectez-vous.",
      windows:
        "Paramètres › Comptes › Accès Professionnel ou Scolaire : déconnectez l'ancien compte, puis Connecter avec votre compte professionnel.",
      unsupported: "Mettez à jour le système ou demandez un remplacement au support.",
    },
  },
});

export interface DeviceSteps {
  kind: StepKind;
  /** "iPhone 15 (iOS)", "Pixel 8 (Android, work profile)" */
  title: string;
  steps: string[];
}

/** "iPhone 15 (iOS)", or with the kind for devices that need telling apart: "Pixel 8 (Android, work profile)". */
export function deviceTitle(d: DeviceInfo, locale: MessageLocale, withKind = true): string {
  const copy = STEPS[locale];
  const kind = stepKind(d);
  const label = withKind ? copy.kindLabel[kind] : undefined;
  const platform = copy.platform[d.platform] ?? d.platform;
  return `${d.name} (${label ? `${platform}, ${label}` : platform})`;
}

/**
 * The ordered steps for one device, in `locale`, dates in the reader's formatter. With
 * `enrollOnly` (a device already out of the old product, in limbo) the removal is left out.
 */
export function deviceSteps(
  d: DeviceInfo,
  locale: MessageLocale,
  dates: DateFormatter,
  options: { enrollOnly?: boolean } = {},
): DeviceSteps {
  const copy = STEPS[locale];
  const kind = stepKind(d);
  let steps: string[];
  if (kind === "apple-deadline") {
    steps = d.appleDeadlineAt
      ? copy.appleDeadline.map((s) => fill(s, { deadline: dates.moment(d.appleDeadlineAt!) }))
      : [...copy.appleNoDeadline];
  } else {
    const k = copy.kinds[kind];
    const remove = options.enrollOnly
      ? []
      : d.path === "admin-retire" && k.remove.length > 0
        ? [copy.adminRemoves]
        : k.remove;
    steps = [...remove, ...k.enroll];
  }
  return { kind, title: deviceTitle(d, locale), steps };
}

/** One sentence per kind, with its heading, for posters. */
export function posterSteps(locale: MessageLocale, kinds: readonly StepKind[] = POSTER_KINDS) {
  const copy = STEPS[locale];
  return kinds.map((k) => ({ kind: k, title: copy.posterTitle[k], text: copy.poster[k] }));
}
