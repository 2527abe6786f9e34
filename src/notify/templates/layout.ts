/**
 * One document model, two renderings: accessible e-mail HTML (single column, inline styles,
 * real text, `lang`, headings in order, contrast ≥ 4.5:1, no layout tables) and plain text.
 * Every value is escaped here, once, at the edge: templates hand over plain strings.
 */
import type { Brand } from "./context.ts";

export type Block =
  | { kind: "paragraph"; text: string; strong?: boolean }
  | { kind: "notice"; text: string }
  | { kind: "cta"; url: string; label: string; hint: string }
  | { kind: "facts"; title: string; rows: Array<[label: string, value: string]> }
  | { kind: "devices"; title: string; items: Array<{ title: string; steps: string[] }> }
  | { kind: "list"; title: string; items: string[] }
  | { kind: "contact"; title: string; intro: string; lines: ContactLine[] };

export interface ContactLine {
  label: string;
  value: string;
  href?: string;
}

export interface MessageDocument {
  /** the message locale, for `lang` (and French typography before a colon) */
  lang: string;
  subject: string;
  /** the inbox preview line */
  preheader: string;
  heading: string;
  greeting: string;
  blocks: Block[];
  footer: string;
  brand?: Brand;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** An absolute http(s) URL, normalised; anything else (javascript:, relative, garbage) throws. */
export function safeHttpUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`not an absolute URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new RangeError(`only http(s) links go into messages, not ${parsed.protocol}`);
  return parsed.href;
}

export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, "")}`;
}

export function mailtoHref(email: string): string {
  return `mailto:${encodeURIComponent(email.trim()).replace(/%40/g, "@")}`;
}

/** One line for a header: no line breaks (header injection), no runs of spaces. */
export function headerSafe(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

// Colours: text #1f2937 on #ffffff is 14.7:1; muted #4b5563 is 7.6:1; the button's #ffffff on
// #0b57d0 is 6.4:1; links #0b57d0 on white 6.4:1; the notice's #7c2d12 on #fff7ed is 9.4:1.
const FONT = "font-family:Segoe UI,Helvetica,Arial,sans-serif;";
const S = {
  body: "margin:0;padding:0;background-color:#f3f4f6;",
  main: `${FONT}max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;color:#1f2937;font-size:16px;line-height:1.5;`,
  preheader: "display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;",
  brand: "margin:0 0 16px 0;font-size:14px;color:#4b5563;",
  h1: "margin:0 0 16px 0;font-size:24px;line-height:1.3;color:#111827;",
  h2: "margin:28px 0 8px 0;font-size:19px;line-height:1.3;color:#111827;",
  h3: "margin:18px 0 6px 0;font-size:16px;line-height:1.4;color:#111827;",
  p: "margin:0 0 14px 0;",
  notice:
    "margin:0 0 14px 0;padding:12px 14px;background-color:#fff7ed;color:#7c2d12;border-left:4px solid #c2410c;",
  ctaWrap: "margin:20px 0 8px 0;",
  cta: "display:inline-block;padding:12px 22px;background-color:#0b57d0;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;font-size:17px;",
  hint: "margin:0 0 20px 0;font-size:14px;color:#4b5563;word-break:break-all;",
  link: "color:#0b57d0;text-decoration:underline;",
  list: "margin:0 0 12px 0;padding-left:24px;",
  li: "margin:0 0 6px 0;",
  dt: "margin:8px 0 0 0;font-weight:bold;",
  dd: "margin:0 0 4px 0;",
  footer: "margin:32px 0 0 0;padding-top:16px;border-top:1px solid #d1d5db;font-size:13px;color:#4b5563;",
} as const;

function htmlBlock(b: Block, colon: string): string {
  switch (b.kind) {
    case "paragraph":
      return `<p style="${S.p}">${b.strong ? `<strong>${escapeHtml(b.text)}</strong>` : escapeHtml(b.text)}</p>`;
    case "notice":
      return `<p role="note" style="${S.notice}">${escapeHtml(b.text)}</p>`;
    case "cta": {
      const url = escapeHtml(safeHttpUrl(b.url));
      return (
        `<p style="${S.ctaWrap}"><a href="${url}" style="${S.cta}">${escapeHtml(b.label)}</a></p>` +
        `<p style="${S.hint}">${escapeHtml(b.hint)} <a href="${url}" style="${S.link}">${url}</a></p>`
      );
    }
    case "facts":
      return (
        `<h2 style="${S.h2}">${escapeHtml(b.title)}</h2><dl style="margin:0 0 12px 0;">` +
        b.rows
          .map(
            ([k, v]) => `<dt style="${S.dt}">${escapeHtml(k)}</dt><dd style="${S.dd}">${escapeHtml(v)}</dd>`,
          )
          .join("") +
        "</dl>"
      );
    case "devices":
      return (
        `<h2 style="${S.h2}">${escapeHtml(b.title)}</h2>` +
        b.items
          .map(
            (d) =>
              `<h3 style="${S.h3}">${escapeHtml(d.title)}</h3><ol style="${S.list}">` +
              d.steps.map((s) => `<li style="${S.li}">${escapeHtml(s)}</li>`).join("") +
              "</ol>",
          )
          .join("")
      );
    case "list":
      return (
        `<h2 style="${S.h2}">${escapeHtml(b.title)}</h2><ul style="${S.list}">` +
        b.items.map((i) => `<li style="${S.li}">${escapeHtml(i)}</li>`).join("") +
        "</ul>"
      );
    case "contact":
      return (
        `<h2 style="${S.h2}">${escapeHtml(b.title)}</h2><p style="${S.p}">${escapeHtml(b.intro)}</p>` +
        `<p style="${S.p}">` +
        b.lines
          .map((l) => {
            const value = l.href
              ? `<a href="${escapeHtml(l.href)}" style="${S.link}">${escapeHtml(l.value)}</a>`
              : escapeHtml(l.value);
            return l.label ? `${escapeHtml(l.label)}${colon}${value}` : `<strong>${value}</strong>`;
          })
          .join("<br>") +
        "</p>"
      );
  }
}

export function renderHtml(doc: MessageDocument): string {
  const lang = escapeHtml(doc.lang);
  const brand = doc.brand
    ? `<p style="${S.brand}">${
        doc.brand.logoUrl
          ? `<img src="${escapeHtml(safeHttpUrl(doc.brand.logoUrl))}" alt="${escapeHtml(doc.brand.logoAlt ?? doc.brand.organisation)}" height="40" style="display:block;height:40px;width:auto;border:0;">`
          : escapeHtml(doc.brand.organisation)
      }</p>`
    : "";
  return [
    "<!DOCTYPE html>",
    `<html lang="${lang}" dir="ltr">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(doc.subject)}</title>`,
    "</head>",
    `<body style="${S.body}">`,
    `<div style="${S.preheader}" aria-hidden="true">${escapeHtml(doc.preheader)}</div>`,
    `<div role="article" aria-roledescription="email" aria-label="${escapeHtml(doc.subject)}" lang="${lang}" style="${S.main}">`,
    brand,
    `<h1 style="${S.h1}">${escapeHtml(doc.heading)}</h1>`,
    `<p style="${S.p}">${escapeHtml(doc.greeting)}</p>`,
    ...doc.blocks.map((b) => htmlBlock(b, colonFor(doc.lang))),
    `<p style="${S.footer}">${escapeHtml(doc.footer)}</p>`,
    "</div>",
    "</body>",
    "</html>",
    "",
  ]
    .filter((l) => l !== "")
    .join("\n");
}

function textBlock(b: Block, colon: string): string {
  switch (b.kind) {
    case "paragraph":
      return b.text;
    case "notice":
      return `! ${b.text}`;
    case "cta":
      // the bare URL on its own line: every mail client makes it clickable, none breaks it
      return `${b.label}${colon.trimEnd()}\n${safeHttpUrl(b.url)}`;
    case "facts":
      return `${heading(b.title)}\n${b.rows.map(([k, v]) => `${k}${colon}${v}`).join("\n")}`;
    case "devices":
      return `${heading(b.title)}\n${b.items
        .map((d) => `\n${d.title}\n${d.steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`)
        .join("\n")}`;
    case "list":
      return `${heading(b.title)}\n${b.items.map((i) => `- ${i}`).join("\n")}`;
    case "contact":
      return `${heading(b.title)}\n${b.intro}\n${b.lines
        .map((l) => (l.label ? `${l.label}${colon}${l.value}` : l.value))
        .join("\n")}`;
  }
}

/** ": ", or in French a no-break space before the colon. */
function colonFor(lang: string): string {
  return lang.startsWith("fr") ? "\u00a0: " : ": ";
}

function heading(title: string): string {
  return `${title}\n${"-".repeat(Math.min(60, [...title].length))}`;
}

export function renderText(doc: MessageDocument): string {
  const parts = [
    doc.brand ? doc.brand.organisation : "",
    doc.heading,
    doc.greeting,
    ...doc.blocks.map((b) => textBlock(b, colonFor(doc.lang))),
  ];
  return `${parts.filter((p) => p !== "").join("\n\n")}\n\n-- \n${doc.footer}\n`;
}
