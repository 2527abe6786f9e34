/**
 * Importing people from the directory. Break-glass accounts come from configuration, and any
 * account whose name says "break glass" or "emergency" is treated as one too: locking out the
 * accounts meant to recover from a lockout is the worst mistake a migration can make.
 */
import type { Directory } from "../core/ports/index.ts";
import type { Db } from "../store/open.ts";
import type { NewPersonRow } from "../store/schema.ts";
import { audit } from "./audit.ts";
import { bumpGeneration } from "./meta.ts";

export interface PeopleImportOptions {
  breakGlassUpns: readonly string[];
  vipUpns: readonly string[];
  /** maps a renamed mail domain to the current one, e.g. { "contoso-legacy.example": "contoso.example" } */
  domainMap?: Record<string, string>;
  /** for people whose directory entry has no time zone: by office location, then the default */
  timeZoneByLocation?: Record<string, string>;
  defaultTimeZone?: string;
  defaultLocale?: string;
}

const BREAK_GLASS_NAME = /^(break[._-]?glass|emergency)/i;

export function looksLikeBreakGlass(upn: string): boolean {
  return BREAK_GLASS_NAME.test(upn);
}

export interface PeopleImportResult {
  added: number;
  updated: number;
  breakGlass: string[];
}

export async function importPeople(
  db: Db,
  directory: Directory,
  now: number,
  options: PeopleImportOptions,
): Promise<PeopleImportResult> {
  const breakGlass = new Set(options.breakGlassUpns.map((u) => u.toLowerCase()));
  const vips = new Set(options.vipUpns.map((u) => u.toLowerCase()));
  const rows: NewPersonRow[] = [];
  const flagged: string[] = [];
  for await (const u of directory.listUsers()) {
    const upn = u.userPrincipalName.toLowerCase();
    const isBreakGlass = breakGlass.has(upn) || looksLikeBreakGlass(upn);
    if (isBreakGlass) flagged.push(u.userPrincipalName);
    rows.push({
      id: `p-${u.id}`,
      upn: u.userPrincipalName,
      email: remapDomain(u.mail || u.userPrincipalName, options.domainMap),
      display_name: u.displayName,
      department: u.department || "(none)",
      location: u.officeLocation || "(none)",
      time_zone:
        u.timeZone ??
        (u.officeLocation ? options.timeZoneByLocation?.[u.officeLocation] : undefined) ??
        options.defaultTimeZone ??
        "UTC",
      locale: u.preferredLanguage ?? options.defaultLocale ?? "en-US",
      vip: vips.has(upn) ? 1 : 0,
      break_glass: isBreakGlass ? 1 : 0,
      directory_id: u.id,
      wave_id: null,
      source_excluded: 0,
      target_exempt: 0,
      ca_governance: "source",
      ca_since: now,
      ca_seq: 0,
      reminders_sent: 0,
      deadline_extension: 0,
    });
  }
  const existing = new Set((await db.selectFrom("people").select("id").execute()).map((r) => r.id));
  let added = 0;
  let updated = 0;
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      if (existing.has(row.id)) {
        // Only directory facts are refreshed; wave and CA state belong to the migration.
        const { upn, email, display_name, department, location, time_zone, locale, vip, break_glass } = row;
        await trx
          .updateTable("people")
          .set({ upn, email, display_name, department, location, time_zone, locale, vip, break_glass })
          .where("id", "=", row.id)
          .execute();
        updated++;
      } else {
        added++;
      }
    }
    const fresh = rows.filter((r) => !existing.has(r.id));
    for (let i = 0; i < fresh.length; i += 500) {
      await trx
        .insertInto("people")
        .values(fresh.slice(i, i + 500))
        .execute();
    }
    await bumpGeneration(trx);
    await audit(trx, [
      {
        at: now,
        actor: "import",
        kind: "people-imported",
        message: `${added} people added, ${updated} updated; break-glass: ${flagged.join(", ") || "none"}`,
      },
    ]);
  });
  return { added, updated, breakGlass: flagged };
}

function remapDomain(address: string, map: Record<string, string> | undefined): string {
  if (!map) return address;
  const at = address.lastIndexOf("@");
  const domain = address.slice(at + 1).toLowerCase();
  const to = map[domain];
  return to ? `${address.slice(0, at)}@${to}` : address;
}
