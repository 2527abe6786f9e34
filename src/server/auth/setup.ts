/**
 * The first admin. While no enabled admin exists, the server holds one random setup token
 * (shown by `ferry serve` as a link); it creates one admin account, once, before it expires.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { HOUR } from "../../core/time.ts";
import { sha256 } from "./sessions.ts";

export const SETUP_TOKEN_TTL = 24 * HOUR;

export class SetupGate {
  #token: string | undefined;
  #expiresAt = 0;

  /** A gate with a fresh token, or a closed one when `needed` is false. */
  constructor(needed: boolean, now: number, ttl = SETUP_TOKEN_TTL) {
    if (needed) {
      this.#token = randomBytes(24).toString("base64url");
      this.#expiresAt = now + ttl;
    }
  }

  /** The token while it is unused and unexpired. */
  token(now: number): string | undefined {
    return this.#token !== undefined && now < this.#expiresAt ? this.#token : undefined;
  }

  get expiresAt(): number | undefined {
    return this.#token === undefined ? undefined : this.#expiresAt;
  }

  /** True once per gate: the token matches and has not expired. It is spent whatever happens next. */
  consume(given: string, now: number): boolean {
    const token = this.token(now);
    if (token === undefined) return false;
    const a = Buffer.from(sha256(given));
    const b = Buffer.from(sha256(token));
    if (!timingSafeEqual(a, b)) return false;
    this.#token = undefined;
    return true;
  }

  close(): void {
    this.#token = undefined;
  }
}
