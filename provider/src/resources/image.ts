/**
 * cinder:index:Image — an image of the Image service (Glance v2: Cinderblock's built-in one, or an
 * external Glance), through the SDK's images client. The data comes from a local file (`source`):
 * Check hashes it (sha512, as Glance's `os_hash_value`), create uploads it and waits for `active`,
 * and a change of the path or of the content replaces the image. In place, with one JSON-patch
 * update: name, visibility, minDisk, minRam, protected, tags, properties (the keys the program
 * manages). Replaced: diskFormat, containerFormat, source. Delete refuses a protected image.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { isNotFound, type Image, type ImagePatchOp, type ImagesClient } from "@cinderblock/sdk";
import { autoname, checkInputs, previewOuts } from "../lib/check";
import { diffInputs, DiffKind, equal, mapChanges, type Rule } from "../lib/diff";
import { ResourceInitFailedError } from "../lib/errors";
import { orGone } from "../lib/sdk";
import { StatusError, TimeoutError, waitForStatus } from "../lib/wait";
import { containsUnknown, isUnknown, type Props } from "../lib/wire";
import type { CheckFailure, Ctx, PropSpec, ResourceDef } from "./types";

/** Glance's default disk and container formats (glance/common/config.py). */
export const DISK_FORMATS = ["raw", "qcow2", "vmdk", "vdi", "vhd", "vhdx", "iso", "ami", "ari", "aki", "ploop"] as const;
export const CONTAINER_FORMATS = ["bare", "ovf", "ova", "ami", "ari", "aki", "docker", "compressed"] as const;
export const VISIBILITIES = ["public", "private", "shared", "community"] as const;

/** Attributes Glance renders at top level that are not user properties. */
const NOT_PROPERTIES = new Set([
  "id", "name", "status", "visibility", "protected", "os_hidden", "owner", "disk_format", "container_format", "size", "virtual_size",
  "checksum", "os_hash_algo", "os_hash_value", "min_disk", "min_ram", "tags", "created_at", "updated_at", "self", "file", "schema",
  "direct_url", "locations", "deleted", "deleted_at", "stores",
]);
const isProperty = (k: string) => !NOT_PROPERTIES.has(k) && !k.startsWith("os_glance_");

export const imageProperties: Record<string, PropSpec> = {
  name: { type: "string", always: true, input: true, description: "Name (default: the logical name plus a random suffix)." },
  diskFormat: { type: "string", input: true, required: true, enum: DISK_FORMATS, replaceOnChanges: true, description: "Disk format of the data (replaces on change)." },
  containerFormat: {
    type: "string",
    always: true,
    input: true,
    enum: CONTAINER_FORMATS,
    replaceOnChanges: true,
    description: "Container format (default `bare`; replaces on change).",
  },
  source: {
    type: "string",
    input: true,
    replaceOnChanges: true,
    description:
      "Path of a local file with the image's data, uploaded on create. A change of the path, or of the file's content (its sha512, read at every preview), replaces the image. Without it the image is a record with no data (`queued`).",
  },
  visibility: { type: "string", always: true, input: true, enum: VISIBILITIES, description: "Visibility (the service's default when unset; `public` needs an admin). Changes in place." },
  minDisk: { type: "integer", always: true, input: true, description: "Minimum disk size in GiB to boot the image (default 0)." },
  minRam: { type: "integer", always: true, input: true, description: "Minimum RAM in MiB to boot the image (default 0)." },
  protected: { type: "boolean", always: true, input: true, description: "Protect the image from deletion (default false): deleting it fails until this is set false." },
  tags: { type: "array", always: true, items: { type: "string" }, input: true, description: "Tags (the whole list is managed)." },
  properties: { type: "stringMap", input: true, description: "Image properties the program manages (e.g. `os_distro`); other properties are left alone (see `allProperties`)." },
  sourceHash: { type: "string", always: false, description: "sha512 of the `source` file, as the provider read it." },
  status: { type: "string", description: "Status (`queued`, `active`, …)." },
  size: { type: "integer", always: false, description: "Size of the data in bytes." },
  virtualSize: { type: "integer", always: false, description: "Virtual size of the disk in bytes." },
  checksum: { type: "string", always: false, description: "md5 of the data." },
  osHashAlgo: { type: "string", always: false, description: "Algorithm of `osHashValue` (`sha512`)." },
  osHashValue: { type: "string", always: false, description: "Secure hash of the data (Glance's os_hash_value)." },
  owner: { type: "string", always: false, description: "The owning project." },
  allProperties: { type: "stringMap", description: "Every property the service reports, including keys the program does not manage." },
  createdAt: { type: "string", description: "Creation time (ISO 8601)." },
  updatedAt: { type: "string", description: "Last update time (ISO 8601)." },
};

const RULES: Record<string, Rule> = {
  name: "update",
  diskFormat: "replace",
  containerFormat: "replaceComputed",
  visibility: "computed",
  minDisk: "update",
  minRam: "update",
  protected: "update",
  tags: "update",
  properties: "perKey",
};

/** sha512 of a file, read in 1 MiB chunks. */
export function fileSha512(path: string): string {
  const h = createHash("sha512");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1024 * 1024);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

const propsOf = (img: Image): Record<string, string> =>
  Object.fromEntries(Object.entries(img).filter(([k, v]) => isProperty(k) && v !== null && v !== undefined).map(([k, v]) => [k, String(v)]));

const managed = (all: Record<string, string>, mine: unknown): Record<string, string> | undefined =>
  mine && typeof mine === "object" ? Object.fromEntries(Object.keys(mine).filter((k) => k in all).map((k) => [k, all[k]])) : undefined;

function outputs(img: Image, inputs: Props): Props {
  const all = propsOf(img);
  return {
    ...inputs,
    name: img.name ?? undefined,
    diskFormat: img.disk_format ?? inputs.diskFormat,
    containerFormat: img.container_format ?? inputs.containerFormat,
    visibility: img.visibility,
    minDisk: img.min_disk,
    minRam: img.min_ram,
    protected: img.protected,
    tags: [...img.tags],
    properties: managed(all, inputs.properties),
    allProperties: all,
    status: img.status,
    size: img.size ?? undefined,
    virtualSize: img.virtual_size ?? undefined,
    checksum: img.checksum ?? undefined,
    osHashAlgo: img.os_hash_algo ?? undefined,
    osHashValue: img.os_hash_value ?? undefined,
    owner: img.owner ?? undefined,
    createdAt: img.created_at,
    updatedAt: img.updated_at,
  };
}

export function checkImage(news: Props, olds: Props, input: { name: string; randomSeed?: Uint8Array }): { inputs: Props; failures: CheckFailure[] } {
  const { inputs, failures } = checkInputs(imageProperties, news);
  inputs.containerFormat ??= "bare";
  for (const k of ["minDisk", "minRam"]) {
    const v = inputs[k];
    if (typeof v === "number" && v < 0) failures.push({ property: k, reason: `${k} must be ≥ 0, got ${v}` });
  }
  const tags = inputs.tags;
  if (Array.isArray(tags)) {
    if (!tags.every((t) => typeof t === "string" || isUnknown(t))) failures.push({ property: "tags", reason: `tags must be strings, got ${JSON.stringify(tags)}` });
    else if (tags.some((t) => typeof t === "string" && t.length > 255)) failures.push({ property: "tags", reason: "a tag is at most 255 characters" });
    else if (new Set(tags.filter((t) => typeof t === "string")).size !== tags.filter((t) => typeof t === "string").length) {
      failures.push({ property: "tags", reason: `tags must not repeat (Glance keeps each tag once), got ${JSON.stringify(tags)}` });
    }
  }
  const p = inputs.properties;
  if (p && typeof p === "object" && !containsUnknown(p)) {
    for (const k of Object.keys(p)) {
      if (!isProperty(k)) {
        const own = Object.entries({ name: "name", disk_format: "diskFormat", container_format: "containerFormat", visibility: "visibility", min_disk: "minDisk", min_ram: "minRam", protected: "protected", tags: "tags" }).find(([g]) => g === k)?.[1];
        failures.push({ property: "properties", reason: own ? `properties must not contain '${k}': set the Image's own '${own}' input instead` : `properties must not contain '${k}': Glance reserves it` });
      }
    }
  }
  const src = inputs.source;
  if (typeof src === "string" && !isUnknown(src)) {
    try {
      const st = statSync(src);
      if (!st.isFile()) failures.push({ property: "source", reason: `source ${src} is not a regular file` });
      else inputs.sourceHash = fileSha512(src);
    } catch (e) {
      failures.push({ property: "source", reason: `source ${src} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    }
  }
  autoname(inputs, olds, input);
  return { inputs, failures };
}

/**
 * The rules above, plus the data: a new path or new content replaces. An imported image (no path
 * in its state) adopts the program's `source` without a change when the file holds the image's data
 * (its sha512 is the image's `os_hash_value`); dropping `source` from the program changes nothing.
 */
export function diffImage(olds: Props, news: Props, oldInputs: Props) {
  const before = Object.keys(oldInputs).length ? oldInputs : olds;
  const d = diffInputs(before, news, RULES);
  const n = news.source;
  if (n === undefined) return d;
  const known = before.sourceHash ?? (olds.osHashAlgo === "sha512" ? olds.osHashValue : undefined);
  const hashChanged = news.sourceHash === undefined || isUnknown(news.sourceHash) || news.sourceHash !== known;
  let kind: [string, DiffKind] | undefined;
  if (before.source === undefined) kind = hashChanged ? ["source", DiffKind.ADD_REPLACE] : undefined;
  else if (containsUnknown(n) || !equal(n, before.source)) kind = ["source", DiffKind.UPDATE_REPLACE];
  else if (hashChanged) kind = ["sourceHash", DiffKind.UPDATE_REPLACE];
  if (kind) {
    d.detailed[kind[0]] = kind[1];
    d.replaces.push(kind[0]);
    d.changes = true;
  }
  return d;
}

/** The JSON patch from `before` (the previous inputs) to `news`, for what changes in place. */
export function imagePatch(before: Props, news: Props): ImagePatchOp[] {
  const ops: ImagePatchOp[] = [];
  const set = (path: string, value: unknown) => ops.push({ op: "replace", path: `/${path}`, value });
  if (news.name !== before.name) set("name", news.name ?? null);
  if (news.visibility !== undefined && news.visibility !== before.visibility) set("visibility", news.visibility);
  if (news.minDisk !== before.minDisk) set("min_disk", news.minDisk ?? 0);
  if (news.minRam !== before.minRam) set("min_ram", news.minRam ?? 0);
  if (news.protected !== before.protected) set("protected", news.protected ?? false);
  if (!equal(news.tags, before.tags)) set("tags", news.tags ?? []);
  const meta = mapChanges(before.properties as Props | undefined, news.properties as Props | undefined);
  for (const [k, v] of Object.entries(meta.set)) ops.push({ op: "add", path: `/${pointer(k)}`, value: v });
  for (const k of meta.unset) ops.push({ op: "remove", path: `/${pointer(k)}` });
  return ops;
}

const pointer = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Waits for `active`; `killed` (Glance's failed upload) and errors fail at once. */
function waitActive(ctx: Ctx, images: ImagesClient, id: string): Promise<Image | undefined> {
  const get = async () => {
    const img = await orGone(() => images.show(id));
    if (img && (img.status === "killed" || img.status === "deleted")) throw new StatusError(`image ${id} went to status '${img.status}' while waiting for active`, img);
    return img;
  };
  return waitForStatus("image", id, get, ["active"], { timeoutMs: ctx.timeoutMs, signal: ctx.signal, clock: ctx.clock });
}

async function imagesOf(ctx: Ctx): Promise<ImagesClient> {
  if (!ctx.images) throw new Error("the provider has no Image service client");
  return ctx.images();
}

export const image: ResourceDef = {
  token: "cinder:index:Image",
  description:
    "An image of the Image service (Glance v2: Cinderblock's built-in image service at the catalog's `image` endpoint, or an external Glance), with its data uploaded from a local file. Volumes are made from it with `Volume.imageId`.",
  properties: imageProperties,
  importId: "the image id",
  defaultTimeoutSec: 1800,
  check: checkImage,
  diff: diffImage,
  preview: (inputs, olds) => previewOuts(imageProperties, inputs, olds),

  async create(ctx, inputs) {
    const images = await imagesOf(ctx);
    const props = (inputs.properties as Record<string, string> | undefined) ?? {};
    const created = await images.create({
      ...props,
      name: inputs.name as string,
      disk_format: inputs.diskFormat as string,
      container_format: inputs.containerFormat as string,
      ...(inputs.visibility !== undefined ? { visibility: inputs.visibility as "private" } : {}),
      ...(inputs.minDisk !== undefined ? { min_disk: inputs.minDisk as number } : {}),
      ...(inputs.minRam !== undefined ? { min_ram: inputs.minRam as number } : {}),
      ...(inputs.tags !== undefined ? { tags: inputs.tags as string[] } : {}),
    });
    const id = created.id;
    let last: Image = created;
    try {
      if (typeof inputs.source === "string") {
        last = await images.upload(id, createReadStream(inputs.source));
        last = (await waitActive(ctx, images, id))!;
        if (inputs.sourceHash !== undefined && last.os_hash_algo === "sha512" && last.os_hash_value !== inputs.sourceHash) {
          throw new Error(`the data stored (sha512 ${last.os_hash_value}) is not the content of ${inputs.source} when it was checked (sha512 ${inputs.sourceHash}): the file changed during the update`);
        }
      }
      // Protect last, so a failed upload can still be cleaned up.
      if (inputs.protected === true) last = await images.update(id, [{ op: "replace", path: "/protected", value: true }]);
      return { id, outs: outputs(last, inputs) };
    } catch (e) {
      const failed = e instanceof StatusError || e instanceof TimeoutError ? ((e.item as Image | undefined) ?? last) : last;
      // An image whose data was refused (killed, or never stored) is of no use: remove it, leave nothing behind.
      if (!(e instanceof TimeoutError) && (await images.delete(id).then(() => true, () => false))) {
        throw new Error(`image ${id} could not be made from ${String(inputs.source)} and was removed: ${describe(e)}`);
      }
      throw new ResourceInitFailedError(`image ${id} was created but is not usable: ${describe(e)}`, id, outputs(failed, inputs));
    }
  },

  async read(ctx, id, state, oldInputs) {
    const images = await imagesOf(ctx);
    const img = await orGone(() => images.show(id));
    if (!img) return undefined;
    const importing = Object.keys(oldInputs).length === 0;
    const all = propsOf(img);
    let inputs: Props;
    if (importing) {
      inputs = { name: img.name ?? undefined, diskFormat: img.disk_format ?? undefined, containerFormat: img.container_format ?? undefined, visibility: img.visibility };
      if (img.min_disk) inputs.minDisk = img.min_disk;
      if (img.min_ram) inputs.minRam = img.min_ram;
      if (img.protected) inputs.protected = true;
      if (img.tags.length) inputs.tags = [...img.tags];
      if (Object.keys(all).length) inputs.properties = all;
      if (img.os_hash_algo === "sha512" && img.os_hash_value) inputs.sourceHash = img.os_hash_value;
    } else {
      inputs = { ...oldInputs, name: img.name ?? undefined, diskFormat: img.disk_format ?? oldInputs.diskFormat, containerFormat: img.container_format ?? oldInputs.containerFormat };
      if (oldInputs.visibility !== undefined) inputs.visibility = img.visibility;
      if (oldInputs.minDisk !== undefined || img.min_disk) inputs.minDisk = img.min_disk;
      if (oldInputs.minRam !== undefined || img.min_ram) inputs.minRam = img.min_ram;
      if (oldInputs.protected !== undefined || img.protected) inputs.protected = img.protected;
      if (oldInputs.tags !== undefined || img.tags.length) inputs.tags = [...img.tags];
      if (oldInputs.properties !== undefined) inputs.properties = managed(all, oldInputs.properties);
      // The data never changes under an image; a hash that differs from the stored one means it was replaced elsewhere.
      if (img.os_hash_algo === "sha512" && img.os_hash_value && oldInputs.sourceHash !== undefined) inputs.sourceHash = img.os_hash_value;
    }
    for (const k of Object.keys(inputs)) if (inputs[k] === undefined) delete inputs[k];
    return { id, outs: outputs(img, { ...state, ...inputs }), inputs };
  },

  async update(ctx, id, olds, news, oldInputs) {
    const images = await imagesOf(ctx);
    const before = Object.keys(oldInputs).length ? oldInputs : olds;
    const ops = imagePatch(before, news);
    const img = ops.length ? await images.update(id, ops) : await images.show(id);
    return outputs(img, news);
  },

  async delete(ctx, id) {
    const images = await imagesOf(ctx);
    const img = await orGone(() => images.show(id));
    if (!img) return;
    if (img.protected) {
      throw new Error(`image ${id} (${img.name ?? "unnamed"}) is protected and cannot be deleted: set protected: false on the Image (an update), then delete it`);
    }
    try {
      await images.delete(id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
};

function describe(e: unknown): string {
  const d = (e as { describe?: () => string }).describe;
  return typeof d === "function" ? d.call(e) : (e as Error).message;
}
