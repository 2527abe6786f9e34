/**
 * Passwords, hashed with scrypt and a per-user salt. The stored string carries its own cost
 * parameters (scrypt$N$r$p$salt$hash), so raising the cost later leaves old hashes valid.
 * Comparison is constant-time; hashing runs at most two at a time, since each takes
 * 128 MiB at the default cost.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const KEY_BYTES = 64;
export const DEFAULT_SCRYPT_LOG2N = 17;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function run(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(body: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await body();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function optionsFor(log2N: number, r: number, p: number): ScryptOptions {
  const N = 2 ** log2N;
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

export async function hashPassword(password: string, log2N = DEFAULT_SCRYPT_LOG2N): Promise<string> {
  const salt = randomBytes(16);
  const key = await limited(() => run(password, salt, optionsFor(log2N, 8, 1)));
  return `scrypt$${log2N}$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [log2N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![log2N, r, p].every(Number.isInteger) || log2N < 1 || log2N > 22 || r < 1 || r > 32 || p < 1 || p > 16)
    return false;
  const salt = Buffer.from(parts[4]!, "base64url");
  const expected = Buffer.from(parts[5]!, "base64url");
  if (expected.length !== KEY_BYTES) return false;
  const actual = await limited(() => run(password, salt, optionsFor(log2N, r, p)));
  return timingSafeEqual(actual, expected);
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH)
    return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase()))
    return "a password must not contain the user name";
  if (new Set(password).size < 4) return "a password needs more than three different characters";
  return undefined;
}
