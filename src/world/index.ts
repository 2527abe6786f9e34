/** The simulated organisation: public surface. */
export type { BehaviourMix, Profile } from "./behaviour.ts";
export { DEFAULT_BEHAVIOUR } from "./behaviour.ts";
export {
  type CaLine,
  type CheckOptions,
  checkGroundTruth,
  checkGroundTruthFile,
  type EmailLine,
  type EnrollmentLine,
  formatLine,
  GroundTruthChecker,
  type GroundTruthLine,
  type GroundTruthReport,
  type GroundTruthSink,
  type GroundTruthSystem,
  jsonLinesSink,
  type Violation,
} from "./ground-truth.ts";
export { DEFAULT_DELAYS, DEFAULT_START, type WorldDelays, type WorldOptions } from "./options.ts";
export { REACTIVE_TEMPLATES } from "./population.ts";
export type { Scenario, ScenarioDevice, ScenarioPerson } from "./scenario.ts";
export type { MailboxEntry } from "./state.ts";
export { type DeviceTruth, SimulatedOrganisation, type WorldTruth } from "./world.ts";
