/**
 * What the tests of `connection.kind: "vendors"` share: ferry.json's Graph section for a
 * Graph emulator, its client secret named by an environment variable as an installation has it.
 */

/** The environment variable the tests' ferry.json names for Graph's client secret. */
export const GRAPH_SECRET_ENV = "TEST_FERRY_GRAPH_SECRET";

/** The fields of a Graph emulator's config (or a fleet connection's) that ferry.json carries. */
export interface GraphEmulatorSettings {
  tenantId: string;
  clientId: string;
  authorityBaseUrl: string;
  graphBaseUrl: string;
  notYetMigratedGroupId: string;
  targetPolicyId: string;
  legacy?: unknown;
  mailSender?: string | undefined;
}

/** `connection.graph.config` of ferry.json for the Graph emulator `g`. */
export function graphSection(g: GraphEmulatorSettings): Record<string, unknown> {
  return {
    tenantId: g.tenantId,
    clientId: g.clientId,
    clientSecretEnv: GRAPH_SECRET_ENV,
    authorityBaseUrl: g.authorityBaseUrl,
    graphBaseUrl: g.graphBaseUrl,
    notYetMigratedGroupId: g.notYetMigratedGroupId,
    targetPolicyId: g.targetPolicyId,
    ...(g.legacy === undefined ? {} : { legacy: g.legacy }),
    ...(g.mailSender === undefined ? {} : { mailSender: g.mailSender }),
  };
}
