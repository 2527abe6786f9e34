/**
 * Settings an admin edits in the console: defaults for new plans (grace periods, deadlines,
 * capacities), the helpdesk contact people see in the portal, quiet hours for e-mail, and the
 * connections to the systems Ferry drives. Connection secrets are write-only: stored with
 * AES-256-GCM under the settings key, never returned — responses say `{ "configured": true }`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { type Static, Type } from "typebox";
import { defaultCapacity, PLAN_DEFAULTS } from "../core/planner.ts";
import { DAY } from "../core/time.ts";
import { audit } from "../engine/audit.ts";
import type { Db } from "../store/open.ts";
import { badRequest } from "./errors.ts";
import type { Secrets } from "./secrets.ts";

const Days = (min: number, max: number, description: string) =>
  Type.Number({ minimum: min, maximum: max, description });
const Text = (max = 200) => Type.String({ maxLength: max });

export const WaveDefaultsSchema = Type.Object({
  caMode: Type.Enum(["immediate", "grace"], {
    description: "Intune CA as soon as the old product's CA is lifted, or after a grace period",
  }),
  gracePeriodDays: Days(0, 90, "grace mode: from the confirmed exclusion to Intune enforcement"),
  announceLeadDays: Days(0, 60, "from the announcement to the handover"),
  unenrollDeadlineDays: Days(1, 90, "self-service time before Ferry retires remotely"),
  reminderEveryDays: Days(0.25, 30, "between reminders"),
  maxReminders: Type.Integer({ minimum: 0, maximum: 10 }),
  successThreshold: Type.Number({
    minimum: 0,
    maximum: 1,
    description: "share migrated before the next wave starts",
  }),
  appleDeadlineDays: Days(1, 90, "Apple ADE on OS 26+: deadline given in Apple Business Manager"),
});

export const PlanningSchema = Type.Object({
  waveSpacingDays: Days(1, 90, "between consecutive waves' announcements"),
  pilotShare: Type.Number({ minimum: 0, maximum: 1 }),
  vipPlacement: Type.Enum(["own-wave", "with-group", "last-wave"]),
  maxPeoplePerWave: Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
});

export const CapacitySchema = Type.Object({
  ticketsPerDay: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    description: "helpdesk tickets absorbed per day",
  }),
  helpShare: Type.Number({
    exclusiveMinimum: 0,
    maximum: 1,
    description: "share of people expected to need help",
  }),
  apiRequestsPerDay: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
  requestsPerPerson: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
});

export const HelpdeskSchema = Type.Object({
  name: Text(),
  email: Text(),
  phone: Text(60),
  url: Text(500),
  hours: Text(),
});

const HHMM = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
export const QuietHoursSchema = Type.Object({
  enabled: Type.Boolean(),
  start: Type.String({ pattern: HHMM, description: "HH:MM, e.g. 20:00" }),
  end: Type.String({ pattern: HHMM, description: "HH:MM, e.g. 07:00" }),
  timeZone: Type.String({
    maxLength: 64,
    description: '"recipient" (each person\'s own time zone) or an IANA zone such as Europe/London',
  }),
});

/** The connection fields that are secrets, per connection. */
export const SECRET_FIELDS = {
  source: ["password", "clientSecret", "apiKey"],
  graph: ["clientSecret"],
  smtp: ["password"],
} as const;
type Conn = keyof typeof SECRET_FIELDS;

const Configured = Type.Object({ configured: Type.Boolean() });
const SourceVendor = Type.Enum(["simulated", "workspace-one", "ivanti-epmm", "jamf-pro", "maas360", "csv"]);
const sourcePublic = {
  vendor: SourceVendor,
  baseUrl: Text(500),
  username: Text(),
  clientId: Text(),
};
const graphPublic = { tenantId: Text(100), clientId: Text(100), authority: Text(500) };
const smtpPublic = {
  host: Text(255),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  secure: Type.Boolean(),
  username: Text(),
  from: Text(),
};

export const ConnectionsSchema = Type.Object({
  source: Type.Object({
    ...sourcePublic,
    password: Configured,
    clientSecret: Configured,
    apiKey: Configured,
  }),
  graph: Type.Object({ ...graphPublic, clientSecret: Configured }),
  smtp: Type.Object({ ...smtpPublic, password: Configured }),
});

/** A secret in an update: a string sets it, null clears it, leaving it out keeps it. */
const SecretInput = Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()], {
  description: "write-only: a value sets it, null clears it, absent keeps it",
});
export const ConnectionsUpdateSchema = Type.Partial(
  Type.Object({
    source: Type.Partial(
      Type.Object({ ...sourcePublic, password: SecretInput, clientSecret: SecretInput, apiKey: SecretInput }),
    ),
    graph: Type.Partial(Type.Object({ ...graphPublic, clientSecret: SecretInput })),
    smtp: Type.Partial(Type.Object({ ...smtpPublic, password: SecretInput })),
  }),
);

export const SettingsSchema = Type.Object({
  waves: WaveDefaultsSchema,
  planning: PlanningSchema,
  capacity: CapacitySchema,
  helpdesk: HelpdeskSchema,
  quietHours: QuietHoursSchema,
  connections: ConnectionsSchema,
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type Settings = Static<typeof SettingsSchema>;

export const SettingsUpdateSchema = Type.Object(
  {
    waves: Type.Optional(Type.Partial(WaveDefaultsSchema)),
    planning: Type.Optional(Type.Partial(PlanningSchema)),
    capacity: Type.Optional(Type.Partial(CapacitySchema)),
    helpdesk: Type.Optional(Type.Partial(HelpdeskSchema)),
    quietHours: Type.Optional(Type.Partial(QuietHoursSchema)),
    connections: Type.Optional(ConnectionsUpdateSchema),
  },
  { additionalProperties: false },
);
export type SettingsUpdate = Static<typeof SettingsUpdateSchema>;

type Stored = Omit<Settings, "connections" | "updatedAt" | "updatedBy"> & {
  connections: {
    source: typeof DEFAULTS.connections.source;
    graph: typeof DEFAULTS.connections.graph;
    smtp: typeof DEFAULTS.connections.smtp;
  };
};

const capacity = defaultCapacity();
const DEFAULTS = {
  waves: {
    caMode: "grace" as "grace" | "immediate",
    gracePeriodDays: 3,
    announceLeadDays: 3,
    unenrollDeadlineDays: 7,
    reminderEveryDays: 2,
    maxReminders: 3,
    successThreshold: 0.85,
    appleDeadlineDays: 30,
  },
  planning: {
    waveSpacingDays: PLAN_DEFAULTS.waveSpacing / DAY,
    pilotShare: PLAN_DEFAULTS.pilotShare,
    vipPlacement: PLAN_DEFAULTS.vipPlacement as "own-wave" | "with-group" | "last-wave",
    maxPeoplePerWave: null as number | null,
  },
  capacity: {
    ticketsPerDay: capacity.ticketsPerDay,
    helpShare: capacity.helpShare,
    apiRequestsPerDay: capacity.apiRequestsPerDay,
    requestsPerPerson: capacity.requestsPerPerson,
  },
  helpdesk: { name: "IT helpdesk", email: "", phone: "", url: "", hours: "" },
  quietHours: { enabled: false, start: "20:00", end: "07:00", timeZone: "recipient" },
  connections: {
    source: { vendor: "simulated" as Static<typeof SourceVendor>, baseUrl: "", username: "", clientId: "" },
    graph: { tenantId: "", clientId: "", authority: "https://login.microsoftonline.com" },
    smtp: { host: "", port: 587, secure: false, username: "", from: "" },
  },
};

const SETTINGS_KEY = "settings";
const secretKey = (conn: Conn, field: string) => `secret:${conn}.${field}`;

export function isTimeZone(zone: string): boolean {
  if (zone === "recipient") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class SettingsStore {
  constructor(
    private readonly db: Db,
    private readonly secrets: Pick<Secrets, "settingsKey">,
  ) {}

  async #stored(): Promise<{ value: Stored; updatedAt: number | null; updatedBy: string | null }> {
    const row = await this.db
      .selectFrom("server_settings")
      .selectAll()
      .where("key", "=", SETTINGS_KEY)
      .executeTakeFirst();
    const saved = row ? (JSON.parse(row.value) as Partial<Stored>) : {};
    const value = {
      waves: { ...DEFAULTS.waves, ...saved.waves },
      planning: { ...DEFAULTS.planning, ...saved.planning },
      capacity: { ...DEFAULTS.capacity, ...saved.capacity },
      helpdesk: { ...DEFAULTS.helpdesk, ...saved.helpdesk },
      quietHours: { ...DEFAULTS.quietHours, ...saved.quietHours },
      connections: {
        source: { ...DEFAULTS.connections.source, ...saved.connections?.source },
        graph: { ...DEFAULTS.connections.graph, ...saved.connections?.graph },
        smtp: { ...DEFAULTS.connections.smtp, ...saved.connections?.smtp },
      },
    };
    return { value, updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
  }

  /** Everything but secret values: for each secret, only whether it is configured. */
  async get(): Promise<Settings> {
    const { value, updatedAt, updatedBy } = await this.#stored();
    const configured = new Set(
      (
        await this.db.selectFrom("server_settings").select("key").where("key", "like", "secret:%").execute()
      ).map((r) => r.key),
    );
    const flag = (conn: Conn, field: string) => ({ configured: configured.has(secretKey(conn, field)) });
    return {
      ...value,
      connections: {
        source: {
          ...value.connections.source,
          password: flag("source", "password"),
          clientSecret: flag("source", "clientSecret"),
          apiKey: flag("source", "apiKey"),
        },
        graph: { ...value.connections.graph, clientSecret: flag("graph", "clientSecret") },
        smtp: { ...value.connections.smtp, password: flag("smtp", "password") },
      },
      updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
      updatedBy,
    };
  }

  async update(change: SettingsUpdate, now: number, actor: string): Promise<Settings> {
    if (change.quietHours?.timeZone !== undefined && !isTimeZone(change.quietHours.timeZone))
      throw badRequest(
        `body.quietHours.timeZone must be "recipient" or an IANA time zone, got "${change.quietHours.timeZone}"`,
        "body.quietHours.timeZone",
      );
    const { value } = await this.#stored();
    const next: Stored = {
      waves: { ...value.waves, ...change.waves },
      planning: { ...value.planning, ...change.planning },
      capacity: { ...value.capacity, ...change.capacity },
      helpdesk: { ...value.helpdesk, ...change.helpdesk },
      quietHours: { ...value.quietHours, ...change.quietHours },
      connections: { ...value.connections },
    };
    const secretWrites: { key: string; value: string | null }[] = [];
    const changedSections = Object.keys(change).filter((k) => k !== "connections");
    for (const conn of Object.keys(SECRET_FIELDS) as Conn[]) {
      const input = change.connections?.[conn] as Record<string, unknown> | undefined;
      if (!input) continue;
      changedSections.push(`connections.${conn}`);
      const plain: Record<string, unknown> = {};
      for (const [field, v] of Object.entries(input)) {
        if ((SECRET_FIELDS[conn] as readonly string[]).includes(field)) {
          if (v !== undefined) secretWrites.push({ key: secretKey(conn, field), value: v as string | null });
        } else if (v !== undefined) plain[field] = v;
      }
      (next.connections as Record<Conn, unknown>)[conn] = { ...value.connections[conn], ...plain };
    }
    await this.db.transaction().execute(async (trx) => {
      const json = JSON.stringify(next);
      await trx
        .insertInto("server_settings")
        .values({ key: SETTINGS_KEY, value: json, updated_at: now, updated_by: actor })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value: json, updated_at: now, updated_by: actor }))
        .execute();
      for (const w of secretWrites) {
        if (w.value === null) await trx.deleteFrom("server_settings").where("key", "=", w.key).execute();
        else {
          const sealed = this.#seal(w.key, w.value);
          await trx
            .insertInto("server_settings")
            .values({ key: w.key, value: sealed, updated_at: now, updated_by: actor })
            .onConflict((oc) =>
              oc.column("key").doUpdateSet({ value: sealed, updated_at: now, updated_by: actor }),
            )
            .execute();
        }
      }
      await audit(trx, [
        {
          at: now,
          actor,
          kind: "settings-updated",
          message: `settings updated: ${changedSections.join(", ") || "nothing"}${
            secretWrites.length
              ? `; secrets ${secretWrites.map((w) => `${w.key.slice(7)} ${w.value === null ? "cleared" : "set"}`).join(", ")}`
              : ""
          }`,
        },
      ]);
    });
    return this.get();
  }

  /** A stored connection secret, decrypted, for the server's own use (connectors); never for a response. */
  async secret(conn: Conn, field: string): Promise<string | undefined> {
    const key = secretKey(conn, field);
    const row = await this.db
      .selectFrom("server_settings")
      .select("value")
      .where("key", "=", key)
      .executeTakeFirst();
    return row ? this.#open(key, row.value) : undefined;
  }

  #seal(key: string, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.secrets.settingsKey, iv);
    cipher.setAAD(Buffer.from(key));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(":");
  }

  #open(key: string, sealed: string): string {
    const [v, iv, tag, data] = sealed.split(":");
    if (v !== "v1" || !iv || !tag || data === undefined) throw new Error(`stored secret ${key} is malformed`);
    const decipher = createDecipheriv("aes-256-gcm", this.secrets.settingsKey, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(key));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  }
}
