/**
 * `connection.kind: "vendors"` with the old products vendors.test.ts leaves out — Jamf Pro,
 * Ivanti EPMM and MaaS360 — and with the parts of ferry.json that replace an API by a person
 * or a file: `manualGateway` (the old product's CA is a mail gateway with no API),
 * `inventoryCsv` (the inventory is an export) and `smtp` + `mail` (mail through the
 * organisation's server instead of Graph's sendMail). The real CLI runs as child processes
 * against emulators served from this process over one simulated organisation, so each case
 * crosses the same HTTP an installation sends to Microsoft and the vendor.
 *
 * Children are run with async execFile: the emulators (and the SMTP server) answer from this
 * test's event loop, which a synchronous spawn would block. The world's clock is simulated
 * (2027) while Ferry uses the system clock, so nothing below asserts on what time decides.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { seededRandom } from "../../src/connectors/http/index.ts";
import type { SourceDeviceRecord } from "../../src/core/ports/index.ts";
import { type GraphEmulator, startGraphEmulator } from "../../src/emulators/graph/index.ts";
import { jamfManages } from "../../src/emulators/jamf/index.ts";
import { loadSecrets } from "../../src/server/secrets.ts";
import { openSqliteStore, type Store } from "../../src/store/open.ts";
import { PRODUCT_NAMES } from "../../src/wiring/installation-ports.ts";
import { type RunningEmulator, startVendorEmulator } from "../../src/wiring/vendors.ts";
import { SimulatedOrganisation } from "../../src/world/world.ts";
import { assertSignedPortalLink, startSmtp, type TestSmtp } from "../notify/smtp-harness.ts";
import { GRAPH_SECRET_ENV, graphSection } from "../support/vendors.ts";

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, "../../bin/ferry.js");
const FROM = "IT Service Desk <it-migration@contoso.example>";
const PUBLIC_URL = "https://ferry.contoso.example";
const SOURCES = ["jamf", "ivanti", "maas360"] as const;
type Source = (typeof SOURCES)[number];

let world: SimulatedOrganisation;
let graph: GraphEmulator;
const sources = {} as Record<Source, RunningEmulator>;
let smtp: TestSmtp;
let env: Record<string, string | undefined>;
let ticker: NodeJS.Timeout | undefined;
/** Every path Graph was asked for, so a test can tell which of its objects Ferry touched. */
const graphPaths: string[] = [];
const dirs: string[] = [];

interface ImportResult {
  people: { added: number; updated: number; breakGlass: string[] };
  devices: { source: number; target: number };
}

interface RunResult {
  passes: number;
  actionsQueued: number;
  executed: number;
  failed: number;
}

/** A fresh installation (its own SQLite file) whose ferry.json reads `source` through Graph. */
function installation(source: Source, edit: (c: Record<string, unknown>) => void = () => {}): string {
  const g = graph.config;
  const config: Record<string, unknown> = {
    database: "ferry.db",
    connection: {
      kind: "vendors",
      graph: { config: graphSection(g) },
      source: { vendor: source, config: sources[source].settings.config },
    },
    breakGlass: g.breakGlassUpns,
    vips: [],
    domainMap: {},
  };
  edit(config);
  const dir = mkdtempSync(join(tmpdir(), `ferry-vendors-${source}-`));
  dirs.push(dir);
  writeFileSync(join(dir, "ferry.json"), JSON.stringify(config, null, 2));
  return dir;
}

async function ferry(dir: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: "utf8" });
    return stdout;
  } catch (error) {
    const e = error as { code: number; stderr: string };
    assert.fail(`ferry ${args.join(" ")} exited ${e.code}: ${e.stderr}`);
  }
}

async function ferryJson<T>(dir: string, args: string[]): Promise<T> {
  return JSON.parse(await ferry(dir, [...args, "--json"])) as T;
}

async function withStore<T>(dir: string, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(join(dir, "ferry.db"));
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** What the world's old product manages right now, as the emulators serve it. */
async function worldSourceDevices(): Promise<SourceDeviceRecord[]> {
  const list: SourceDeviceRecord[] = [];
  for await (const d of world.ports.sourceInventory.listDevices()) list.push(d);
  return list;
}

const touchedLegacy = (paths: readonly string[]) =>
  paths.some(
    (p) => p.includes(graph.config.legacy.excludedGroupId) || p.includes(graph.config.legacy.policyId),
  );

describe("ferry against Jamf Pro, Ivanti and MaaS360 (connection.kind: vendors)", () => {
  before(async () => {
    world = new SimulatedOrganisation({ seed: 17, people: 30, start: Date.parse("2027-01-04T08:00:00Z") });
    graph = await startGraphEmulator({
      world,
      random: seededRandom(17_001),
      log: {
        debug: (obj) => graphPaths.push((obj as { path?: string }).path ?? ""),
        warn: () => {},
        error: () => {},
      },
    });
    for (const [i, vendor] of SOURCES.entries())
      sources[vendor] = await startVendorEmulator(vendor, { world, random: seededRandom(17_010 + i) });
    smtp = await startSmtp();
    // The emulators' throttles (one CA policy request per second per tenant) count on the
    // world's clock, and the connectors wait out Retry-After in real time: let world time pass
    // as real time does, or a throttled request would never be let through.
    ticker = setInterval(() => world.advanceTo(world.clock.now() + 1_000), 250);
    env = { ...process.env, [GRAPH_SECRET_ENV]: graph.config.clientSecret };
    for (const s of Object.values(sources)) Object.assign(env, s.settings.env);
    delete env.DATABASE_URL;
    delete env.FERRY_SERVER;
    delete env.FERRY_SECRET_KEY;
  });

  after(async () => {
    clearInterval(ticker);
    await graph?.close();
    for (const s of Object.values(sources)) await s.close();
    await smtp?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const vendor of SOURCES) {
    it(`${PRODUCT_NAMES[vendor]}: connects, imports and completes a pass through its connector`, async () => {
      const dir = installation(vendor);
      const verdict = await ferryJson<{ ok: boolean; problems: string[] }>(dir, ["connect", vendor]);
      assert.equal(verdict.ok, true, JSON.stringify(verdict.problems));

      const requestsBefore = sources[vendor].stats.requests;
      graphPaths.length = 0;
      const imported = await ferryJson<ImportResult>(dir, ["import"]);
      // Jamf manages only Apple devices; the others every device of the world's old product.
      const expected = (await worldSourceDevices()).filter((d) => vendor !== "jamf" || jamfManages(d));
      assert.ok(expected.length > 0);
      assert.equal(imported.devices.source, expected.length, JSON.stringify(imported));
      assert.ok(imported.people.added >= 30, JSON.stringify(imported));
      assert.deepEqual([...imported.people.breakGlass].sort(), [...graph.config.breakGlassUpns].sort());
      assert.ok(sources[vendor].stats.requests > requestsBefore, "the inventory came over the vendor's API");
      // With `legacy` configured, the old product's CA is read from its Entra group.
      assert.ok(touchedLegacy(graphPaths), "the legacy CA group was read");

      const stored = await withStore(dir, (s) =>
        s.db.selectFrom("devices").select(["source_id", "platform"]).where("origin", "=", "source").execute(),
      );
      // Jamf keeps computers and mobile devices apart, so Ferry's id names which: `mobile:12`.
      const jamfKind = (platform: string) => (platform === "macos" ? "computer:" : "mobile:");
      assert.deepEqual(
        stored.map((d) => `${d.source_id} ${d.platform}`).sort(),
        expected
          .map((d) => `${vendor === "jamf" ? jamfKind(d.platform) : ""}${d.sourceId} ${d.platform}`)
          .sort(),
      );

      const pass = await ferryJson<RunResult>(dir, ["run", "--once"]);
      assert.equal(pass.passes, 1);
      assert.equal(pass.failed, 0, JSON.stringify(pass));
    });
  }

  it("connection.manualGateway: the old product's CA is read from manual tasks, never from Graph", async () => {
    const dir = installation("ivanti", (c) => {
      const conn = c.connection as { graph: { config: Record<string, unknown> }; manualGateway?: string };
      // Without `legacy` Ferry has no Entra group for the old product's CA: the gateway is all.
      delete conn.graph.config.legacy;
      conn.manualGateway = "ivanti-sentry";
    });
    graphPaths.length = 0;
    const requestsBefore = sources.ivanti.stats.requests;
    const imported = await ferryJson<ImportResult>(dir, ["import"]);
    assert.equal(imported.devices.source, (await worldSourceDevices()).length, JSON.stringify(imported));
    const pass = await ferryJson<RunResult>(dir, ["run", "--once"]);
    assert.equal(pass.passes, 1);
    assert.equal(pass.failed, 0, JSON.stringify(pass));

    assert.ok(graphPaths.length > 0, "Graph still serves the directory and Intune");
    assert.equal(touchedLegacy(graphPaths), false, graphPaths.join("\n"));
    assert.ok(sources.ivanti.stats.requests > requestsBefore, "the inventory still came over Ivanti's API");
    await withStore(dir, async (s) => {
      // Exclusions are read back from confirmed tasks plus ferry.json's break-glass accounts,
      // which were exempt before Ferry started; nobody is in a wave, so nothing is asked yet.
      const people = await s.db
        .selectFrom("people")
        .select(["upn", "break_glass", "source_excluded"])
        .execute();
      assert.ok(people.length >= 30);
      for (const p of people) assert.equal(p.source_excluded, p.break_glass, p.upn);
      assert.deepEqual(
        people
          .filter((p) => p.source_excluded === 1)
          .map((p) => p.upn.toLowerCase())
          .sort(),
        graph.config.breakGlassUpns.map((u) => u.toLowerCase()).sort(),
      );
      const tasks = await s.db.selectFrom("manual_tasks").select("kind").execute();
      assert.deepEqual(
        tasks.filter((t) => t.kind.startsWith("source-")),
        [],
      );
    });
  });

  it("connection.inventoryCsv: the devices are the export's, and the vendor's API is not asked", async () => {
    const owners: string[] = [];
    const breakGlass = new Set(graph.config.breakGlassUpns.map((u) => u.toLowerCase()));
    for await (const u of world.ports.directory.listUsers())
      if (!breakGlass.has(u.userPrincipalName.toLowerCase()) && owners.length < 3)
        owners.push(u.userPrincipalName);
    const rows = [
      "source_id,owner_upn,platform,mode,ownership,os_version,model,manufacturer,serial,imei,udid,wifi_mac,last_seen",
      `CSV-1,${owners[0]},ios,,personal,17.5.1,iPhone 15,Apple,F2LX1234ABCD,352099001761481,,,2027-01-03T10:22:00Z`,
      `CSV-2,${owners[1]},android,android-cope,corporate,14,Galaxy S23,Samsung,R5CT12ABCDE,356938035643809,,,2027-01-03`,
      `CSV-3,${owners[2]},macos,,corporate,14.4,MacBook Pro,Apple,C02XYZ12ABCD,,,a4:83:e7:01:02:03,`,
      "CSV-4,,windows,,corporate,10.0.22631,Latitude 7440,Dell,5CG1234XYZ,,,,",
    ];
    const dir = installation("maas360", (c) => {
      (c.connection as { inventoryCsv?: string }).inventoryCsv = "devices.csv";
    });
    writeFileSync(join(dir, "devices.csv"), `${rows.join("\n")}\n`);

    const requestsBefore = sources.maas360.stats.requests;
    const imported = await ferryJson<ImportResult>(dir, ["import"]);
    assert.equal(imported.devices.source, 4, JSON.stringify(imported));
    const pass = await ferryJson<RunResult>(dir, ["run", "--once"]);
    assert.equal(pass.passes, 1);
    assert.equal(pass.failed, 0, JSON.stringify(pass));
    // The connector's settings are still validated, but its API has nothing to answer.
    assert.equal(sources.maas360.stats.requests, requestsBefore);

    const devices = await withStore(dir, (s) =>
      s.db
        .selectFrom("devices")
        .leftJoin("people", "people.id", "devices.person_id")
        .select(["devices.source_id", "devices.platform", "devices.mode", "devices.serial", "people.upn"])
        .where("devices.origin", "=", "source")
        .orderBy("devices.source_id")
        .execute(),
    );
    assert.deepEqual(
      devices.map((d) => [d.source_id, d.upn, d.platform, d.mode, d.serial]),
      [
        ["CSV-1", owners[0], "ios", "apple-device", "F2LX1234ABCD"],
        ["CSV-2", owners[1], "android", "android-cope", "R5CT12ABCDE"],
        ["CSV-3", owners[2], "macos", "macos-profile", "C02XYZ12ABCD"],
        ["CSV-4", null, "windows", "windows", "5CG1234XYZ"],
      ],
    );
  });

  it("smtp + mail: the pilot's announcements reach the SMTP server, not Graph's sendMail", async () => {
    // Graph gives no time zone, so ferry.json's timeZones does: everyone where it is midday
    // now (outside quiet hours), so that the pass sends whatever time this test runs at.
    const offset = 12 - new Date().getUTCHours(); // -11 … +12, all of which Etc/GMT zones cover
    const zone = offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
    const dir = installation("jamf", (c) => {
      c.timeZones = { default: zone };
      // "smtp" stands in for Graph's mail sender: without one, ferry.json would be refused.
      delete (c.connection as { graph: { config: Record<string, unknown> } }).graph.config.mailSender;
      c.smtp = {
        host: "127.0.0.1",
        port: smtp.port,
        starttls: "off",
        from: FROM,
        messageIdDomain: "contoso.example",
      };
      c.mail = {
        publicUrl: PUBLIC_URL,
        helpdesk: { name: "IT Service Desk", email: "servicedesk@contoso.example" },
      };
    });
    await ferryJson<ImportResult>(dir, ["import"]);
    // A pilot announced now, so that one pass has mail to send.
    await ferryJson(dir, ["plan", "--mode", "immediate"]);
    await ferry(dir, ["wave", "start", "w0"]);
    const pilot = await withStore(dir, async (s) => {
      const zones = await s.db.selectFrom("people").select("time_zone").distinct().execute();
      assert.deepEqual(
        zones.map((z) => z.time_zone),
        [zone],
        "everyone's time zone from ferry.json",
      );
      return s.db.selectFrom("people").select(["id", "email"]).where("wave_id", "is not", null).execute();
    });
    assert.ok(pilot.length > 0, "the plan has a pilot");

    const graphMail = graph.state.mail.delivered;
    const received = smtp.received.length;
    const pass = await ferryJson<RunResult>(dir, ["run", "--once"]);
    assert.equal(pass.passes, 1);
    assert.equal(pass.failed, 0, JSON.stringify(pass));
    assert.equal(graph.state.mail.delivered, graphMail, "nothing went through Graph's sendMail");

    const mails = smtp.received.slice(received);
    assert.ok(mails.length > 0, JSON.stringify(pass));
    const sent = await withStore(dir, (s) =>
      s.db.selectFrom("mail_outbox").select("recipient").where("status", "=", "sent").execute(),
    );
    assert.deepEqual(sent.map((m) => m.recipient).sort(), mails.map((m) => m.rcptTo[0]).sort());
    const pilotEmails = new Set(pilot.map((p) => p.email.toLowerCase()));
    const secrets = loadSecrets({ env: {}, keyFile: join(dir, "ferry.key") }).secrets;
    for (const m of mails) {
      assert.equal(m.parsed.from?.text, '"IT Service Desk" <it-migration@contoso.example>');
      assert.ok(pilotEmails.has(m.rcptTo[0]!.toLowerCase()), `${m.rcptTo[0]} is in the pilot`);
      // The portal link is signed with the key the installation wrote beside ferry.json.
      assertSignedPortalLink(m, secrets);
    }
  });
});
