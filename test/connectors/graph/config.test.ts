/** The connection as ferry.json holds it: validated at once, the secret read from the environment. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { graphScopeFor, parseGraphConfig, resolveGraphConfig } from "../../../src/connectors/graph/index.ts";

const RAW = {
  kind: "graph",
  tenantId: "contoso.onmicrosoft.com",
  clientId: "1b2c3d4e-0000-4000-8000-000000000001",
  clientSecretEnv: "FERRY_GRAPH_CLIENT_SECRET",
  notYetMigratedGroupId: "2b2c3d4e-0000-4000-8000-000000000002",
  targetPolicyId: "3b2c3d4e-0000-4000-8000-000000000003",
  mailSender: "it-migration@contoso.com",
};

describe("graph connector: configuration", () => {
  test("the secret comes from the environment; defaults fill in", () => {
    const c = parseGraphConfig(RAW, { FERRY_GRAPH_CLIENT_SECRET: "s3cret" }, ["breakglass1@contoso.com"]);
    assert.equal(c.clientSecret, "s3cret");
    assert.deepEqual(c.breakGlassUpns, ["breakglass1@contoso.com"]);
    const r = resolveGraphConfig(c);
    assert.equal(r.tokenUrl, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert.equal(r.graphBaseUrl, "https://graph.microsoft.com/v1.0");
    assert.equal(graphScopeFor(r.graphBaseUrl), "https://graph.microsoft.com/.default");
    assert.equal(graphScopeFor("https://graph.microsoft.us/v1.0"), "https://graph.microsoft.us/.default");
  });

  test("every problem named at once", () => {
    assert.throws(
      () => parseGraphConfig({ ...RAW, clientId: "", graphBaseUrl: "graph", legacy: { policyId: "x" } }, {}),
      (e: Error) => {
        assert.equal(e.name, "GraphConfigError");
        assert.match(e.message, /"clientId" must be a non-empty string/);
        assert.match(e.message, /"graphBaseUrl" must be an http\(s\) URL/);
        assert.match(e.message, /"legacy" needs "excludedGroupId" and "policyId"/);
        assert.match(e.message, /FERRY_GRAPH_CLIENT_SECRET .* is not set/);
        return true;
      },
    );
  });
});
