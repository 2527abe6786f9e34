/**
 * The server's keys. One master key (env FERRY_SECRET_KEY, or a key file created with mode
 * 0600 next to the configuration) yields a separate key per purpose through HKDF, so a key
 * used to sign portal links never signs anything else. Keys are never logged or returned.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";

export interface Secrets {
  /** signs the OpenID Connect state cookie */
  sessionKey: Buffer;
  /** HMAC key of portal links */
  portalKey: Buffer;
  /** AES-256-GCM key of connection secrets stored in the database */
  settingsKey: Buffer;
}

const MIN_KEY_BYTES = 32;

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, "ferry", `ferry/${purpose}/v1`, 32));
}

export function secretsFromMasterKey(master: Buffer): Secrets {
  if (master.length < MIN_KEY_BYTES)
    throw new Error(`the secret key must hold at least ${MIN_KEY_BYTES} bytes, got ${master.length}`);
  return {
    sessionKey: derive(master, "session"),
    portalKey: derive(master, "portal-links"),
    settingsKey: derive(master, "settings"),
  };
}

/** A key as written in the environment or the key file: base64 / base64url, or hex. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 && t.length >= 2 * MIN_KEY_BYTES)
    return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const key = Buffer.from(t, "base64");
    if (key.length >= MIN_KEY_BYTES) return key;
  }
  throw new Error(`the secret key must be at least ${MIN_KEY_BYTES} random bytes, written as base64 or hex`);
}

export interface LoadedSecrets {
  secrets: Secrets;
  source: "environment" | "key-file" | "new-key-file";
  warning?: string;
}

/** FERRY_SECRET_KEY wins; else the key file, created (mode 0600) when it does not exist. */
export function loadSecrets(options: { env: NodeJS.ProcessEnv; keyFile: string }): LoadedSecrets {
  const fromEnv = options.env.FERRY_SECRET_KEY;
  if (fromEnv) return { secrets: secretsFromMasterKey(parseMasterKey(fromEnv)), source: "environment" };
  if (!existsSync(options.keyFile)) {
    const key = randomBytes(32).toString("base64url");
    writeFileSync(options.keyFile, `${key}\n`, { mode: 0o600, flag: "wx" });
    return { secrets: secretsFromMasterKey(parseMasterKey(key)), source: "new-key-file" };
  }
  const mode = statSync(options.keyFile).mode & 0o777;
  const secrets = secretsFromMasterKey(parseMasterKey(readFileSync(options.keyFile, "utf8")));
  return mode & 0o077
    ? {
        secrets,
        source: "key-file",
        warning: `${options.keyFile} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`,
      }
    : { secrets, source: "key-file" };
}
