/**
 * Ferry's Microsoft Graph connector (Intune + Entra ID): the target inventory, Intune's
 * conditional access through the not-yet-migrated group, the directory, mail, and (when the
 * old product's CA lives in Entra) the source's conditional access. See docs/connectors/graph.md.
 *
 * @example
 * const graph = graphPorts(config, { clock: systemClock, sleep: realSleep, logger });
 * const ports = { ...otherPorts, targetInventory: graph.targetInventory, targetAccess: graph.targetAccess,
 *   directory: graph.directory, mailer: graph.mailer! };
 */
import type { Directory, Mailer, SourceAccessControl } from "../../core/ports/index.ts";
import { GraphSourceAccess, GraphTargetAccess } from "./access.ts";
import { GraphClient } from "./client.ts";
import type { GraphConfig, GraphDeps } from "./config.ts";
import { GraphTargetInventory } from "./inventory.ts";
import { GraphMailer } from "./mailer.ts";
import { GraphDirectory, UserResolver } from "./users.ts";

export { GraphSourceAccess, GraphTargetAccess } from "./access.ts";
export {
  BATCH_LIMIT,
  type BatchRequest,
  type BatchResponse,
  GraphClient,
  graphScopeFor,
  IdentityWrites,
  MAIL_BUDGET,
  MAIL_SCOPE,
} from "./client.ts";
export {
  GRAPH_DEFAULTS,
  type GraphConfig,
  GraphConfigError,
  type GraphConnectionJson,
  type GraphDeps,
  parseGraphConfig,
  resolveGraphConfig,
} from "./config.ts";
export {
  checkGraphConnection,
  type GraphConnectionReport,
  type PermissionCheck,
  tokenRoles,
} from "./connect.ts";
export { GroupMembers } from "./groups.ts";
export { DEVICE_PAGE_SIZE, GraphTargetInventory } from "./inventory.ts";
export { GraphMailer, graphMessageId } from "./mailer.ts";
export {
  complianceOf,
  MANAGED_DEVICE_SELECT,
  type ManagedDeviceJson,
  type MappedDevice,
  mapManagedDevice,
  platformOf,
  withUdid,
} from "./mapper.ts";
export { GraphDirectory, toDirectoryUser, UserResolver } from "./users.ts";

export interface GraphPorts {
  targetInventory: GraphTargetInventory;
  targetAccess: GraphTargetAccess;
  directory: Directory;
  /** present when `mailSender` is configured */
  mailer?: Mailer;
  /** present when `legacy` is configured (the old product's CA lives in Entra) */
  sourceAccess?: SourceAccessControl;
  /** the one client every port shares (its stats, its `http.inFlight` for a FakeSleep's `idle`) */
  client: GraphClient;
}

/** Every port the Graph connector offers, sharing one client, one token and one set of budgets. */
export function graphPorts(config: GraphConfig, deps: GraphDeps): GraphPorts {
  const client = new GraphClient(config, deps);
  const resolver = new UserResolver(client);
  return {
    client,
    targetInventory: new GraphTargetInventory(client),
    targetAccess: new GraphTargetAccess(client, resolver),
    directory: new GraphDirectory(client),
    ...(client.config.mailSender ? { mailer: new GraphMailer(client) } : {}),
    ...(client.config.legacy ? { sourceAccess: new GraphSourceAccess(client, resolver) } : {}),
  };
}
