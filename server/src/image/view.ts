/** An image row as Glance v2 renders it (glance/api/v2/images.py ResponseSerializer `_format_image`). */
import type { ImageMemberRow, ImageRow } from "../db/schema";
import type { GlanceImage } from "./interface";

/** Glance's timestamps: ISO-8601 to the second, with Z. */
export function glanceTime(t: string): string {
  return `${t.slice(0, 19)}Z`;
}

export function imageView(r: ImageRow): GlanceImage {
  const props = JSON.parse(r.properties) as Record<string, string>;
  return {
    ...props,
    id: r.id,
    name: r.name,
    status: r.status,
    visibility: r.visibility,
    protected: Boolean(r.protected),
    os_hidden: Boolean(r.os_hidden),
    owner: r.owner,
    disk_format: r.disk_format,
    container_format: r.container_format,
    size: r.size === null ? null : Number(r.size),
    virtual_size: r.virtual_size === null ? null : Number(r.virtual_size),
    checksum: r.checksum,
    os_hash_algo: r.os_hash_algo,
    os_hash_value: r.os_hash_value,
    min_disk: r.min_disk,
    min_ram: r.min_ram,
    tags: JSON.parse(r.tags) as string[],
    created_at: glanceTime(r.created_at),
    updated_at: glanceTime(r.updated_at),
    self: `/v2/images/${r.id}`,
    file: `/v2/images/${r.id}/file`,
    schema: "/v2/schemas/image",
  };
}

export function memberView(m: ImageMemberRow): Record<string, string> {
  return {
    image_id: m.image_id,
    member_id: m.member,
    status: m.status,
    created_at: glanceTime(m.created_at),
    updated_at: glanceTime(m.updated_at),
    schema: "/v2/schemas/member",
  };
}
