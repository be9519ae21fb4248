/** Shared steps of the backup suites: volumes with random data, backups waited for, file bytes compared. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import type { Client } from "../helpers/client";
import type { TestServer } from "../helpers/server";
import { waitFor, waitStatus } from "../helpers/wait";

export const MIB = 1024 * 1024;
/** Small chunks so that a 1 GiB volume makes many of them. */
export const BACKUP_TEST_CONFIG = { driver: "posix", chunkSizeBytes: MIB, shaBlockSizeBytes: 64 * 1024 };

export async function volume(c: Client, project: string, size = 1): Promise<string> {
  const r = await c.post(`/v3/${project}/volumes`, { volume: { size } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitStatus(c, "volumes", project, r.body.volume.id, "available");
  return r.body.volume.id;
}

export function volumePath(s: TestServer, id: string): string {
  return s.app.managers[0].driver.localPath({ id, size: 1 });
}

/** Writes `n` random extents of 1..3 MiB at random MiB offsets of the volume's first `spanMib`. */
export async function scribble(s: TestServer, id: string, n: number, spanMib = 64): Promise<void> {
  const h = await fsp.open(volumePath(s, id), "r+");
  try {
    for (let i = 0; i < n; i++) {
      const len = (1 + Math.floor(Math.random() * 3)) * MIB - Math.floor(Math.random() * 1000);
      const at = Math.floor(Math.random() * spanMib) * MIB + Math.floor(Math.random() * 4096);
      await h.write(randomBytes(len), 0, len, at);
    }
    await h.sync();
  } finally {
    await h.close();
  }
}

export async function waitBackup(c: Client, project: string, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  let last = "";
  return waitFor(async () => {
    const r = await c.get(`/v3/${project}/backups/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    last = r.body.backup.status;
    if (last === status) return r.body.backup;
    if (last.startsWith("error") && !status.startsWith("error")) throw new Error(`backup ${id} went to ${last} (${r.body.backup.fail_reason})`);
    return undefined;
  }, `backup ${id} to be ${status} (last ${last})`, timeoutMs);
}

export async function backup(c: Client, project: string, body: Record<string, unknown>): Promise<string> {
  const r = await c.post(`/v3/${project}/backups`, { backup: body });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitBackup(c, project, r.body.backup.id, "available");
  return r.body.backup.id;
}

export async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fsp.readFile(a), fsp.readFile(b)]);
  return x.equals(y);
}
