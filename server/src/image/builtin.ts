/**
 * The built-in image service: a Glance v2 subset over the database (db/repos/images) and files
 * under the data directory (store.ts). The HTTP handlers of `/image/v2` call it, and so does the
 * volume service, through the ImageService interface an external Glance also implements.
 *
 * Status as Glance's (glance/domain/__init__.py): queued -> saving (data arriving) -> active;
 * data that qemu-img cannot read as the image's disk format leaves it `killed`; an upload cut off
 * half-way returns it to `queued`. An active image can be deactivated (its data then served to
 * admins only) and reactivated.
 */
import { randomUUID } from "node:crypto";
import { promises as fsp } from "node:fs";
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { CinderError } from "../contract/errors";
import { now } from "../contract/time";
import type { Executor } from "../exec/executor";
import type { Database, ImageRow, ImagesTable } from "../db/schema";
import { casImage, countImagesOf, deleteImageRow, getImage, getMember, insertImage, listVisibleImages } from "../db/repos/images";
import type { GlanceImage, ImageCaller, ImageService } from "./interface";
import { inspectImage } from "./qemu";
import {
  checkEnum, checkNonNegativeInt, checkProperty, checkTags, checkVisibilityChange, CONTAINER_FORMATS, CORE, DISK_FORMATS,
  glanceBadRequest, glanceConflict, imageNotFound, mayRead, mustOwn, mustWrite, READ_ONLY, VISIBILITIES,
} from "./rules";
import { type ImageFileStore, TooLargeError } from "./store";
import { imageView } from "./view";
import { listPage, type ImagePage } from "./list";
import { parsePatch } from "./patch";

export interface BuiltinImageOptions {
  /** Images a project may own (Glance's image_count_total limit); 0 or less: none. */
  imageQuota: number;
  /** The largest image data accepted, bytes (Glance's image_size_cap). */
  maxImageBytes: number;
}

export class BuiltinImages implements ImageService {
  constructor(
    readonly db: Kysely<Database>,
    readonly store: ImageFileStore,
    private readonly exec: Executor,
    private readonly opts: BuiltinImageOptions,
  ) {}

  /** The row as the caller may see it. @throws 404 otherwise. */
  async find(c: ImageCaller, id: string): Promise<ImageRow> {
    const img = await getImage(this.db, id);
    if (!img) throw imageNotFound(id);
    const member = img.visibility === "shared" && !c.isAdmin && img.owner !== c.projectId ? await getMember(this.db, id, c.projectId) : undefined;
    if (!mayRead(c, img, member !== undefined)) throw imageNotFound(id);
    return img;
  }

  async show(c: ImageCaller, id: string): Promise<GlanceImage> {
    return imageView(await this.find(c, id));
  }

  async list(c: ImageCaller, query: Record<string, string>): Promise<ImagePage> {
    if (query.visibility !== undefined) checkEnum("visibility", query.visibility, [...VISIBILITIES, "all"]);
    const visibility = query.visibility === "all" ? undefined : query.visibility;
    const rows = await listVisibleImages(this.db, c, { visibility, memberStatus: query.member_status });
    return listPage(rows, query);
  }

  async create(c: ImageCaller, body: Record<string, unknown>): Promise<GlanceImage> {
    mustWrite(c, "add_image");
    if (!body || typeof body !== "object" || Array.isArray(body)) throw glanceBadRequest("Request body must be a JSON object.");
    const t = now();
    const row: ImagesTable = {
      id: randomUUID(),
      name: null,
      owner: c.projectId,
      status: "queued",
      visibility: "shared",
      protected: 0,
      os_hidden: 0,
      disk_format: null,
      container_format: null,
      size: null,
      virtual_size: null,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      min_disk: 0,
      min_ram: 0,
      properties: "{}",
      tags: "[]",
      created_at: t,
      updated_at: t,
    };
    if (typeof body.id === "string") {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body.id)) throw glanceBadRequest(`Invalid image id '${body.id}': it must be a UUID.`);
      if (await getImage(this.db, body.id)) throw glanceConflict(`An image with identifier ${body.id} already exists`);
      row.id = body.id.toLowerCase();
    }
    for (const [k, v] of Object.entries(body)) {
      if (k === "id") continue;
      if (READ_ONLY.has(k)) throw new CinderError(403, `Attribute '${k}' is read-only.`);
      applyAttribute(c, row, k, v);
    }
    if (this.opts.imageQuota > 0) {
      const used = await countImagesOf(this.db, c.projectId);
      if (used + 1 > this.opts.imageQuota) {
        throw new CinderError(413, `Resource image_count_total is over limit of ${this.opts.imageQuota} due to current usage ${used} and delta 1`);
      }
    }
    await insertImage(this.db, row);
    return imageView((await getImage(this.db, row.id))!);
  }

  async update(c: ImageCaller, id: string, body: unknown): Promise<GlanceImage> {
    const ops = parsePatch(body);
    const img = await this.find(c, id);
    mustOwn(c, img, "modify_image");
    const row: ImagesTable = { ...img };
    const props = JSON.parse(img.properties) as Record<string, string>;
    for (const op of ops) {
      if (op.op === "remove") {
        if (!(op.path in props)) throw new CinderError(409, `Property ${op.path} does not exist.`);
        delete props[op.path];
      } else if (CORE.has(op.path)) {
        applyAttribute(c, row, op.path, op.value);
      } else {
        if (op.op === "replace" && !(op.path in props)) throw new CinderError(409, `Property ${op.path} does not exist.`);
        props[op.path] = checkProperty(op.path, op.value);
      }
    }
    if (img.status === "active" && (row.disk_format !== img.disk_format || row.container_format !== img.container_format)) {
      throw glanceBadRequest("Properties disk_format, container_format must be set prior to saving data.");
    }
    const changes: Partial<ImagesTable> = {
      name: row.name, visibility: row.visibility, protected: row.protected, os_hidden: row.os_hidden, disk_format: row.disk_format,
      container_format: row.container_format, min_disk: row.min_disk, min_ram: row.min_ram, tags: row.tags,
      properties: JSON.stringify(props), updated_at: now(),
    };
    await casImage(this.db, id, undefined, changes);
    return imageView((await getImage(this.db, id))!);
  }

  async remove(c: ImageCaller, id: string): Promise<void> {
    const img = await this.find(c, id);
    mustOwn(c, img, "delete_image");
    if (img.protected) throw new CinderError(403, `Image ${id} is protected and cannot be deleted.`);
    if (await deleteImageRow(this.db, id)) await this.store.remove(id);
  }

  async upload(c: ImageCaller, id: string, data: Readable): Promise<GlanceImage> {
    const img = await this.find(c, id);
    mustOwn(c, img, "upload_image");
    if (!img.disk_format || !img.container_format) {
      data.resume();
      throw glanceBadRequest("Properties disk_format, container_format must be set prior to saving data.");
    }
    if (!(await casImage(this.db, id, ["queued"], { status: "saving", updated_at: now() }))) {
      data.resume();
      throw glanceConflict(`Image status transition from ${img.status} to saving is not allowed`);
    }
    let stored;
    try {
      stored = await this.store.write(id, data, this.opts.maxImageBytes);
    } catch (err) {
      await casImage(this.db, id, ["saving"], { status: "queued", updated_at: now() });
      if (err instanceof TooLargeError) throw new CinderError(413, err.message);
      throw err;
    }
    let virtualSize: number;
    try {
      virtualSize = (await inspectImage(this.exec, this.store.path(id), img.disk_format)).virtualSize;
    } catch (err) {
      await this.store.remove(id);
      await casImage(this.db, id, ["saving"], { status: "killed", updated_at: now() });
      throw glanceBadRequest(`Image content does not match disk_format: ${(err as Error).message}.`);
    }
    const won = await casImage(this.db, id, ["saving"], {
      status: "active", size: stored.size, virtual_size: virtualSize, checksum: stored.md5,
      os_hash_algo: "sha512", os_hash_value: stored.sha512, updated_at: now(),
    });
    if (!won) {
      // Deleted while the data came in: the row is gone, so is its file.
      await this.store.remove(id);
      throw imageNotFound(id);
    }
    return imageView((await getImage(this.db, id))!);
  }

  /** The image's data; null when it has none yet (Glance answers 204). */
  async openData(c: ImageCaller, id: string): Promise<Readable | null> {
    const img = await this.find(c, id);
    if (img.status === "deactivated" && !c.isAdmin) {
      throw new CinderError(403, "The requested image has been deactivated. Image data download is forbidden.");
    }
    if ((img.status !== "active" && img.status !== "deactivated") || !(await this.store.exists(id))) return null;
    return this.store.read(id);
  }

  async download(c: ImageCaller, id: string): Promise<Readable> {
    const data = await this.openData(c, id);
    if (!data) throw glanceConflict(`Image ${id} has no data: it is not active.`);
    return data;
  }

  /**
   * Glance's image actions (glance/api/v2/image_actions.py, glance/domain Image `deactivate`,
   * `reactivate`): active <-> deactivated, a no-op on an image already there, 403 from any other
   * status. Policy `deactivate`/`reactivate`: admin or a member of the owning project.
   */
  async setActive(c: ImageCaller, id: string, active: boolean): Promise<void> {
    const img = await this.find(c, id);
    const [action, from, to] = active ? ["reactivate", "deactivated", "active"] : ["deactivate", "active", "deactivated"];
    mustOwn(c, img, action);
    if (img.status === to) return;
    if (img.status !== from || !(await casImage(this.db, id, [from], { status: to, updated_at: now() }))) {
      const current = (await getImage(this.db, id))?.status ?? img.status;
      if (current === to) return;
      throw new CinderError(403, `Not allowed to ${action} image in status '${current}'`);
    }
  }

  async addTag(c: ImageCaller, id: string, tag: string): Promise<void> {
    const img = await this.find(c, id);
    mustOwn(c, img, "modify_image");
    if (tag.length === 0 || tag.length > 255) throw glanceBadRequest("Tags must be 1 to 255 characters.");
    const tags = JSON.parse(img.tags) as string[];
    if (!tags.includes(tag)) await casImage(this.db, id, undefined, { tags: JSON.stringify([...tags, tag]), updated_at: now() });
  }

  async deleteTag(c: ImageCaller, id: string, tag: string): Promise<void> {
    const img = await this.find(c, id);
    mustOwn(c, img, "modify_image");
    const tags = JSON.parse(img.tags) as string[];
    if (!tags.includes(tag)) throw new CinderError(404, `Tag ${tag} not found.`);
    await casImage(this.db, id, undefined, { tags: JSON.stringify(tags.filter((t) => t !== tag)), updated_at: now() });
  }

  /** Removes data files with no image row (an upload cut off by a crash), at start. */
  async sweep(): Promise<void> {
    await this.store.prepare();
    for (const name of await fsp.readdir(this.store.dir)) {
      if (name.startsWith(".work-")) await fsp.rm(`${this.store.dir}/${name}`, { force: true });
      const id = name.replace(/\.part$/, "");
      if (name.endsWith(".part") || !(await getImage(this.db, id))) await this.store.remove(id);
    }
    // An upload the crash interrupted: its data never arrived whole.
    for (const img of await listVisibleImages(this.db, { projectId: "", isAdmin: true }, {})) {
      if (img.status === "saving") await casImage(this.db, img.id, ["saving"], { status: "queued", updated_at: now() });
    }
  }
}

/** Sets one core attribute or property on a row being created or updated. */
function applyAttribute(c: ImageCaller, row: ImagesTable, k: string, v: unknown): void {
  switch (k) {
    case "name":
      if (v !== null && (typeof v !== "string" || v.length > 255)) throw glanceBadRequest("Provided object does not match schema 'image': name must be a string of at most 255 characters");
      row.name = v as string | null;
      return;
    case "disk_format":
      row.disk_format = v === null ? null : checkEnum(k, v, DISK_FORMATS);
      return;
    case "container_format":
      row.container_format = v === null ? null : checkEnum(k, v, CONTAINER_FORMATS);
      return;
    case "visibility":
      row.visibility = checkEnum(k, v, VISIBILITIES);
      checkVisibilityChange(c, row.visibility);
      return;
    case "protected":
      if (typeof v !== "boolean") throw glanceBadRequest(`Provided object does not match schema 'image': ${JSON.stringify(v)} is not of type 'boolean' (protected)`);
      row.protected = v ? 1 : 0;
      return;
    case "min_disk":
    case "min_ram":
      row[k] = checkNonNegativeInt(k, v);
      return;
    case "tags":
      row.tags = JSON.stringify(checkTags(v));
      return;
    case "os_hidden":
      if (typeof v !== "boolean") throw glanceBadRequest(`Provided object does not match schema 'image': ${JSON.stringify(v)} is not of type 'boolean' (os_hidden)`);
      row.os_hidden = v ? 1 : 0;
      return;
    default: {
      const props = JSON.parse(row.properties) as Record<string, string>;
      props[k] = checkProperty(k, v);
      row.properties = JSON.stringify(props);
    }
  }
}
