/** The Graph emulator's users and groups: $select defaults, lookups, and group $ref / bind semantics. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { withHarness } from "./helpers.ts";

describe("graph emulator: users", () => {
  test("Graph's default properties without $select; $select, $top ≤ 999 and paging with it", async () => {
    await withHarness({ people: 150 }, async (h) => {
      const plain = await h.api("/users");
      assert.equal(plain.body.value.length, 100, "100 per page by default");
      assert.deepEqual(Object.keys(plain.body.value[0]).sort(), [
        "businessPhones",
        "displayName",
        "givenName",
        "id",
        "jobTitle",
        "mail",
        "mobilePhone",
        "officeLocation",
        "preferredLanguage",
        "surname",
        "userPrincipalName",
      ]);
      assert.ok(plain.body["@odata.nextLink"]);
      const selected = await h.api("/users?$select=id,department&$top=999");
      assert.equal(selected.body.value.length, 152, "every user, break-glass included");
      assert.deepEqual(Object.keys(selected.body.value[0]), ["id", "department"]);
      assert.equal(selected.body["@odata.nextLink"], undefined);
      assert.equal((await h.api("/users?$top=1000")).status, 400);
    });
  });

  test("by id or UPN in the path (any case), by mail with $filter; 404 Request_ResourceNotFound", async () => {
    await withHarness({ people: 150 }, async (h) => {
      const p = h.world.scenario.people.find((x) => x.mail !== x.upn) ?? h.world.scenario.people[0]!;
      assert.equal((await h.api(`/users/${p.upn.toUpperCase()}`)).body.id, p.id);
      assert.equal((await h.api(`/users/${p.id}?$select=userPrincipalName`)).body.userPrincipalName, p.upn);
      const byMail = await h.api(`/users?$filter=mail eq '${p.mail.toUpperCase()}'&$select=id`);
      assert.deepEqual(byMail.body.value, [{ id: p.id }]);
      const nobody = await h.api("/users/nobody@contoso.example");
      assert.equal(nobody.status, 404);
      assert.equal(nobody.body.error.code, "Request_ResourceNotFound");
      const quote = await h.api(`/users?$filter=mail eq 'o''brien@contoso.example'`);
      assert.equal(quote.status, 200);
    });
  });
});

describe("graph emulator: groups", () => {
  test("NYM: members are the world's exempt people; $ref add 204, again 400 'already exist', unknown 404", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const nym = `/groups/${c.notYetMigratedGroupId}`;
      const members = await h.api(`${nym}/members?$select=id&$top=999`);
      const exempt = await h.world.ports.targetAccess.listExempt();
      assert.deepEqual(new Set(members.body.value.map((m: { id: string }) => m.id)), exempt);
      assert.equal(members.body.value[0]["@odata.type"], "#microsoft.graph.user");

      const p = h.world.scenario.people[0]!;
      assert.equal((await h.api(`${nym}/members/${p.id}/$ref`, { method: "DELETE" })).status, 204);
      assert.ok(!(await h.world.ports.targetAccess.listExempt()).has(p.id), "removed = enforced");
      const again = await h.api(`${nym}/members/${p.id}/$ref`, { method: "DELETE" });
      assert.equal(again.status, 404);
      const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${p.id}` };
      assert.equal((await h.api(`${nym}/members/$ref`, { method: "POST", body: ref })).status, 204);
      assert.ok((await h.world.ports.targetAccess.listExempt()).has(p.id), "added = exempt");
      const dup = await h.api(`${nym}/members/$ref`, { method: "POST", body: ref });
      assert.equal(dup.status, 400);
      assert.equal(dup.body.error.code, "Request_BadRequest");
      assert.match(dup.body.error.message, /One or more added object references already exist/);
      const unknown = await h.api(`${nym}/members/$ref`, {
        method: "POST",
        body: {
          "@odata.id":
            "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-4000-8000-000000000000",
        },
      });
      assert.equal(unknown.status, 404);
      assert.equal((await h.api("/groups/00000000-0000-4000-8000-000000000000/members")).status, 404);
    });
  });

  test("PATCH members@odata.bind: at most 20, all or nothing", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const nym = `/groups/${c.notYetMigratedGroupId}`;
      const people = h.world.scenario.people.filter((p) => !p.breakGlass);
      await h.world.ports.targetAccess.enforce(people.map((p) => p.id));
      const bind = (ids: string[]) => ({
        "members@odata.bind": ids.map((id) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`),
      });
      const ids = people.map((p) => p.id);
      assert.equal((await h.api(nym, { method: "PATCH", body: bind(ids.slice(0, 21)) })).status, 400);
      assert.equal((await h.api(nym, { method: "PATCH", body: bind(ids.slice(0, 20)) })).status, 204);
      assert.equal((await h.world.ports.targetAccess.listExempt()).size, 20);
      const overlap = await h.api(nym, { method: "PATCH", body: bind(ids.slice(19, 25)) });
      assert.equal(overlap.status, 400);
      assert.match(overlap.body.error.message, /already exist/);
      assert.equal((await h.world.ports.targetAccess.listExempt()).size, 20, "none of the others were added");
    });
  });

  test("LEGACY-EXCLUDED: members are the source's exclusion list; add excludes, remove includes", async () => {
    await withHarness({}, async (h) => {
      const c = h.emu.config;
      const legacy = `/groups/${c.legacy.excludedGroupId}`;
      const initial = await h.api(`${legacy}/members?$select=id,userPrincipalName`);
      assert.deepEqual(
        new Set(initial.body.value.map((m: { userPrincipalName: string }) => m.userPrincipalName)),
        new Set(h.world.breakGlassUpns),
      );
      const p = h.world.scenario.people[4]!;
      const ref = { "@odata.id": `https://graph.microsoft.com/v1.0/users/${p.id}` };
      assert.equal((await h.api(`${legacy}/members/$ref`, { method: "POST", body: ref })).status, 204);
      assert.ok((await h.world.ports.sourceAccess.listExcluded()).has(p.upn.toLowerCase()));
      assert.equal((await h.api(`${legacy}/members/${p.id}/$ref`, { method: "DELETE" })).status, 204);
      assert.ok(!(await h.world.ports.sourceAccess.listExcluded()).has(p.upn.toLowerCase()));
      const bg = await h.api(`/groups/${c.breakGlassGroupId}/members?$select=userPrincipalName`);
      assert.deepEqual(
        bg.body.value.map((m: { userPrincipalName: string }) => m.userPrincipalName).sort(),
        [...h.world.breakGlassUpns].sort(),
      );
    });
  });
});
