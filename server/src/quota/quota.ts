/**
 * Quotas (cf. cinder/quota.py): hard limits per project (falling back to the `default` quota class,
 * then to the configured defaults) and usage per project. Usage changes in the same transaction as
 * the rows that consume it, through one conditional UPDATE per resource
 * (`in_use = in_use + n WHERE in_use + n <= limit`), so concurrent requests can never take a
 * project past its limit, and a rolled-back transaction gives back what it took.
 */
import type { Kysely, Transaction } from "kysely";
import type { QuotaDefaults } from "../config";
import { parseTask } from "../db/repos/volumes";
import * as repo from "../db/repos/quotas";
import { typeNameOf } from "../db/repos/quotas";
import type { Database, VolumeRow } from "../db/schema";
import { CinderError } from "../contract/errors";

type Q = Kysely<Database> | Transaction<Database>;

export const QUOTA_RESOURCES = [
  "volumes",
  "snapshots",
  "gigabytes",
  "backups",
  "backup_gigabytes",
  "groups",
  "per_volume_gigabytes",
] as const;

export const PER_TYPE_PREFIXES = ["volumes_", "gigabytes_", "snapshots_"] as const;

export const DEFAULT_CLASS = "default";

/** What an operation takes (positive) or gives back (negative). */
export interface Delta {
  volumes?: number;
  snapshots?: number;
  gigabytes?: number;
  /** Generic volume groups (cinder/quota.py GROUP_QUOTAS). */
  groups?: number;
  /** Backups and their gigabytes (cinder/quota.py: backups, backup_gigabytes; no per-type forms). */
  backups?: number;
  backup_gigabytes?: number;
  /** The volume type's name, for the per-type resources. */
  typeName?: string | null;
  /** Only the per-type resources (a retype moves a volume between types, not out of the project). */
  perTypeOnly?: boolean;
}

function quotaError(kind: string, message: string): CinderError {
  // QuotaError is "safe": its class name prefixes the message (cinder/api/middleware/fault.py).
  return new CinderError(413, `${kind}: ${message}`, { "Retry-After": "0" });
}

/** Every hard limit of the project, per-type ones included for the given types. */
export async function hardLimits(
  db: Q,
  defaults: QuotaDefaults,
  /** null: the defaults alone (the default class over the configured values). */
  projectId: string | null,
  typeNames: readonly string[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of QUOTA_RESOURCES) out[r] = defaults[r];
  for (const t of typeNames) for (const p of PER_TYPE_PREFIXES) out[p + t] = -1;
  const classRows = await repo.classLimitRows(db, DEFAULT_CLASS);
  for (const r of classRows) if (r.resource in out) out[r.resource] = r.hard_limit;
  if (projectId === null) return out;
  const rows = await repo.projectLimitRows(db, projectId);
  for (const r of rows) if (r.resource in out || isPerType(r.resource)) out[r.resource] = r.hard_limit;
  return out;
}

export function isPerType(resource: string): boolean {
  return PER_TYPE_PREFIXES.some((p) => resource.startsWith(p) && resource.length > p.length);
}

export async function usage(db: Q, projectId: string): Promise<Record<string, { in_use: number; reserved: number }>> {
  const rows = await repo.usageRows(db, projectId);
  const out: Record<string, { in_use: number; reserved: number }> = {};
  for (const r of rows) out[r.resource] = { in_use: Number(r.in_use), reserved: Number(r.reserved) };
  return out;
}

function expand(d: Delta): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const add = (r: string, n: number | undefined) => {
    if (n) out.push([r, n]);
  };
  if (!d.perTypeOnly) {
    add("volumes", d.volumes);
    add("snapshots", d.snapshots);
    add("gigabytes", d.gigabytes);
    add("groups", d.groups);
    add("backups", d.backups);
    add("backup_gigabytes", d.backup_gigabytes);
  }
  if (d.typeName) {
    add(`volumes_${d.typeName}`, d.volumes);
    add(`snapshots_${d.typeName}`, d.snapshots);
    add(`gigabytes_${d.typeName}`, d.gigabytes);
  }
  return out.sort(inLockOrder);
}

/**
 * The one order in which every transaction changes usage rows, whatever it does (take, give back,
 * settle, move between types), so that no two of them wait on each other's rows in a cycle: counts
 * before gigabytes, as Cinder reports them (its reservation deltas are {volumes, gigabytes}), then
 * by name.
 */
function inLockOrder([a]: [string, number], [b]: [string, number]): number {
  const rank = (r: string) => (r.startsWith("volumes") ? 0 : r.startsWith("snapshots") ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * Take `d` from the project's quota inside the caller's transaction, or throw Cinder's 413.
 * `size` is the size of the one volume being made or grown, for per_volume_gigabytes.
 */
export async function consume(db: Q, defaults: QuotaDefaults, projectId: string, d: Delta, size?: number): Promise<void> {
  const limits = await hardLimits(db, defaults, projectId, d.typeName ? [d.typeName] : []);
  const perVolume = limits.per_volume_gigabytes;
  if (size !== undefined && perVolume >= 0 && size > perVolume) {
    throw quotaError("VolumeSizeExceedsLimit", `Requested volume size ${size}G is larger than maximum allowed limit ${perVolume}G.`);
  }
  for (const [resource, n] of expand(d)) await take(db, projectId, resource, n, limits[resource] ?? -1);
}

/** in_use += n within `limit`, or throw Cinder's 413. */
async function take(db: Q, projectId: string, resource: string, n: number, limit: number): Promise<void> {
  if (await repo.takeUsage(db, projectId, resource, n, limit)) return;
  // No row yet (the project's first of this resource), or over the limit: made at zero, tried again.
  await repo.ensureUsageRow(db, projectId, resource);
  if (await repo.takeUsage(db, projectId, resource, n, limit)) return;
  const used = (await usage(db, projectId))[resource]?.in_use ?? 0;
  throw overQuota(resource, n, limit, used);
}

/** Give back what `d` took (row removed, operation failed). Never below zero. */
export async function release(db: Q, projectId: string, d: Delta): Promise<void> {
  for (const [resource, n] of expand(d)) await adjust(db, projectId, resource, -n);
}

/**
 * Move the project's usage from what a row held (`from`) to what it holds now (`to`), with no limit
 * check: for a row whose operation in flight was cut short (a forced delete, a status reset), the
 * quota follows the row rather than asking for more.
 */
export async function settle(db: Q, projectId: string, from: Delta, to: Delta): Promise<void> {
  const diff = new Map<string, number>();
  for (const [r, n] of expand(from)) diff.set(r, (diff.get(r) ?? 0) - n);
  for (const [r, n] of expand(to)) diff.set(r, (diff.get(r) ?? 0) + n);
  for (const [resource, n] of [...diff].sort(inLockOrder)) await adjust(db, projectId, resource, n);
}

/**
 * A retype's move of per-type usage: take `d` for type `to` (within its limits) and give it back
 * from type `from`, every row changed in the one lock order, so that a retype beside creates,
 * snapshots and other retypes (either way) never closes a cycle of waits on usage rows.
 */
export async function moveBetweenTypes(db: Q, defaults: QuotaDefaults, projectId: string, d: Delta, from: Delta["typeName"], to: Delta["typeName"]): Promise<void> {
  const limits = await hardLimits(db, defaults, projectId, to ? [to] : []);
  const changes = new Map<string, number>();
  for (const [r, n] of expand({ ...d, typeName: to })) changes.set(r, (changes.get(r) ?? 0) + n);
  for (const [r, n] of expand({ ...d, typeName: from })) changes.set(r, (changes.get(r) ?? 0) - n);
  for (const [resource, n] of [...changes].sort(inLockOrder)) {
    if (n > 0) await take(db, projectId, resource, n, limits[resource] ?? -1);
    else await adjust(db, projectId, resource, n);
  }
}

/**
 * A transfer's move of usage from the donor project to the recipient (cinder/transfer/api.py
 * accept: the recipient reserves, the donor gives back): the recipient takes `deltas` within its
 * limits (or Cinder's 413, nothing changed once the transaction rolls back) and the donor gives
 * them back, in one pass. Within each project the rows follow the one lock order (inLockOrder);
 * across the two projects they go by project id, not recipient first: "recipient, then donor" is
 * not one order for two transfers crossing each other (A to B beside B to A), which would each
 * hold one project's rows and wait on the other's, while the project id is. Transactions touching
 * one project only see the usual order; a deadlock is therefore never closed by a transfer.
 * `size`: the volume's, for the recipient's per_volume_gigabytes.
 */
export async function moveBetweenProjects(db: Q, defaults: QuotaDefaults, donor: string, recipient: string, deltas: readonly Delta[], size: number): Promise<void> {
  const types = [...new Set(deltas.map((d) => d.typeName).filter((t): t is string => !!t))];
  const limits = await hardLimits(db, defaults, recipient, types);
  const perVolume = limits.per_volume_gigabytes;
  if (perVolume >= 0 && size > perVolume) {
    throw quotaError("VolumeSizeExceedsLimit", `Requested volume size ${size}G is larger than maximum allowed limit ${perVolume}G.`);
  }
  const sum = new Map<string, number>();
  for (const d of deltas) for (const [r, n] of expand(d)) sum.set(r, (sum.get(r) ?? 0) + n);
  const rows = [...sum].sort(inLockOrder);
  const passes: Array<[string, boolean]> = [
    [recipient, true],
    [donor, false],
  ];
  passes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [project, takes] of passes) {
    for (const [resource, n] of rows) {
      if (takes) await take(db, project, resource, n, limits[resource] ?? -1);
      else await adjust(db, project, resource, -n);
    }
  }
}

/** in_use += n with no limit check, never below zero. */
async function adjust(db: Q, projectId: string, resource: string, n: number): Promise<void> {
  if (n === 0) return;
  if (n > 0) await repo.ensureUsageRow(db, projectId, resource);
  await repo.adjustUsage(db, projectId, resource, n);
}

function overQuota(resource: string, n: number, limit: number, used: number): CinderError {
  if (resource.startsWith("gigabytes")) {
    return quotaError(
      "VolumeSizeExceedsAvailableQuota",
      `Requested volume or snapshot exceeds allowed ${resource} quota. Requested ${n}G, quota is ${limit}G and ${used}G has been consumed.`,
    );
  }
  if (resource.startsWith("snapshots")) {
    return quotaError("SnapshotLimitExceeded", `Maximum number of snapshots allowed (${limit}) exceeded`);
  }
  if (resource === "backups") return quotaError("BackupLimitExceeded", `Maximum number of backups allowed (${limit}) exceeded`);
  if (resource === "backup_gigabytes") {
    return quotaError(
      "VolumeBackupSizeExceedsAvailableQuota",
      `Requested backup exceeds allowed Backup gigabytes quota. Requested ${n}G, quota is ${limit}G and ${used}G has been consumed.`,
    );
  }
  if (resource === "groups") return quotaError("GroupLimitExceeded", `Maximum number of groups allowed (${limit}) exceeded`);
  return quotaError("VolumeLimitExceeded", `Maximum number of volumes allowed (${limit}) exceeded for quota '${resource}'.`);
}

/** The name of a volume type, for per-type resources; it lives with the quota rows. */
export { typeNameOf };

/**
 * What a volume row holds of its project's quota counting the operation in flight: an accepted
 * extend holds its new size, a manage the size it found (the row says 0 until it is done), a retype
 * the new type's per-type quota. The same rule recounts usage on start (recount.ts).
 */
export function volumeHolding(v: Pick<VolumeRow, "size" | "status" | "task" | "volume_type_id">): { gigabytes: number; typeId: string | null } {
  const task = parseTask(v);
  let gigabytes = v.size;
  if (v.status === "extending" && task?.new_size && task.new_size > v.size) gigabytes = task.new_size;
  if (v.status === "managing" && task?.size && task.size > v.size) gigabytes = task.size;
  const typeId = v.status === "retyping" && task?.new_type_id ? task.new_type_id : v.volume_type_id;
  return { gigabytes, typeId };
}

/** volumeHolding as a Delta. */
export async function heldByVolume(db: Q, v: Pick<VolumeRow, "size" | "status" | "task" | "volume_type_id">): Promise<Delta> {
  const h = volumeHolding(v);
  return { volumes: 1, gigabytes: h.gigabytes, typeName: await typeNameOf(db, h.typeId) };
}

/** What a volume row holds of its project's quota. */
export async function volumeDelta(db: Q, v: { size: number; volume_type_id: string | null }): Promise<Delta> {
  return { volumes: 1, gigabytes: v.size, typeName: await typeNameOf(db, v.volume_type_id) };
}

/** What a snapshot row holds of its project's quota (gigabytes count snapshots too, as in Cinder). */
export async function snapshotDelta(db: Q, s: { volume_size: number; volume_type_id: string | null }): Promise<Delta> {
  return { snapshots: 1, gigabytes: s.volume_size, typeName: await typeNameOf(db, s.volume_type_id) };
}

/** What a backup row holds of its project's quota. */
export function backupDelta(b: { size: number }): Delta {
  return { backups: 1, backup_gigabytes: b.size };
}
