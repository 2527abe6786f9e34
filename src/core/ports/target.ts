/** The ports toward Intune (the *target*) and its directory, Entra ID. */
import type { DeviceIdentifiers } from "../identifiers.ts";
import type { Platform } from "../platform.ts";
import type { Millis } from "../time.ts";

export interface TargetDeviceRecord {
  /** Intune's managedDevice id; a re-enrolled device gets a new one */
  targetId: string;
  userPrincipalName: string | undefined;
  platform: Platform;
  osVersion: string;
  model: string;
  manufacturer: string;
  identifiers: DeviceIdentifiers;
  compliance: "unknown" | "compliant" | "noncompliant";
  enrolledAt: Millis;
}

export interface TargetInventory {
  listDevices(): AsyncIterable<TargetDeviceRecord>;
}

/** What Ferry needs to be true of the Intune "require a compliant device" policy. */
export interface TargetPolicyCheck {
  enabled: boolean;
  /** the policy excludes the Ferry-managed not-yet-migrated group */
  excludesNotYetMigrated: boolean;
  /** the policy excludes every break-glass account (directly or by group) */
  excludesBreakGlass: boolean;
  problems: string[];
}

/**
 * Intune's conditional access, governed through the *not-yet-migrated* group that its policy
 * excludes: a member is exempt from Intune CA, a non-member is enforced.
 */
export interface TargetAccessControl {
  /** Adds people (directory object ids) to the not-yet-migrated group. Idempotent. */
  exempt(directoryIds: readonly string[]): Promise<void>;
  /** Removes people from the group: Intune CA applies to them. Idempotent. */
  enforce(directoryIds: readonly string[]): Promise<void>;
  listExempt(): Promise<ReadonlySet<string>>;
  verifyPolicy(): Promise<TargetPolicyCheck>;
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  department: string;
  officeLocation: string;
  /** IANA zone; undefined when the directory has none */
  timeZone: string | undefined;
  preferredLanguage: string | undefined;
}

export interface Directory {
  listUsers(): AsyncIterable<DirectoryUser>;
  /** Finds a user by UPN or e-mail, case-insensitively. */
  findUser(upnOrMail: string): Promise<DirectoryUser | undefined>;
}
