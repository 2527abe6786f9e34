/**
 * Hardware identifiers for simulated devices, in each maker's format (vendor-apis.md §F),
 * and the rules for which ones an enrollment mode lets the management system see.
 */
import { type DeviceIdentifiers, normaliseIdentifiers } from "../core/identifiers.ts";
import { type EnrollmentMode, majorVersion, type Platform } from "../core/platform.ts";
import { MAC_PREFIXES, type ModelSpec } from "./catalog.ts";
import type { Rng } from "./rng.ts";

const ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "0123456789";

/** A serial number in the maker's usual shape. */
export function serialFor(model: ModelSpec, rng: Rng): string {
  switch (model.serial) {
    case "apple": // randomised serials since 2021: 10 characters
      return rng.chars(10, ALNUM);
    case "apple-legacy": // 12 characters: factory, year/week, unique id, model code
      return rng.pick(["C02", "F2L", "DNP", "DMP", "FVF", "G6T"]) + rng.chars(9, ALNUM);
    case "samsung":
      return `R5CT${rng.chars(7, ALNUM)}`;
    case "pixel":
      return `${rng.chars(5, DIGITS)}FD${rng.chars(1, LETTERS)}${rng.chars(4, DIGITS)}${rng.chars(2, LETTERS)}`;
    case "zebra":
      return `2${rng.chars(13, DIGITS)}`;
    case "motorola":
      return `ZY${rng.chars(8, ALNUM)}`;
    case "dell":
      return rng.chars(7, ALNUM);
    case "lenovo":
      return `PF${rng.chars(6, ALNUM)}`;
    case "hp":
      return `5CG${rng.chars(4, DIGITS)}${rng.chars(3, ALNUM)}`;
    case "surface":
      return rng.chars(12, DIGITS);
  }
}

/** A 15-digit IMEI: 8-digit type allocation code, 6-digit serial, Luhn check digit. */
export function imeiFor(rng: Rng): string {
  const body = `35${rng.chars(12, DIGITS)}`;
  return body + luhnDigit(body);
}

export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The raw Wi-Fi MAC with colons, as most consoles show it. */
export function wifiMacFor(manufacturer: string, rng: Rng): string {
  const prefix = rng.pick(MAC_PREFIXES[manufacturer] ?? ["02:00:5E"]);
  const tail = [rng.hex(2), rng.hex(2), rng.hex(2)].join(":").toUpperCase();
  return `${prefix}:${tail}`;
}

/** Apple's UDID: 8-16 hex for A12/M1 and later, 40 hex before; Intel Macs report their hardware UUID. */
export function udidFor(platform: Platform, model: ModelSpec, rng: Rng): string {
  if (model.appleSilicon)
    return `0000${rng.pick(["8110", "8120", "8130", "8140", "8101", "8103"])}-${rng.hex(16)}`;
  if (platform === "macos") return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  return rng.hex(40);
}

/** Every identifier the hardware has, whatever the management system is allowed to read. */
export interface Hardware {
  serial: string;
  imei: string | undefined;
  meid: string | undefined;
  udid: string | undefined;
  wifiMac: string;
}

export function hardwareFor(platform: Platform, model: ModelSpec, rng: Rng): Hardware {
  const apple = platform === "ios" || platform === "ipados" || platform === "macos";
  const imei = model.cellular ? imeiFor(rng) : undefined;
  return {
    serial: serialFor(model, rng),
    imei,
    // CDMA-capable iPhones also report an MEID: the first 14 digits of the IMEI.
    meid: imei && platform === "ios" && rng.bernoulli(0.05) ? imei.slice(0, 14) : undefined,
    udid: apple ? udidFor(platform, model, rng) : undefined,
    wifiMac: wifiMacFor(model.manufacturer, rng),
  };
}

/**
 * What a management system enrolled in `mode` reports (vendor-apis.md §F), normalised:
 * - Apple User Enrollment: no serial, IMEI, MEID, UDID (nor the Wi-Fi MAC, a persistent identifier);
 * - Android 12+ personal work profile and Android device admin on 10+: no serial, IMEI or MEID;
 * - Windows: no IMEI.
 */
export function visibleIdentifiers(mode: EnrollmentMode, osVersion: string, hw: Hardware): DeviceIdentifiers {
  const major = majorVersion(osVersion);
  switch (mode) {
    case "apple-user-enrollment":
      return {};
    case "android-work-profile":
      if (major >= 12) return normaliseIdentifiers({ wifiMac: hw.wifiMac });
      break;
    case "android-device-admin":
      if (major >= 10) return normaliseIdentifiers({ wifiMac: hw.wifiMac });
      break;
    case "windows":
      return normaliseIdentifiers({ serial: hw.serial, wifiMac: hw.wifiMac });
  }
  return normaliseIdentifiers({
    serial: hw.serial,
    imei: hw.imei,
    meid: hw.meid,
    udid: hw.udid,
    wifiMac: hw.wifiMac,
  });
}
