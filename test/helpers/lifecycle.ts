/**
 * Lifecycle helpers: create volumes and snapshots and wait for them, reach the file driver's files
 * (a test writes into a volume file as a writer attached to the volume would), hold a volume
 * manager's per-resource lock so that a transient status (creating, extending, deleting,
 * reverting) stays observable, and check Cinder's fault envelope.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { Client } from "./client";
import type { TestServer } from "./server";
import { waitGone, waitStatus } from "./wait";
import { readAt, writeAt } from "./files";
export { readAt, writeAt };

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

// ---------------------------------------------------------------------------------------------
// API shortcuts

/** POST /volumes, check the 202 and the `creating` answer, and wait for `available`. */
export async function createVolume(c: Client, project: string, volume: Record<string, unknown> = { size: 1 }): Promise<any> {
  const r = await c.post(`/v3/${project}/volumes`, { volume });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.volume.status, "creating");
  return waitStatus(c, "volumes", project, r.body.volume.id, "available");
}

/** POST /snapshots, check the 202 and the `creating` answer, and wait for `available`. */
export async function createSnapshot(
  c: Client,
  project: string,
  volumeId: string,
  extra: Record<string, unknown> = {},
): Promise<any> {
  const r = await c.post(`/v3/${project}/snapshots`, { snapshot: { volume_id: volumeId, ...extra } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.snapshot.status, "creating");
  return waitStatus(c, "snapshots", project, r.body.snapshot.id, "available");
}

/** DELETE a volume (202) and wait until GET answers 404 (`timeoutMs`: for a delete that clears the data). */
export async function deleteVolume(c: Client, project: string, id: string, query = "", timeoutMs?: number): Promise<void> {
  const r = await c.delete(`/v3/${project}/volumes/${id}${query}`);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitGone(c, "volumes", project, id, timeoutMs);
}

/** DELETE a snapshot (202) and wait until GET answers 404. */
export async function deleteSnapshot(c: Client, project: string, id: string): Promise<void> {
  const r = await c.delete(`/v3/${project}/snapshots/${id}`);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await waitGone(c, "snapshots", project, id);
}

/** POST a volume action. */
export function volumeAction(c: Client, project: string, id: string, action: string, body: unknown, version?: string) {
  return c.post(`/v3/${project}/volumes/${id}/action`, { [action]: body }, version ? { version } : {});
}

/** POST a snapshot action. */
export function snapshotAction(c: Client, project: string, id: string, action: string, body: unknown) {
  return c.post(`/v3/${project}/snapshots/${id}/action`, { [action]: body });
}

/** Cinder's fault envelope, checked by the shared helper. */
export { assertFault } from "./faults";

// ---------------------------------------------------------------------------------------------
// The file driver's files

export function backendDir(s: TestServer, backend = "file"): string {
  return path.join(s.dataDir, "volumes", backend);
}

export function volumeFile(s: TestServer, id: string, backend = "file"): string {
  return path.join(backendDir(s, backend), `volume-${id}`);
}

export function snapshotFile(s: TestServer, id: string, backend = "file"): string {
  return path.join(backendDir(s, backend), `snapshot-${id}`);
}

export async function exists(file: string): Promise<boolean> {
  return fsp.stat(file).then(
    () => true,
    () => false,
  );
}

export async function fileSize(file: string): Promise<number> {
  return (await fsp.stat(file)).size;
}



/** Random bytes placed at given offsets: what a test wrote and expects to read back. */
export type Pattern = Array<{ offset: number; data: Buffer }>;

/** Offsets that matter in a volume of `sizeGiB`: its start, its middle and its last MiB. */
export function probeOffsets(sizeGiB: number): number[] {
  const bytes = sizeGiB * GiB;
  return [0, bytes / 2 + 4096, bytes - MiB];
}

/** Write a fresh random MiB at each probe offset of the volume file; return what was written. */
export async function scribble(file: string, sizeGiB: number): Promise<Pattern> {
  const pattern: Pattern = probeOffsets(sizeGiB).map((offset) => ({ offset, data: randomBytes(MiB) }));
  for (const p of pattern) await writeAt(file, p.offset, p.data);
  return pattern;
}

/** The file holds exactly these bytes at these offsets. */
export async function assertContent(file: string, pattern: Pattern, what: string): Promise<void> {
  for (const p of pattern) {
    const got = await readAt(file, p.offset, p.data.length);
    assert.ok(got.equals(p.data), `${what}: bytes at offset ${p.offset} differ from those expected`);
  }
}

/** The file reads zeros over [offset, offset + length). */
export async function assertZeros(file: string, offset: number, length: number, what: string): Promise<void> {
  const got = await readAt(file, offset, length);
  assert.equal(got.length, length, `${what}: short read at ${offset}`);
  assert.ok(
    got.every((b) => b === 0),
    `${what}: non-zero bytes in [${offset}, ${offset + length})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Holding the manager

/**
 * Take a volume manager's per-resource locks on `keys` (volume or snapshot ids): the manager's
 * operations on them wait, so the API-side transient status stays visible until `release()`.
 */
export async function holdLocks(s: TestServer, keys: string[], managerIndex = 0): Promise<() => Promise<void>> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let taken!: () => void;
  const held = new Promise<void>((r) => (taken = r));
  const done = s.app.managers[managerIndex].locks.with(keys, async () => {
    taken();
    await gate;
  });
  await held;
  return async () => {
    open();
    await done;
  };
}

/** Let the bus deliver whatever was cast, so a held operation is really waiting on its lock. */
export function settle(ms = 50): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
