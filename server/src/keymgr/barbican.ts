/**
 * Barbican as the key manager (castellan/key_manager/barbican_key_manager.py), through its REST API
 * with the request's Keystone token: POST /v1/secrets with the key as a base64 payload, GET
 * /v1/secrets/{id}/payload, DELETE /v1/secrets/{id}. The id is the last segment of `secret_ref`.
 */
import { randomBytes } from "node:crypto";
import { type KeyContext, type KeyManager, KeyManagerError, KeyNotFoundError, type SymmetricKey } from "./interface";

export class BarbicanKeyManager implements KeyManager {
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, "").replace(/\/v1$/, "");
  }

  private headers(ctx: KeyContext, extra: Record<string, string> = {}): Record<string, string> {
    if (!ctx.authToken) throw new KeyManagerError("Barbican needs the request's Keystone token");
    return { "X-Auth-Token": ctx.authToken, ...extra };
  }

  private async call(ctx: KeyContext, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    let r: Response;
    try {
      r = await fetch(`${this.base}${path}`, { method, body: init.body, headers: this.headers(ctx, init.headers), signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new KeyManagerError(`Barbican ${method} ${path} failed: ${(err as Error).message}`);
    }
    return r;
  }

  private static idOf(keyId: string): string {
    // Only ids shaped as Barbican's reach the URL.
    if (!/^[0-9a-fA-F-]{36}$/.test(keyId)) throw new KeyNotFoundError(keyId);
    return keyId;
  }

  async createKey(ctx: KeyContext, algorithm: string, bitLength: number): Promise<string> {
    if (!Number.isInteger(bitLength) || bitLength <= 0 || bitLength % 8 !== 0) throw new KeyManagerError(`Invalid key length ${bitLength}`);
    return this.store(ctx, { algorithm, bitLength, material: randomBytes(bitLength / 8) });
  }

  async store(ctx: KeyContext, key: SymmetricKey): Promise<string> {
    const body = JSON.stringify({
      name: "Cinderblock volume key",
      secret_type: "symmetric",
      algorithm: key.algorithm.toLowerCase(),
      bit_length: key.bitLength,
      payload: key.material.toString("base64"),
      payload_content_type: "application/octet-stream",
      payload_content_encoding: "base64",
    });
    const r = await this.call(ctx, "POST", "/v1/secrets", { body, headers: { "Content-Type": "application/json" } });
    if (r.status !== 201) throw new KeyManagerError(`Barbican refused to store a key: ${r.status}`);
    const ref = ((await r.json()) as { secret_ref?: string }).secret_ref;
    const id = ref?.split("/").pop();
    if (!id) throw new KeyManagerError("Barbican answered no secret_ref");
    return id;
  }

  async get(ctx: KeyContext, keyId: string): Promise<SymmetricKey> {
    const r = await this.call(ctx, "GET", `/v1/secrets/${BarbicanKeyManager.idOf(keyId)}/payload`, { headers: { Accept: "application/octet-stream" } });
    if (r.status === 404) throw new KeyNotFoundError(keyId);
    if (r.status !== 200) throw new KeyManagerError(`Barbican refused to read key ${keyId}: ${r.status}`);
    const material = Buffer.from(await r.arrayBuffer());
    return { algorithm: "AES", bitLength: material.length * 8, material };
  }

  async delete(ctx: KeyContext, keyId: string): Promise<void> {
    const r = await this.call(ctx, "DELETE", `/v1/secrets/${BarbicanKeyManager.idOf(keyId)}`);
    if (r.status === 404) throw new KeyNotFoundError(keyId);
    if (r.status !== 204 && r.status !== 200) throw new KeyManagerError(`Barbican refused to delete key ${keyId}: ${r.status}`);
  }
}
