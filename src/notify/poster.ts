/**
 * A printable A4 poster per wave: the title, the wave's dates (announcement, switch-over,
 * deadline), the steps per platform in one sentence each, a QR code to the portal's general
 * instructions, and the helpdesk contact. One page always: every text sits in a fixed box
 * (long text is cut with an ellipsis rather than spilling onto a second page).
 *
 * The built-in Helvetica covers Western European text (Windows-1252); for names or a
 * language outside it, pass TrueType fonts in `fonts`.
 */
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Millis } from "../core/time.ts";
import { catalog, DateFormatter, formattingLocale, resolveLocale } from "./locale.ts";
import type { HelpdeskContact } from "./templates/context.ts";
import { safeHttpUrl } from "./templates/layout.ts";
import { POSTER_KINDS, posterSteps, type StepKind } from "./templates/steps.ts";

export interface PosterWave {
  name: string;
  announceAt?: Millis;
  handoverAt?: Millis;
  deadlineAt?: Millis;
}

export interface PosterOptions {
  /** the portal's general instructions page: printed as a QR code and as text */
  instructionsUrl: string;
  helpdesk: HelpdeskContact;
  /** the poster's language (a BCP 47 tag, resolved like a person's); default en-US */
  locale?: string;
  /** the zone the dates are printed in (the office's); default UTC */
  timeZone?: string;
  organisation?: string;
  /** the platforms explained; default: the six common kinds */
  kinds?: readonly StepKind[];
  /** deflate the page content (default true; tests read the text with false) */
  compress?: boolean;
  /** the PDF's creation date (default: the announcement, so equal input gives equal bytes) */
  generatedAt?: Millis;
  /** TrueType/OpenType fonts for text beyond Windows-1252 */
  fonts?: { regular: string | Buffer; bold: string | Buffer };
}

interface PosterCopy {
  title: string;
  waveLabel: string;
  announce: string;
  handover: string;
  deadline: string;
  notYet: string;
  wait: string;
  stepsTitle: string;
  qrCaption: string;
  helpTitle: string;
  phone: string;
  email: string;
  hours: string;
}

const COPY = catalog<PosterCopy>({
  "en-US": {
    title: "Moving to Microsoft Intune",
    waveLabel: "Migration wave",
    announce: "Announcement",
    handover: "Switch-over starts",
    deadline: "Deadline",
    notYet: "to be announced",
    wait: "Wait for your personal e-mail before you start: it lists the steps for each of your devices.",
    stepsTitle: "What to do, by device",
    qrCaption: "Scan for the step-by-step instructions",
    helpTitle: "Questions? Your helpdesk",
    phone: "Phone",
    email: "E-mail",
    hours: "Hours",
  },
  "de-DE": {
    title: "Wechsel zu Microsoft Intune",
    waveLabel: "Umstellungswelle",
    announce: "Ankündigung",
    handover: "Beginn der Umstellung",
    deadline: "Frist",
    notYet: "wird noch bekannt gegeben",
    wait: "Warten Sie auf Ihre persönliche E-Mail, bevor Sie beginnen: Sie enthält die Schritte für jedes Ihrer Geräte.",
    stepsTitle: "Was zu tun ist, je Gerät",
    qrCaption: "Scannen für die Schritt-für-Schritt-Anleitung",
    helpTitle: "Fragen? Ihr Helpdesk",
    phone: "Telefon",
    email: "E-Mail",
    hours: "Erreichbar",
  },
  "fr-FR": {
    title: "Passage à Microsoft Intune",
    waveLabel: "Vague de migration",
    announce: "Annonce",
    handover: "Début de la bascule",
    deadline: "Date limite",
    notYet: "à venir",
    wait: "Attendez votre e-mail personnel avant de commencer : il indique les étapes pour chacun de vos appareils.",
    stepsTitle: "Que faire, selon l'appareil",
    qrCaption: "Scannez pour les instructions pas à pas",
    helpTitle: "Des questions ? Votre support",
    phone: "Téléphone",
    email: "E-mail",
    hours: "Horaires",
  },
});

/**
 * The QR code of a URL as the PNG the poster embeds: grayscale without alpha, so the PDF
 * carries its compressed pixel data unchanged (and a test can find it there).
 */
export async function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(safeHttpUrl(url), {
    type: "png",
    errorCorrectionLevel: "M",
    margin: 2,
    scale: 8,
    color: { dark: "#000000", light: "#ffffff" },
    // pngjs option through qrcode: an 8-bit grayscale PNG (colour type 0) instead of RGBA
    rendererOpts: { colorType: 0 } as Record<string, unknown>,
  });
}

const INK = "#111827";
const MUTED = "#374151";
const ACCENT = "#0b57d0";
const PANEL = "#eef2ff";

/** Renders the poster; resolves to the PDF bytes. */
export async function renderPoster(wave: PosterWave, options: PosterOptions): Promise<Buffer> {
  const locale = resolveLocale(options.locale);
  const c = COPY[locale];
  const dates = new DateFormatter(formattingLocale(options.locale, locale), options.timeZone ?? "UTC");
  const url = safeHttpUrl(options.instructionsUrl);
  const png = await qrPng(url);
  const created = options.generatedAt ?? wave.announceAt ?? 0;

  const doc = new PDFDocument({
    size: "A4",
    margin: 40,
    compress: options.compress ?? true,
    autoFirstPage: true,
    lang: locale,
    displayTitle: true,
    info: {
      Title: `${c.title}: ${wave.name}`,
      Subject: wave.name,
      Creator: "Ferry",
      Producer: "Ferry",
      CreationDate: new Date(created),
      ModDate: new Date(created),
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (b: Buffer) => chunks.push(b));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  let regular = "Helvetica";
  let bold = "Helvetica-Bold";
  if (options.fonts) {
    doc.registerFont("poster-regular", options.fonts.regular);
    doc.registerFont("poster-bold", options.fonts.bold);
    regular = "poster-regular";
    bold = "poster-bold";
  }

  const W = doc.page.width;
  const left = 40;
  const width = W - 80;
  const box = (
    text: string,
    x: number,
    y: number,
    w: number,
    h: number,
    size: number,
    font = regular,
    color = INK,
  ) => {
    doc
      .font(font)
      .fontSize(size)
      .fillColor(color)
      .text(text, x, y, { width: w, height: h, ellipsis: true, lineGap: 1 });
  };

  // Title band
  doc.rect(0, 0, W, 110).fill(ACCENT);
  if (options.organisation) box(options.organisation, left, 22, width, 16, 12, regular, "#ffffff");
  box(c.title, left, 44, width, 40, 30, bold, "#ffffff");

  // Wave and dates
  box(c.waveLabel, left, 128, width, 14, 11, regular, MUTED);
  box(wave.name, left, 144, width, 28, 22, bold);
  const col = width / 3;
  const when: Array<[string, Millis | undefined]> = [
    [c.announce, wave.announceAt],
    [c.handover, wave.handoverAt],
    [c.deadline, wave.deadlineAt],
  ];
  when.forEach(([label, at], i) => {
    const x = left + i * col;
    box(label, x, 184, col - 10, 14, 10, regular, MUTED);
    box(at === undefined ? c.notYet : dates.day(at), x, 199, col - 10, 34, 13, bold);
  });

  // The one rule that matters most
  doc.rect(left, 242, width, 44).fill(PANEL);
  box(c.wait, left + 12, 250, width - 24, 32, 12, bold);

  // Steps per platform: two columns
  box(c.stepsTitle, left, 302, width, 20, 16, bold);
  const steps = posterSteps(locale, options.kinds ?? POSTER_KINDS).slice(0, 8);
  const cellW = (width - 20) / 2;
  const rows = Math.ceil(steps.length / 2);
  const cellH = Math.min(96, 300 / Math.max(1, rows));
  steps.forEach((s, i) => {
    const x = left + (i % 2) * (cellW + 20);
    const y = 330 + Math.floor(i / 2) * cellH;
    box(s.title, x, y, cellW, 18, 14, bold, ACCENT);
    box(s.text, x, y + 19, cellW, cellH - 22, 12, regular, INK);
  });

  // QR code and helpdesk
  const bottom = 640;
  doc
    .moveTo(left, bottom - 12)
    .lineTo(left + width, bottom - 12)
    .lineWidth(0.5)
    .strokeColor("#9ca3af")
    .stroke();
  doc.image(png, left, bottom, { width: 150, height: 150 });
  const tx = left + 170;
  const tw = width - 170;
  box(c.qrCaption, tx, bottom, tw, 18, 13, bold);
  box(url, tx, bottom + 19, tw, 26, 9.5, regular, ACCENT);
  box(c.helpTitle, tx, bottom + 54, tw, 18, 13, bold);
  const h = options.helpdesk;
  const colon = locale === "fr-FR" ? "\u00a0: " : ": ";
  const lines = [
    h.name,
    h.phone ? `${c.phone}${colon}${h.phone}` : "",
    h.email ? `${c.email}${colon}${h.email}` : "",
    h.hours ? `${c.hours}${colon}${h.hours}` : "",
  ].filter(Boolean);
  box(lines.join("\n"), tx, bottom + 73, tw, 80, 11, regular, INK);

  doc.end();
  return finished;
}
