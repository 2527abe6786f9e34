/**
 * The Microsoft Graph emulator (Intune + Entra ID), over a simulated organisation. See
 * docs/connectors/graph.md.
 */
export {
  DEFAULT_GRANTED_PERMISSIONS,
  GRAPH_PERMISSIONS,
  type GraphPrincipal,
  PERMISSION_RULES,
} from "./auth.ts";
export { MAX_BATCH } from "./batch.ts";
export {
  type DeviceOverlay,
  defaultGraphThrottles,
  GRAPH_THROTTLE_SCOPES,
  type GraphEmulatorConfig,
  type GraphEmulatorOptions,
  type GraphState,
} from "./context.ts";
export { MANAGED_DEVICE_FILTERS, MANAGED_DEVICE_PROPERTIES, SINGLE_GET_ONLY } from "./devices.ts";
export { USER_PROPERTIES } from "./directory.ts";
export { type GraphEmulator, type StartGraphEmulatorOptions, startGraphEmulator } from "./emulator.ts";
export { DEFAULT_MAIL_SENDER } from "./mail.ts";
export { WorldTime } from "./world-time.ts";
