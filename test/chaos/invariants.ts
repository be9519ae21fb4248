/**
 * What every chaos mode checks once a killed process is back and nothing is in flight (./chaos.ts
 * lists the promises), and the world the checks and the operations share: the API clients, the
 * backends' directories, the volumes holding a guest's data.
 */
import assert from "node:assert/strict";
import { SNAPSHOT_TRANSITIONAL, VOLUME_TRANSITIONAL } from "../../server/src/contract/status";
import type { Client } from "../helpers/client";
import { contentHashes, listFiles } from "../helpers/state";

export const GIB = 1024 ** 3;
export const PROJECT = "p1";
/** Statuses whose volume has its file (the others: being made, failed, or going away). */
const VOLUME_HAS_STORAGE = ["available", "in-use", "reserved", "attaching", "detaching", "retyping", "extending", "error_extending"];
const SNAPSHOT_HAS_STORAGE = ["available"];
/** The bound on one recovery: a hung reconciliation, not a slow one. */
const QUIET_MS = 120_000;

export interface Row {
  id: string;
  status: string;
  size: number;
  volume_type?: string;
  volume_id?: string;
  "os-vol-host-attr:host"?: string | null;
}

export interface Rows {
  volumes: Row[];
  snapshots: Row[];
}

/** A file backend: the `host@backend` of its volumes and the directory holding their files. */
export interface Backend {
  host: string;
  dir: string;
}

export interface World {
  /** The API services to send operations to (one picked at random when there are several). */
  clients: Client[];
  backends: Backend[];
  types: string[];
  /** Volume id -> its file and the content hash of the data a guest wrote. Guarded volumes are never deleted. */
  guarded: Map<string, { file: string; hash: string }>;
  imports: number;
}

/** The backend holding a volume, from its host (`host@backend#pool`). */
export function backendOf(w: World, v: Row): Backend | undefined {
  const host = v["os-vol-host-attr:host"]?.split("#")[0];
  return w.backends.find((b) => b.host === host);
}

/** Every volume and snapshot of the project, as the admin sees them. */
export async function rows(c: Client): Promise<Rows> {
  const v = await c.get(`/v3/${PROJECT}/volumes/detail?all_tenants=1&limit=1000`);
  const s = await c.get(`/v3/${PROJECT}/snapshots/detail?all_tenants=1&limit=1000`);
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(s.status, 200, JSON.stringify(s.body));
  return { volumes: v.body.volumes, snapshots: s.body.snapshots };
}

/** Wait until nothing is in flight; the rows then. */
export async function quiet(c: Client): Promise<Rows> {
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const r = await rows(c);
    const busy = [
      ...r.volumes.filter((v) => (VOLUME_TRANSITIONAL as readonly string[]).includes(v.status)).map((v) => `volume ${v.id} ${v.status}`),
      ...r.snapshots.filter((s) => (SNAPSHOT_TRANSITIONAL as readonly string[]).includes(s.status)).map((s) => `snapshot ${s.id} ${s.status}`),
    ];
    if (busy.length === 0) return r;
    if (Date.now() > deadline) throw new Error(`still in flight ${QUIET_MS / 1000} s after the restart: ${busy.join(", ")}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * The promises of a recovery, checked once nothing is in flight. `startLog` is the output of a
 * process that recounted quota usage on start (the all-in-one server): it must have corrected nothing.
 */
export async function check(c: Client, w: World, where: string, startLog?: string): Promise<Rows> {
  const r = await quiet(c);
  if (startLog !== undefined) assert.ok(!startLog.includes("quota usage did not match"), `${where}: the start had to correct quota usage:\n${startLog}`);

  const volumeIds = new Set(r.volumes.map((v) => v.id));
  const snapshotIds = new Set(r.snapshots.map((s) => s.id));
  const filesOf = new Map<Backend, Map<string, number>>();
  for (const b of w.backends) {
    const files = await listFiles(b.dir);
    filesOf.set(b, new Map(files.map((f) => [f.name, f.size])));
    for (const f of files) {
      if (f.name.startsWith(".")) assert.fail(`${where}: temporary file ${f.name} was left behind on ${b.host}`);
      const m = /^(volume|snapshot)-(.+)$/.exec(f.name);
      if (!m) {
        assert.match(f.name, /^import-\d+$/, `${where}: a file nobody made: ${f.name} on ${b.host}`);
        continue;
      }
      assert.ok((m[1] === "volume" ? volumeIds : snapshotIds).has(m[2]), `${where}: ${f.name} on ${b.host} has no row`);
    }
  }
  for (const v of r.volumes) {
    if (!VOLUME_HAS_STORAGE.includes(v.status)) continue;
    const b = backendOf(w, v);
    assert.ok(b, `${where}: volume ${v.id} is ${v.status} on ${v["os-vol-host-attr:host"]}, no backend of the run`);
    const size = filesOf.get(b)!.get(`volume-${v.id}`);
    assert.ok(size !== undefined, `${where}: volume ${v.id} is ${v.status} but its file is missing on ${b.host}`);
    assert.equal(size, v.size * GIB, `${where}: volume ${v.id} of ${v.size} GiB has a file of ${size} bytes`);
  }
  for (const s of r.snapshots) {
    if (!SNAPSHOT_HAS_STORAGE.includes(s.status)) continue;
    // A snapshot lives beside its volume (which cannot go while it has snapshots).
    const v = r.volumes.find((x) => x.id === s.volume_id);
    const b = v && backendOf(w, v);
    assert.ok(b, `${where}: snapshot ${s.id} is ${s.status} but its volume ${s.volume_id} is not on a backend of the run`);
    assert.ok(filesOf.get(b)!.has(`snapshot-${s.id}`), `${where}: snapshot ${s.id} is ${s.status} but its file is missing on ${b.host}`);
  }

  const limits = (await c.get(`/v3/${PROJECT}/limits`)).body.limits.absolute;
  assert.deepEqual(
    { volumes: limits.totalVolumesUsed, snapshots: limits.totalSnapshotsUsed, gigabytes: limits.totalGigabytesUsed },
    {
      volumes: r.volumes.length,
      snapshots: r.snapshots.length,
      gigabytes: r.volumes.reduce((n, v) => n + v.size, 0) + r.snapshots.reduce((n, s) => n + s.size, 0),
    },
    `${where}: quota usage`,
  );

  const present = [...w.guarded.keys()].filter((id) => volumeIds.has(id));
  assert.deepEqual(present.sort(), [...w.guarded.keys()].sort(), `${where}: a volume holding a guest's data is gone`);
  const hashes = await contentHashes(present.map((id) => w.guarded.get(id)!.file));
  for (const id of present) {
    const g = w.guarded.get(id)!;
    assert.equal(hashes.get(g.file), g.hash, `${where}: the data of volume ${id}`);
  }
  return r;
}
