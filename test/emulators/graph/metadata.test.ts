/**
 * The emulator's entities use exactly the property names of Graph's v1.0 metadata
 * (test/fixtures/graph-metadata.json: extracted from microsoftgraph/msgraph-metadata, the
 * commit named in its "source").
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { USER_PROPERTIES } from "../../../src/emulators/graph/index.ts";
import { withHarness } from "./helpers.ts";

const METADATA = resolve(import.meta.dirname, "../../fixtures/graph-metadata.json");

test("users, groups and CA policies: every property name is the metadata's", async () => {
  const meta = JSON.parse(readFileSync(METADATA, "utf8"));
  const props = (entity: string) => new Set(Object.keys(meta.entities[entity].properties));
  const complex = (type: string) => new Set(Object.keys(meta.complexTypes[type].properties));
  const within = (keys: string[], allowed: Set<string>, what: string) => {
    for (const k of keys)
      if (!k.startsWith("@")) assert.ok(allowed.has(k), `${what}.${k} is not in the metadata`);
  };
  assert.deepEqual([...USER_PROPERTIES].sort(), [...props("user")].sort());
  await withHarness({}, async (h) => {
    const c = h.emu.config;
    const user = (
      await h.api(`/users/${h.world.scenario.people[0]!.id}?$select=${USER_PROPERTIES.join(",")}`)
    ).body;
    within(Object.keys(user), props("user"), "user");
    const group = (await h.api(`/groups/${c.notYetMigratedGroupId}`)).body;
    within(Object.keys(group), props("group"), "group");
    const policy = (await h.api(`/identity/conditionalAccess/policies/${c.targetPolicyId}`)).body;
    assert.deepEqual(Object.keys(policy).sort(), [...props("conditionalAccessPolicy")].sort());
    within(Object.keys(policy.conditions), complex("conditionalAccessConditionSet"), "conditions");
    assert.deepEqual(
      Object.keys(policy.conditions.users).sort(),
      [...complex("conditionalAccessUsers")].sort(),
    );
    assert.deepEqual(
      Object.keys(policy.conditions.applications).sort(),
      [...complex("conditionalAccessApplications")].sort(),
    );
    within(Object.keys(policy.grantControls), complex("conditionalAccessGrantControls"), "grantControls");
    assert.ok(meta.enums.conditionalAccessPolicyState.includes(policy.state));
    for (const g of policy.grantControls.builtInControls)
      assert.ok(meta.enums.conditionalAccessGrantControl.includes(g));
    for (const a of policy.conditions.clientAppTypes)
      assert.ok(meta.enums.conditionalAccessClientApp.includes(a));
  });
});
