/**
 * An external Glance v2 as the image service (cf. cinder/image/glance.py GlanceClientWrapper):
 * the same calls the built-in service answers, over HTTP with the caller's token. Glance's faults
 * come back as CinderErrors with Glance's status and message.
 */
import { Readable } from "node:stream";
import { CinderError } from "../contract/errors";
import type { GlanceImage, ImageCaller, ImageService } from "./interface";

export class GlanceClient implements ImageService {
  private readonly base: string;

  /** `endpoint`: Glance's root (`http://glance:9292`); requests go to `<endpoint>/v2/...`. */
  constructor(endpoint: string) {
    this.base = endpoint.replace(/\/+$/, "").replace(/\/v2$/, "");
  }

  private async request(caller: ImageCaller, method: string, path: string, init: { body?: string | ReadableStream; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (caller.authToken) headers["X-Auth-Token"] = caller.authToken;
    if (init.contentType) headers["Content-Type"] = init.contentType;
    const res = await fetch(`${this.base}/v2${path}`, {
      method,
      headers,
      ...(init.body !== undefined ? { body: init.body, duplex: "half" } : {}),
    } as RequestInit);
    if (res.status >= 400) throw new CinderError(res.status, await faultMessage(res));
    return res;
  }

  async show(caller: ImageCaller, id: string): Promise<GlanceImage> {
    return (await (await this.request(caller, "GET", `/images/${encodeURIComponent(id)}`)).json()) as GlanceImage;
  }

  async download(caller: ImageCaller, id: string): Promise<Readable> {
    const res = await this.request(caller, "GET", `/images/${encodeURIComponent(id)}/file`);
    if (res.status === 204 || !res.body) throw new CinderError(409, `Image ${id} has no data: it is not active.`);
    return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
  }

  async create(caller: ImageCaller, body: Record<string, unknown>): Promise<GlanceImage> {
    const res = await this.request(caller, "POST", "/images", { body: JSON.stringify(body), contentType: "application/json" });
    return (await res.json()) as GlanceImage;
  }

  async upload(caller: ImageCaller, id: string, data: Readable): Promise<GlanceImage> {
    await this.request(caller, "PUT", `/images/${encodeURIComponent(id)}/file`, {
      body: Readable.toWeb(data) as unknown as ReadableStream,
      contentType: "application/octet-stream",
    });
    return this.show(caller, id);
  }

  async remove(caller: ImageCaller, id: string): Promise<void> {
    await this.request(caller, "DELETE", `/images/${encodeURIComponent(id)}`);
  }
}

/** Glance's message from its JSON fault, or the text page's second paragraph. */
async function faultMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const j = JSON.parse(text) as { message?: string; error?: { message?: string } };
    if (j.message) return j.message;
    if (j.error?.message) return j.error.message;
  } catch {
    // webob's text page
  }
  const parts = text.split("\n\n").map((p) => p.trim()).filter(Boolean);
  return `Glance: ${parts[1] ?? parts[0] ?? res.statusText}`;
}

/** The image service a config names. */
export function glanceEndpointOf(imageService: string): string | undefined {
  return imageService.startsWith("glance:") ? imageService.slice("glance:".length) : undefined;
}
