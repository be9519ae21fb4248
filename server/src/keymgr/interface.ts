/**
 * The key manager, as Castellan's KeyManager (castellan/key_manager/key_manager.py): create_key,
 * store, get, delete, and copy (get then store, as cinder/volume/volume_utils.py
 * clone_encryption_key does). Ids are Barbican's: UUIDs. Key material stays inside the key manager
 * and the code that asks for it; it is never logged and never part of an API answer.
 */

/** Who asks: the project that will own the key and, for Barbican, the request's Keystone token. */
export interface KeyContext {
  projectId: string;
  authToken?: string;
}

/** A symmetric key (castellan/common/objects/symmetric_key.py). */
export interface SymmetricKey {
  /** `AES` for volume keys. */
  algorithm: string;
  bitLength: number;
  material: Buffer;
}

/** The key id is unknown to the key manager (castellan ManagedObjectNotFoundError). */
export class KeyNotFoundError extends Error {
  constructor(readonly keyId: string) {
    super(`Key not found, uuid: ${keyId}`);
    this.name = "KeyNotFoundError";
  }
}

/** The key manager failed (castellan KeyManagerError): unreachable, refused, or a sealed key that does not open. */
export class KeyManagerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyManagerError";
  }
}

export interface KeyManager {
  /** A new random key of `bitLength` bits; its id. */
  createKey(ctx: KeyContext, algorithm: string, bitLength: number): Promise<string>;
  /** Keep `key`; its id. */
  store(ctx: KeyContext, key: SymmetricKey): Promise<string>;
  /** @throws KeyNotFoundError */
  get(ctx: KeyContext, keyId: string): Promise<SymmetricKey>;
  /** @throws KeyNotFoundError */
  delete(ctx: KeyContext, keyId: string): Promise<void>;
}

/** A new key holding the same material as `keyId` (cinder/volume/volume_utils.py clone_encryption_key). */
export async function copyKey(km: KeyManager, ctx: KeyContext, keyId: string): Promise<string> {
  return km.store(ctx, await km.get(ctx, keyId));
}
