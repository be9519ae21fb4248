/**
 * Usage recount (cf. cinder-manage quota sync, cinder/cmd/manage.py QuotaCommands.sync): on start,
 * every project's usage of volumes, snapshots, gigabytes and their per-type forms, and of groups, is
 * set to what its volume, snapshot and group rows hold, in one transaction. Usage is only ever
 * written in the transaction that writes the rows, so this finds nothing to do unless a database
 * was restored, edited by hand, or written by an older release that could give quota back twice.
 */
import type { Db } from "../db/database";
import type { Log } from "../log";
import * as repo from "../db/repos/quotas";
import { isPerType, volumeHolding } from "./quota";
import type { VolumeStatus } from "../contract/status";

/** The resources the rows decide; the others (backups) have no rows here. */
const COUNTED = ["volumes", "snapshots", "gigabytes", "groups"];

type Counts = Map<string, Map<string, number>>;

function add(counts: Counts, projectId: string, resource: string, n: number): void {
  const p = counts.get(projectId) ?? new Map<string, number>();
  p.set(resource, (p.get(resource) ?? 0) + n);
  counts.set(projectId, p);
}

/** `n` rows of `gigabytes` in all: their count and gigabytes, and their per-type forms when their type still exists. */
function addHolding(counts: Counts, projectId: string, kind: "volumes" | "snapshots", n: number, gigabytes: number, typeName: string | undefined): void {
  for (const suffix of typeName === undefined ? [""] : ["", `_${typeName}`]) {
    add(counts, projectId, kind + suffix, n);
    add(counts, projectId, "gigabytes" + suffix, gigabytes);
  }
}

/**
 * The statuses in which a volume holds more than its row says (volumeHolding: an extend's new
 * size, a manage's found size, a retype's new type); every other row holds its size and type.
 */
const IN_FLIGHT: readonly VolumeStatus[] = ["extending", "managing", "retyping"];

/** Recount usage from the rows; returns the projects whose usage was corrected. */
export async function recountUsage(db: Db, log: Log): Promise<string[]> {
  return db.kysely.transaction().execute(async (trx) => {
    // No quota can change while the rows are counted (every consume and release updates this table).
    await repo.lockUsage(trx, db.dialect);
    const typeNames = await repo.typeNamesById(trx);
    const counts: Counts = new Map();
    const typeName = (id: string | null) => (id ? typeNames.get(id) : undefined);
    // Rows at rest are counted by the database; the few with an operation in flight one by one.
    for (const t of await repo.quotaVolumeTotals(trx, IN_FLIGHT)) addHolding(counts, t.project_id, "volumes", t.n, t.gigabytes, typeName(t.volume_type_id));
    for (const v of await repo.quotaVolumes(trx, IN_FLIGHT)) {
      const h = volumeHolding(v);
      addHolding(counts, v.project_id, "volumes", 1, h.gigabytes, typeName(h.typeId));
    }
    for (const t of await repo.quotaSnapshotTotals(trx)) addHolding(counts, t.project_id, "snapshots", t.n, t.gigabytes, typeName(t.volume_type_id));
    for (const t of await repo.quotaGroupTotals(trx)) add(counts, t.project_id, "groups", t.n);

    const rows = await repo.allUsageRows(trx);
    const recorded: Counts = new Map();
    for (const r of rows) {
      if (COUNTED.includes(r.resource) || isPerType(r.resource)) add(recorded, r.project_id, r.resource, Number(r.in_use));
    }
    const corrected: string[] = [];
    for (const projectId of new Set([...counts.keys(), ...recorded.keys()])) {
      const want = counts.get(projectId) ?? new Map<string, number>();
      const have = recorded.get(projectId) ?? new Map<string, number>();
      const changes: Record<string, { was: number | null; now: number }> = {};
      for (const resource of new Set([...want.keys(), ...have.keys()])) {
        const n = want.get(resource) ?? 0;
        const was = have.get(resource);
        if (was === n) continue;
        if (was === undefined) {
          if (n === 0) continue;
          await repo.insertUsage(trx, projectId, resource, n);
        } else {
          await repo.setUsage(trx, projectId, resource, n);
        }
        changes[resource] = { was: was ?? null, now: n };
      }
      if (Object.keys(changes).length === 0) continue;
      log.warn({ projectId, changes }, "quota usage did not match the project's volumes and snapshots; corrected");
      corrected.push(projectId);
    }
    return corrected;
  });
}
