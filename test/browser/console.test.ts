/**
 * The web console in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
 * scripts/install-chromium.sh) driven by playwright-core, against the real API over a
 * simulated organisation, serving the console built once with Vite.
 *
 * Each page visited is checked with axe-core (no serious or critical violations) and
 * photographed into test-output/screenshots/; with FERRY_UPDATE_SCREENSHOTS=1 the dashboard,
 * the helpdesk's person page and the portal on a phone also go to docs/screenshots/ for the
 * README (so an ordinary run leaves the work tree clean).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { DAY, HOUR } from "../../src/core/time.ts";
import { createPortalLink } from "../../src/server/portal-links.ts";
import { DEFAULT_BEHAVIOUR } from "../../src/world/behaviour.ts";
import { PASSWORD, rigApp, SECRETS, type TestApp } from "../server/helpers.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const AXE = join(ROOT, "node_modules/axe-core/axe.min.js");
const SHOTS = join(ROOT, "test-output/screenshots");
const DOCS_SHOTS = join(ROOT, "docs/screenshots");
const UPDATE_DOCS = process.env.FERRY_UPDATE_SCREENSHOTS === "1";
const MISSING_CHROMIUM = `Chromium is missing at ${CHROMIUM}: run \`bash scripts/install-chromium.sh\` (installs Debian's chromium), then run the tests again.`;

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** Runs axe-core on the page; fails on serious or critical violations, printed one per line. */
async function checkA11y(page: Page, name: string): Promise<void> {
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  )) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length > 0)
    console.log(`axe ${name}: ${minor.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(", ")}`);
  if (bad.length === 0) return;
  const lines = bad.flatMap((v) => [
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes
      .slice(0, 5)
      .map((n) => `      at ${n.target.join(" ")}: ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`),
  ]);
  assert.fail(`accessibility violations on ${name} (${page.url()}):\n${lines.join("\n")}`);
}

async function shoot(page: Page, name: string, docs?: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  if (docs && UPDATE_DOCS) await page.screenshot({ path: join(DOCS_SHOTS, `${docs}.png`), fullPage });
}

/** A number shown in the funnel: the devices that reached `stage`. */
async function funnelDevices(page: Page, stage: string): Promise<number> {
  const row = page.locator("figure.funnel", { hasText: "Devices" }).locator("li", { hasText: stage });
  const text = (await row.locator(".funnel-value").textContent()) ?? "";
  return Number(text.replace(/\(.*\)/, "").replace(/[^\d]/g, ""));
}

describe("web console in Chromium", { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let outDir: string;
  const pageErrors: string[] = [];
  /** contexts a test has not closed: it failed before the end */
  const live = new Set<BrowserContext>();

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING_CHROMIUM);
    mkdirSync(SHOTS, { recursive: true });
    mkdirSync(DOCS_SHOTS, { recursive: true });
    outDir = mkdtempSync(join(tmpdir(), "ferry-console-"));
    await build({
      configFile: join(ROOT, "web/vite.config.ts"),
      build: { outDir, emptyOutDir: true },
      logLevel: "warn",
    });
    t = await rigApp({ people: 120, seed: 11, behaviour: DEFAULT_BEHAVIOUR }, { consoleDir: outDir });
    const ctx = t.app.ferry.context;
    await ctx.settings.update(
      {
        helpdesk: {
          name: "Contoso IT helpdesk",
          email: "help@contoso.example",
          phone: "+44 20 7946 0000",
          hours: "Mon–Fri 8:00–18:00",
        },
      },
      t.wall.now(),
      "test",
    );
    await ctx.accounts.create(
      { username: "hugo", displayName: "Hugo Helpdesk", role: "helpdesk", password: PASSWORD },
      t.wall.now(),
      "test",
    );
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    assert.ok(address && typeof address === "object");
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    assert.deepEqual(pageErrors, [], "the pages threw errors or broke their content security policy");
  });

  async function newContext(options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "en-GB",
      timezoneId: "UTC",
      ...options,
    });
    // Injected by the browser before the page's own scripts: the page's CSP does not apply to it.
    await context.addInitScript({ path: AXE });
    live.add(context);
    context.on("close", () => live.delete(context));
    context.on("page", (page) => watch(page));
    return context;
  }

  /** On a failure, a picture of every open page of the context, to see what the test saw. */
  async function keepEvidence(context: BrowserContext, name: string) {
    let i = 0;
    for (const page of context.pages())
      await page
        .screenshot({ path: join(SHOTS, `FAILED-${name}-${i++}.png`), fullPage: true })
        .catch(() => undefined);
  }

  function watch(page: Page) {
    page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text()))
        pageErrors.push(`${page.url()}: ${m.text()}`);
    });
  }

  /** Signs in on the sign-in page: the one open already (keeping its ?next=), or a fresh one. */
  async function signIn(page: Page, username: string, open = true) {
    if (open) await page.goto(`${base}/login`);
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await page.getByLabel("User name").fill(username);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  afterEach(async (test) => {
    for (const context of [...live]) {
      await keepEvidence(context, test.name.replace(/\W+/g, "-").slice(0, 40));
      await context.close();
    }
  });

  it("finds Chromium", () => {
    assert.ok(existsSync(CHROMIUM), MISSING_CHROMIUM);
  });

  it("setup page: the one-time link creates the first admin and signs them in", async () => {
    const token = t.app.ferry.setupToken;
    assert.ok(token, "a fresh store has a setup token");
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${base}/setup?token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "Create the first admin" }).waitFor();
    assert.equal(new URL(page.url()).search, "", "the token is taken out of the address bar");
    await checkA11y(page, "setup");
    await shoot(page, "setup");
    await page.getByLabel("User name").fill("ada");
    await page.getByLabel("Display name (optional)").fill("Ada Admin");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password again").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    assert.match((await page.locator(".topbar-user").textContent()) ?? "", /Ada Admin/);
    await context.close();
  });

  it("admin: signs in, plans and starts the pilot, and watches the funnel move", async () => {
    const ctx = t.app.ferry.context;
    if (!(await ctx.accounts.byUsername("ada")))
      await ctx.accounts.create(
        { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD },
        t.wall.now(),
        "test",
      );
    const context = await newContext();
    const page = await context.newPage();

    await page.goto(`${base}/waves`);
    await page.waitForURL(/\/login\?next=%2Fwaves/);
    await checkA11y(page, "sign-in");
    await shoot(page, "sign-in");
    await signIn(page, "ada", false);
    await page.getByRole("heading", { name: "Plan the waves" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/waves", "back where the admin was going");

    // Plan: preview first, then save as drafts.
    await page.getByLabel("Pilot share (%)").fill("25");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByRole("heading", { name: "Preview (not saved)" }).waitFor();
    await checkA11y(page, "waves (preview)");
    await page.getByRole("button", { name: "Save plan as drafts" }).click();
    await page.getByText(/Plan saved: \d+ waves as drafts/).waitFor();
    const pilotRow = page
      .locator("tbody tr")
      .filter({ has: page.getByRole("rowheader", { name: /^Pilot/ }) });
    await pilotRow.getByRole("button", { name: /^Start/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: /Start Pilot/ }).waitFor();
    await checkA11y(page, "start-wave dialog");
    await dialog.getByRole("button", { name: "Start wave" }).click();
    await page.getByText(/Pilot is scheduled: it will be announced/).waitFor();
    await pilotRow.getByText("scheduled").waitFor();
    await checkA11y(page, "waves");
    await shoot(page, "waves");

    // The dashboard before the engine moves.
    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await page.locator("figure.funnel").first().waitFor();
    const before = {
      unenrolled: await funnelDevices(page, "Left the old product"),
      enrolled: await funnelDevices(page, "Enrolled in Intune"),
    };

    // Five simulated days: the announcement, the handover, people acting.
    const rig = t.rig!;
    const until = rig.now + 5 * DAY;
    while (rig.now < until) {
      rig.world.advanceTo(rig.now + 2 * HOUR);
      await rig.pass();
    }
    await page.reload();
    await page.locator("figure.funnel").first().waitFor();
    const afterPasses = {
      unenrolled: await funnelDevices(page, "Left the old product"),
      enrolled: await funnelDevices(page, "Enrolled in Intune"),
    };
    assert.ok(
      afterPasses.unenrolled > before.unenrolled,
      `unenrolled moved: ${JSON.stringify({ before, afterPasses })}`,
    );
    assert.ok(
      afterPasses.enrolled > before.enrolled,
      `enrolled moved: ${JSON.stringify({ before, afterPasses })}`,
    );
    await page.locator("svg.chart-svg path.chart-remaining").waitFor();
    const pilot = page
      .locator("#waves-heading + .table-wrap tbody tr")
      .filter({ has: page.getByRole("rowheader", { name: /^Pilot/ }) });
    assert.match((await pilot.textContent()) ?? "", /handover|enforced/);
    await checkA11y(page, "overview");
    await shoot(page, "overview", "dashboard", true);

    // Every other screen an admin has, each checked for accessibility.
    const screens: [string, string][] = [
      ["/waves/w0", "Pilot"],
      ["/access", "Conditional access"],
      ["/readiness", "Readiness"],
      ["/people", "People"],
      ["/devices?state=in-source&sort=stateSince", "Devices"],
      ["/limbo", "Limbo"],
      ["/in-both", "In both products"],
      ["/retirement", "Retirement"],
      ["/audit", "Audit log"],
      ["/settings", "Settings"],
    ];
    for (const [path, title] of screens) {
      await page.goto(`${base}${path}`);
      await page.getByRole("heading", { name: title, level: 1 }).waitFor();
      await page.locator(".loading").first().waitFor({ state: "detached" });
      await checkA11y(page, path);
      await shoot(page, path.slice(1).replace(/[/?&=]+/g, "-"), undefined, false);
    }

    // Search over the devices list, served a page at a time.
    await page.goto(`${base}/people`);
    const total = Number(
      ((await page.locator(".page-header .lead").textContent()) ?? "").replace(/[^\d]/g, ""),
    );
    assert.ok(total > 100, `people listed: ${total}`);
    await page.getByRole("button", { name: "Next" }).first().click();
    await page.getByText(/51–100 of/).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await context.close();
  });

  it("helpdesk: finds a caller by serial and resends their instructions", async () => {
    const db = t.rig!.store.db;
    const device = await db
      .selectFrom("devices")
      .innerJoin("people", "people.id", "devices.person_id")
      .select(["devices.serial", "people.id as personId", "people.display_name as name", "people.email"])
      .where("devices.serial", "is not", null)
      .where("people.wave_id", "=", "w0")
      .where("devices.state", "in", ["in-source", "limbo", "unenroll-requested"])
      .orderBy("devices.id")
      .executeTakeFirstOrThrow();
    const context = await newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, "hugo");
    await page.getByRole("heading", { name: "Helpdesk", level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/helpdesk", "the helpdesk lands on its search");
    assert.equal(
      await page.getByRole("link", { name: "Overview" }).count(),
      0,
      "the helpdesk sees no dashboard link",
    );
    await checkA11y(page, "helpdesk search");

    // The caller reads the serial off a sticker, with dashes and lower case.
    const spoken = device.serial!.toLowerCase().replace(/(.{4})(?=.)/g, "$1-");
    await page.getByLabel("Find the caller").fill(spoken);
    await page.getByText(/1 person matches/).waitFor();
    await shoot(page, "helpdesk-search");
    await page.getByRole("link", { name: new RegExp(device.name) }).click();
    await page.getByRole("heading", { name: device.name, level: 1 }).waitFor();
    await page.getByRole("heading", { name: /^Devices \(\d+\)$/ }).waitFor();
    assert.match((await page.locator("main").textContent()) ?? "", new RegExp(device.serial!));
    await checkA11y(page, "person page");

    await page.getByRole("button", { name: "Resend instructions" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(device.email).waitFor();
    await dialog.getByRole("button", { name: "Send instructions" }).click();
    const result = page.getByRole("status").filter({ hasText: "Instructions queued" });
    await result.waitFor();
    assert.match((await result.textContent()) ?? "", new RegExp(`Instructions queued for ${device.email}`));
    const queued = await db
      .selectFrom("actions")
      .select(["key", "status"])
      .where("kind", "=", "mail")
      .where("key", "like", `mail:instructions:%:${device.personId}:resend-%`)
      .execute();
    assert.equal(queued.length, 1, "one instructions e-mail queued");
    await page.getByText("instructions sent again").first().waitFor();
    await checkA11y(page, "person page after resend");
    await shoot(page, "helpdesk-person", "helpdesk");
    await context.close();
  });

  it("portal: a person opens their link on a phone and sees their devices and next steps", async () => {
    const db = t.rig!.store.db;
    // Someone in the pilot who still has something to do.
    const row = await db
      .selectFrom("devices")
      .innerJoin("people", "people.id", "devices.person_id")
      .select(["people.id", "people.display_name"])
      .where("people.wave_id", "=", "w0")
      .where("people.locale", "like", "en%")
      .where("devices.state", "=", "in-source")
      .where("devices.path", "=", "self-service")
      .orderBy("people.display_name")
      .executeTakeFirstOrThrow();
    const devices = await db.selectFrom("devices").select("id").where("person_id", "=", row.id).execute();
    const { token } = await t.app.ferry.context.portal.issue(row.id, t.wall.now(), 30 * DAY, "test");
    const context = await newContext({
      viewport: { width: 360, height: 640 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${base}/portal#${token}`);
    const firstName = row.display_name.split(" ")[0]!;
    await page.getByRole("heading", { name: `Hello ${firstName}`, level: 1 }).waitFor();
    assert.equal(await page.locator(".portal-devices > li").count(), devices.length);
    await page.getByRole("heading", { name: "What to do" }).first().waitFor();
    const steps = await page.locator(".portal-steps").first().locator("li").allTextContents();
    assert.ok(steps.length >= 2, `leave the old product, then enroll: ${JSON.stringify(steps)}`);
    assert.match(steps.join(" "), /Company Portal|Access work or school/);
    await page.getByRole("heading", { name: "Need help?" }).waitFor();
    assert.equal(await page.getByRole("link", { name: /Call \+44 20 7946 0000/ }).count(), 1);
    const width = await page.evaluate("document.documentElement.scrollWidth");
    assert.ok(Number(width) <= 360, `no sideways scrolling at 360 px (scrollWidth ${width})`);
    await checkA11y(page, "portal");
    await shoot(page, "portal", "portal");
    await shoot(page, "portal-full", undefined, true);

    await page.getByRole("button", { name: "I did it: check again" }).click();
    await page.getByText(/checking your devices again now/).waitFor();
    const recheck = await db
      .selectFrom("recheck_requests")
      .selectAll()
      .where("person_id", "=", row.id)
      .execute();
    assert.equal(recheck.length, 1);
    await checkA11y(page, "portal after check again");
    await context.close();
  });

  it("templates: an admin reads an e-mail by stage, platform and language", async () => {
    const ctx = t.app.ferry.context;
    if (!(await ctx.accounts.byUsername("ada")))
      await ctx.accounts.create(
        { username: "ada", displayName: "Ada Admin", role: "admin", password: PASSWORD },
        t.wall.now(),
        "test",
      );
    const context = await newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    await signIn(page, "ada");
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await page.getByRole("link", { name: "E-mail templates" }).click();
    await page.getByRole("heading", { name: "E-mail templates", level: 1 }).waitFor();
    await page.getByLabel("Stage", { exact: true }).selectOption("instructions");
    await page.getByLabel("Devices", { exact: true }).selectOption("android");
    await page.getByLabel("Language", { exact: true }).selectOption("de-DE");
    const subject = page.locator(".template-subject");
    await subject.filter({ hasText: /\S/ }).waitFor();
    await page.waitForURL(/locale=de-DE/);
    const frame = page.locator("iframe.template-frame");
    assert.equal(await frame.getAttribute("sandbox"), "", "the message runs no script and has no origin");
    const body = page.frameLocator("iframe.template-frame").locator("body");
    await body
      .getByText(/Unternehmensportal/)
      .first()
      .waitFor();
    // The three choices each fetch a preview: wait until the plain text shows the last one
    // (German), not an earlier one still on screen on a slow machine.
    await page
      .locator(".template-text")
      .filter({ hasText: /Unternehmensportal/ })
      .waitFor();
    const text = (await page.locator(".template-text").textContent()) ?? "";
    assert.match(text, /Android/);
    assert.doesNotMatch(text, /iPhone|MacBook/, "only the Android sample devices");
    assert.equal(await page.locator('nav [aria-current="page"]').count(), 1, "one current entry");
    await checkA11y(page, "templates");
    await shoot(page, "settings-templates");
    await context.close();
  });

  it("portal: a German reader gets the page in German, and can switch language", async () => {
    const db = t.rig!.store.db;
    const row = await db
      .selectFrom("devices")
      .innerJoin("people", "people.id", "devices.person_id")
      .select(["people.id", "people.display_name"])
      .where("people.wave_id", "=", "w0")
      .where("devices.path", "=", "self-service")
      .orderBy("people.display_name")
      .executeTakeFirstOrThrow();
    await db.updateTable("people").set({ locale: "de-DE" }).where("id", "=", row.id).execute();
    const { token } = await t.app.ferry.context.portal.issue(row.id, t.wall.now(), 30 * DAY, "test");
    const context = await newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
      locale: "en-GB",
    });
    const page = await context.newPage();
    await page.goto(`${base}/portal#${token}`);
    const firstName = row.display_name.split(" ")[0]!;
    await page.getByRole("heading", { name: `Hallo ${firstName}`, level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Brauchen Sie Hilfe?" }).waitFor();
    assert.equal(await page.evaluate("document.documentElement.lang"), "de-DE");
    await checkA11y(page, "portal (Deutsch)");
    await shoot(page, "portal-de", undefined, true);

    await page.getByLabel("Sprache").selectOption("fr-FR");
    await page.getByRole("heading", { name: `Bonjour ${firstName}`, level: 1 }).waitFor();
    assert.match(new URL(page.url()).search, /lang=fr-FR/);
    assert.equal(new URL(page.url()).hash, `#${token}`, "the link stays in the fragment");
    await checkA11y(page, "portal (Français)");
    await context.close();
  });

  it("portal: an expired link says so, and who to ask", async () => {
    const person = await t
      .rig!.store.db.selectFrom("people")
      .select("id")
      .where("break_glass", "=", 0)
      .executeTakeFirstOrThrow();
    const expired = createPortalLink(person.id, t.wall.now() - 40 * DAY, 30 * DAY, SECRETS);
    const context = await newContext({
      viewport: { width: 360, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${base}/portal#${expired}`);
    await page.getByRole("heading", { name: "This link has expired", level: 1 }).waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", /help@contoso\.example/);
    await checkA11y(page, "portal (expired link)");
    await shoot(page, "portal-expired");

    await page.goto(`${base}/portal`);
    await page.getByRole("heading", { name: "Open the link from your e-mail", level: 1 }).waitFor();
    await checkA11y(page, "portal (no link)");
    await context.close();
  });
});
