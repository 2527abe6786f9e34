/**
 * Every port the engine drives. Only wiring code (CLI, server, demo) assembles them; the
 * engine takes each one by its role.
 */
import type { Clock } from "../time.ts";
import type { Mailer } from "./mailer.ts";
import type {
  AppleDeviceAssignment,
  SourceAccessControl,
  SourceInventory,
  SourceOffboarding,
} from "./source.ts";
import type { Directory, TargetAccessControl, TargetInventory } from "./target.ts";

export type * from "./mailer.ts";
export type * from "./source.ts";
export type * from "./target.ts";

export interface Ports {
  clock: Clock;
  sourceInventory: SourceInventory;
  sourceOffboarding: SourceOffboarding;
  sourceAccess: SourceAccessControl;
  appleAssignment: AppleDeviceAssignment;
  targetInventory: TargetInventory;
  targetAccess: TargetAccessControl;
  directory: Directory;
  mailer: Mailer;
}
