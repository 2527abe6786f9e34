/**
 * Personal portal links. Every e-mail to a person can carry one: it opens that person's page
 * (their devices, where each stands, the next steps) without an account, until it expires
 * or is revoked.
 *
 * Format: `fp1.<personId, base64url>.<expiry, ms since epoch>.<nonce>.<signature>` where the
 * signature is HMAC-SHA256, keyed with the portal key, over `personId.expiry.nonce`
 * (base64url). The nonce carries the time it was made (6 bytes) and 10 random bytes, so
 * revoking "every link of this person issued until now" also covers links that were signed
 * elsewhere (e.g. by the mailer, synchronously) and never recorded. Verification recomputes
 * the signature and compares in constant time; revocation is by nonce (one link) or by person.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { audit } from "../engine/audit.ts";
import type { Db } from "../store/open.ts";
import type { Secrets } from "./secrets.ts";

export const PORTAL_LINK_VERSION = "fp1";
/** Default life of a link: long enough to outlast a wave's reminders. */
export const DEFAULT_PORTAL_LINK_TTL = 30 * 24 * 60 * 60 * 1000;
export const MAX_PORTAL_LINK_TTL = 120 * 24 * 60 * 60 * 1000;

export interface PortalLinkParts {
  personId: string;
  expiresAt: number;
  nonce: string;
}

/** A nonce: the issue time (48-bit, ms) then 10 random bytes, base64url. */
export function makeNonce(now: number): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(Math.max(0, Math.floor(now)), 0, 6);
  randomBytes(10).copy(bytes, 6);
  return bytes.toString("base64url");
}

/** When a link was issued, from its nonce (undefined for a nonce made some other way). */
export function issuedAtOf(nonce: string): number | undefined {
  const bytes = Buffer.from(nonce, "base64url");
  return bytes.length === 16 ? bytes.readUIntBE(0, 6) : undefined;
}

const everyLinkOf = (personId: string) => `all:${personId}`;

function sign(key: Buffer, personId: string, expiresAt: number, nonce: string): Buffer {
  return createHmac("sha256", key).update(`${personId}.${expiresAt}.${nonce}`).digest();
}

/** A signed link token for one person, valid until `now + ttl`. Pure: it records nothing. */
export function createPortalLink(
  personId: string,
  now: number,
  ttl: number,
  secrets: Pick<Secrets, "portalKey">,
  nonce = makeNonce(now),
): string {
  if (!(ttl > 0 && ttl <= MAX_PORTAL_LINK_TTL))
    throw new RangeError(`a portal link lives between 1 ms and 120 days, got ${ttl} ms`);
  const expiresAt = now + ttl;
  const sig = sign(secrets.portalKey, personId, expiresAt, nonce).toString("base64url");
  return [PORTAL_LINK_VERSION, Buffer.from(personId).toString("base64url"), expiresAt, nonce, sig].join(".");
}

export type PortalLinkCheck =
  | { ok: true; link: PortalLinkParts }
  | { ok: false; reason: "invalid" | "expired" | "revoked"; link?: PortalLinkParts };

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Signature and expiry only (no database): "invalid" for anything malformed or tampered with. */
export function verifyPortalLinkSignature(
  token: string,
  now: number,
  secrets: Pick<Secrets, "portalKey">,
): PortalLinkCheck {
  if (typeof token !== "string" || token.length > 600) return { ok: false, reason: "invalid" };
  const parts = token.split(".");
  if (parts.length !== 5 || parts[0] !== PORTAL_LINK_VERSION) return { ok: false, reason: "invalid" };
  const [, encodedPerson, expiry, nonce, sig] = parts as [string, string, string, string, string];
  if (!B64URL.test(encodedPerson) || !B64URL.test(nonce) || !B64URL.test(sig) || !/^\d{1,16}$/.test(expiry))
    return { ok: false, reason: "invalid" };
  const personId = Buffer.from(encodedPerson, "base64url").toString("utf8");
  const expiresAt = Number(expiry);
  const expected = sign(secrets.portalKey, personId, expiresAt, nonce);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "invalid" };
  const link = { personId, expiresAt, nonce };
  if (now >= expiresAt) return { ok: false, reason: "expired", link };
  return { ok: true, link };
}

/** Issuing, checking and revoking links, with the revocations kept in the store. */
export class PortalLinks {
  constructor(
    private readonly db: Db,
    private readonly secrets: Pick<Secrets, "portalKey">,
  ) {}

  /** Creates a link and records it, so it can be listed and revoked with the person's other links. */
  async issue(
    personId: string,
    now: number,
    ttl: number,
    actor: string,
  ): Promise<{ token: string; expiresAt: number }> {
    const nonce = makeNonce(now);
    const token = createPortalLink(personId, now, ttl, this.secrets, nonce);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("portal_links")
        .values({
          nonce,
          person_id: personId,
          issued_at: now,
          expires_at: now + ttl,
          issued_by: actor,
          revoked_at: null,
        })
        .execute();
      await audit(trx, [
        { at: now, actor, kind: "portal-link-issued", personId, message: "personal portal link issued" },
      ]);
    });
    return { token, expiresAt: now + ttl };
  }

  async verify(token: string, now: number): Promise<PortalLinkCheck> {
    const checked = verifyPortalLinkSignature(token, now, this.secrets);
    if (!checked.ok) return checked;
    const { nonce, personId } = checked.link;
    const rows = await this.db
      .selectFrom("portal_links")
      .select(["nonce", "revoked_at", "person_id"])
      .where("nonce", "in", [nonce, everyLinkOf(personId)])
      .execute();
    const own = rows.find((r) => r.nonce === nonce);
    if (own && (own.revoked_at !== null || own.person_id !== personId))
      return { ok: false, reason: "revoked", link: checked.link };
    const all = rows.find((r) => r.nonce === everyLinkOf(personId));
    const issuedAt = issuedAtOf(nonce);
    if (all?.revoked_at != null && (issuedAt === undefined || issuedAt <= all.revoked_at))
      return { ok: false, reason: "revoked", link: checked.link };
    return checked;
  }

  /** Revokes one link (also one Ferry never recorded, e.g. issued by another process). */
  async revoke(token: string, now: number, actor: string): Promise<boolean> {
    const checked = verifyPortalLinkSignature(token, now, this.secrets);
    if (!checked.link) return false;
    const { personId, expiresAt, nonce } = checked.link;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("portal_links")
        .values({
          nonce,
          person_id: personId,
          issued_at: null,
          expires_at: expiresAt,
          issued_by: null,
          revoked_at: now,
        })
        .onConflict((oc) => oc.column("nonce").doUpdateSet({ revoked_at: now }))
        .execute();
      await audit(trx, [
        { at: now, actor, kind: "portal-link-revoked", personId, message: "a portal link was revoked" },
      ]);
    });
    return true;
  }

  /**
   * Revokes every link of one person issued until now, recorded or not; returns how many
   * recorded, unexpired links that was. Links issued afterwards work.
   */
  async revokeAll(personId: string, now: number, actor: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("portal_links")
        .values({
          nonce: everyLinkOf(personId),
          person_id: personId,
          issued_at: null,
          expires_at: now + MAX_PORTAL_LINK_TTL,
          issued_by: null,
          revoked_at: now,
        })
        .onConflict((oc) =>
          oc.column("nonce").doUpdateSet({ revoked_at: now, expires_at: now + MAX_PORTAL_LINK_TTL }),
        )
        .execute();
      const revoked = await trx
        .updateTable("portal_links")
        .set({ revoked_at: now })
        .where("person_id", "=", personId)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now)
        .returning("nonce")
        .execute();
      await audit(trx, [
        {
          at: now,
          actor,
          kind: "portal-link-revoked",
          personId,
          message: `${revoked.length} portal links revoked`,
        },
      ]);
      return revoked.length;
    });
  }
}
