/**
 * Usage recount (cf. cinder-manage quota sync, cinder/cmd/manage.py QuotaCommands.sync): on start,
 * every project's usage of volumes, snapshots, gigabytes and their per-type forms is set to what its
 * volume and snapshot rows hold, in one transaction. Usage is only ever written in the transaction
 * that writes the rows, so this finds nothing to do unless a database was restored, edited by hand,
 * or written by an older release that could give quota back twice.
 */
import type { Db } from "../db/database";
import type { Log } from "../log";
import * as repo from "../db/repos/quotas";
import { isPerType, volumeHolding } from "./quota";

/** The resources the rows decide; the others (backups, groups) have no rows here. */
const COUNTED = ["volumes", "snapshots", "gigabytes"];

type Counts = Map<string, Map<string, number>>;

function add(counts: Counts, projectId: string, resource: string, n: number): void {
  const p = counts.get(projectId) ?? new Map<string, number>();
  p.set(resource, (p.get(resource) ?? 0) + n);
  counts.set(projectId, p);
}

/** One row: its count and gigabytes, and their per-type forms when its type still exists. */
function addHolding(counts: Counts, projectId: string, kind: "volumes" | "snapshots", gigabytes: number, typeName: string | undefined): void {
  for (const suffix of typeName === undefined ? [""] : ["", `_${typeName}`]) {
    add(counts, projectId, kind + suffix, 1);
    add(counts, projectId, "gigabytes" + suffix, gigabytes);
  }
}

/** Recount usage from the rows; returns the projects whose usage was corrected. */
export async function recountUsage(db: Db, log: Log): Promise<string[]> {
  return db.kysely.transaction().execute(async (trx) => {
    // No quota can change while the rows are counted (every consume and release updates this table).
    await repo.lockUsage(trx, db.dialect);
    const typeNames = await repo.typeNamesById(trx);
    const counts: Counts = new Map();
    for (const v of await repo.quotaVolumes(trx)) {
      const h = volumeHolding(v);
      addHolding(counts, v.project_id, "volumes", h.gigabytes, h.typeId ? typeNames.get(h.typeId) : undefined);
    }
    for (const s of await repo.quotaSnapshots(trx)) {
      addHolding(counts, s.project_id, "snapshots", s.volume_size, s.volume_type_id ? typeNames.get(s.volume_type_id) : undefined);
    }

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
