import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAY } from "../../src/core/time.ts";
import {
  type ContextByTemplate,
  type DeviceInfo,
  deviceSteps,
  type HelpdeskContact,
  MESSAGE_LOCALES,
  type MessageLocale,
  previewAll,
  renderMessage,
  resolveLocale,
  TEMPLATE_NAMES,
  type TemplateName,
} from "../../src/notify/index.ts";
import { DateFormatter, formattingLocale } from "../../src/notify/locale.ts";

const HOSTILE = `<script>alert("x")</script> & "Bobby" O'Hara`;
const PORTAL = "https://ferry.contoso.example/me/p1?a=1&sig=x%2By";
const HELPDESK: HelpdeskContact = {
  name: "IT Service Desk",
  phone: "+49 30 1234 5678",
  email: "servicedesk@contoso.example",
  hours: "Mon–Fri 08:00–18:00",
};
const T0 = Date.UTC(2026, 2, 2, 8);

const DEVICES: DeviceInfo[] = [
  { id: "d1", name: "iPhone 15", platform: "ios", mode: "apple-device", path: "self-service" },
  { id: "d2", name: "Pixel 8", platform: "android", mode: "android-work-profile", path: "self-service" },
  {
    id: "d3",
    name: "Galaxy XCover7",
    platform: "android",
    mode: "android-fully-managed",
    path: "factory-reset",
  },
  { id: "d4", name: "MacBook Air", platform: "macos", mode: "macos-profile", path: "self-service" },
  { id: "d5", name: "Latitude 7450", platform: "windows", mode: "windows", path: "admin-retire" },
  {
    id: "d6",
    name: "iPad Pro",
    platform: "ipados",
    mode: "apple-ade",
    path: "apple-migration-deadline",
    appleDeadlineAt: T0 + 30 * DAY,
  },
];

const ZONES: Record<MessageLocale, string> = {
  "en-US": "America/New_York",
  "en-GB": "Europe/London",
  "de-DE": "Europe/Berlin",
  "fr-FR": "Europe/Paris",
};

function context<T extends TemplateName>(
  template: T,
  locale: string,
  zone = "Europe/Berlin",
): ContextByTemplate[T] {
  const person = {
    id: "p1",
    displayName: HOSTILE,
    locale,
    timeZone: zone,
    email: "bobby@contoso.example",
    phone: "+44 20 7946 0000",
  };
  const wave = {
    id: "w1",
    name: "Wave 1 <Pilot>",
    announceAt: T0,
    handoverAt: T0 + 7 * DAY,
    enforceAt: T0 + 10 * DAY,
    deadlineAt: T0 + 17 * DAY,
  };
  if (template === "helpdesk-escalation") {
    return {
      person,
      wave,
      devices: [{ ...DEVICES[0]!, stateSince: T0 + 8 * DAY }],
      portalUrl: PORTAL,
      helpdesk: { ...HELPDESK, locale, timeZone: zone },
    } as ContextByTemplate[T];
  }
  return { person, wave, devices: DEVICES, portalUrl: PORTAL, helpdesk: HELPDESK } as ContextByTemplate[T];
}

/** Whatever a template shows: the steps, or (nothing left to do) the device names. */
function shows(template: TemplateName): "steps" | "names" | "enroll-steps" {
  if (template === "done" || template === "postponed") return "names";
  if (template === "helpdesk-escalation") return "enroll-steps";
  return "steps";
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

function assertClean(where: string, s: string): void {
  for (const bad of ["{{", "}}", "undefined", "NaN", "[object", "null"])
    assert.ok(!s.includes(bad), `${where}: ${bad}`);
  assert.doesNotMatch(s, /\{[a-zA-Z]+\}/, `${where}: an unfilled placeholder`);
}

describe("templates", () => {
  for (const template of TEMPLATE_NAMES) {
    for (const locale of MESSAGE_LOCALES) {
      it(`${template} in ${locale}: complete, escaped, with link, steps and contact`, () => {
        const ctx = context(template, locale, ZONES[locale]);
        const m = renderMessage(template, ctx);
        assert.equal(m.locale, locale);
        for (const [part, s] of Object.entries({ subject: m.subject, html: m.html, text: m.text }))
          assertClean(`${template}/${locale}/${part}`, s);
        assert.ok(m.subject.length > 10);
        assert.doesNotMatch(m.subject, /[\r\n]/);

        // HTML: a document in the reader's language; the hostile name only ever as text
        assert.match(m.html, new RegExp(`^<!DOCTYPE html>\\n<html lang="${locale}"`));
        assert.ok(!m.html.includes("<script"), "no live script tag");
        assert.ok(!m.html.includes(`<Pilot>`), "wave name escaped");
        assert.ok(!m.html.includes("<img"), "no images without a brand");
        assert.ok(!m.html.includes("<table"), "no layout tables");
        assert.equal(m.html.match(/<h1\b/g)?.length, 1);
        assert.ok(
          m.html.includes(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Bobby&quot; O&#39;Hara",
          ),
        );
        assert.ok(m.text.includes(HOSTILE), "plain text carries the name as it is");

        // the portal link: the button and the fallback in HTML, a bare line in text
        const href = `href="${escapeHtml(PORTAL)}"`;
        assert.ok(m.html.split(href).length - 1 >= 2, "button and visible fallback link");
        const firstLink = m.html.indexOf(href);
        assert.ok(firstLink < m.html.indexOf("<h2"), "the call to action comes before the sections");
        assert.ok(m.text.split("\n").includes(PORTAL), "the URL alone on a line");

        // per-device content
        const dates = new DateFormatter(formattingLocale(locale, locale), ZONES[locale]);
        for (const d of ctx.devices) {
          if (shows(template) === "names") {
            assert.ok(m.text.includes(`${d.name} (`), `${d.name} named in text`);
            assert.ok(m.html.includes(escapeHtml(`${d.name} (`)), `${d.name} named in HTML`);
            continue;
          }
          const s = deviceSteps(d, locale, dates, { enrollOnly: shows(template) === "enroll-steps" });
          assert.ok(m.text.includes(s.title), `${d.name} named in text`);
          assert.ok(m.html.includes(escapeHtml(s.title)), `${d.name} named in HTML`);
          for (const step of s.steps) {
            assert.ok(m.text.includes(step), `${template}/${locale}: text has "${step}"`);
            assert.ok(m.html.includes(escapeHtml(step)), `${template}/${locale}: HTML has "${step}"`);
          }
        }

        // who to ask
        if (template === "helpdesk-escalation") {
          assert.ok(m.text.includes("bobby@contoso.example") && m.text.includes("+44 20 7946 0000"));
          assert.ok(m.html.includes('href="mailto:bobby@contoso.example"'));
          assert.ok(m.html.includes('href="tel:+442079460000"'));
        } else {
          for (const v of [HELPDESK.name, HELPDESK.phone, HELPDESK.email, HELPDESK.hours]) {
            assert.ok(m.text.includes(v), `text has ${v}`);
            assert.ok(m.html.includes(escapeHtml(v)), `HTML has ${v}`);
          }
          assert.ok(m.html.includes('href="tel:+493012345678"'));
          assert.ok(m.html.includes('href="mailto:servicedesk@contoso.example"'));
        }
      });
    }
  }

  it("renders every template without a wave, dates or devices", () => {
    for (const template of TEMPLATE_NAMES) {
      for (const locale of MESSAGE_LOCALES) {
        const full = context(template, locale);
        const bare = { ...full, wave: undefined, devices: [] } as ContextByTemplate[typeof template];
        const m = renderMessage(template, bare);
        for (const s of [m.subject, m.html, m.text]) assertClean(`${template}/${locale} bare`, s);
      }
    }
  });

  it("writes British spelling in en-GB and American in en-US, same text otherwise", () => {
    const us = renderMessage("instructions", context("instructions", "en-US"));
    const gb = renderMessage("instructions", context("instructions", "en-GB"));
    assert.match(us.text, /\benroll(ed|ment)?\b/);
    assert.doesNotMatch(gb.text, /\benroll(s|ment)?\b/i);
    assert.match(gb.text, /\benrol\b/);
    assert.equal(
      renderMessage("blocked", context("blocked", "en-GB")).subject,
      "Enrol now to get your company e-mail back",
    );
  });

  it("formats dates in the reader's zone and language", () => {
    const at = Date.UTC(2026, 2, 19, 17, 0); // 18:00 in Berlin, 13:00 in New York
    const withDeadline = (locale: string, zone: string) => {
      const ctx = context("reminder", locale, zone);
      return renderMessage("reminder", { ...ctx, wave: { ...ctx.wave!, deadlineAt: at } }).text;
    };
    assert.match(withDeadline("de-DE", "Europe/Berlin"), /Donnerstag, 19\. März 2026 um 18:00 MEZ/);
    assert.match(withDeadline("en-US", "America/New_York"), /Thursday, March 19, 2026[^\n]*01:00\sPM EDT/);
    assert.match(withDeadline("fr-FR", "Europe/Paris"), /jeudi 19 mars 2026 à 18:00/);
    // an unknown zone reads as UTC rather than failing the message
    assert.match(withDeadline("en-GB", "Mars/Olympus_Mons"), /Thursday,? 19 March 2026 at 17:00 UTC/);
  });

  it("resolves locales: exact, by language, by region, else en-US", () => {
    const cases: Array<[string | undefined, MessageLocale]> = [
      ["de-DE", "de-DE"],
      ["de-AT", "de-DE"],
      ["de_CH", "de-DE"],
      ["de", "de-DE"],
      ["fr-CA", "fr-FR"],
      ["fr-BE", "fr-FR"],
      ["en-GB", "en-GB"],
      ["en-AU", "en-GB"],
      ["en-SG", "en-GB"],
      ["en-CA", "en-US"],
      ["en", "en-US"],
      ["EN-gb", "en-GB"],
      ["br-FR", "fr-FR"],
      ["hsb-DE", "de-DE"],
      ["pt-BR", "en-US"],
      ["zh-Hant-TW", "en-US"],
      ["", "en-US"],
      [undefined, "en-US"],
      ["not a locale", "en-US"],
    ];
    for (const [tag, expected] of cases) assert.equal(resolveLocale(tag), expected, String(tag));
    const es = renderMessage("announcement", context("announcement", "es-ES"));
    assert.equal(es.locale, "en-US");
    assert.match(es.html, /<html lang="en-US"/);
    const at = renderMessage("announcement", context("announcement", "de-AT"));
    assert.match(at.html, /<html lang="de-DE"/);
  });

  it("refuses a portal link that is not http(s)", () => {
    const ctx = context("blocked", "en-US");
    assert.throws(() => renderMessage("blocked", { ...ctx, portalUrl: "javascript:alert(1)" }), /http/);
    assert.throws(() => renderMessage("blocked", { ...ctx, portalUrl: "/relative" }), /absolute/);
  });

  it("gives a logo its text alternative", () => {
    const ctx = context("done", "de-DE");
    const m = renderMessage("done", {
      ...ctx,
      brand: { organisation: "Contoso <GmbH>", logoUrl: "https://contoso.example/logo.png" },
    });
    assert.match(m.html, /<img src="https:\/\/contoso\.example\/logo\.png" alt="Contoso &lt;GmbH&gt;"/);
    assert.ok(m.text.startsWith("Contoso <GmbH>"));
  });

  it("previews every template in every locale", () => {
    const all = previewAll();
    assert.equal(all.length, TEMPLATE_NAMES.length * MESSAGE_LOCALES.length);
    const keys = new Set(all.map((p) => `${p.template}/${p.locale}`));
    assert.equal(keys.size, all.length);
    for (const p of all) {
      assertClean(`preview ${p.template}/${p.locale}`, p.html + p.text + p.subject);
      assert.match(p.html, new RegExp(`<html lang="${p.locale}"`));
    }
    // each locale has its own subject (German is not English with a flag on it)
    for (const template of TEMPLATE_NAMES) {
      const subjects = ["en-US", "de-DE", "fr-FR"].map(
        (l) => all.find((p) => p.template === template && p.locale === l)!.subject,
      );
      assert.equal(new Set(subjects).size, 3, template);
    }
  });
});
