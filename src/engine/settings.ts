/** The engine's knobs, with defaults an administrator would accept on day one. */
import { DAY, HOUR, MINUTE, type Millis } from "../core/time.ts";

export interface EngineSettings {
  /**
   * Wait after a CA change is read back before the next step for that person. Group changes
   * take minutes to reach every gateway and sign-in; never-both relies on this being longer
   * than the slowest propagation.
   */
  caSettle: Millis;
  /** CA policy endpoints allow about one request per second per tenant: verify rarely. */
  policyCheckEvery: Millis;
  /** not seen by the source for this long: lost or abandoned, excluded as stale */
  staleAfter: Millis;
  limboAlertAfter: Millis;
  /** where limbo escalations go; without it they are audit alerts only */
  helpdeskEmail: string | undefined;
  /** after this long in limbo, despite escalation, a device is excluded as abandoned */
  limboGiveUpAfter: Millis;
  /** destructive actions (remote retire) issued per rolling hour, at most */
  maxRetiresPerHour: number;
  /** people per CA action; connectors split further to their API's batch size */
  caBatchSize: number;
  /**
   * An inventory in which more than this share of known devices vanished at once is not
   * believed (a truncated export, a paging bug, a wrong tenant): the pass keeps the last
   * known presence and raises an alert instead of sending thousands of devices to limbo.
   */
  maxVanishShare: number;
  leaseFor: Millis;
  maxAttempts: number;
  backoffBase: Millis;
  backoffMax: Millis;
}

export const defaultEngineSettings: EngineSettings = {
  caSettle: 30 * MINUTE,
  policyCheckEvery: HOUR,
  staleAfter: 30 * DAY,
  limboAlertAfter: 3 * DAY,
  helpdeskEmail: undefined,
  limboGiveUpAfter: 21 * DAY,
  maxRetiresPerHour: 200,
  caBatchSize: 500,
  maxVanishShare: 0.2,
  leaseFor: 5 * MINUTE,
  maxAttempts: 8,
  backoffBase: MINUTE,
  backoffMax: HOUR,
};
