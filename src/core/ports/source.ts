/**
 * The ports toward the old product (the *source*). Each is small and named after its role so
 * a connector implements only what its vendor offers.
 */
import type { DeviceIdentifiers } from "../identifiers.ts";
import type { EnrollmentMode, Ownership, Platform } from "../platform.ts";
import type { Millis } from "../time.ts";

/** A device as the source reports it, already mapped to Ferry's vocabulary by the connector. */
export interface SourceDeviceRecord {
  /** the source's own id for the record */
  sourceId: string;
  /** the owner's user principal name or e-mail as the source knows it; undefined = no owner */
  ownerUpn: string | undefined;
  platform: Platform;
  mode: EnrollmentMode;
  ownership: Ownership;
  osVersion: string;
  model: string;
  manufacturer: string;
  identifiers: DeviceIdentifiers;
  /** "retire-pending": a retire was issued and the device has not checked in since */
  enrollment: "enrolled" | "retire-pending";
  lastSeenAt: Millis | undefined;
}

export interface SourceInventory {
  /** Every device the source still manages, page by page. */
  listDevices(): AsyncIterable<SourceDeviceRecord>;
}

export interface SourceOffboarding {
  /**
   * Enterprise wipe / remove the MDM profile: removes the old product's management and
   * company data, never personal data. Idempotent: retiring a device already retired or gone
   * succeeds.
   */
  retire(sourceId: string): Promise<void>;
}

/**
 * The source's conditional access (a mail gateway or the vendor's CA), governed through one
 * Ferry-managed exclusion list: a person on it is out of the source's CA scope.
 */
export interface SourceAccessControl {
  /** Adds people (by UPN) to the exclusion. Idempotent. */
  exclude(upns: readonly string[]): Promise<void>;
  /** Removes people from the exclusion, putting them back under the source's CA. Idempotent. */
  include(upns: readonly string[]): Promise<void>;
  /** Reads the exclusion back: Ferry confirms every change this way, never by assumption. */
  listExcluded(): Promise<ReadonlySet<string>>;
  policyEnabled(): Promise<boolean>;
  /** Switches the source's CA off for everyone: the last step before retiring the product. */
  disablePolicy(): Promise<void>;
}

/**
 * Apple Business Manager: reassigning an ADE device to Intune with a deadline (OS 26+). The
 * device moves on its own when the user accepts, or is forced at the deadline.
 */
export interface AppleDeviceAssignment {
  reassignToTarget(serial: string, deadlineAt: Millis): Promise<void>;
}
