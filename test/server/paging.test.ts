/**
 * Paging at scale: 100,000 devices of 20,000 people, inserted straight into the store, then
 * read back through the API a page at a time. Checks contents, order and totals against the
 * same data computed here (no timing assertions: bench/ measures speed).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PLATFORMS } from "../../src/core/platform.ts";
import { MINUTE } from "../../src/core/time.ts";
import { blankDevice } from "../../src/engine/apply-observations.ts";
import type { DeviceRow, PersonRow } from "../../src/store/schema.ts";
import { START } from "../engine/harness.ts";
import { type Caller, callers, emptyApp, json, type TestApp } from "./helpers.ts";

const DEVICES = 100_000;
const PEOPLE = 20_000;
const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus"];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Perlman",
  "Torvalds",
  "Åberg",
];

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const personId = (i: number) => `p-${pad(i, 5)}`;
const deviceId = (i: number) => `d-${pad(i, 6)}`;

function person(i: number): PersonRow {
  return {
    id: personId(i),
    upn: `user${i}@contoso.example`,
    email: `User${i}@Contoso.example`,
    display_name: `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]} ${i}`,
    department: "Eng",
    location: "London",
    time_zone: "UTC",
    locale: "en-GB",
    vip: 0,
    break_glass: 0,
    directory_id: `dir-${i}`,
    wave_id: i <= 5000 ? "w1" : i <= 10000 ? "w2" : null,
    source_excluded: 0,
    source_excluded_since: null,
    target_exempt: 0,
    target_exempt_since: null,
    ca_governance: i % 3 === 0 ? "target" : "source",
    ca_since: START,
    ca_action_id: null,
    ca_seq: 0,
    instructions_at: null,
    reminders_sent: 0,
    last_reminder_at: null,
    deadline_notice_at: null,
    blocked_notice_at: null,
    done_notice_at: null,
    deadline_extension: 0,
  };
}

function device(i: number): DeviceRow {
  const state = i % 10 === 0 ? "limbo" : i % 10 === 1 ? "compliant" : i % 25 === 2 ? "in-both" : "in-source";
  return {
    ...blankDevice(deviceId(i), START),
    person_id: personId((i % PEOPLE) + 1),
    platform: PLATFORMS[i % PLATFORMS.length]!,
    model: `Model ${i % 40}`,
    serial: `SN${i}`,
    imei: `35${pad(i, 13)}`,
    path: i % 50 === 3 ? "unsupported-os" : "self-service",
    source_id: `src-${i}`,
    source_presence: state === "limbo" || state === "compliant" ? "absent" : "enrolled",
    state,
    state_since: START - ((i * 7919) % DEVICES) * MINUTE,
  };
}

type Page<T> = { items: T[]; page: number; pageSize: number; total: number };
type D = { id: string; state: string; stateSince: string; owner: { id: string } | null; platform: string };
type P = { id: string; displayName: string; upn: string; waveId: string | null };

describe("paging at 100,000 devices", () => {
  let t: TestApp;
  let admin: Caller;
  const people = Array.from({ length: PEOPLE }, (_, k) => person(k + 1));
  const devices = Array.from({ length: DEVICES }, (_, k) => device(k + 1));
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  before(async () => {
    t = await emptyApp();
    const db = t.app.ferry.context.db;
    await db.transaction().execute(async (trx) => {
      for (const [id, ordinal] of [
        ["w1", 1],
        ["w2", 2],
      ] as const)
        await trx
          .insertInto("waves")
          .values({
            id,
            name: id,
            ordinal,
            pilot: 0,
            status: "draft",
            settings: "{}",
            groups: "[]",
            announce_at: START,
            rollbacks: 0,
          })
          .execute();
      for (let i = 0; i < people.length; i += 500)
        await trx
          .insertInto("people")
          .values(people.slice(i, i + 500))
          .execute();
      for (let i = 0; i < devices.length; i += 500)
        await trx
          .insertInto("devices")
          .values(devices.slice(i, i + 500))
          .execute();
    });
    admin = (await callers(t.app)).tokens.admin;
  });
  after(() => t.close());

  const get = async <T>(url: string) => {
    const res = await t.app.inject(admin.as({ method: "GET", url }));
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
    return json<Page<T>>(res);
  };

  it("pages through every device in id order, with the right total", async () => {
    const first = await get<D>("/api/devices?pageSize=100");
    assert.equal(first.total, DEVICES);
    assert.deepEqual(
      first.items.map((d) => d.id),
      devices.slice(0, 100).map((d) => d.id),
    );
    const last = await get<D>("/api/devices?page=1000&pageSize=100");
    assert.deepEqual(
      last.items.map((d) => d.id),
      devices.slice(99_900).map((d) => d.id),
    );
    assert.equal(last.items[0]!.owner?.id, devices[99_900]!.person_id);
    const beyond = await get<D>("/api/devices?page=1001&pageSize=100");
    assert.deepEqual([beyond.items.length, beyond.total], [0, DEVICES]);
    const middle = await get<D>("/api/devices?page=201&pageSize=250");
    assert.deepEqual(
      middle.items.map((d) => d.id),
      devices.slice(50_000, 50_250).map((d) => d.id),
    );
  });

  it("refuses page sizes over 500 and pages below 1, naming the parameter", async () => {
    for (const q of ["pageSize=501", "pageSize=0", "page=0", "page=x"]) {
      const res = await t.app.inject(admin.as({ method: "GET", url: `/api/devices?${q}` }));
      assert.equal(res.statusCode, 400, q);
      assert.match(json<{ error: { field: string } }>(res).error.field, /^query\.page/);
    }
  });

  it("filters by state, platform and wave, and counts what matches", async () => {
    const limbo = await get<D>("/api/devices?state=limbo&pageSize=500&page=3");
    const expected = devices.filter((d) => d.state === "limbo");
    assert.equal(limbo.total, expected.length);
    assert.deepEqual(
      limbo.items.map((d) => d.id),
      expected.slice(1000, 1500).map((d) => d.id),
    );
    const mixed = await get<D>("/api/devices?state=in-source&platform=android&pageSize=50");
    const both = devices.filter((d) => d.state === "in-source" && d.platform === "android");
    assert.equal(mixed.total, both.length);
    assert.deepEqual(
      mixed.items.map((d) => d.id),
      both.slice(0, 50).map((d) => d.id),
    );
    const inW2 = new Set(people.filter((p) => p.wave_id === "w2").map((p) => p.id));
    const wave = await get<D>("/api/devices?wave=w2&pageSize=10");
    assert.equal(wave.total, devices.filter((d) => inW2.has(d.person_id!)).length);
    const none = await get<D>("/api/devices?wave=none&pageSize=10");
    assert.equal(none.total + wave.total + (await get<D>("/api/devices?wave=w1&pageSize=1")).total, DEVICES);
  });

  it("sorts by time in state, oldest or newest first, ties by id", async () => {
    const order = [...devices].sort((a, b) => a.state_since - b.state_since || byId(a, b));
    const page = await get<D>("/api/devices?sort=stateSince&page=7&pageSize=200");
    assert.deepEqual(
      page.items.map((d) => d.id),
      order.slice(1200, 1400).map((d) => d.id),
    );
    const desc = [...devices].sort((a, b) => b.state_since - a.state_since || byId(a, b));
    const newest = await get<D>("/api/devices?sort=-stateSince&pageSize=200");
    assert.deepEqual(
      newest.items.map((d) => d.id),
      desc.slice(0, 200).map((d) => d.id),
    );
  });

  it("finds a device by serial or IMEI exactly, however it is typed", async () => {
    const serial = await get<D>("/api/devices?q=sn-42");
    assert.deepEqual(
      serial.items.map((d) => d.id),
      [deviceId(42)],
    );
    const imei = await get<D>(`/api/devices?q=${encodeURIComponent("35 0000000 077 777")}`);
    assert.deepEqual(
      imei.items.map((d) => d.id),
      [deviceId(77777)],
    );
    const id = await get<D>(`/api/devices?q=${deviceId(5)}`);
    assert.deepEqual(
      id.items.map((d) => d.id),
      [deviceId(5)],
    );
  });

  it("finds devices by their owner's name or UPN prefix", async () => {
    const res = await get<D>("/api/devices?q=user1234%40&pageSize=100");
    const owner = personId(1234);
    assert.deepEqual(
      res.items.map((d) => d.id),
      devices.filter((d) => d.person_id === owner).map((d) => d.id),
    );
  });

  it("pages people by name, and searches name, UPN or e-mail by prefix, case-insensitively", async () => {
    const all = await get<P>("/api/people?pageSize=500&page=2");
    assert.equal(all.total, PEOPLE);
    const byName = [...people].sort((a, b) =>
      a.display_name < b.display_name ? -1 : a.display_name > b.display_name ? 1 : byId(a, b),
    );
    assert.deepEqual(
      all.items.map((p) => p.id),
      byName.slice(500, 1000).map((p) => p.id),
    );
    const grace = await get<P>("/api/people?q=grace%20hop&pageSize=500");
    const expected = byName.filter((p) => p.display_name.toLowerCase().startsWith("grace hop"));
    assert.equal(grace.total, expected.length);
    assert.deepEqual(
      grace.items.map((p) => p.id),
      expected.slice(0, 500).map((p) => p.id),
    );
    const upn = await get<P>("/api/people?q=USER1999");
    assert.deepEqual(
      upn.items.map((p) => p.upn).sort(),
      people
        .filter((p) => p.upn.startsWith("user1999"))
        .map((p) => p.upn)
        .sort(),
    );
    assert.equal(upn.total, 11);
    const email = await get<P>("/api/people?q=user77%40contoso");
    assert.deepEqual(
      email.items.map((p) => p.id),
      [personId(77)],
    );
    const bySerial = await get<P>("/api/people?q=sn42");
    assert.deepEqual(
      bySerial.items.map((p) => p.id),
      [devices[41]!.person_id],
    );
    const nothing = await get<P>("/api/people?q=%25");
    assert.equal(nothing.total, 0, "a % is a character, not a wildcard");
  });

  it("filters people by wave, governance and device state", async () => {
    assert.equal((await get<P>("/api/people?wave=w1&pageSize=1")).total, 5000);
    assert.equal((await get<P>("/api/people?wave=none&pageSize=1")).total, PEOPLE - 10_000);
    const target = people.filter((p) => p.ca_governance === "target").length;
    assert.equal((await get<P>("/api/people?governance=target&pageSize=1")).total, target);
    const withBoth = new Set(devices.filter((d) => d.state === "in-both").map((d) => d.person_id));
    const both = await get<P>("/api/people?state=in-both&wave=w1&pageSize=500");
    assert.equal(both.total, people.filter((p) => p.wave_id === "w1" && withBoth.has(p.id)).length);
  });

  it("lists limbo oldest first with ages and alerts", async () => {
    const res = await t.app.inject(
      admin.as({ method: "GET", url: "/api/devices/limbo?pageSize=100&page=2" }),
    );
    const page = json<Page<D & { alert: boolean; stateAgeMs: number }> & { alertAfterMs: number }>(res);
    const limbo = devices
      .filter((d) => d.state === "limbo")
      .sort((a, b) => a.state_since - b.state_since || byId(a, b));
    assert.equal(page.total, limbo.length);
    assert.deepEqual(
      page.items.map((d) => d.id),
      limbo.slice(100, 200).map((d) => d.id),
    );
    for (const d of page.items) assert.equal(d.alert, d.stateAgeMs > page.alertAfterMs);
  });
});
