/** The Workspace ONE UEM emulator: an HTTP facade over a simulated organisation's source (§B). */
export {
  ALL_WS1_PERMISSIONS,
  type SegAction,
  type StartWorkspaceOneEmulatorOptions,
  startWorkspaceOneEmulator,
  type WorkspaceOneAdmin,
  type WorkspaceOneEmulator,
  type WorkspaceOneEmulatorConfig,
  type WorkspaceOneEmulatorSettings,
  type WorkspaceOneOAuthClient,
  type WorkspaceOnePermission,
  workspaceOneConnectorSettings,
} from "./emulator.ts";
export {
  ORGANIZATION_GROUP_ID,
  ownershipOf,
  statusOf,
  v1Record,
  v2Record,
  v3Record,
  ws1Time,
} from "./records.ts";
export { type SourceView, stableUuid, WorldSource } from "./world-source.ts";
