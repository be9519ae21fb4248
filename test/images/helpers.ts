/** Images over HTTP for the suites: create a record, upload data, and make qcow2 files with qemu-img. */
import { execFileSync } from "node:child_process";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Client } from "../helpers/client";

export const JSON_ACCEPT = { Accept: "application/json" };

/** Whether qemu-img is installed; the suites that need it skip with this line otherwise. */
export function haveQemuImg(): boolean {
  try {
    execFileSync("qemu-img", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
export const QEMU_MISSING = "qemu-img is missing: apt-get install qemu-utils";

export async function createImage(c: Client, body: Record<string, unknown>): Promise<any> {
  const r = await c.post("/image/v2/images", body, { version: null, headers: JSON_ACCEPT });
  if (r.status !== 201) throw new Error(`image create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function upload(c: Client, id: string, data: Buffer) {
  return c.call("PUT", `/image/v2/images/${id}/file`, { raw: data, contentType: "application/octet-stream", version: null, headers: JSON_ACCEPT });
}

/** An image with `data` uploaded, active. */
export async function activeImage(c: Client, data: Buffer, body: Record<string, unknown> = {}): Promise<any> {
  const img = await createImage(c, { disk_format: "raw", container_format: "bare", ...body });
  const r = await upload(c, img.id, data);
  if (r.status !== 204) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
  return (await c.get(`/image/v2/images/${img.id}`, { version: null, headers: JSON_ACCEPT })).body;
}

/** A qcow2 file of `virtualBytes` made from the raw `data` (at offset 0), in `dir`. */
export async function makeQcow2(dir: string, data: Buffer, virtualBytes: number): Promise<string> {
  const raw = path.join(dir, `src-${Date.now()}.raw`);
  const out = `${raw}.qcow2`;
  await fsp.writeFile(raw, data);
  await fsp.truncate(raw, virtualBytes);
  execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, out]);
  await fsp.rm(raw);
  return out;
}
