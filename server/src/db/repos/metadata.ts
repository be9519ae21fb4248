/**
 * Key/value metadata of volumes (user and admin) and of snapshots: three tables of one shape
 * (owner id, key, value), read and written by one set of functions.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "../schema";
import { listPlaceholders, listValues, runCompiled } from "../compiled";

type Q = Kysely<Database> | Transaction<Database>;

/** Whose metadata: a volume's user metadata, a volume's admin metadata, a snapshot's. */
export type MetaKind = "volume" | "volume_admin" | "snapshot";

const TABLES = {
  volume: { table: "volume_metadata", owner: "volume_id" },
  volume_admin: { table: "volume_admin_metadata", owner: "volume_id" },
  snapshot: { table: "snapshot_metadata", owner: "snapshot_id" },
} as const;

/**
 * The table and owner column of a kind, typed as the volume user-metadata table: the three tables
 * differ only in the owner column's name, which the queries below take from here.
 */
function tableOf(kind: MetaKind): { table: "volume_metadata"; owner: "volume_id" } {
  return TABLES[kind] as unknown as { table: "volume_metadata"; owner: "volume_id" };
}

/** The metadata of each owner listed that has any, keys in order. */
export async function metadataOf(db: Q, kind: MetaKind, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (ids.length === 0) return out;
  const { table, owner } = tableOf(kind);
  const rows = await db.selectFrom(table).select([owner, "key", "value"]).where(owner, "in", [...ids]).orderBy("key").execute();
  for (const r of rows) {
    const m = out.get(r[owner]) ?? {};
    m[r.key] = r.value;
    out.set(r[owner], m);
  }
  return out;
}

/** The metadata of one owner ({} when it has none). */
export async function metadataOfOne(db: Q, kind: MetaKind, id: string): Promise<Record<string, string>> {
  return (await metadataOf(db, kind, [id])).get(id) ?? {};
}

/** Replace all of an owner's metadata. */
export async function replaceMetadata(db: Q, kind: MetaKind, id: string, meta: Record<string, string>): Promise<void> {
  const { table, owner } = tableOf(kind);
  await db.deleteFrom(table).where(owner, "=", id).execute();
  const rows = Object.entries(meta).map(([key, value]) => ({ [owner]: id, key, value }) as { volume_id: string; key: string; value: string });
  if (rows.length > 0) await db.insertInto(table).values(rows).execute();
}

/** Set these keys, keeping the others. */
export async function mergeMetadata(db: Q, kind: MetaKind, id: string, meta: Record<string, string>): Promise<void> {
  const keys = Object.keys(meta);
  if (keys.length === 0) return;
  const { table, owner } = tableOf(kind);
  await db.deleteFrom(table).where(owner, "=", id).where("key", "in", keys).execute();
  await db
    .insertInto(table)
    .values(keys.map((key) => ({ [owner]: id, key, value: meta[key] }) as { volume_id: string; key: string; value: string }))
    .execute();
}

/** Remove one key; false when the owner had no such key. */
export async function deleteMetadataKey(db: Q, kind: MetaKind, id: string, key: string): Promise<boolean> {
  const { table, owner } = tableOf(kind);
  const res = await db.deleteFrom(table).where(owner, "=", id).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Remove all of an owner's metadata (the row itself is going). */
export async function dropMetadata(db: Q, kind: MetaKind, id: string): Promise<void> {
  const { table, owner } = tableOf(kind);
  await db.deleteFrom(table).where(owner, "=", id).execute();
}

/** Set one key only if the owner does not have it yet (a value already there is kept). */
export async function addMetadataKey(db: Q, kind: MetaKind, id: string, key: string, value: string): Promise<void> {
  const { table, owner } = tableOf(kind);
  await db
    .insertInto(table)
    .values({ [owner]: id, key, value } as { volume_id: string; key: string; value: string })
    .onConflict((oc) => oc.columns([owner, "key"]).doNothing())
    .execute();
}

/** What a volume view needs besides the row, read in one query for a set of volumes. */
export interface VolumeSideRows {
  metadata: Map<string, Record<string, string>>;
  adminMetadata: Map<string, Record<string, string>>;
  typeNames: Map<string, string>;
}

/**
 * The user and admin metadata of these volumes and the names of these types, as one UNION ALL
 * (a GET of one volume, or a page of a hundred, costs one query here instead of three).
 */
export async function volumeSideRows(db: Q, volumeIds: readonly string[], typeIds: readonly string[]): Promise<VolumeSideRows> {
  const out: VolumeSideRows = { metadata: new Map(), adminMetadata: new Map(), typeNames: new Map() };
  if (volumeIds.length === 0) return out;
  const build = () => {
    const ids = listPlaceholders("v", volumeIds.length);
    let q = db
      .selectFrom("volume_metadata")
      .select([sql<string>`'m'`.as("kind"), "volume_id as owner", "key", "value"])
      .where("volume_id", "in", ids)
      .unionAll(
        db
          .selectFrom("volume_admin_metadata")
          .select([sql<string>`'a'`.as("kind"), "volume_id as owner", "key", "value"])
          .where("volume_id", "in", ids),
      );
    if (typeIds.length > 0) {
      q = q.unionAll(
        db
          .selectFrom("volume_types")
          .select([sql<string>`'t'`.as("kind"), "id as owner", "name as key", "name as value"])
          .where("id", "in", listPlaceholders("t", typeIds.length)),
      );
    }
    return q.orderBy("key");
  };
  const rows = await runCompiled(db, `volume side rows ${volumeIds.length} ${typeIds.length}`, build, {
    ...listValues("v", volumeIds),
    ...listValues("t", typeIds),
  });
  for (const r of rows) {
    if (r.kind === "t") {
      out.typeNames.set(r.owner, r.value);
      continue;
    }
    const map = r.kind === "m" ? out.metadata : out.adminMetadata;
    const m = map.get(r.owner) ?? {};
    m[r.key] = r.value;
    map.set(r.owner, m);
  }
  return out;
}
