/** The Jamf Pro emulator: an HTTP facade over a simulated organisation's Apple devices (§C). */
export {
  ALL_JAMF_PRIVILEGES,
  JAMF_PRIVILEGES,
  JAMF_UNMANAGE_COMMANDS,
  type JamfApiClient,
  type JamfCommand,
  type JamfEmulator,
  type JamfEmulatorConfig,
  type JamfEmulatorSettings,
  type JamfUser,
  jamfConnectorSettings,
  type StartJamfEmulatorOptions,
  startJamfEmulator,
} from "./emulator.ts";
export {
  computerRecord,
  jamfManages,
  managementIdOf,
  mobileDetail,
  mobileListItem,
  ownershipTypeOf,
} from "./records.ts";
export { evaluateRsql, parseRsql, RsqlError, type RsqlNode, rsqlFields } from "./rsql.ts";
