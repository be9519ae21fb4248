/**
 * Password hashing with scrypt (a slow, memory-hard KDF from node:crypto); constant-time checks.
 *
 * scrypt runs on libuv's threadpool (UV_THREADPOOL_SIZE threads, default 4), never on the event
 * loop; the file driver's and the targets' file-system calls share that pool. Were every login's
 * KDF handed to the pool at once, a flood of logins would queue all of that I/O behind its hashes
 * and stall the volume service. So at most half the pool hashes at a time; further hashes wait
 * here, in order, and other work still finds a free thread.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const KDF_SLOTS = Math.max(1, Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2));
let running = 0;
const waiting: Array<() => void> = [];

/** Run `fn` holding one of the KDF_SLOTS; a freed slot passes straight to the next waiter. */
async function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running < KDF_SLOTS) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return inSlot(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password, salt, KEYLEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [alg, n, r, p, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await scrypt(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash no password matches, checked for unknown users so that timing does not tell which names exist. */
export const UNMATCHABLE_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA";

/** A random password for generated accounts: 24 characters from a URL-safe alphabet. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
