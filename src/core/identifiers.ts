/**
 * Hardware identifiers as every system reports them, normalised so they compare:
 * upper case with spaces, colons, dashes and dots removed (vendor-apis.md §F).
 * Some enrollment modes carry none of them (Apple User Enrollment, Android 12+
 * personal work profile): absent identifiers stay `undefined`, never "".
 */
export interface DeviceIdentifiers {
  serial?: string | undefined;
  imei?: string | undefined;
  meid?: string | undefined;
  udid?: string | undefined;
  wifiMac?: string | undefined;
}

export const IDENTIFIER_KINDS = ["serial", "imei", "meid", "udid", "wifiMac"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** Placeholder values vendors return instead of leaving a field empty. */
const PLACEHOLDERS = new Set(["", "0", "UNKNOWN", "NULL", "NONE", "N/A", "000000000000", "0000000000000000"]);

export function normaliseIdentifier(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const value = String(raw)
    .toUpperCase()
    .replace(/[\s:.-]/g, "");
  return PLACEHOLDERS.has(value) ? undefined : value;
}

export function normaliseIdentifiers(
  raw: {
    [K in IdentifierKind]?: string | null | undefined;
  },
): DeviceIdentifiers {
  const out: DeviceIdentifiers = {};
  for (const kind of IDENTIFIER_KINDS) {
    const value = normaliseIdentifier(raw[kind]);
    if (value !== undefined) out[kind] = value;
  }
  return out;
}
