/**
 * The built-in key manager: keys in the database, each sealed with AES-256-GCM under a master key
 * that lives in the data directory (`master.key`, 32 random bytes, mode 0600, made at first use).
 * The database alone does not open a key; the master key file alone holds no key.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Db } from "../db/database";
import { deleteSecret, getSecret, insertSecret } from "../db/repos/key-secrets";
import { now } from "../contract/time";
import { PRIVATE_FILE_MODE } from "../lib/private-file";
import { type KeyContext, type KeyManager, KeyManagerError, KeyNotFoundError, type SymmetricKey } from "./interface";

export const MASTER_KEY_FILE = "master.key";
const NONCE = 12;
const TAG = 16;

/** Read the master key, or make it (exclusively: two processes starting together agree on one). */
export async function loadMasterKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, MASTER_KEY_FILE);
  try {
    const fh = await fsp.open(file, "wx", PRIVATE_FILE_MODE);
    try {
      await fh.writeFile(randomBytes(32));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = await fsp.readFile(file);
  if (key.length !== 32) throw new KeyManagerError(`${file} must hold 32 bytes`);
  return key;
}

/** nonce ‖ tag ‖ ciphertext, base64; the key id is the additional data, so a sealed key cannot be moved to another id. */
export function seal(master: Buffer, id: string, material: Buffer): string {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv("aes-256-gcm", master, nonce);
  c.setAAD(Buffer.from(id));
  const body = Buffer.concat([c.update(material), c.final()]);
  return Buffer.concat([nonce, c.getAuthTag(), body]).toString("base64");
}

export function unseal(master: Buffer, id: string, sealed: string): Buffer {
  const raw = Buffer.from(sealed, "base64");
  const d = createDecipheriv("aes-256-gcm", master, raw.subarray(0, NONCE));
  d.setAAD(Buffer.from(id));
  d.setAuthTag(raw.subarray(NONCE, NONCE + TAG));
  try {
    return Buffer.concat([d.update(raw.subarray(NONCE + TAG)), d.final()]);
  } catch {
    throw new KeyManagerError(`Key ${id} does not open with this master key`);
  }
}

export class BuiltinKeyManager implements KeyManager {
  private master?: Promise<Buffer>;

  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
  ) {}

  private masterKey(): Promise<Buffer> {
    this.master ??= loadMasterKey(this.dataDir);
    return this.master;
  }

  async createKey(ctx: KeyContext, algorithm: string, bitLength: number): Promise<string> {
    if (!Number.isInteger(bitLength) || bitLength <= 0 || bitLength % 8 !== 0) throw new KeyManagerError(`Invalid key length ${bitLength}`);
    return this.store(ctx, { algorithm, bitLength, material: randomBytes(bitLength / 8) });
  }

  async store(ctx: KeyContext, key: SymmetricKey): Promise<string> {
    const id = randomUUID();
    const sealed = seal(await this.masterKey(), id, key.material);
    await insertSecret(this.db.kysely, { id, project_id: ctx.projectId || null, algorithm: key.algorithm, bit_length: key.bitLength, sealed, created_at: now() });
    return id;
  }

  async get(_ctx: KeyContext, keyId: string): Promise<SymmetricKey> {
    const row = await getSecret(this.db.kysely, keyId);
    if (!row) throw new KeyNotFoundError(keyId);
    return { algorithm: row.algorithm, bitLength: row.bit_length, material: unseal(await this.masterKey(), row.id, row.sealed) };
  }

  async delete(_ctx: KeyContext, keyId: string): Promise<void> {
    if (!(await deleteSecret(this.db.kysely, keyId))) throw new KeyNotFoundError(keyId);
  }
}
