/** Personal portal links: one link opens one person's data, and nothing else. */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DAY } from "../../src/core/time.ts";
import { createPortalLink, issuedAtOf, verifyPortalLinkSignature } from "../../src/server/portal-links.ts";
import type { DeviceRow } from "../../src/store/schema.ts";
import { callers, json, rigApp, SECRETS, type TestApp } from "./helpers.ts";

type Err = { error: { code: string; message: string } };
type Me = {
  person: { displayName: string; email: string };
  devices: { id: string; state: string; status: string; nextStep: { who: string; text: string } }[];
  helpdesk: { email: string };
  recheckRequestedAt: string | null;
};

describe("portal links", () => {
  let t: TestApp;
  let mine: DeviceRow[];
  let theirs: DeviceRow[];
  let personId: string;
  let otherId: string;

  before(async () => {
    t = await rigApp({ people: 20, seed: 9 });
    const { tokens } = await callers(t.app);
    await t.app.inject(
      tokens.admin.as({
        method: "PATCH",
        url: "/api/settings",
        payload: { helpdesk: { email: "help@contoso.example" } },
      }),
    );
    const devices = await t
      .rig!.store.db.selectFrom("devices")
      .selectAll()
      .where("person_id", "is not", null)
      .orderBy("id")
      .execute();
    const owners = [...new Set(devices.map((d) => d.person_id!))];
    [personId, otherId] = owners as [string, string];
    mine = devices.filter((d) => d.person_id === personId);
    theirs = devices.filter((d) => d.person_id === otherId);
  });
  after(() => t.close());

  const portal = (
    token: string | undefined,
    method: "GET" | "POST" = "GET",
    url = "/api/portal/me",
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: token === undefined ? {} : { "x-portal-token": token },
      ...(payload ? { payload } : {}),
    });

  it("signs personId.expiry.nonce with HMAC-SHA256 under the portal key", () => {
    const token = createPortalLink("p-1", 1000, 500, SECRETS, "nonce1");
    const [version, person, expiry, nonce, sig] = token.split(".");
    assert.equal(version, "fp1");
    assert.equal(Buffer.from(person!, "base64url").toString(), "p-1");
    assert.equal(expiry, "1500");
    assert.equal(nonce, "nonce1");
    assert.equal(sig, createHmac("sha256", SECRETS.portalKey).update("p-1.1500.nonce1").digest("base64url"));
    assert.deepEqual(verifyPortalLinkSignature(token, 1499, SECRETS), {
      ok: true,
      link: { personId: "p-1", expiresAt: 1500, nonce: "nonce1" },
    });
    assert.equal(verifyPortalLinkSignature(token, 1500, SECRETS).ok, false);
  });

  it("opens exactly its person: their devices, next steps, the helpdesk contact", async () => {
    const { token } = await t.app.ferry.context.portal.issue(personId, t.wall.now(), 30 * DAY, "test");
    const res = await portal(token);
    assert.equal(res.statusCode, 200);
    const me = json<Me>(res);
    assert.deepEqual(me.devices.map((d) => d.id).sort(), mine.map((d) => d.id).sort());
    assert.ok(me.devices.every((d) => d.status.length > 0 && d.nextStep.text.length > 0));
    assert.equal(me.helpdesk.email, "help@contoso.example");
    const person = await t
      .rig!.store.db.selectFrom("people")
      .selectAll()
      .where("id", "=", personId)
      .executeTakeFirstOrThrow();
    assert.equal(me.person.email, person.email);
    assert.ok(!res.body.includes(otherId));
  });

  it("answers 404 for another person's device, and acts on one's own", async () => {
    const { token } = await t.app.ferry.context.portal.issue(personId, t.wall.now(), 30 * DAY, "test");
    const foreign = await portal(token, "POST", "/api/portal/retire-request", { deviceId: theirs[0]!.id });
    assert.equal(foreign.statusCode, 404);
    const foreignCheck = await portal(token, "POST", "/api/portal/check-again", { deviceId: theirs[0]!.id });
    assert.equal(foreignCheck.statusCode, 404);
    const stillThere = mine.find((d) => d.source_presence !== "absent")!;
    const own = await portal(token, "POST", "/api/portal/retire-request", { deviceId: stillThere.id });
    assert.equal(own.statusCode, 202);
    const row = await t
      .rig!.store.db.selectFrom("devices")
      .selectAll()
      .where("id", "=", stillThere.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.retire_requested_at !== null);
    assert.match(row.retire_requested_by!, /^portal:/);
    const untouched = await t
      .rig!.store.db.selectFrom("devices")
      .selectAll()
      .where("id", "=", theirs[0]!.id)
      .executeTakeFirstOrThrow();
    assert.equal(untouched.retire_requested_at, null);
  });

  it("records a check-again request, answered by the next pass", async () => {
    const { token } = await t.app.ferry.context.portal.issue(personId, t.wall.now(), 30 * DAY, "test");
    const res = await portal(token, "POST", "/api/portal/check-again", {});
    assert.equal(res.statusCode, 202);
    assert.ok(json<Me>(res).recheckRequestedAt);
    const runner = t.app.ferry.runner!;
    assert.equal(await runner.recheckPending(), true);
    t.rig!.world.advanceTo(t.rig!.now + 60_000);
    const pass = await runner.run();
    assert.equal(pass.rechecksHandled, 1);
    assert.equal(await runner.recheckPending(), false);
    assert.equal(json<Me>(await portal(token)).recheckRequestedAt, null);
  });

  it("speaks the person's language: their locale, else ?lang=, else Accept-Language", async () => {
    type Localised = Me & { locale: string; devices: { status: string; steps: string[] }[] };
    const db = t.rig!.store.db;
    await db.updateTable("people").set({ locale: "de-AT" }).where("id", "=", personId).execute();
    const { token } = await t.app.ferry.context.portal.issue(personId, t.wall.now(), 30 * DAY, "test");
    const get = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: "GET", url, headers: { "x-portal-token": token, ...headers } });
    const de = json<Localised>(await get("/api/portal/me", { "accept-language": "fr-FR" }));
    assert.equal(de.locale, "de-DE", "the directory's locale wins over the browser's");
    assert.ok(de.devices.some((d) => /Noch im alten System|Nicht Teil|Fertig|Intune/.test(d.status)));
    const fr = json<Localised>(await get("/api/portal/me?lang=fr"));
    assert.equal(fr.locale, "fr-FR", "the switcher's choice wins over the directory");
    assert.ok(fr.devices.every((d) => d.status !== de.devices.find((x) => x.id === d.id)!.status));
    await db.updateTable("people").set({ locale: "" }).where("id", "=", personId).execute();
    const browser = json<Localised>(await get("/api/portal/me", { "accept-language": "en-GB,en;q=0.8" }));
    assert.equal(browser.locale, "en-GB");
    const bad = await t.app.inject({
      method: "GET",
      url: "/api/portal/me?lang=de",
      headers: { "x-portal-token": "fp1.nope" },
    });
    assert.match(json<Err>(bad).error.message, /^Dieser Link ist ungültig\./);
  });

  it("says so when the link expired, was revoked or was tampered with (401)", async () => {
    const ctx = t.app.ferry.context;
    const short = await ctx.portal.issue(personId, t.wall.now(), DAY, "test");
    const revoked = await ctx.portal.issue(personId, t.wall.now(), 30 * DAY, "test");
    const good = await ctx.portal.issue(otherId, t.wall.now(), 30 * DAY, "test");

    t.wall.advance(2 * DAY);
    const expired = await portal(short.token);
    assert.equal(expired.statusCode, 401);
    assert.equal(json<Err>(expired).error.code, "link-expired");
    assert.match(
      json<Err>(expired).error.message,
      /^This link has expired\. Ask the helpdesk \(help@contoso\.example\) for a new one\.$/,
    );

    await ctx.portal.revokeAll(personId, t.wall.now(), "test");
    const gone = await portal(revoked.token);
    assert.equal(gone.statusCode, 401);
    assert.equal(json<Err>(gone).error.code, "link-revoked");

    // Another person's id with this link's signature: refused.
    const [v, , expiry, nonce, sig] = good.token.split(".");
    const swapped = [v, Buffer.from(personId).toString("base64url"), expiry, nonce, sig].join(".");
    const flipped = good.token.slice(0, -2) + (good.token.endsWith("AA") ? "BB" : "AA");
    const longer = [v, Buffer.from(otherId).toString("base64url"), Number(expiry) + DAY, nonce, sig].join(
      ".",
    );
    for (const bad of [swapped, flipped, longer, "", "fp1.x.y.z.w", "garbage", `${good.token}.extra`]) {
      const res = await portal(bad);
      assert.equal(res.statusCode, 401, bad);
      assert.equal(json<Err>(res).error.code, "link-invalid", bad);
    }
    assert.equal((await portal(undefined)).statusCode, 401);
    assert.equal((await portal(good.token)).statusCode, 200);

    // One link revoked by itself leaves the person's others alone.
    const second = await ctx.portal.issue(otherId, t.wall.now(), 30 * DAY, "test");
    await ctx.portal.revoke(good.token, t.wall.now(), "test");
    assert.equal((await portal(good.token)).statusCode, 401);
    assert.equal((await portal(second.token)).statusCode, 200);
  });

  it("revokes links signed elsewhere and never recorded, and only those issued before", async () => {
    const ctx = t.app.ferry.context;
    const unrecorded = createPortalLink(otherId, t.wall.now(), 10 * DAY, SECRETS);
    assert.equal(issuedAtOf(unrecorded.split(".")[3]!), t.wall.now());
    assert.equal((await portal(unrecorded)).statusCode, 200);
    await ctx.portal.revokeAll(otherId, t.wall.now(), "test");
    assert.equal(json<Err>(await portal(unrecorded)).error.code, "link-revoked");
    t.wall.advance(1000);
    const fresh = createPortalLink(otherId, t.wall.now(), 10 * DAY, SECRETS);
    assert.equal((await portal(fresh)).statusCode, 200);
    assert.throws(() => createPortalLink(otherId, t.wall.now(), 200 * DAY, SECRETS), RangeError);
  });

  it("lets the helpdesk issue a link that works, and revoke them all", async () => {
    const { sessions } = await callers(t.app);
    const issued = await t.app.inject(
      sessions.helpdesk.as({
        method: "POST",
        url: `/api/people/${personId}/portal-link`,
        payload: { days: 3 },
      }),
    );
    assert.equal(issued.statusCode, 201);
    const { url, token } = json<{ url: string; token: string }>(issued);
    assert.ok(url.endsWith(`/portal#${token}`));
    assert.equal((await portal(token)).statusCode, 200);
    const revoked = await t.app.inject(
      sessions.helpdesk.as({ method: "POST", url: `/api/people/${personId}/portal-link/revoke` }),
    );
    assert.ok(json<{ revoked: number }>(revoked).revoked >= 1);
    assert.equal((await portal(token)).statusCode, 401);
  });
});
