/**
 * The audit log's hash chain. Each entry's hash covers its content and the previous entry's
 * hash, so changing or deleting an entry breaks every link after it; the head (last id and
 * hash) is also kept in meta, so removing entries from the end is noticed too.
 */
import { createHash } from "node:crypto";

export const GENESIS = "0".repeat(64);

export interface ChainedFields {
  id: number;
  at: number;
  actor: string;
  kind: string;
  wave_id: string | null;
  person_id: string | null;
  device_id: string | null;
  message: string;
  data: string | null;
}

export function chainHash(prev: string, e: ChainedFields): string {
  const canonical = JSON.stringify([
    prev,
    e.id,
    Number(e.at),
    e.actor,
    e.kind,
    e.wave_id,
    e.person_id,
    e.device_id,
    e.message,
    e.data,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
