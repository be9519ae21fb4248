/**
 * A small client of the Image service (Glance v2, as Cinderblock's built-in one or a real
 * Glance serves it) at the catalog's `image` endpoint, with the session of a CinderClient:
 * list, show, create, upload, download and delete images.
 *
 * ```ts
 * const images = imagesClient(client);
 * const img = await images.create({ name: "debian", disk_format: "qcow2", container_format: "bare" });
 * await images.upload(img.id, await readFile("debian.qcow2"));
 * await client.volumes.create({ size: 10, imageRef: img.id });
 * ```
 */
import { Readable } from "node:stream";
import { findEndpoint } from "./auth/catalog";
import type { CinderClient } from "./client";
import type { EndpointInterface } from "./config/options";
import { ConnectionError, errorFromResponse } from "./errors";
import { USER_AGENT } from "./transport";

/** An image as Glance v2 renders it: the core fields and its other properties (strings) at top level. */
export interface Image {
  id: string;
  name: string | null;
  status: string;
  visibility: string;
  protected: boolean;
  os_hidden?: boolean;
  owner: string | null;
  disk_format: string | null;
  container_format: string | null;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  min_disk: number;
  min_ram: number;
  tags: string[];
  created_at: string;
  updated_at: string;
  [property: string]: unknown;
}

/** `POST /v2/images`: the core attributes a client may set, and other properties as strings. */
export interface ImageCreate {
  id?: string;
  name?: string;
  disk_format?: string;
  container_format?: string;
  visibility?: "public" | "private" | "shared" | "community";
  protected?: boolean;
  os_hidden?: boolean;
  min_disk?: number;
  min_ram?: number;
  tags?: string[];
  [property: string]: unknown;
}

/** One operation of Glance's image update (`application/openstack-images-v2.1-json-patch`): `path` is `/<attribute>`. */
export interface ImagePatchOp {
  op: "add" | "replace" | "remove";
  path: string;
  value?: unknown;
}

/** Glance's list filters (`name`, `status`, `visibility`, `tag`, `os_hidden`, `sort`, …) and `limit` per page. */
export type ImageListQuery = Record<string, string | number | boolean | undefined>;

export interface ImagesOptions {
  /** The image endpoint (…/image); by default the catalog's `image` service. */
  endpoint?: string;
  /** The catalog interface (default public). */
  interface?: EndpointInterface;
  region?: string;
}

/** The Image API (v2) over the endpoint the options or the client's catalog name. */
export class ImagesClient {
  /** The image service root, e.g. `https://cloud/image` (paths are `/v2/...` under it). */
  readonly endpoint: string;

  constructor(
    private readonly client: CinderClient,
    options: ImagesOptions = {},
  ) {
    const raw = options.endpoint ?? findEndpoint(client.token?.catalog, { serviceTypes: ["image"], interface: options.interface ?? "public", region: options.region });
    this.endpoint = raw.replace(/\/+$/, "").replace(/\/v2$/, "");
  }

  /** Every image the caller may see (paged as Glance pages, following `next`). */
  async *list(query: ImageListQuery = {}): AsyncGenerator<Image> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    let path: string | undefined = `/v2/images${q.size ? `?${q}` : ""}`;
    while (path) {
      const page = (await this.json("GET", path, [200])) as { images: Image[]; next?: string };
      yield* page.images;
      path = page.next && page.images.length > 0 ? page.next : undefined;
    }
  }

  show(id: string): Promise<Image> {
    return this.json("GET", `/v2/images/${encodeURIComponent(id)}`, [200]) as Promise<Image>;
  }

  /** A queued image record; its data comes with upload(). */
  create(body: ImageCreate): Promise<Image> {
    return this.json("POST", "/v2/images", [201], body) as Promise<Image>;
  }

  /** Stores the image's data (queued → active); the record as it is then. */
  async upload(id: string, data: Buffer | Uint8Array | Readable): Promise<Image> {
    const body = data instanceof Readable ? (Readable.toWeb(data) as ReadableStream) : data;
    await this.send("PUT", `/v2/images/${encodeURIComponent(id)}/file`, [204], {
      body,
      headers: { "Content-Type": "application/octet-stream" },
      ...(data instanceof Readable ? { duplex: "half" } : {}),
    });
    return this.show(id);
  }

  /** The image's data as a stream; null when the image has none yet. */
  async downloadStream(id: string): Promise<Readable | null> {
    const res = await this.send("GET", `/v2/images/${encodeURIComponent(id)}/file`, [200, 204], { headers: { Accept: "application/octet-stream" } });
    if (res.status === 204 || !res.body) return null;
    return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  }

  /** The image's data in memory; null when it has none yet. */
  async download(id: string): Promise<Buffer | null> {
    const stream = await this.downloadStream(id);
    if (!stream) return null;
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** `PATCH /v2/images/{id}`: the JSON-patch operations, applied in order; the image as it is then. */
  async update(id: string, ops: ImagePatchOp[]): Promise<Image> {
    const res = await this.send("PATCH", `/v2/images/${encodeURIComponent(id)}`, [200], {
      body: JSON.stringify(ops),
      headers: { "Content-Type": "application/openstack-images-v2.1-json-patch" },
    });
    return (await res.json()) as Image;
  }

  async delete(id: string): Promise<void> {
    await this.send("DELETE", `/v2/images/${encodeURIComponent(id)}`, [204]);
  }

  private async json(method: string, path: string, ok: number[], body?: unknown): Promise<unknown> {
    const res = await this.send(method, path, ok, body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  private async send(method: string, path: string, ok: number[], init: DataInit = {}): Promise<Response> {
    const url = this.endpoint + path;
    const token = await this.client.authToken();
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": USER_AGENT, ...(token ? { "X-Auth-Token": token } : {}), ...init.headers };
    let res: Response;
    try {
      res = await fetch(url, { ...init, method, headers });
    } catch (e) {
      throw new ConnectionError(`${method} ${url} failed: ${(e as Error).message}`, method, url, undefined, false, { cause: e });
    }
    if (ok.includes(res.status)) return res;
    const text = await res.text();
    const resHeaders = Object.fromEntries([...res.headers].map(([k, v]) => [k.toLowerCase(), v]));
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Glance's plain-text fault
    }
    // Glance's fault is {"code", "title", "message"}: the title names it, as Keystone's does.
    const g = parsed as { title?: unknown; message?: unknown };
    const body = g && typeof g === "object" && typeof g.message === "string" ? { error: { title: g.title, message: g.message } } : parsed;
    throw errorFromResponse({ status: res.status, body, headers: resHeaders, method, url });
  }
}

/** fetch's options with plain headers, and `duplex` for a streamed body. */
type DataInit = Omit<RequestInit, "headers"> & { duplex?: "half"; headers?: Record<string, string> };

/** The image client of `client`'s session (see ImagesClient). */
export function imagesClient(client: CinderClient, options?: ImagesOptions): ImagesClient {
  return new ImagesClient(client, options);
}
