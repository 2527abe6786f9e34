/**
 * The simulated organisation's reference data: names, departments, offices, and the device
 * models and operating-system versions found in a fleet at the start of 2026.
 */
import type { EnrollmentMode, Platform } from "../core/platform.ts";

export const DOMAIN = "contoso.example";
/** ~2% of people keep a mail address in a renamed domain (lookup by mail must cope). */
export const LEGACY_DOMAIN = "contoso-legacy.example";

export const DEPARTMENTS: readonly (readonly [string, number])[] = [
  ["Engineering", 25],
  ["Sales", 21],
  ["Support", 15],
  ["Operations", 12],
  ["Marketing", 9],
  ["Finance", 8],
  ["HR", 6],
  ["Legal", 4],
];

export interface Office {
  city: string;
  timeZone: string;
  language: string;
  /** name pool used for people based there */
  names: "anglo" | "german" | "asian";
}

export const OFFICES: readonly (readonly [Office, number])[] = [
  [{ city: "London", timeZone: "Europe/London", language: "en-GB", names: "anglo" }, 30],
  [{ city: "New York", timeZone: "America/New_York", language: "en-US", names: "anglo" }, 28],
  [{ city: "Berlin", timeZone: "Europe/Berlin", language: "de-DE", names: "german" }, 16],
  [{ city: "Singapore", timeZone: "Asia/Singapore", language: "en-SG", names: "asian" }, 12],
  [{ city: "Sydney", timeZone: "Australia/Sydney", language: "en-AU", names: "anglo" }, 14],
];

/** Languages people sometimes prefer over their office's. */
export const OTHER_LANGUAGES = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "zh-CN", "ja-JP", "nl-NL"];

function words(text: string): readonly string[] {
  return text.split(" ").filter((w) => w !== "");
}

export const FIRST_NAMES: Record<Office["names"], readonly string[]> = {
  anglo: words(
    "Oliver Amelia George Olivia Harry Isla Jack Ava Noah Emily Charlie Sophie James Grace " +
      "William Lily Thomas Chloe Henry Ella Daniel Mia Samuel Ruby Michael Jessica David Sarah " +
      "Joseph Emma Matthew Hannah Ryan Laura Liam Zoe Ethan Lucas Priya Aisha Mohammed Omar " +
      "Fatima Carlos Maria Sean Niamh Aaron Rachel Ben Kate Tom Anna Sam Lucy Max Ellie",
  ),
  german: words(
    "Lukas Anna Leon Lena Finn Marie Jonas Sophie Paul Laura Felix Lea Maximilian Hannah Moritz " +
      "Julia Tim Katharina Jan Sarah Niklas Lisa Tobias Johanna Stefan Claudia Matthias Sabine " +
      "Andreas Petra Florian Nina",
  ),
  asian: words(
    "Wei Mei Jun Hui Ming Ling Raj Anjali Arjun Divya Siti Nurul Daniel Rachel Kenji Yuki " +
      "Hiroshi Sakura Jia Xin Kumar Lakshmi Aaron Grace",
  ),
};

export const LAST_NAMES: Record<Office["names"], readonly string[]> = {
  anglo: words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson " +
      "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson " +
      "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan " +
      "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell " +
      "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Garcia Rodriguez " +
      "Nguyen Khan Ali Singh O'Brien Smith-Jones Fitzgerald Sullivan",
  ),
  german: words(
    "Mueller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schaefer Koch " +
      "Bauer Richter Klein Wolf Schroeder Neumann Schwarz Zimmermann Braun Krueger Hofmann " +
      "Hartmann Lange Schmitt Werner Krause Meier Lehmann",
  ),
  asian: words(
    "Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Kumar Nair " +
      "Rahman Ismail Tanaka Sato Chen Wang Liu",
  ),
};

// ---------------------------------------------------------------------------------------
// Devices

export interface ModeSpec {
  mode: EnrollmentMode;
  platform: Platform;
  /** share of all devices, in percent */
  weight: number;
  /** probability that a device of this mode is personal */
  personal: number;
}

/** iOS/iPadOS ≈45%, Android ≈30%, Windows ≈15%, macOS ≈10% of the fleet. */
export const MODE_MIX: readonly ModeSpec[] = [
  { mode: "apple-device", platform: "ios", weight: 15, personal: 0.65 },
  { mode: "apple-device", platform: "ipados", weight: 4, personal: 0.5 },
  { mode: "apple-user-enrollment", platform: "ios", weight: 6, personal: 1 },
  { mode: "apple-user-enrollment", platform: "ipados", weight: 1.5, personal: 1 },
  { mode: "apple-ade", platform: "ios", weight: 14, personal: 0 },
  { mode: "apple-ade", platform: "ipados", weight: 4.5, personal: 0 },
  { mode: "android-work-profile", platform: "android", weight: 18, personal: 1 },
  { mode: "android-fully-managed", platform: "android", weight: 5, personal: 0 },
  { mode: "android-cope", platform: "android", weight: 3, personal: 0 },
  { mode: "android-dedicated", platform: "android", weight: 2.5, personal: 0 },
  { mode: "android-device-admin", platform: "android", weight: 1.5, personal: 0.5 },
  { mode: "windows", platform: "windows", weight: 15, personal: 0.15 },
  { mode: "macos-profile", platform: "macos", weight: 6, personal: 0.45 },
  { mode: "macos-ade", platform: "macos", weight: 4, personal: 0 },
];

/** Modes an unowned device typically has: kiosks, shared iPads, meeting-room PCs. */
export const UNOWNED_MODE_MIX: readonly (readonly [ModeSpec, number])[] = MODE_MIX.map((spec) => [
  spec,
  spec.mode === "android-dedicated" ? 30 : spec.mode === "apple-ade" ? 10 : spec.mode === "windows" ? 8 : 1,
]);

/** OS versions as reported, with weights; a share of each list is below Intune's minimum. */
export const OS_VERSIONS: Record<
  "apple" | "android" | "androidLegacy" | "macos" | "windows",
  [string, number][]
> = {
  apple: [
    ["26.2", 16],
    ["26.1", 14],
    ["26.0.1", 12],
    ["18.7.2", 14],
    ["18.6.2", 12],
    ["18.5", 10],
    ["17.7.2", 8],
    ["17.6.1", 6],
    ["16.7.12", 2.5],
    ["16.7.10", 1.5],
    ["15.8.4", 1.5],
  ],
  android: [
    ["16", 16],
    ["15", 29],
    ["14", 24],
    ["13", 14],
    ["12", 8],
    ["11", 4],
    ["10", 2],
    ["9", 2],
    ["8.1.0", 1],
  ],
  /** device administrator enrollments skew old */
  androidLegacy: [
    ["13", 15],
    ["12", 20],
    ["11", 25],
    ["10", 20],
    ["9", 15],
    ["8.1.0", 5],
  ],
  macos: [
    ["26.2", 18],
    ["26.1", 16],
    ["15.7.2", 22],
    ["15.6.1", 16],
    ["14.8.1", 10],
    ["14.7.8", 8],
    ["13.7.8", 6],
    ["12.7.6", 2.5],
  ],
  windows: [
    ["10.0.26100.7171", 44],
    ["10.0.26200.7171", 15],
    ["10.0.22631.6199", 20],
    ["10.0.19045.6456", 17],
    ["10.0.17763.7919", 2.5],
    ["10.0.15063.2679", 0.7],
    ["10.0.14393.8519", 0.5],
  ],
};

export interface ModelSpec {
  model: string;
  manufacturer: string;
  /** the device has a cellular modem (IMEI) */
  cellular: boolean;
  serial: SerialStyle;
  /** Apple: "new" style UDID (8-16) vs the legacy 40-hex one; Macs: "new" = Apple silicon */
  appleSilicon?: boolean;
}

export type SerialStyle =
  | "apple"
  | "apple-legacy"
  | "samsung"
  | "pixel"
  | "zebra"
  | "motorola"
  | "dell"
  | "lenovo"
  | "hp"
  | "surface";

const iphone = (model: string, legacy = false): ModelSpec => ({
  model,
  manufacturer: "Apple",
  cellular: true,
  serial: legacy ? "apple-legacy" : "apple",
  appleSilicon: !legacy,
});
const ipad = (model: string, legacy = false): ModelSpec => ({
  model,
  manufacturer: "Apple",
  cellular: false,
  serial: legacy ? "apple-legacy" : "apple",
  appleSilicon: !legacy,
});

/** Apple models by the newest major OS they run, so an old OS comes with an old model. */
export const IPHONES: { maxMajor: number; models: ModelSpec[] }[] = [
  { maxMajor: 15, models: [iphone("iPhone 7", true), iphone("iPhone 6s", true)] },
  { maxMajor: 16, models: [iphone("iPhone 8", true), iphone("iPhone X", true)] },
  { maxMajor: 18, models: [iphone("iPhone XR", true), iphone("iPhone XS", true)] },
  {
    maxMajor: 99,
    models: [
      iphone("iPhone 11"),
      iphone("iPhone 12"),
      iphone("iPhone 13"),
      iphone("iPhone 14"),
      iphone("iPhone 15"),
      iphone("iPhone 15 Pro"),
      iphone("iPhone 16"),
      iphone("iPhone 16 Pro"),
      iphone("iPhone 16e"),
      iphone("iPhone 17"),
      iphone("iPhone SE (3rd generation)"),
    ],
  },
];

export const IPADS: { maxMajor: number; models: ModelSpec[] }[] = [
  { maxMajor: 15, models: [ipad("iPad Air 2", true), ipad("iPad mini 4", true)] },
  { maxMajor: 16, models: [ipad("iPad (5th generation)", true)] },
  { maxMajor: 17, models: [ipad("iPad (6th generation)", true)] },
  {
    maxMajor: 99,
    models: [
      ipad("iPad (9th generation)"),
      ipad("iPad (10th generation)"),
      ipad("iPad (A16)"),
      ipad("iPad Air 11-inch (M2)"),
      ipad("iPad Pro 11-inch (M4)"),
      ipad("iPad mini (A17 Pro)"),
    ],
  },
];

const mac = (model: string, silicon = true): ModelSpec => ({
  model,
  manufacturer: "Apple",
  cellular: false,
  serial: silicon ? "apple" : "apple-legacy",
  appleSilicon: silicon,
});

export const MACS: { maxMajor: number; models: ModelSpec[] }[] = [
  { maxMajor: 13, models: [mac("MacBook Pro (13-inch, 2017)", false), mac("MacBook Air (2017)", false)] },
  {
    maxMajor: 15,
    models: [mac("MacBook Pro (16-inch, 2019)", false), mac("MacBook Air (Retina, 2020)", false)],
  },
  {
    maxMajor: 99,
    models: [
      mac("MacBook Air (M1, 2020)"),
      mac("MacBook Air (M2)"),
      mac("MacBook Air (M3)"),
      mac("MacBook Pro (14-inch, M3)"),
      mac("MacBook Pro (16-inch, M4 Pro)"),
      mac("iMac (24-inch, M3)"),
      mac("Mac mini (M4)"),
    ],
  },
];

const android = (model: string, manufacturer: string, serial: SerialStyle, cellular = true): ModelSpec => ({
  model,
  manufacturer,
  cellular,
  serial,
});

export const ANDROID_MODELS: { maxMajor: number; models: ModelSpec[] }[] = [
  {
    maxMajor: 11,
    models: [
      android("Galaxy S10", "samsung", "samsung"),
      android("Galaxy A50", "samsung", "samsung"),
      android("Pixel 3a", "Google", "pixel"),
      android("moto g7", "motorola", "motorola"),
    ],
  },
  {
    maxMajor: 99,
    models: [
      android("Galaxy S24", "samsung", "samsung"),
      android("Galaxy S23", "samsung", "samsung"),
      android("Galaxy A55", "samsung", "samsung"),
      android("Galaxy A35", "samsung", "samsung"),
      android("Galaxy S25", "samsung", "samsung"),
      android("Pixel 8", "Google", "pixel"),
      android("Pixel 9", "Google", "pixel"),
      android("Pixel 8a", "Google", "pixel"),
      android("moto g85 5G", "motorola", "motorola"),
    ],
  },
];

export const RUGGED_ANDROID: ModelSpec[] = [
  android("TC58", "Zebra Technologies", "zebra", false),
  android("TC53", "Zebra Technologies", "zebra", false),
  android("ET45", "Zebra Technologies", "zebra", false),
  android("Galaxy XCover7", "samsung", "samsung"),
  android("Galaxy Tab Active5", "samsung", "samsung", false),
];

export const WINDOWS_MODELS: ModelSpec[] = [
  { model: "Latitude 7440", manufacturer: "Dell Inc.", cellular: false, serial: "dell" },
  { model: "Latitude 5440", manufacturer: "Dell Inc.", cellular: false, serial: "dell" },
  { model: "OptiPlex 7010", manufacturer: "Dell Inc.", cellular: false, serial: "dell" },
  { model: "ThinkPad T14 Gen 4", manufacturer: "LENOVO", cellular: false, serial: "lenovo" },
  { model: "ThinkPad X1 Carbon Gen 11", manufacturer: "LENOVO", cellular: false, serial: "lenovo" },
  { model: "HP EliteBook 840 G10", manufacturer: "HP", cellular: false, serial: "hp" },
  { model: "Surface Laptop 6", manufacturer: "Microsoft Corporation", cellular: false, serial: "surface" },
  { model: "Surface Pro 10", manufacturer: "Microsoft Corporation", cellular: false, serial: "surface" },
];

/** First three bytes of Wi-Fi MAC addresses per manufacturer (organisationally unique identifiers). */
export const MAC_PREFIXES: Record<string, readonly string[]> = {
  Apple: ["F0:18:98", "3C:22:FB", "A4:83:E7", "BC:D0:74"],
  samsung: ["8C:79:F5", "F8:04:2E", "D0:17:C2"],
  Google: ["3C:28:6D", "F8:8F:CA"],
  motorola: ["E8:91:20", "9C:D9:17"],
  "Zebra Technologies": ["00:A0:F8", "94:FB:29"],
  "Dell Inc.": ["A4:C3:F0", "8C:17:59"],
  LENOVO: ["F8:A2:D6", "28:D0:EA"],
  HP: ["DC:21:48", "C8:5E:A9"],
  "Microsoft Corporation": ["C4:9D:ED", "7C:1E:52"],
};
