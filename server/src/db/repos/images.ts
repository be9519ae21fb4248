/**
 * Image rows (glance/db/sqlalchemy/api.py image_create, image_get, image_get_all, image_update,
 * image_destroy, image_member_*) and a volume's image metadata (cinder/db/sqlalchemy/api.py
 * volume_glance_metadata_*). Status changes are compare-and-set on the status read.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database, ImageMemberRow, ImageRow, ImagesTable } from "../schema";

type Q = Kysely<Database> | Transaction<Database>;

/** A row with its numbers as numbers (PostgreSQL returns bigint as text). */
function norm(r: ImageRow): ImageRow {
  return {
    ...r,
    size: r.size === null ? null : Number(r.size),
    virtual_size: r.virtual_size === null ? null : Number(r.virtual_size),
    protected: Number(r.protected),
    os_hidden: Number(r.os_hidden),
    min_disk: Number(r.min_disk),
    min_ram: Number(r.min_ram),
  };
}

export async function insertImage(q: Q, row: ImagesTable): Promise<void> {
  await q.insertInto("images").values(row).execute();
}

export async function getImage(q: Q, id: string): Promise<ImageRow | undefined> {
  const r = await q.selectFrom("images").selectAll().where("id", "=", id).executeTakeFirst();
  return r ? norm(r) : undefined;
}

/** Changes the image when its status is one of `statuses` (any, when omitted); false when it was not. */
export async function casImage(q: Q, id: string, statuses: readonly string[] | undefined, changes: Partial<ImagesTable>): Promise<boolean> {
  let u = q.updateTable("images").set(changes).where("id", "=", id);
  if (statuses) u = u.where("status", "in", statuses);
  const res = await u.executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function deleteImageRow(q: Q, id: string): Promise<boolean> {
  const res = await q.deleteFrom("images").where("id", "=", id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function countImagesOf(q: Q, owner: string): Promise<number> {
  const r = await q.selectFrom("images").select((eb) => eb.fn.countAll<number>().as("n")).where("owner", "=", owner).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The images a project may list, as Glance's `_select_images_query`: an admin every image; anyone
 * else the public ones, their own, community ones only when asked for by visibility, and shared ones
 * they are a member of (in `memberStatus`, default accepted).
 */
export async function listVisibleImages(
  q: Q,
  viewer: { projectId: string; isAdmin: boolean },
  opts: { visibility?: string; memberStatus?: string },
): Promise<ImageRow[]> {
  let sel = q.selectFrom("images").selectAll();
  if (opts.visibility) sel = sel.where("visibility", "=", opts.visibility);
  if (!viewer.isAdmin) {
    const memberStatus = opts.memberStatus ?? "accepted";
    sel = sel.where((eb) =>
      eb.or([
        eb("owner", "=", viewer.projectId),
        eb("visibility", "=", "public"),
        ...(opts.visibility === "community" ? [eb("visibility", "=", "community")] : []),
        eb.and([
          eb("visibility", "=", "shared"),
          eb(
            "id",
            "in",
            eb
              .selectFrom("image_members")
              .select("image_id")
              .where("member", "=", viewer.projectId)
              .where((w) => (memberStatus === "all" ? w.lit(true) : w("status", "=", memberStatus))),
          ),
        ]),
      ]),
    );
  }
  return (await sel.execute()).map(norm);
}

export async function listMembers(q: Q, imageId: string): Promise<ImageMemberRow[]> {
  return q.selectFrom("image_members").selectAll().where("image_id", "=", imageId).orderBy("created_at").orderBy("member").execute();
}

export async function getMember(q: Q, imageId: string, member: string): Promise<ImageMemberRow | undefined> {
  return q.selectFrom("image_members").selectAll().where("image_id", "=", imageId).where("member", "=", member).executeTakeFirst();
}

export async function insertMember(q: Q, row: ImageMemberRow): Promise<void> {
  await q.insertInto("image_members").values(row).execute();
}

export async function updateMember(q: Q, imageId: string, member: string, status: string, at: string): Promise<void> {
  await q.updateTable("image_members").set({ status, updated_at: at }).where("image_id", "=", imageId).where("member", "=", member).execute();
}

export async function deleteMember(q: Q, imageId: string, member: string): Promise<boolean> {
  const res = await q.deleteFrom("image_members").where("image_id", "=", imageId).where("member", "=", member).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A volume's image metadata, key -> value. */
export async function volumeGlanceMetadata(q: Q, volumeId: string): Promise<Record<string, string>> {
  const rows = await q.selectFrom("volume_glance_metadata").select(["key", "value"]).where("volume_id", "=", volumeId).orderBy("key").execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** The image metadata of many volumes at once (views of a list). */
export async function volumesGlanceMetadata(q: Q, volumeIds: readonly string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (volumeIds.length === 0) return out;
  const rows = await q.selectFrom("volume_glance_metadata").select(["volume_id", "key", "value"]).where("volume_id", "in", volumeIds).orderBy("key").execute();
  for (const r of rows) {
    const m = out.get(r.volume_id) ?? {};
    m[r.key] = r.value;
    out.set(r.volume_id, m);
  }
  return out;
}

/** Sets (adds or replaces) keys of a volume's image metadata. */
export async function setVolumeGlanceMetadata(q: Q, volumeId: string, meta: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(meta)) {
    await q.deleteFrom("volume_glance_metadata").where("volume_id", "=", volumeId).where("key", "=", key).execute();
    await q.insertInto("volume_glance_metadata").values({ volume_id: volumeId, key, value }).execute();
  }
}

/** Removes one key; false when the volume had no such key. */
export async function deleteVolumeGlanceMetadataKey(q: Q, volumeId: string, key: string): Promise<boolean> {
  const res = await q.deleteFrom("volume_glance_metadata").where("volume_id", "=", volumeId).where("key", "=", key).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export async function deleteVolumeGlanceMetadata(q: Q, volumeId: string): Promise<void> {
  await q.deleteFrom("volume_glance_metadata").where("volume_id", "=", volumeId).execute();
}
