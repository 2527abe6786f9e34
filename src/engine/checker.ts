/**
 * The store's own invariant checks: what Ferry believes must never contradict the two
 * promises. (The ground-truth checker in src/world checks what systems actually did.)
 */
import type { Db } from "../store/open.ts";
import { getMeta } from "./meta.ts";

export interface Violation {
  rule: "never-both" | "confirm-before-enforce" | "break-glass-untouched" | "device-accounted";
  subject: string;
  detail: string;
}

export async function checkStore(db: Db): Promise<Violation[]> {
  const out: Violation[] = [];
  const sourceOn = (await getMeta(db, "sourcePolicyEnabled")) ?? true;
  const people = await db
    .selectFrom("people")
    .select(["id", "upn", "ca_governance", "source_excluded", "break_glass"])
    .execute();
  for (const p of people) {
    if (p.ca_governance === "both") {
      out.push({ rule: "never-both", subject: p.upn, detail: "under both products' conditional access" });
    }
    if (p.ca_governance === "target" && sourceOn && p.source_excluded !== 1) {
      out.push({
        rule: "confirm-before-enforce",
        subject: p.upn,
        detail: "Intune CA applies but no source exclusion is recorded",
      });
    }
    if (p.break_glass === 1 && p.ca_governance === "target") {
      out.push({
        rule: "break-glass-untouched",
        subject: p.upn,
        detail: "a break-glass account is under Intune CA",
      });
    }
  }
  const orphans = await db
    .selectFrom("devices")
    .select(["id"])
    .where("state", "=", "excluded")
    .where("excluded_reason", "is", null)
    .execute();
  for (const d of orphans)
    out.push({ rule: "device-accounted", subject: d.id, detail: "excluded without a reason" });
  return out;
}
