/**
 * What every chaos mode checks once a killed process is back and nothing is in flight (./chaos.ts
 * lists the promises), and the world the checks and the operations share: the API clients, the
 * backends' storage (files, or LVs and LIO exports: ./storage.ts), the volumes holding a guest's
 * data. With exports, no target may be left for a volume no attachment holds, and every in-use
 * volume is exported.
 */
import assert from "node:assert/strict";
import { SNAPSHOT_TRANSITIONAL, VOLUME_TRANSITIONAL } from "../../server/src/contract/status";
import type { Client } from "../helpers/client";
import { GIB, type Guarded, type Storage } from "./storage";

export { GIB };

export const PROJECT = "p1";
/** The project volumes are transferred to. */
export const RECEIVER = "p2";
/** Statuses whose volume has its storage (the others: being made, failed, or going away). */
const VOLUME_HAS_STORAGE = ["available", "in-use", "reserved", "attaching", "detaching", "retyping", "extending", "error_extending", "backing-up", "awaiting-transfer"];
/** Migration statuses of a copy under way, which a restart must end too. */
const MIGRATING = ["starting", "migrating", "completing"];
/** Volume statuses of a backup or a restore under way, which a restart must end too. */
const VOLUME_BACKUP_WORK = ["backing-up", "restoring-backup"];
const BACKUP_TRANSITIONAL = ["creating", "restoring", "deleting"];
const SNAPSHOT_HAS_STORAGE = ["available"];
/** Statuses of a volume an attachment holds: the only volumes an export may be for. */
const VOLUME_ATTACHED = ["reserved", "attaching", "in-use", "detaching"];
/** The bound on one recovery: a hung reconciliation, not a slow one. */
const QUIET_MS = Number(process.env.CHAOS_QUIET_MS ?? 120_000);

export interface Row {
  id: string;
  status: string;
  size: number;
  volume_type?: string;
  volume_id?: string;
  "os-vol-host-attr:host"?: string | null;
  "os-vol-tenant-attr:tenant_id"?: string;
  "os-vol-mig-status-attr:migstat"?: string | null;
  "os-vol-mig-status-attr:name_id"?: string | null;
  "os-extended-snapshot-attributes:project_id"?: string;
}

export interface Rows {
  volumes: Row[];
  snapshots: Row[];
  backups: Row[];
}

export interface World {
  /** The API services to send operations to (one picked at random when there are several). */
  clients: Client[];
  /** The backends' storage, seen from outside the server (./storage.ts). */
  storage: Storage;
  types: string[];
  /** Volume id -> its disk and the content hash of the data a guest wrote. Guarded volumes are never deleted. */
  guarded: Map<string, Guarded>;
  imports: number;
  /** The ids of the backups that have objects in the backup store; none: no backups in the mix. */
  backups?: () => Promise<Set<string>>;
  /** The backends (`host@backend`) volumes may be migrated between; fewer than two: no migrations in the mix. */
  backends?: string[];
}

/** The id a volume's storage is named by: its name_id after a migration, else its own. */
export function storageId(v: Row): string {
  return v["os-vol-mig-status-attr:name_id"] ?? v.id;
}

/** The `host@backend` of a volume (its host without the pool). */
export function backendHost(v: Row): string | undefined {
  return v["os-vol-host-attr:host"]?.split("#")[0];
}

/** Every volume and snapshot of the project, as the admin sees them. */
export async function rows(c: Client): Promise<Rows> {
  const v = await c.get(`/v3/${PROJECT}/volumes/detail?all_tenants=1&limit=1000`);
  const s = await c.get(`/v3/${PROJECT}/snapshots/detail?all_tenants=1&limit=1000`);
  const b = await c.get(`/v3/${PROJECT}/backups/detail?all_tenants=1&limit=1000`);
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(b.status, 200, JSON.stringify(b.body));
  return { volumes: v.body.volumes, snapshots: s.body.snapshots, backups: b.body.backups };
}

/** Wait until nothing is in flight; the rows then. */
export async function quiet(c: Client): Promise<Rows> {
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const r = await rows(c);
    const busy = [
      ...r.volumes.filter((v) => (VOLUME_TRANSITIONAL as readonly string[]).includes(v.status)).map((v) => `volume ${v.id} ${v.status}`),
      ...r.volumes.filter((v) => VOLUME_BACKUP_WORK.includes(v.status)).map((v) => `volume ${v.id} ${v.status}`),
      ...r.volumes.filter((v) => MIGRATING.includes(v["os-vol-mig-status-attr:migstat"] ?? "")).map((v) => `volume ${v.id} migration ${v["os-vol-mig-status-attr:migstat"]}`),
      ...r.snapshots.filter((s) => (SNAPSHOT_TRANSITIONAL as readonly string[]).includes(s.status)).map((s) => `snapshot ${s.id} ${s.status}`),
      ...r.backups.filter((b) => BACKUP_TRANSITIONAL.includes(b.status)).map((b) => `backup ${b.id} ${b.status}`),
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
  const storageIds = new Set(r.volumes.map(storageId));
  const snapshotIds = new Set(r.snapshots.map((s) => s.id));
  const inv = await w.storage.inventory();
  assert.deepEqual(inv.leftovers, [], `${where}: left behind`);
  for (const [host, volumes] of inv.volumes) {
    for (const id of volumes.keys()) assert.ok(storageIds.has(id), `${where}: the storage of volume ${id} on ${host} has no row`);
  }
  for (const [host, snapshots] of inv.snapshots) {
    for (const id of snapshots) assert.ok(snapshotIds.has(id), `${where}: the storage of snapshot ${id} on ${host} has no row`);
  }
  for (const v of r.volumes) {
    if (!VOLUME_HAS_STORAGE.includes(v.status)) continue;
    const host = backendHost(v);
    const held = host === undefined ? undefined : inv.volumes.get(host);
    assert.ok(held, `${where}: volume ${v.id} is ${v.status} on ${v["os-vol-host-attr:host"]}, no backend of the run`);
    const size = held.get(storageId(v));
    assert.ok(size !== undefined, `${where}: volume ${v.id} is ${v.status} but its storage is missing on ${host}`);
    assert.equal(size, v.size * GIB, `${where}: volume ${v.id} of ${v.size} GiB has storage of ${size} bytes`);
    assert.ok(!inv.unfinished?.includes(storageId(v)), `${where}: volume ${v.id} is ${v.status} but its storage is an unfinished copy`);
  }
  for (const s of r.snapshots) {
    if (!SNAPSHOT_HAS_STORAGE.includes(s.status)) continue;
    // A snapshot lives beside its volume (which cannot go while it has snapshots).
    const v = r.volumes.find((x) => x.id === s.volume_id);
    const held = v && inv.snapshots.get(backendHost(v) ?? "");
    assert.ok(held, `${where}: snapshot ${s.id} is ${s.status} but its volume ${s.volume_id} is not on a backend of the run`);
    assert.ok(held.has(s.id), `${where}: snapshot ${s.id} is ${s.status} but its storage is missing on ${backendHost(v!)}`);
  }
  if (inv.exported) {
    const attached = new Set(r.volumes.filter((v) => VOLUME_ATTACHED.includes(v.status)).map((v) => v.id));
    for (const id of inv.exported) assert.ok(attached.has(id), `${where}: an export of volume ${id}, which no attachment holds (${r.volumes.find((v) => v.id === id)?.status ?? "no row"})`);
    const exported = new Set(inv.exported);
    for (const v of r.volumes.filter((x) => x.status === "in-use")) assert.ok(exported.has(v.id), `${where}: volume ${v.id} is in-use but not exported`);
  }

  if (w.backups) {
    const stored = await w.backups();
    const backupIds = new Set(r.backups.map((b) => b.id));
    for (const id of stored) assert.ok(backupIds.has(id), `${where}: the objects of backup ${id} have no row`);
    for (const b of r.backups.filter((x) => x.status === "available")) assert.ok(stored.has(b.id), `${where}: backup ${b.id} is available but its objects are missing`);
  }

  // Each project's usage is what its rows hold (volumes move to the receiver with a transfer).
  for (const project of [PROJECT, RECEIVER]) {
    const mine = <T extends Row>(xs: T[], key: keyof Row) => xs.filter((x) => (x[key] ?? PROJECT) === project);
    const volumes = mine(r.volumes, "os-vol-tenant-attr:tenant_id");
    const snapshots = mine(r.snapshots, "os-extended-snapshot-attributes:project_id");
    const limits = (await c.as(`admin:${project}`).get(`/v3/${project}/limits`)).body.limits.absolute;
    assert.deepEqual(
      { volumes: limits.totalVolumesUsed, snapshots: limits.totalSnapshotsUsed, gigabytes: limits.totalGigabytesUsed },
      {
        volumes: volumes.length,
        snapshots: snapshots.length,
        gigabytes: volumes.reduce((n, v) => n + v.size, 0) + snapshots.reduce((n, s) => n + s.size, 0),
      },
      `${where}: quota usage of ${project}`,
    );
  }

  const present = [...w.guarded.keys()].filter((id) => volumeIds.has(id));
  assert.deepEqual(present.sort(), [...w.guarded.keys()].sort(), `${where}: a volume holding a guest's data is gone`);
  const hashes = await w.storage.hashes(present.map((id) => w.guarded.get(id)!.disk));
  for (const id of present) {
    const g = w.guarded.get(id)!;
    assert.equal(hashes.get(g.disk), g.hash, `${where}: the data of volume ${id}`);
  }
  return r;
}
