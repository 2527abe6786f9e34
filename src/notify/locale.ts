/**
 * Which of Ferry's message languages a person gets, and how dates read in it. People carry a
 * BCP 47 tag from the directory ("de-AT", "en_SG", "fr"); messages exist in a few locales, so
 * a tag is resolved to one of them: exact match, then the same language, then the same
 * region, then en-US. Dates are formatted in the person's own tag when Intl knows it (an
 * en-AU reader gets British text and Australian dates) and always in the person's time zone.
 */
import type { Millis } from "../core/time.ts";

export const MESSAGE_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR"] as const;
export type MessageLocale = (typeof MESSAGE_LOCALES)[number];

export const DEFAULT_LOCALE: MessageLocale = "en-US";

/** English variants that write British spelling; every other English reads American. */
const BRITISH_REGIONS = new Set([
  "GB",
  "UK",
  "IE",
  "AU",
  "NZ",
  "ZA",
  "SG",
  "IN",
  "HK",
  "MT",
  "CY",
  "GI",
  "IM",
]);

/** A region whose everyday language is one of ours, for tags in a language we do not have. */
const REGION_LOCALE: Record<string, MessageLocale> = {
  US: "en-US",
  GB: "en-GB",
  IE: "en-GB",
  DE: "de-DE",
  AT: "de-DE",
  LI: "de-DE",
  FR: "fr-FR",
  MC: "fr-FR",
  LU: "fr-FR",
};

function parseTag(tag: string): { language: string; region: string | undefined } {
  const parts = tag.trim().replace(/_/g, "-").split("-").filter(Boolean);
  const language = (parts[0] ?? "").toLowerCase();
  // the region is the first 2-letter or 3-digit subtag after the language (scripts have 4 letters)
  const region = parts.slice(1).find((p) => /^[A-Za-z]{2}$|^\d{3}$/.test(p));
  return { language, region: region?.toUpperCase() };
}

/** The message locale for a person's tag; en-US when nothing fits. */
export function resolveLocale(tag: string | null | undefined): MessageLocale {
  if (!tag) return DEFAULT_LOCALE;
  const { language, region } = parseTag(tag);
  const exact = MESSAGE_LOCALES.find((l) => l.toLowerCase() === `${language}-${region ?? ""}`.toLowerCase());
  if (exact) return exact;
  switch (language) {
    case "en":
      return region && BRITISH_REGIONS.has(region) ? "en-GB" : "en-US";
    case "de":
      return "de-DE";
    case "fr":
      return "fr-FR";
  }
  if (region && REGION_LOCALE[region]) return REGION_LOCALE[region];
  return DEFAULT_LOCALE;
}

/** The tag dates are formatted in: the person's own when Intl supports it, else the message locale. */
export function formattingLocale(tag: string | null | undefined, resolved: MessageLocale): string {
  if (!tag) return resolved;
  try {
    const canonical = Intl.getCanonicalLocales(tag.trim().replace(/_/g, "-"))[0];
    if (canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0) {
      // only when the language agrees with the text, so a sentence never mixes two languages
      if (canonical.split("-")[0]!.toLowerCase() === resolved.split("-")[0]) return canonical;
    }
  } catch {
    // not a well-formed tag
  }
  return resolved;
}

const zoneCache = new Map<string, boolean>();

/** The time zone if Intl knows it, else `fallback` (people imported with a typo still get mail). */
export function safeTimeZone(timeZone: string | null | undefined, fallback = "UTC"): string {
  if (!timeZone) return fallback;
  let ok = zoneCache.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(timeZone, ok);
  }
  return ok ? timeZone : fallback;
}

/** Formats instants for one reader: their locale, their time zone. */
export class DateFormatter {
  readonly #day: Intl.DateTimeFormat;
  readonly #moment: Intl.DateTimeFormat;

  constructor(
    readonly locale: string,
    readonly timeZone: string,
  ) {
    const zone = safeTimeZone(timeZone);
    this.#day = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    this.#moment = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    });
  }

  /** "Monday, March 2, 2026" / "Montag, 2. März 2026" */
  day(at: Millis): string {
    return this.#day.format(at);
  }

  /** the day with the local time and the zone's short name */
  moment(at: Millis): string {
    return this.#moment.format(at);
  }
}

/**
 * American → British spelling for the words Ferry's English copy uses. Applied to the copy
 * (never to names, models or links filled into it), whole words only, keeping capitals.
 */
const BRITISH: Record<string, string> = {
  enroll: "enrol",
  enrolls: "enrols",
  enrollment: "enrolment",
  enrollments: "enrolments",
  organization: "organisation",
  organizations: "organisations",
  authorize: "authorise",
  authorized: "authorised",
  color: "colour",
  center: "centre",
  canceled: "cancelled",
  behavior: "behaviour",
  favorite: "favourite",
  recognize: "recognise",
  finalize: "finalise",
};

const BRITISH_PATTERN = new RegExp(`\\b(${Object.keys(BRITISH).join("|")})\\b`, "gi");

export function britishSpelling(text: string): string {
  return text.replace(BRITISH_PATTERN, (word) => {
    const british = BRITISH[word.toLowerCase()]!;
    if (word === word.toUpperCase() && word.length > 1) return british.toUpperCase();
    if (word[0] === word[0]!.toUpperCase()) return british[0]!.toUpperCase() + british.slice(1);
    return british;
  });
}

/** `copy` with `fn` applied to every string in it, deeply (copy objects are plain data). */
export function mapStrings<T>(copy: T, fn: (s: string) => string): T {
  if (typeof copy === "string") return fn(copy) as T;
  if (Array.isArray(copy)) return copy.map((c) => mapStrings(c, fn)) as T;
  if (copy && typeof copy === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(copy)) out[k] = mapStrings(v, fn);
    return out as T;
  }
  return copy;
}

/**
 * French typography: a no-break space before ; : ? ! and » and after «, so a line never
 * starts with a colon. Applied to the copy, like the British spelling.
 */
export function frenchTypography(text: string): string {
  return text.replace(/ ([:;?!»])/g, "\u00a0$1").replace(/« /g, "«\u00a0");
}

/** The full catalog from the three written locales; en-GB is derived unless given. */
export function catalog<T>(copy: {
  "en-US": T;
  "de-DE": T;
  "fr-FR": T;
  "en-GB"?: T;
}): Record<MessageLocale, T> {
  return {
    "en-US": copy["en-US"],
    "en-GB": copy["en-GB"] ?? mapStrings(copy["en-US"], britishSpelling),
    "de-DE": copy["de-DE"],
    "fr-FR": mapStrings(copy["fr-FR"], frenchTypography),
  };
}
