/**
 * The Ivanti connector's configuration: one schema for both flavours, EPMM / MobileIron Core
 * (`flavour: "core"`, API v2) and Neurons for MDM / MobileIron Cloud (`flavour: "cloud"`).
 * Secrets never live here: the configuration names the environment variable that holds the
 * API user's password.
 *
 * ```json
 * { "kind": "ivanti", "flavour": "core", "baseUrl": "https://epmm.example.com",
 *   "username": "ferry-api", "passwordEnv": "FERRY_IVANTI_PASSWORD", "adminDeviceSpaceId": 1 }
 * ```
 */

export type IvantiFlavour = "core" | "cloud";

/**
 * [U] Core fields that say how an Apple or Android device is enrolled, whose names could not
 * be verified (vendor-apis.md §D lists no such field). Override them here if your EPMM names
 * them differently; when the server does not know them, the connector reads devices without
 * them and infers the mode (see README.md).
 */
export interface CoreModeFieldNames {
  /** true for an Automated Device Enrollment (DEP) iPhone, iPad or Mac */
  dep: string;
  /** true for an Android Enterprise device-owner enrollment (fully managed, COPE, dedicated) */
  deviceOwner: string;
  /** true when the Android device has a work profile (personal work profile, COPE) */
  workProfile: string;
  /** true for an Android dedicated (kiosk) device */
  kiosk: string;
}

export const DEFAULT_CORE_MODE_FIELDS: Readonly<CoreModeFieldNames> = Object.freeze({
  dep: "ios.DEPEnrolled",
  deviceOwner: "android.device_owner_mode_enabled",
  workProfile: "android.work_profile_enabled",
  kiosk: "android.kiosk_enabled",
});

export interface IvantiConfig {
  flavour: IvantiFlavour;
  /** The server: `https://epmm.example.com` (Core) or your Neurons for MDM host (`https://eu1.mobileiron.com`). */
  baseUrl: string;
  /** The API user (Core: a local admin with the API role; Cloud: a tenant admin or API user). */
  username: string;
  /** Name of the environment variable holding that user's password. */
  passwordEnv: string;
  /** Core: the API admin's device space (default 1, the global space). */
  adminDeviceSpaceId: number;
  /** Cloud: the device partition (space) to read; default the tenant's default partition, discovered. */
  partitionId?: number;
  /** Devices per page: Core `limit` (default 200), Cloud `rows` (default 500, the documented maximum). */
  pageSize: number;
  /** Core [U]: the mode field names, see {@link CoreModeFieldNames}. */
  coreModeFields: CoreModeFieldNames;
  /** Core: the note recorded with each retire. */
  retireNote: string;
  /** Client-side pacing in requests per minute; none by default, since Ivanti publishes no limits (§D). */
  requestsPerMinute?: number;
  /** Requests in flight at once (default 4). */
  maxConcurrency: number;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs: number;
}

/** Every problem found, each on its own (`problems`), and together in the message after `where`. */
export class IvantiConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    where?: string,
  ) {
    super(where === undefined ? problems.join("; ") : `${where}: ${problems.join("; ")}`);
    this.name = "IvantiConfigError";
  }
}

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/**
 * Validates a raw configuration object and fills in the defaults; throws an
 * IvantiConfigError naming every problem at once.
 */
export function parseIvantiConfig(raw: unknown, where = "ivanti connection"): IvantiConfig {
  if (typeof raw !== "object" || raw === null) throw new IvantiConfigError(["expected an object"], where);
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const flavour = c.flavour;
  if (flavour !== "core" && flavour !== "cloud") problems.push(`"flavour" must be "core" or "cloud"`);
  let baseUrl = "";
  if (typeof c.baseUrl !== "string" || !/^https?:\/\/[^/]/.test(c.baseUrl)) {
    problems.push(`"baseUrl" must be the server's URL, e.g. "https://epmm.example.com"`);
  } else {
    baseUrl = c.baseUrl.replace(/\/+$/, "");
  }
  if (typeof c.username !== "string" || c.username.trim() === "") problems.push(`"username" is required`);
  if (typeof c.passwordEnv !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(c.passwordEnv)) {
    problems.push(`"passwordEnv" must name the environment variable that holds the password`);
  }
  if ("password" in c)
    problems.push(`"password" must not be in the configuration: put it in the variable "passwordEnv" names`);
  if (c.adminDeviceSpaceId !== undefined && !isInt(c.adminDeviceSpaceId, 1)) {
    problems.push(`"adminDeviceSpaceId" must be a positive whole number`);
  }
  if (c.partitionId !== undefined && !isInt(c.partitionId, 1))
    problems.push(`"partitionId" must be a positive whole number`);
  if (c.pageSize !== undefined && !isInt(c.pageSize, 1, 500)) {
    problems.push(`"pageSize" must be between 1 and 500 (Neurons for MDM refuses more than 500 rows)`);
  }
  if (c.requestsPerMinute !== undefined && !isInt(c.requestsPerMinute, 1)) {
    problems.push(`"requestsPerMinute" must be a positive whole number`);
  }
  if (c.maxConcurrency !== undefined && !isInt(c.maxConcurrency, 1, 64))
    problems.push(`"maxConcurrency" must be 1 to 64`);
  if (c.timeoutMs !== undefined && !isInt(c.timeoutMs, 1000))
    problems.push(`"timeoutMs" must be at least 1000`);
  const modeFields = (c.coreModeFields ?? {}) as Record<string, unknown>;
  if (typeof modeFields !== "object" || modeFields === null)
    problems.push(`"coreModeFields" must be an object`);
  for (const [k, v] of Object.entries(modeFields ?? {})) {
    if (!(k in DEFAULT_CORE_MODE_FIELDS)) problems.push(`"coreModeFields.${k}" is not a known mode field`);
    else if (typeof v !== "string" || v.trim() === "")
      problems.push(`"coreModeFields.${k}" must be a field name`);
  }
  if (c.retireNote !== undefined && typeof c.retireNote !== "string")
    problems.push(`"retireNote" must be text`);
  if (problems.length > 0) throw new IvantiConfigError(problems, where);
  return {
    flavour: flavour as IvantiFlavour,
    baseUrl,
    username: (c.username as string).trim(),
    passwordEnv: c.passwordEnv as string,
    adminDeviceSpaceId: (c.adminDeviceSpaceId as number | undefined) ?? 1,
    ...(c.partitionId === undefined ? {} : { partitionId: c.partitionId as number }),
    pageSize: (c.pageSize as number | undefined) ?? (flavour === "cloud" ? 500 : 200),
    coreModeFields: { ...DEFAULT_CORE_MODE_FIELDS, ...(modeFields as Partial<CoreModeFieldNames>) },
    retireNote: (c.retireNote as string | undefined) ?? "Retired by Ferry: migration to Microsoft Intune",
    ...(c.requestsPerMinute === undefined ? {} : { requestsPerMinute: c.requestsPerMinute as number }),
    maxConcurrency: (c.maxConcurrency as number | undefined) ?? 4,
    timeoutMs: (c.timeoutMs as number | undefined) ?? 30_000,
  };
}

/** The API user's password from the environment variable the configuration names. */
export function ivantiPassword(config: IvantiConfig, env: Record<string, string | undefined>): string {
  const value = env[config.passwordEnv];
  if (value === undefined || value === "") {
    throw new IvantiConfigError([
      `The environment variable ${config.passwordEnv} is not set: it must hold the password of Ivanti API user "${config.username}"`,
    ]);
  }
  return value;
}
